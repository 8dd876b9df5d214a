-- A link to a companion app on this machine (an overlay, a stream-deck bridge, a phone relay) over
-- a WebSocket. When the app goes away (closed, crashed, restarted) the link notices and reconnects
-- with back-off: 0.25 s, 0.5 s, 1 s, 2 s ... at most 4 s between attempts, starting again from 0.25 s
-- once connected. net.ws does the reconnecting (the `reconnect` option); the script only watches.
-- The app must be running when the link starts: a first connect that fails is not retried.
--
-- Offline, with a stand-in app that goes away once and comes back (companion_app.lua):
--   dotnet run --project Host -c Release -- run examples/companion_app.lua examples/companion_link.lua
-- Live, against your companion app:
--   COMPANION_URL=ws://127.0.0.1:PORT/ dotnet run --project Host -c Release -- run examples/companion_link.lua
--
-- The link ends after SESSIONS sessions, so the example stops by itself; a real link keeps going.

local URL = os.getenv("COMPANION_URL") or ("ws://127.0.0.1:" .. (os.getenv("COMPANION_PORT") or "47800") .. "/")
local SESSIONS = 2          -- sessions to complete before the example ends

local connected = false
local sessions_done = 0

net.ws:connect(URL, {
  on_open = function(id)
    connected = true
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
    if connected then
      print("link: the app went away (" .. err .. ")")
    else
      print("link: app not reachable (" .. err .. ")")
    end
    connected = false
  end,
  on_reconnecting = function(_, _, delay)
    print(("link: retrying in %.2f s"):format(delay))
  end,
  -- Once: when the script closes the link, or after 12 failed attempts in a row (about 30 s).
  on_close = function(_, _, reason)
    if sessions_done < SESSIONS then
      log.error("link: giving up (" .. reason .. ")")
    end
    script.unload()
  end,
}, { reconnect = { initial = 0.25, factor = 2, max = 4, jitter = false, attempts = 12 } })
