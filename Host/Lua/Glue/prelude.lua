-- Helpers shared by the glue of every module: argument checks worded like Lua's own
-- ("bad argument #1 to 'get' (string expected, got number)") and protected calls into script
-- callbacks, whose failures are reported with a traceback instead of stopping the host.
local raw, traceback = ...
local type, error, format, xpcall, tostring = type, error, string.format, xpcall, tostring

local util = {}

-- Raises a bad-argument error at the caller of the API function (`level` counts from the caller
-- of this helper: 2 means the API function's caller when called directly from the API function).
function util.arg_error(n, fname, msg, level)
  error(format("bad argument #%d to '%s' (%s)", n, fname, msg), (level or 2) + 1)
end

function util.check(value, n, fname, expected, level)
  if type(value) ~= expected then
    util.arg_error(n, fname, format("%s expected, got %s", expected, type(value)), (level or 2) + 1)
  end
end

function util.check_opt(value, n, fname, expected, level)
  if value ~= nil and type(value) ~= expected then
    util.arg_error(n, fname, format("%s expected, got %s", expected, type(value)), (level or 2) + 1)
  end
end

-- Methods must be called with a colon (net.http:get); a dot call shifts every argument.
function util.check_self(self, expected, fname, display, level)
  if self ~= expected then
    error(format("%s must be called with a colon: %s(...)", display, display), (level or 2) + 1)
  end
end

local function with_traceback(err)
  return traceback(tostring(err), 2)
end

-- Calls a script callback; a failure is logged with its traceback and the host goes on.
function util.call(where, fn, ...)
  local ok, err = xpcall(fn, with_traceback, ...)
  if not ok then
    raw.report_error(where, err)
  end
end

return util
