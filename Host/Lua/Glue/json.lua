-- `json.encode(value) -> string` and `json.decode(string) -> value` (System.Text.Json underneath).
local raw, util = ...

json = {}

function json.encode(value)
  local text, err = raw.encode(value)
  if text == nil then
    error("json.encode: " .. err, 2)
  end
  return text
end

function json.decode(text)
  util.check(text, 1, "decode", "string")
  local ok, value = raw.decode(text)
  if not ok then
    error("json.decode: " .. value, 2)
  end
  return value
end
