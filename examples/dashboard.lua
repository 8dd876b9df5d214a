-- A live dashboard for a running script: the net.ws_server example of docs/API.md, made runnable.
--
--   dotnet run --project Host -c Release -- run examples/dashboard.lua
--   then open http://127.0.0.1:8080/ in a browser: this script serves the page (dashboard.html)
--   and its WebSocket (/ws) on the same port. Opening examples/dashboard.html from disk works too
--   (file://, ?port=N for another port).
--
-- Every frame the state is broadcast as JSON to every connected page; pages send commands back
-- as JSON ({"cmd":"heal","amount":10}, {"cmd":"pause"}, {"cmd":"say","text":"..."}, {"cmd":"quit"}).
-- There is no game here, so the "player" is simulated. PLUGINNET_DASHBOARD_PORT picks the port
-- (0 = any free one); the default is 8080, as in that example.

local PORT = math.tointeger(tonumber(os.getenv("PLUGINNET_DASHBOARD_PORT") or "")) or 8080

local player = { health = 100, shield = 50, abs_velocity = 0, paused = false }
local srv

local function reply(client, value)
  srv:send(client, json.encode(value))
end

local commands = {
  heal = function(cmd)
    local amount = tonumber(cmd.amount) or 10
    player.health = math.min(100, player.health + amount)
  end,
  pause = function()
    player.paused = not player.paused
  end,
  say = function(cmd)
    print("dashboard says: " .. tostring(cmd.text))
  end,
  quit = function()
    script.unload()
  end,
}

srv = net.ws_server:listen(PORT, {
  on_open = function(c)
    log.info("dashboard: page " .. c .. " connected (" .. srv:client_count() .. " open)")
    reply(c, { type = "hello", client = c })
  end,
  on_message = function(c, msg)
    local ok, cmd = pcall(json.decode, msg)
    local handler = ok and type(cmd) == "table" and commands[cmd.cmd]
    if not handler then
      reply(c, { type = "error", error = "unknown command: " .. msg })
      return
    end
    print("command from page " .. c .. ": " .. cmd.cmd)
    handler(cmd)
    reply(c, { type = "ack", cmd = cmd.cmd })
  end,
  on_error = function(c, err)
    log.warn("dashboard: page " .. c .. ": " .. err)
  end,
  on_close = function(c, code, reason)
    log.info("dashboard: page " .. c .. " left (" .. code .. (reason ~= "" and ", " .. reason or "") .. ")")
  end,
}, { ws_path = "/ws" })
if not srv then
  log.error("dashboard: cannot listen on port " .. PORT .. " (taken?)")
  script.unload()
  return
end

-- The page itself, read from beside this script on every request (edit it and reload), and the
-- state as JSON for anything that prefers to poll.
local here = string.match(_SCRIPT_PATH, "^(.*)[/\\]") or "."
srv:route("GET", "/", function(_, res)
  local file = io.open(here .. "/dashboard.html", "rb")
  if not file then
    res:send(404, "dashboard.html is missing", { ["Content-Type"] = "text/plain; charset=utf-8" })
    return
  end
  local page = file:read("a")
  file:close()
  res:send(200, page, { ["Content-Type"] = "text/html; charset=utf-8", ["Cache-Control"] = "no-cache" })
end)
srv:route("GET", "/api/state", function(_, res)
  res:send(200, json.encode(player), { ["Content-Type"] = "application/json" })
end)
print("dashboard: open http://127.0.0.1:" .. srv.port .. "/ (its WebSocket: ws://127.0.0.1:" .. srv.port .. "/ws)")

-- Every frame: move the simulated player, then broadcast its state to every page.
event.on("frame_update", function(e)
  if not player.paused then
    local t = e.frame / 60
    player.abs_velocity = math.abs(math.sin(t)) * 12.5
    if e.frame % 30 == 0 then
      player.health = math.max(1, player.health - 1)
      player.shield = (player.shield + 7) % 101
    end
  end
  if srv:client_count() > 0 then
    srv:broadcast(json.encode({
      type = "state", frame = e.frame, hp = player.health, sh = player.shield,
      vel = math.floor(player.abs_velocity * 100) / 100, paused = player.paused,
    }))
  end
end)

-- As in docs/API.md's event.on example: close the server when this script unloads (the host would do it anyway).
event.on("script_unloaded", function(ue)
  if ue.script_path == _SCRIPT_PATH then srv:close() end
end)
