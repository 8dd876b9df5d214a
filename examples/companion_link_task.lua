-- companion_link.lua in task style: the same link as one loop that reads top to bottom. Inside
-- task.spawn, net.ws:open waits for the handshake, c:receive() waits for the next message, and
-- task.wait() waits out the back-off; there is no callback and no state kept between them.
-- Compare it with companion_link.lua, the callback style (there net.ws's `reconnect` option retries).
--
-- When the app goes away (closed, crashed, restarted) the link notices and reconnects with
-- back-off: 0.25 s, 0.5 s, 1 s, 2 s ... at most 4 s between attempts, starting again from 0.25 s
-- once connected. The app must be running when the link starts: a first connect that fails is not
-- retried.
--
-- Offline, with a stand-in app that goes away once and comes back (companion_app.lua):
--   dotnet run --project Host -c Release -- run examples/companion_app.lua examples/companion_link_task.lua
-- Live, against your companion app:
--   COMPANION_URL=ws://127.0.0.1:PORT/ dotnet run --project Host -c Release -- run examples/companion_link_task.lua
--
-- The link ends after SESSIONS sessions, so the example stops by itself; a real link keeps going.

local URL = os.getenv("COMPANION_URL") or ("ws://127.0.0.1:" .. (os.getenv("COMPANION_PORT") or "47800") .. "/")
local SESSIONS = 2          -- sessions to complete before the example ends
local ATTEMPTS = 12         -- failed attempts in a row before giving up (about 30 s)

-- Talks to the app until the connection ends; returns how many sessions are done by then.
local function talk(c, sessions_done)
  c:send(json.encode({ type = "hello", mod = "hud", want = "status" }))
  while true do
    local msg, why = c:receive()
    if msg == nil then
      print("link: the app went away (" .. why .. ")")
      return sessions_done
    end
    local ok, m = pcall(json.decode, msg)
    if not ok or type(m) ~= "table" then
      log.warn("link: ignoring a message that is not JSON: " .. msg)
    elseif m.type == "welcome" then
      print("link: app session " .. tostring(m.session) .. " says welcome")
    elseif m.type == "status" then
      print(("link: status from session %s: %s"):format(tostring(m.session), tostring(m.text)))
      sessions_done = sessions_done + 1
      if sessions_done >= SESSIONS then
        print("link: done after " .. sessions_done .. " sessions")
        c:close()
        return sessions_done
      end
    end
  end
end

task.spawn(function()
  local sessions_done = 0
  local failures, delay -- both restart at each connection
  local c, why = net.ws:open(URL)
  while c do
    print("link: connected to " .. URL)
    failures, delay = 0, 0.25
    sessions_done = talk(c, sessions_done)
    if sessions_done >= SESSIONS then break end
    c = nil
    while not c and failures < ATTEMPTS do
      print(("link: retrying in %.2f s"):format(delay))
      task.wait(delay)
      c, why = net.ws:open(URL)
      if not c then
        print("link: app not reachable (" .. why .. ")")
        failures, delay = failures + 1, math.min(delay * 2, 4)
      end
    end
  end
  if sessions_done < SESSIONS then
    log.error("link: giving up (" .. tostring(why) .. ")")
  end
  script.unload()
end)
