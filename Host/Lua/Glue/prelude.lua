-- Helpers shared by the glue of every module: argument checks worded like Lua's own
-- ("bad argument #1 to 'get' (string expected, got number)") and protected calls into script
-- callbacks, whose failures are reported with a traceback instead of stopping the host.
local raw, traceback, sethook, getinfo, limit_ms = ...
local type, error, format, xpcall, tostring = type, error, string.format, xpcall, tostring
local now, cpu, min = raw.now, raw.cpu, math.min

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

-- The words for a WebSocket message over the size limit (net.ws:send, srv:send, srv:broadcast).
function util.oversize(size, limit)
  if limit % (1024 * 1024) ~= 0 then -- a limit set in plugins.json need not be whole megabytes
    return format("message of %d bytes is over the limit of %d bytes; split it into smaller messages", size, limit)
  end
  return format("message of %d bytes is over the %d MB limit (%d bytes); split it into smaller messages",
    size, limit // (1024 * 1024), limit)
end

-- Methods must be called with a colon (net.http:get); a dot call shifts every argument.
function util.check_self(self, expected, fname, display, level)
  if self ~= expected then
    error(format("%s must be called with a colon: %s(...)", display, display), (level or 2) + 1)
  end
end

-- The runaway guard. While a callback runs, a count hook checks the clock every few thousand
-- instructions; past the deadline it raises `abort`, which the wrapped pcall/xpcall below refuse
-- to swallow, so `while true do pcall(...) end` cannot keep the menu thread either.
-- What counts is the menu thread's processor time, not the clock: on a busy machine (the game, a
-- build) a callback may wait for a core far longer than it runs, and that is not an endless loop.
-- Reading the thread's processor time is a system call, so a callback's first MARK_AFTER_MS count
-- by the clock (most callbacks end sooner and never pay for it); from then on its processor time
-- counts. Past the deadline, a callback that has used less moves its deadline by what it has left.
local abort = setmetatable({ message = "" }, { __tostring = function(a) return a.message end })
local MARK_AFTER_MS = 10
local deadline, started, cpu_mark, mark_wall = nil, nil, nil, nil
local aborted = false -- this callback's abort has been raised (see guard)

-- The script line running now: the nearest frame of a script file ("@path"), skipping the glue's
-- own frames (the pcall and coroutine wrappers below) that the hook may happen to interrupt.
local function script_position()
  for level = 3, 40 do
    local where = getinfo(level, "Sl")
    if where == nil then break end
    if where.source:sub(1, 1) == "@" and where.currentline and where.currentline > 0 then
      return where.short_src .. ":" .. where.currentline .. ": "
    end
  end
  return ""
end

local function guard()
  if deadline == nil then return end
  local t = now()
  if cpu_mark == nil and t - started >= MARK_AFTER_MS then
    -- A late first look (the thread waited for a core, or one library call ran no instructions for a
    -- while) cannot tell how that time was spent: charge MARK_AFTER_MS of it, and processor time from
    -- here on. Charging all of it aborted a script's first callback on a loaded machine.
    cpu_mark, mark_wall = cpu(), min(t, started + MARK_AFTER_MS)
  end
  if t > deadline then
    local unused = limit_ms - ((mark_wall or t) - started) - (cpu_mark and cpu() - cpu_mark or 0)
    if unused > 0 then
      deadline = t + unused
      return
    end
    local position = script_position()
    if aborted and position == "" then
      -- The abort has already unwound the script's code (a task's coroutine) and only glue runs now,
      -- recording the failure (the task scheduler): raising again would cut that short, leave the task
      -- "running" for good and name no line. The glue is bounded; its callback ends soon after.
      return
    end
    abort.message = format("%scallback aborted: still running after %d ms (an endless loop?)", position, limit_ms)
    aborted = true
    error(abort, 0)
  end
end

local HOOK_EVERY = 1000
sethook(guard, "", HOOK_EVERY)

