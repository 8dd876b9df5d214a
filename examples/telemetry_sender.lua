-- A stand-in for a racing game's telemetry "data out", so telemetry_receiver.lua can run offline:
-- every frame it sends one binary packet (sequence, speed, rpm, gear) over UDP to 127.0.0.1, as
-- games do, then an end marker.
--
--   dotnet run --project Host -c Release -- run examples/telemetry_receiver.lua examples/telemetry_sender.lua
--
-- TELEMETRY_PORT picks the port (default 20777).

local PORT = math.tointeger(tonumber(os.getenv("TELEMETRY_PORT") or "")) or 20777
local PACKETS = 120 -- two seconds at 60 frames per second

local sock = assert(net.udp:bind(0, {}))
print(string.format("sender: sending %d packets to 127.0.0.1:%d", PACKETS, PORT))

local seq = 0
event.on("frame_update", function()
  if seq == PACKETS then
    sock:send("127.0.0.1", PORT, "END")
    print("sender: done")
    script.unload() -- unloading closes the socket
    return
  end
  seq = seq + 1
  local speed = seq * 1.5            -- km/h
  local rpm = 3000 + seq * 25
  local gear = 1 + seq // 30
  -- little-endian: uint32 sequence, float speed, float rpm, uint8 gear (13 bytes)
  sock:send("127.0.0.1", PORT, string.pack("<I4ffB", seq, speed, rpm, gear))
end)
