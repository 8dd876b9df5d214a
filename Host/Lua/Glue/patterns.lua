-- Bounded pattern functions. Lua's string.find/match/gmatch/gsub run in C, where the runaway guard
-- cannot stop them, and a backtracking pattern on a long subject can take hours. Each call first
-- looks up how long a subject its pattern may take while Lua's own matcher is sure to stay within
-- `native_budget` steps (computed once per pattern, see Host/Lua/Patterns/PatternCost.cs); within
-- that, the native function runs as it is. Beyond it a port of Lua's matcher runs in the host
-- (Host/Lua/Patterns/LuaPatternMatcher.cs) counting its steps, and past `step_budget` the call
-- fails with an error instead of freezing the menu thread. Same results either way. (An argument
-- error of the native functions names this file's line, as they are called from here; the log's
-- traceback names the script's.)
local raw, native_budget, step_budget = ...
local find, match, gmatch, gsub = string.find, string.match, string.gmatch, string.gsub
local type, error, select, tointeger, tonumber, tostring, sub, concat =
  type, error, select, math.tointeger, tonumber, tostring, string.sub, table.concat
local raw_match, raw_room = raw.match, raw.room
local SCAN, ANCHOR, WHOLE = 1, 2, 4

-- Pattern -> the longest subject the native matcher may take. Bounded: a script building patterns
-- on the fly starts a fresh table now and then instead of growing this one for ever.
-- find/match/gsub read a leading "^" as an anchor (one start); gmatch does not, so it has its own.
local room, room_g, rooms = {}, {}, 0
local function room_of(p, anchors)
  local r = raw_room(p, native_budget, anchors)
  if rooms >= 512 then room, room_g, rooms = {}, {}, 0 end
  if anchors then room[p] = r else room_g[p] = r end
  rooms = rooms + 1
  return r
end

local function too_slow(fname)
  error(("%s: the pattern needs more than %d steps on this subject (heavy backtracking); "
    .. "simplify the pattern or shorten the subject"):format(fname, step_budget), 4)
end

-- Runs one guarded match; raises in Lua's words on a malformed pattern.
local function checked(fname, a, b, ...)
  if a == false then
    if ... then too_slow(fname) end
    error(b, 3)
  end
  return a, b, ...
end

-- luaL_optinteger's reading of an optional integer argument; nil when it is not one (the native
-- function is then called, to raise its own argument error before any matching).
local function opt_integer(v, default)
  if v == nil then return default end
  if type(v) == "string" then v = tonumber(v) end
  return tointeger(v)
end

-- posrelatI: a negative start counts from the end; 0 and below the start mean 1.
local function start_of(init, len)
  if init > 0 then return init end
  if init == 0 or init < -len then return 1 end
  return len + init + 1
end

local function guarded(s, p, anchors)
  if type(s) ~= "string" or type(p) ~= "string" then return false end
  local r = (anchors and room or room_g)[p] or room_of(p, anchors)
  return #s > r
end

local function find_result(a, b, ...)
  if a == nil then return nil end
  return a + 1, b, ...
end

local function match_result(a, _, ...)
  if a == nil then return nil end
  return ...
end

string.find = function(s, p, init, plain)
  local r = room[p]
  if r ~= nil and type(s) == "string" and #s <= r then return find(s, p, init, plain) end
  if plain or not guarded(s, p, true) then return find(s, p, init, plain) end
  local i = opt_integer(init, 1)
  if i == nil then return find(s, p, init, plain) end
  local pos = start_of(i, #s)
  if pos > #s + 1 then return nil end
  return find_result(checked("find", raw_match(s, p, pos - 1, SCAN | ANCHOR, -1, step_budget)))
end

string.match = function(s, p, init)
  local r = room[p]
  if r ~= nil and type(s) == "string" and #s <= r then return match(s, p, init) end
  if not guarded(s, p, true) then return match(s, p, init) end
  local i = opt_integer(init, 1)
  if i == nil then return match(s, p, init) end
  local pos = start_of(i, #s)
  if pos > #s + 1 then return nil end
  return match_result(checked("match", raw_match(s, p, pos - 1, SCAN | ANCHOR | WHOLE, -1, step_budget)))
end

string.gmatch = function(s, p, init)
  local r = room_g[p]
  if r ~= nil and type(s) == "string" and #s <= r then return gmatch(s, p, init) end
  if not guarded(s, p, false) then return gmatch(s, p, init) end
  local i = opt_integer(init, 1)
  if i == nil then return gmatch(s, p, init) end
  local len = #s
  local pos, last = start_of(i, len) - 1, -1
  return function()
    if pos > len then return nil end
    return (function(a, e, ...)
      if a == nil then
        pos = len + 1 -- nothing more to find (Lua's iterator would scan again and fail again)
        return nil
      end
      pos, last = e, e
      return ...
    end)(checked("gmatch", raw_match(s, p, pos, SCAN | WHOLE, last, step_budget)))
  end
end

-- gsub's replacement for one match (lstrlib's add_value/add_s): a string with %0-%9 and %%, a
-- table indexed by the first capture, or a function called with the captures; nil or false keeps
-- the match as it was.
local function replacement(repl, kind, whole, ...)
  local value
  if kind == "function" then
    value = repl(...)
  elseif kind == "table" then
    value = repl[(...)]
  else
    local caps, count = { ... }, select("#", ...)
    return (gsub(repl, "%%(.?)", function(d)
      if d == "%" then return "%" end
      local b = d:byte()
      if b == nil or b < 48 or b > 57 then error("invalid use of '%' in replacement string", 0) end
      local n = b - 48
      if n == 0 then return whole end
      if n > count then error(("invalid capture index %%%d"):format(n), 0) end
      return tostring(caps[n])
    end))
  end
  if not value then return whole end
  local vt = type(value)
  if vt ~= "string" and vt ~= "number" then
    error(("invalid replacement value (a %s)"):format(vt), 0)
  end
  return tostring(value)
end

string.gsub = function(s, p, repl, n)
  local r = room[p]
  if r ~= nil and type(s) == "string" and #s <= r then return gsub(s, p, repl, n) end
  if not guarded(s, p, true) then return gsub(s, p, repl, n) end
  local kind = type(repl)
  local len = #s
  local max_n = opt_integer(n, len + 1)
  if max_n == nil or (kind ~= "string" and kind ~= "number" and kind ~= "function" and kind ~= "table") then
    return gsub(s, p, repl, n) -- raises the argument error
  end
  if kind == "number" then repl = tostring(repl) end
  local anchored = p:byte() == 94 -- "^"
  local parts, count, pos, last, over = {}, 0, 0, -1, false
  local function take(a, e, ...)
    if a == nil then over = true return end
    count = count + 1
    parts[#parts + 1] = sub(s, pos + 1, a)
    parts[#parts + 1] = replacement(repl, kind, sub(s, a + 1, e), ...)
    pos, last = e, e
  end
  while count < max_n and not over do
    take(checked("gsub", raw_match(s, p, pos, SCAN | ANCHOR | WHOLE, last, step_budget)))
    if anchored then break end
  end
  parts[#parts + 1] = sub(s, pos + 1)
  return concat(parts), count
end
