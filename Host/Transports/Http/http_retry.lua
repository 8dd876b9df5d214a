-- Adds util.check_retry: checks net.http's `retry` option field by field and returns the table the host
-- reads ({ attempts, statuses, timeout, connect, backoff, max_delay, unsafe }), defaults filled in.
local util = ...
local type, pairs, tostring, format = type, pairs, tostring, string.format

local KEYS = { attempts = true, on = true, backoff = true, max_delay = true, unsafe = true }
local DEFAULT_ON = { 429, 502, 503, 504, "timeout", "connect" }

-- `level` is the caller's distance from the script's line, as for util.arg_error.
function util.check_retry(retry, n, fname, level)
  if retry == nil then return nil end
  -- `deeper`: how many helper calls lie between check_retry and fail.
  local function fail(message, deeper) util.arg_error(n, fname, message, level + 2 + (deeper or 0)) end
  if type(retry) ~= "table" then fail("field 'retry' must be a table, got " .. type(retry)) end
  for key in pairs(retry) do
    if not KEYS[key] then
      fail("field 'retry." .. tostring(key) .. "' is not a retry option (expected attempts, on, backoff, max_delay, unsafe)")
    end
  end

  local attempts = retry.attempts
  if attempts == nil then attempts = 3 end
  if type(attempts) ~= "number" or attempts % 1 ~= 0 or attempts < 1 or attempts > 10 then
    fail("field 'retry.attempts' must be a whole number from 1 to 10, got " .. (type(attempts) == "number" and tostring(attempts) or type(attempts)))
  end

  local function seconds(field, default, max)
    local value = retry[field]
    if value == nil then return default end
    if type(value) ~= "number" or not (value > 0 and value <= max) then
      fail(format("field 'retry.%s' must be a number of seconds above 0 and at most %d, got %s", field, max,
        type(value) == "number" and tostring(value) or type(value)), 1)
    end
    return value
  end
  local backoff = seconds("backoff", 0.5, 60)
  local max_delay = seconds("max_delay", 30, 300)

  local unsafe = retry.unsafe
  if unsafe ~= nil and type(unsafe) ~= "boolean" then
    fail("field 'retry.unsafe' must be a boolean, got " .. type(unsafe))
  end

  local on = retry.on
  if on == nil then on = DEFAULT_ON end
  if type(on) ~= "table" then fail("field 'retry.on' must be a table, got " .. type(on)) end
  local statuses, timeout, connect = {}, false, false
  for i, what in pairs(on) do
    if type(i) ~= "number" then fail("field 'retry.on' must be a list, got the key " .. tostring(i)) end
    if what == "timeout" then
      timeout = true
    elseif what == "connect" then
      connect = true
    elseif type(what) == "number" and what % 1 == 0 and what >= 100 and what <= 599 then
      statuses[#statuses + 1] = what
    else
      fail(format("field 'retry.on[%d]' must be an HTTP status (100-599), \"timeout\" or \"connect\", got %s", i,
        type(what) == "string" and ("\"" .. what .. "\"") or tostring(what)))
    end
  end

  return { attempts = attempts, statuses = statuses, timeout = timeout, connect = connect,
           backoff = backoff, max_delay = max_delay, unsafe = unsafe == true }
end
