-- A stand-in for a companion app, so companion_link.lua can run offline: a WebSocket server on
-- 127.0.0.1 that greets a client, answers its hello with a status, then "crashes" (closes, every
-- client gets 1001) and comes back DOWNTIME seconds later. After SESSIONS sessions it ends.
--
--   dotnet run --project Host -c Release -- run examples/companion_app.lua examples/companion_link.lua
--
-- COMPANION_PORT picks the port (default 47800).

local PORT = math.tointeger(tonumber(os.getenv("COMPANION_PORT") or "")) or 47800
local SESSIONS = 2
local DOWNTIME = 1.5      -- seconds between a crash and the restart
local CRASH_AFTER = 0.2   -- seconds between answering and crashing

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

local session = 0
local srv
local start -- defined below

local function reply(client, value)
  srv:send(client, json.encode(value))
end

start = function()
  session = session + 1
  local this = session
  local answered = false
  local why
  srv, why = net.ws_server:listen(PORT, {
    on_open = function(client)
      reply(client, { type = "welcome", session = this })
    end,
    on_message = function(client, msg)
      local ok, m = pcall(json.decode, msg)
      if ok and type(m) == "table" and m.type == "hello" then
        reply(client, { type = "status", session = this, text = "recording, 42 fps" })
        answered = true
        if this < SESSIONS then
          after(CRASH_AFTER, function()
            print("app: session " .. this .. " crashes; back in " .. DOWNTIME .. " s")
            srv:close()        -- every client hears on_close with 1001 (going away)
            after(DOWNTIME, start)
          end)
        end
      end
    end,
    on_close = function()
      -- The last session ends when its client has had its status and left.
      if this == SESSIONS and answered then
        print("app: the link left after the last session; done")
        srv:close()
        script.unload()
      end
    end,
  })
  if not srv then
    log.error("app: " .. why)
    script.unload()
    return
  end
  print("app: session " .. this .. " listening on ws://127.0.0.1:" .. srv.port .. "/")
end

start()
