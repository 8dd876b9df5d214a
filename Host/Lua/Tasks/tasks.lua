-- The scheduler behind `task`: each task is a coroutine that only this chunk resumes. A waiting task
-- holds a "waker" (a closure that resumes it once) and a canceller (what stops what it waits on: a
-- timer, an HTTP request, its children). Wakes come from host callbacks (already a dispatcher item,
-- under the runaway guard) or are posted through raw.post, so every resume is one dispatcher item:
-- it counts against the frame's callback budget and runs under the 250 ms limit. Returns `deliver`.
local raw, util = ...
local type, error, format, tostring, setmetatable, pairs = type, error, string.format, tostring, setmetatable, pairs
local pack, unpack = table.pack, table.unpack
local cocreate, coresume, coyield, costatus, coclose = coroutine.create, coroutine.resume, coroutine.yield,
  coroutine.status, coroutine.close
local now, traceback, report_error = util.now, util.traceback, util.report_error
local timers = util.timer_heap()

local WAIT = {}                                         -- the only value a task yields to the scheduler
local records = setmetatable({}, { __mode = "k" })      -- handle -> record
local by_co = setmetatable({}, { __mode = "k" })        -- coroutine -> record (coroutine.resume refuses them)
local live = {}                                         -- id -> record of every unfinished task
local current = nil                                     -- the record of the task running now
local dead = false                                      -- the script is unloading: nothing resumes
local next_id, next_token = 0, 0
local posted = {}                                       -- token -> function to run as its own dispatcher item
local frame_waiters = {}

local tasks = { live = live }
util.tasks = tasks

