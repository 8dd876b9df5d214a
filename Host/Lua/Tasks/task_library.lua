-- The `task` global (modelled on Roblox's task library): spawn, defer, wait, all, race, timeout and
-- the Task handle's cancel, status and result. The scheduler itself is tasks.lua.
local util = ...
local tasks = util.tasks
local check, arg_error, finished = util.check, util.arg_error, tasks.finished
local type, error, format, tostring, pack, unpack = type, error, string.format, tostring, table.pack, table.unpack
local huge = math.huge

task = {}

local function check_seconds(value, n, fname, optional)
  if value == nil and optional then return nil end
  if type(value) ~= "number" then
    arg_error(n, fname, "number expected, got " .. type(value), 3)
  end
  if not (value >= 0) or value == huge then
    arg_error(n, fname, "seconds must be a finite number from 0, got " .. tostring(value), 3)
  end
  return value
end

-- spawn(fn, ...) -> Task: runs fn(...) now, until its first wait.
function task.spawn(fn, ...)
  check(fn, 1, "spawn", "function")
  local rec = tasks.new(fn, 2)
  tasks.step(rec, ...)
  return rec.handle
end

-- defer(fn, ...) -> Task: starts fn(...) on the next frame.
function task.defer(fn, ...)
  check(fn, 1, "defer", "function")
  local rec = tasks.new(fn, 2)
  local args, wake = pack(...), tasks.waker(rec)
  tasks.next_frame(function() wake(unpack(args, 1, args.n)) end)
  return rec.handle
end

-- wait(seconds?) -> seconds waited. No argument (or 0): until the next frame.
function task.wait(seconds)
  check_seconds(seconds, 1, "wait", true)
  local rec = tasks.need("task.wait", 2)
  local started, wake = util.now(), tasks.waker(rec)
  if seconds == nil or seconds == 0 then
    tasks.next_frame(wake)
    tasks.suspend(rec, nil)
  else
    local timer = tasks.after(seconds * 1000, wake)
    tasks.suspend(rec, function() tasks.cancel_timer(timer) end)
  end
  return (util.now() - started) / 1000
end

local function watch(rec, fn)
  local watchers = rec.watchers
  if watchers == nil then
    watchers = {}
    rec.watchers = watchers
  end
  watchers[#watchers + 1] = fn
end

-- The records of a list of tasks; a function in the list is spawned as a task of its own.
local function children(list, fname)
  check(list, 1, fname, "table", 3)
  local n = #list
  for i = 1, n do
    local v = list[i]
    if type(v) ~= "function" and tasks.record(v) == nil then
      arg_error(1, fname, format("entry %d is a %s, not a task or function", i, type(v)), 3)
    end
  end
  local kids = {}
  for i = 1, n do
    local v = list[i]
    if type(v) == "function" then
      local rec = tasks.new(v, 3)
      tasks.step(rec)
      kids[i] = rec
    else
      kids[i] = tasks.record(v)
    end
  end
  return kids
end

local function cancel_all(kids)
  for i = 1, #kids do tasks.cancel(kids[i]) end
end

-- all({ t1, t2, ... }) -> { result1, result2, ... } (each task's first result), in order. The first
-- failure cancels the others and is raised here.
function task.all(list)
  local rec = tasks.need("task.all", 2)
  local kids = children(list, "all")
  local results, remaining, failed = {}, 0, nil
  for i = 1, #kids do
    local kid = kids[i]
    if kid.status == "done" then
      results[i] = kid.results[2]
    elseif finished(kid.status) then
      failed = failed or i
    else
      remaining = remaining + 1
    end
  end
  if failed == nil and remaining > 0 then
    local wake = tasks.waker(rec)
    for i = 1, #kids do
      if not finished(kids[i].status) then
        watch(kids[i], function(kid)
          if kid.status == "done" then
            results[i] = kid.results[2]
            remaining = remaining - 1
            if remaining == 0 then tasks.post(wake) end
          elseif failed == nil then
            failed = i
            tasks.post(wake)
          end
        end)
      end
    end
    tasks.suspend(rec, function() cancel_all(kids) end)
  end
  if failed ~= nil then
    cancel_all(kids)
    if kids[failed].status == "failed" then error(kids[failed].err, 0) end
    error(format("task.all: task %d of the list was cancelled", failed), 2)
  end
  return results
end

-- race({ t1, t2, ... }) -> index, first result of the first task to finish; the others are
-- cancelled. A failure that finishes first is raised here; cancelled tasks do not win.
function task.race(list)
  local rec = tasks.need("task.race", 2)
  local kids = children(list, "race")
  if #kids == 0 then arg_error(1, "race", "the list is empty", 2) end
  local winner, running = nil, 0
  for i = 1, #kids do
    local status = kids[i].status
    if not finished(status) then
      running = running + 1
    elseif status ~= "cancelled" and winner == nil then
      winner = i
    end
  end
  if winner == nil and running > 0 then
    local wake = tasks.waker(rec)
    for i = 1, #kids do
      if not finished(kids[i].status) then
        watch(kids[i], function(kid)
          running = running - 1
          if winner == nil and (kid.status ~= "cancelled" or running == 0) then
            if kid.status ~= "cancelled" then winner = i end
            tasks.post(wake)
          end
        end)
      end
    end
    tasks.suspend(rec, function() cancel_all(kids) end)
  end
  cancel_all(kids)
  if winner == nil then error("task.race: every task of the list was cancelled", 2) end
  local kid = kids[winner]
  if kid.status == "failed" then error(kid.err, 0) end
  return winner, kid.results[2]
end

-- timeout(seconds, fn, ...) -> true, fn's results | false, "timed out" (fn's task is cancelled).
function task.timeout(seconds, fn, ...)
  check_seconds(seconds, 1, "timeout")
  check(fn, 2, "timeout", "function")
  local rec = tasks.need("task.timeout", 2)
  local kid = tasks.new(fn, 2)
  tasks.step(kid, ...)
  if not finished(kid.status) then
    local wake, timed_out = tasks.waker(rec), false
    watch(kid, function() tasks.post(wake) end)
    local timer = tasks.after(seconds * 1000, function()
      timed_out = true
      wake()
    end)
    tasks.suspend(rec, function()
      tasks.cancel_timer(timer)
      tasks.cancel(kid)
    end)
    tasks.cancel_timer(timer)
    if timed_out and not finished(kid.status) then
      tasks.cancel(kid)
      return false, "timed out"
    end
  end
  if kid.status == "done" then return true, unpack(kid.results, 2, kid.results.n) end
  if kid.status == "failed" then error(kid.err, 0) end
  error("task.timeout: the task was cancelled", 2)
end

local methods = tasks.methods

local function self_record(self, fname)
  local rec = tasks.record(self)
  if rec == nil then
    error(format("t:%s must be called with a colon on a task: t:%s()", fname, fname), 3)
  end
  return rec
end

-- t:cancel() -> true when the task was still unfinished. What it waits on is cancelled with it.
function methods:cancel()
  return tasks.cancel(self_record(self, "cancel"))
end

function methods:status()
  return self_record(self, "status").status
end

-- t:result() -> the task's return values once done; raises its error if it failed.
function methods:result()
  local rec = self_record(self, "result")
  local status = rec.status
  if status == "done" then return unpack(rec.results, 2, rec.results.n) end
  if status == "failed" then error(rec.err, 0) end
  if status == "cancelled" then error(format("t:result: task %d was cancelled", rec.id), 2) end
  error(format("t:result: task %d has not finished (%s); wait for it with task.all({ t })", rec.id, status), 2)
end
