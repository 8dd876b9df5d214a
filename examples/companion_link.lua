-- A link to a companion app on this machine (an overlay, a stream-deck bridge, a phone relay) over
-- a WebSocket. When the app goes away (closed, crashed, restarted) the link notices and reconnects
-- with back-off: 0.25 s, 0.5 s, 1 s, 2 s ... at most 4 s between attempts, starting again from 0.25 s
-- once connected.
--
-- Offline, with a stand-in app that goes away once and comes back (companion_app.lua):
--   dotnet run --project Host -c Release -- run examples/companion_app.lua examples/companion_link.lua
-- Live, against your companion app:
--   COMPANION_URL=ws://127.0.0.1:PORT/ dotnet run --project Host -c Release -- run examples/companion_link.lua
--
-- The link ends after SESSIONS sessions, so the example stops by itself; a real link keeps going.

local URL = os.getenv("COMPANION_URL") or ("ws://127.0.0.1:" .. (os.getenv("COMPANION_PORT") or "47800") .. "/")
local SESSIONS = 2          -- sessions to complete before the example ends
local FIRST_DELAY = 0.25    -- seconds before the first reconnect
local MAX_DELAY = 4         -- cap of the back-off
local MAX_FAILURES = 12     -- failed attempts in a row before giving up (about 30 s)

local timers = {}
local function after(seconds, fn) timers[#timers + 1] = { left = seconds, fn = fn } end
event.on("frame_update", function(e)
  for i = #timers, 1, -1 do
    local t = timers[i]
    t.left = t.left - e.dt
    if t.left <= 0 then
      table.remove(timers, i)
      t.fn()
    end
  end
end)

local delay = FIRST_DELAY
local failures = 0
local sessions_done = 0
local connect -- defined below

local function retry_later()
  failures = failures + 1
  if failures > MAX_FAILURES then
    log.error("link: giving up after " .. MAX_FAILURES .. " failed attempts")
    script.unload()
    return
  end
  print(("link: retrying in %.2f s"):format(delay))
  after(delay, connect)
  delay = math.min(delay * 2, MAX_DELAY)
end

connect = function()
  local opened = false
  -- connect never raises for an unreachable peer: on_error and on_close(1006) follow, and the id
  -- is cleaned up by itself, so retrying needs no close().
  net.ws:connect(URL, {
    on_open = function(id)
      opened = true
      failures, delay = 0, FIRST_DELAY
      print("link: connected to " .. URL)
      net.ws:send(id, json.encode({ type = "hello", mod = "hud", want = "status" }))
    end,
    on_message = function(id, msg)
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
          net.ws:close(id) -- on_close follows; the script ends there
        end
      end
    end,
    on_error = function(_, err)
      if opened then log.warn("link: " .. err) end
    end,
    on_close = function(_, code, reason)
      if sessions_done >= SESSIONS then
        script.unload()
      elseif opened then
        print(("link: the app went away (%d%s)"):format(code, reason ~= "" and ", " .. reason or ""))
        retry_later()
      else
        print("link: app not reachable (" .. reason .. ")")
        retry_later()
      end
    end,
  })
end

connect()