-- Runs fn as a dispatcher item of its own (the frame's budget, the runaway guard).
local function post(fn)
  next_token = next_token + 1
  posted[next_token] = fn
  raw.post(next_token)
end
tasks.post = post

local function finished(status) return status == "done" or status == "failed" or status == "cancelled" end
tasks.finished = finished

-- Ends a task: records how, lets go of its coroutine and tells whoever waits on it (task.all, race,
-- timeout). A failure nobody waits on is logged like a callback error.
local function settle(rec, status, results, err)
  rec.status, rec.results, rec.err = status, results, err
  rec.cancel_wait = nil
  rec.serial = rec.serial + 1 -- any wake still on its way is stale now
  live[rec.id] = nil
  local watchers = rec.watchers
  rec.watchers = nil
  if watchers ~= nil then
    for i = 1, #watchers do watchers[i](rec) end
  elseif status == "failed" then
    report_error("task started at " .. rec.site, err)
  end
end

-- Resumes a task with the values its wait returns. Never raises: a failure ends the task.
local function step(rec, ...)
  if dead or finished(rec.status) or rec.status == "running" then return end
  local co, outer = rec.co, current
  current, rec.status, rec.cancel_wait = rec, "running", nil
  local r = pack(coresume(co, ...))
  current = outer
  if rec.status == "cancelled" then -- cancelled while it ran (by itself or a task it woke)
    if costatus(co) == "suspended" then coclose(co) end
    rec.co = nil
  elseif not r[1] then
    -- A runaway task fails with the guard's abort (its message names the line), like a callback.
    local message = tostring(r[2])
    -- The coroutine keeps its stack after an error: the traceback shows the frames from before the
    -- wait (the task's function and its callers inside the task) as well as the failing line.
    rec.co = nil
    settle(rec, "failed", nil, traceback(co, message) .. "\n\t(task started at " .. rec.site .. ")")
  elseif costatus(co) == "dead" then
    rec.co = nil
    r.n, r[1] = r.n, nil
    settle(rec, "done", r)
  elseif r[2] ~= WAIT then
    coclose(co)
    rec.co = nil
    settle(rec, "failed", nil, "coroutine.yield cannot suspend a task (use task.wait or a waiting call)"
      .. "\n\t(task started at " .. rec.site .. ")")
  end
end
tasks.step = step

-- A closure that resumes `rec` once with its arguments, if it still waits on this very wait.
local function waker(rec)
  local serial = rec.serial + 1
  rec.serial = serial
  return function(...)
    if rec.serial ~= serial then return end
    rec.serial = serial + 1
    if rec.status == "waiting" then
      step(rec, ...)
    else
      rec.early = pack(...) -- woken before it got to suspend (a refusal answered at once)
    end
  end
end
tasks.waker = waker

-- Suspends the running task until its waker runs; `canceller` stops what it waits on if it is cancelled.
local function suspend(rec, canceller)
  local early = rec.early
  if early ~= nil then
    rec.early = nil
    return unpack(early, 1, early.n)
  end
  rec.status, rec.cancel_wait = "waiting", canceller
  return coyield(WAIT)
end
tasks.suspend = suspend

-- The running task, or a clear error at the caller's caller (`level` as for error()).
function tasks.need(display, level, callback_style)
  local rec = current
  if rec == nil then
    if callback_style then
      error(format("%s needs a callback, or call it inside task.spawn", display), level + 1)
    end
    error(format("%s must be called inside a task (task.spawn)", display), level + 1)
  end
  if rec.status == "cancelled" then coyield(WAIT) end -- cancelled while running: it stops here
  return rec
end

-- For a call that takes a callback (net.http) made without one: returns the callback to pass and
-- wait(cancel_request), which suspends the running task until the callback runs and returns what it
-- was given. Cancelling the task calls cancel_request. Outside a task: "<display> needs a callback".
function util.task_callback(display, level)
  local rec = tasks.need(display, level + 1, true)
  local wake = waker(rec)
  return wake, function(cancel_request)
    return suspend(rec, cancel_request)
  end
end

local methods = {}
local meta = {
  __index = methods,
  __newindex = function() error("a task has no fields to set (keep your data in your own table)", 2) end,
  __tostring = function(handle)
    local rec = records[handle]
    return format("task %d (%s)", rec.id, rec.status)
  end,
  __name = "Task",
  __metatable = "Task",
}

function tasks.new(fn, level)
  next_id = next_id + 1
  local co = cocreate(fn)
  local handle = setmetatable({}, meta)
  local where = util.caller_position(level + 1)
  local rec = { id = next_id, co = co, status = "waiting", serial = 0, site = where, handle = handle }
  records[handle], by_co[co], live[next_id] = rec, rec, rec
  return rec
end

-- The record behind a Task handle, or nil for anything else.
function tasks.record(value)
  return type(value) == "table" and records[value] or nil
end

-- Cancels a task and what it waits on. True when it was still unfinished.
local function cancel(rec)
  local status = rec.status
  if finished(status) then return false end
  local canceller, co = rec.cancel_wait, rec.co
  settle(rec, "cancelled")
  if status ~= "running" then -- running: step closes it when it next yields
    rec.co = nil
    if co ~= nil and costatus(co) == "suspended" then coclose(co) end
  end
  if canceller ~= nil then canceller() end
  return true
end
tasks.cancel = cancel

-- Timers and next-frame waits are checked once a frame; each due one is posted.
function tasks.frame()
  if #frame_waiters > 0 then
    local due = frame_waiters
    frame_waiters = {}
    for i = 1, #due do post(due[i]) end
  end
  timers:pop_due(now(), post)
end

function tasks.next_frame(fn) frame_waiters[#frame_waiters + 1] = fn end
function tasks.after(ms, fn) return timers:add(now() + ms, fn) end
function tasks.cancel_timer(entry) timers:remove(entry) end

-- The script unloads: every task is cancelled (its requests, sleeps and children with it) and
-- nothing resumes afterwards.
function tasks.shutdown()
  local all = {}
  for _, rec in pairs(live) do all[#all + 1] = rec end
  for i = 1, #all do cancel(all[i]) end
  dead = true
  frame_waiters, posted = {}, {}
  timers:clear()
end

-- Tasks are resumed only here: coroutine.resume/close on one would bypass cancellation.
local resume_, close_ = coroutine.resume, coroutine.close
coroutine.resume = function(co, ...)
  if by_co[co] ~= nil then error("coroutine.resume cannot resume a task (the scheduler resumes it)", 2) end
  return resume_(co, ...)
end
coroutine.close = function(co)
  if by_co[co] ~= nil then error("coroutine.close cannot close a task (use t:cancel())", 2) end
  return close_(co)
end

tasks.methods = methods
tasks.WAIT = WAIT

-- Called by the host for each posted token, on the menu thread.
return function(token)
  local fn = posted[token]
  if fn == nil or dead then return end
  posted[token] = nil
  util.call("task", fn)
end
