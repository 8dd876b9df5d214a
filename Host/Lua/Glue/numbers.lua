-- Adds util.check_integer: an integer argument (a port, a client or connection id, a close code) is
-- read as Lua's own library reads one (luaL_checkinteger): a number with an integer value, or a
-- string that converts to one ("18090", " 8080 ", "0x1F90").
local util = ...
local type, tonumber, tointeger, tostring, format = type, tonumber, math.tointeger, tostring, string.format

-- Returns the integer, or raises "bad argument #n to 'fname' (number expected, got boolean)" for a
-- value that is no number at all (a string that does not convert says "got string", as Lua does)
-- and "(<rule>, got 1.5)" for one without an integer value; `rule` says what is wanted ("client id
-- must be an integer").
function util.check_integer(value, n, fname, rule, level)
  local number = value
  if type(value) == "string" then
    number = tonumber(value)
  end
  if type(number) ~= "number" then
    util.arg_error(n, fname, format("number expected, got %s", type(value)),
      (level or 2) + 1)
  end
  local integer = tointeger(number)
  if integer == nil then
    util.arg_error(n, fname, format("%s, got %s", rule, tostring(value)), (level or 2) + 1)
  end
  return integer
end
