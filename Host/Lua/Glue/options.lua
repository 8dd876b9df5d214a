-- Adds util.check_keys and util.no_extra: a misspelled option (`timout = 1`, `on_mesage = f`) or a
-- trailing argument nothing reads (`get(url, {}, cb, 1)`) would otherwise be ignored in silence.
-- Both raise a bad-argument error at the script's line; an unknown key names the nearest valid one.
local util = ...
local type, pairs, tostring, select = type, pairs, tostring, select
local format, byte, sort, concat, min = string.format, string.byte, table.sort, table.concat, math.min

-- Edit distance (insertions, deletions, substitutions, and swapped neighbours count one each).
local function distance(a, b)
  local la, lb = #a, #b
  local previous, before = {}, {}
  for j = 0, lb do previous[j] = j end
  for i = 1, la do
    local row = { [0] = i }
    local ca = byte(a, i)
    for j = 1, lb do
      local cb = byte(b, j)
      local cost = ca == cb and 0 or 1
      local d = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
      if i > 1 and j > 1 and ca == byte(b, j - 1) and byte(a, i - 1) == cb then
        d = min(d, before[j - 2] + 1)
      end
      row[j] = d
    end
    before, previous = previous, row
  end
  return previous[lb]
end

local function nearest(key, allowed)
  local best, best_distance = nil, math.huge
  for i = 1, #allowed do
    local d = distance(key, allowed[i])
    if d < best_distance then best, best_distance = allowed[i], d end
  end
  return best
end

-- Raises for the first key of `t` (sorted, so the error is the same on every run) that is not in
-- `allowed` (a list of names): "bad argument #n to 'fname' (unknown option 'timout'; did you mean
-- 'timeout'? ...)". `what` names the table's entries ("option", "callback").
function util.check_keys(t, allowed, n, fname, what, level)
  local known = allowed.set
  if known == nil then
    known = {}
    for i = 1, #allowed do known[allowed[i]] = true end
    allowed.set = known
  end
  local unknown
  for key in pairs(t) do
    if not known[key] then
      unknown = unknown or {}
      unknown[#unknown + 1] = type(key) == "string" and key or tostring(key)
    end
  end
  if unknown == nil then return end
  sort(unknown)
  local key = unknown[1]
  local names = {}
  for i = 1, #allowed do names[i] = allowed[i] end
  sort(names)
  util.arg_error(n, fname, format("unknown %s '%s'; did you mean '%s'? valid %ss: %s",
    what, key, nearest(key, allowed), what, concat(names, ", ")), (level or 2) + 1)
end

-- Raises when a non-nil argument follows the last one `fname` reads: `first` is its position,
-- `usage` how the function is called, e.g. "get(url, options, callback)".
function util.no_extra(first, fname, usage, level, ...)
  for i = 1, select("#", ...) do
    if (select(i, ...)) ~= nil then
      util.arg_error(first + i - 1, fname, "no argument expected here; the call is " .. usage, (level or 2) + 1)
    end
  end
end
