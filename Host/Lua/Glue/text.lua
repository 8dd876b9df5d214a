-- Adds util.check_text: outgoing WebSocket messages are text frames, which must be UTF-8 (RFC 6455
-- §5.6); standard peers (browsers, Node's ws) close the connection with 1007 when one is not. The
-- message is refused at the call instead, where the script can still do something about it.
local util, raw = ...
local len, format, is_utf8 = utf8.len, string.format, raw.is_utf8

-- utf8.len walks the message a character at a time; the host's vectorised check costs one call out
-- of Lua instead. Short messages stay with utf8.len (128 bytes is a round figure, not a measured
-- crossover). Only a message the host refuses is walked, to name the bad byte.
local HOST_CHECK_FROM = 128

function util.check_text(msg, n, fname, level)
  if #msg >= HOST_CHECK_FROM and is_utf8(msg) then return end
  local ok, bad = len(msg)
  if ok == nil then
    util.arg_error(n, fname, format("message is not UTF-8 text (byte %d is not valid UTF-8);"
      .. " a text frame must be UTF-8: convert the text to UTF-8,"
      .. " or encode binary data as text first (hex or base64)", bad),
      (level or 2) + 1)
  end
end