local cocreate, pcall_, xpcall_, pack, unpack = coroutine.create, pcall, xpcall, table.pack, table.unpack

local function rethrow_abort(results)
  if not results[1] and results[2] == abort then
    error(abort, 0)
  end
  return unpack(results, 1, results.n)
end

-- _G: `xpcall` is a local of this chunk (above), and assigning it would leave the script's xpcall
-- the original one, which swallows the abort.
_G.pcall = function(...) return rethrow_abort(pack(pcall_(...))) end
_G.xpcall = function(f, handler, ...) return rethrow_abort(pack(xpcall_(f, function(e)
  if e == abort then return abort end
  return handler(e)
end, ...))) end

-- Coroutines are threads of their own for hooks: each new one gets the guard too.
coroutine.create = function(f)
  local co = cocreate(f)
  sethook(co, guard, "", HOOK_EVERY)
  return co
end
coroutine.wrap = function(f)
  local co = coroutine.create(f)
  return function(...)
    local results = pack(coroutine.resume(co, ...))
    if results[1] then
      return unpack(results, 2, results.n)
    end
    error(results[2], 0)
  end
end

-- Runs a host call that may hold the menu thread on purpose (srv:close() waits until the server has
-- stopped, listen until it has started): that time is not the script's, so it does not count
-- against the runaway guard. Without this a slow close was reported as "an endless loop?".
function util.blocking(fn, ...)
  -- The guard looks at nothing while the host call holds the thread (deadline nil), and what the call
  -- took, by the clock and on the thread's processor (a server starting up runs code on it), is then
  -- taken off the callback's account.
  local saved = deadline
  deadline = nil
  local wall_from, cpu_from = now(), cpu_mark and cpu()
  local results = pack(pcall_(fn, ...))
  if saved ~= nil then
    local blocked = now() - wall_from
    if cpu_mark == nil then
      started = started + blocked
    else
      cpu_mark = cpu_mark + (cpu() - cpu_from)
    end
    deadline = saved + blocked
  end
  if not results[1] then
    error(results[2], 0)
  end
  return unpack(results, 2, results.n)
end

local function with_traceback(err)
  return traceback(tostring(err), 2)
end

-- Calls a script callback under the runaway guard; a failure is logged with its traceback and the
-- host goes on. Returns true when the callback finished without error.
function util.call(where, fn, ...)
  local outer, outer_started, outer_mark, outer_mark_wall = deadline, started, cpu_mark, mark_wall
  -- One assignment a statement, deadline set last and cleared first: the hook may run between any
  -- two instructions, and it looks at nothing while deadline is nil.
  if outer == nil then
    aborted = false
    cpu_mark = nil
    mark_wall = nil
    started = now()
    deadline = started + limit_ms
  end
  local ok, err = xpcall_(fn, with_traceback, ...)
  deadline = nil
  mark_wall = outer_mark_wall
  cpu_mark = outer_mark
  started = outer_started
  deadline = outer
  if not ok then
    raw.report_error(where, err)
  end
  return ok
end

local function call_field(t, key, ...)
  local fn = t[key]
  if fn ~= nil then
    return fn(...)
  end
end

-- Calls t[key](...) like util.call; nothing when the field is nil. The lookup runs under the guard
-- too: `t` is the script's own table, whose __index may be a script function.
function util.call_field(where, t, key, ...)
  return util.call(where, call_field, t, key, ...)
end

-- For the task scheduler (Host/Lua/Tasks): the clock, tracebacks of a task's own stack, script
-- positions and the error log.
util.now = now
util.traceback = traceback
util.report_error = raw.report_error

-- "file.lua:12": the nearest script line from `level` frames up (as for error()) on, or "?".
function util.caller_position(level)
  for up = level + 1, level + 10 do
    local where = getinfo(up, "Sl")
    if where == nil then break end
    if where.currentline ~= nil and where.currentline > 0 and where.source:sub(1, 1) == "@" then
      return where.short_src .. ":" .. where.currentline
    end
  end
  return "?"
end

return util
