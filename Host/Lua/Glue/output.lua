-- `print` (standard output) and `log.info` / `log.warn` / `log.error` (the host's log).
local raw = ...
local select, tostring, concat = select, tostring, table.concat

local function join(sep, ...)
  local n = select("#", ...)
  local parts = {}
  for i = 1, n do
    parts[i] = tostring((select(i, ...)))
  end
  return concat(parts, sep)
end

print = function(...) raw.print(join("\t", ...)) end

log = {
  info = function(...) raw.log(0, join(" ", ...)) end,
  warn = function(...) raw.log(1, join(" ", ...)) end,
  error = function(...) raw.log(2, join(" ", ...)) end,
}
