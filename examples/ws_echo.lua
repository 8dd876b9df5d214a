-- net.ws echo: connects, sends numbered messages one at a time and checks every echo, closes,
-- reconnects for the next run, and reports each run's round-trip rate and the median.
--
-- It needs an echo server on this machine (nothing leaves 127.0.0.1):
--   * when net.ws_server is installed, the script starts its own echo server on 127.0.0.1;
--   * otherwise it connects to WS_ECHO_URL (a global an embedding application sets, or an
--     environment variable), default ws://127.0.0.1:8765/, e.g. the echo server next to this file:
--       dotnet run examples/ws_echo_server.cs                              (terminal 1)
--       dotnet run --project Host -c Release -- run examples/ws_echo.lua    (terminal 2)
--
-- Lua has no wall clock here, so the rate is measured in frames of the host's frame loop
-- (frame_update's dt), which is accurate to about one frame per run.

local RUNS = 5            -- connections, one after another: each run after the first is a reconnect
local MESSAGES = 5000     -- round trips per run
local MAX_ATTEMPTS = 10   -- failed connects in a row before giving up
local RETRY_FRAMES = 30   -- frames to wait before connecting again after a failure

local url = _G.WS_ECHO_URL or os.getenv("WS_ECHO_URL")
local server

if not url and pcall(function() return net.ws_server end) then
  for port = 8765, 8785 do
    server = net.ws_server:listen(port, {
      on_message = function(client, msg) server:send(client, msg) end,
    })
    if server then
      url = "ws://127.0.0.1:" .. port .. "/"
      break
    end
  end
end
url = url or "ws://127.0.0.1:8765/"

local rates = {}
local attempts = 0
local retry_in = nil
local clock = 0           -- seconds of frame loop so far
local connect             -- forward declaration

event.on("frame_update", function(e)
  clock = clock + e.dt
  if retry_in then
    retry_in = retry_in - 1
    if retry_in <= 0 then
      retry_in = nil
      connect()
    end
  end
end)

local function finish(problem)
  if problem then log.error(problem) end
  if #rates > 0 then
    local sorted = {}
    for i, r in ipairs(rates) do sorted[i] = r end
    table.sort(sorted)
    local n = #sorted
    local median = n % 2 == 1 and sorted[(n + 1) // 2] or (sorted[n // 2] + sorted[n // 2 + 1]) / 2
    print(string.format("median of %d runs: %.0f round trips/s", n, median))
  end
  if server then server:close() end
  script.unload()
end

connect = function()
  local run = #rates + 1
  local sent, started, bad = 0, nil, nil

  local function send_next(id)
    sent = sent + 1
    net.ws:send(id, "echo " .. run .. "/" .. sent)
  end

  net.ws:connect(url, {
    on_open = function(id)
      attempts = 0
      started = clock
      print("run " .. run .. " open")
      send_next(id)
    end,
    on_message = function(id, msg)
      if msg ~= "echo " .. run .. "/" .. sent then
        bad = "expected 'echo " .. run .. "/" .. sent .. "', got '" .. msg .. "'"
        net.ws:close(id)
      elseif sent < MESSAGES then
        send_next(id)
      else
        local seconds = math.max(clock - started, 1 / 60)
        rates[run] = MESSAGES / seconds
        print(string.format("run %d done: %d round trips in ~%.2f s (~%.0f/s)", run, MESSAGES, seconds, rates[run]))
        net.ws:close(id)
      end
    end,
    on_error = function(_, err)
      log.warn("ws error: " .. err)
    end,
    on_close = function(_, code, reason)
      if bad then
        finish("run " .. run .. ": " .. bad)
      elseif started == nil then
        attempts = attempts + 1
        if attempts >= MAX_ATTEMPTS then
          finish("cannot reach " .. url .. " after " .. attempts .. " attempts: " .. reason)
        else
          retry_in = RETRY_FRAMES  -- reconnect later: no close() needed after a failed connect
        end
      elseif rates[run] == nil then
        log.warn("run " .. run .. " closed early (" .. code .. " " .. reason .. "); reconnecting")
        connect()
      elseif run < RUNS then
        connect()
      else
        finish()
      end
    end,
  })
end

connect()
