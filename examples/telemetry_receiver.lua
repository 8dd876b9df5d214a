-- A telemetry receiver, as an overlay would have: binds a UDP port on 127.0.0.1, decodes each
-- binary packet with string.unpack and keeps a summary; UDP may drop packets, so it counts gaps.
-- telemetry_sender.lua plays the game.
--
--   dotnet run --project Host -c Release -- run examples/telemetry_receiver.lua examples/telemetry_sender.lua
--
-- TELEMETRY_PORT picks the port (default 20777).

local PORT = math.tointeger(tonumber(os.getenv("TELEMETRY_PORT") or "")) or 20777

local received, lost, last_seq, top_speed = 0, 0, 0, 0

local function on_packet(data)
  if data == "END" then
    print(string.format("receiver: %d packets, %d lost, top speed %.1f km/h", received, lost, top_speed))
    script.unload()
    return
  end
  if #data ~= 13 then
    log.warn("receiver: ignoring a packet of " .. #data .. " bytes")
    return
  end
  local seq, speed, rpm, gear = string.unpack("<I4ffB", data)
  if seq > last_seq + 1 then lost = lost + (seq - last_seq - 1) end
  last_seq = seq
  received = received + 1
  if speed > top_speed then top_speed = speed end
  if seq % 60 == 0 then
    print(string.format("receiver: packet %d: %.1f km/h, %.0f rpm, gear %d", seq, speed, rpm, gear))
  end
end

local sock, why = net.udp:bind(PORT, {
  on_message = on_packet,
  on_error = function(err) log.warn("receiver: " .. err) end,
})
if not sock then
  log.error(why)
  script.unload()
  return
end
print("receiver: listening on 127.0.0.1:" .. sock.port)
