-- util.inbox(limit): the bounded buffer between a stream's callbacks (net.ws:open's connection, a
-- UDP socket bound without callbacks) and the one task that receives from it. push stores a message
-- (up to three values) or hands it straight to a waiting receiver; receive waits for one, with an
-- optional timeout. What happens when it is full is the caller's choice: push returns false.
local util = ...
local tasks = util.tasks
local format, error, type, tostring, setmetatable = string.format, error, type, tostring, setmetatable

local inbox = {}
inbox.__index = inbox

function util.inbox(limit)
  return setmetatable({ first = 1, last = 0, limit = limit, a = {}, b = {}, c = {} }, inbox)
end

function inbox:count() return self.last - self.first + 1 end

-- Stores a message; false (nothing stored) when the buffer is full or the stream has ended.
function inbox:push(a, b, c)
  if self.reason ~= nil then return false end
  local waiter = self.waiter
  if waiter ~= nil then
    self.waiter = nil
    waiter(a, b, c)
    return true
  end
  if self:count() >= self.limit then return false end
  local i = self.last + 1
  self.last, self.a[i], self.b[i], self.c[i] = i, a, b, c
  return true
end

-- The stream has ended: receive returns what is buffered, then nil, reason.
function inbox:finish(reason)
  if self.reason ~= nil then return end
  self.reason = reason
  local waiter = self.waiter
  if waiter ~= nil then
    self.waiter = nil
    waiter(nil, reason)
  end
end

local function take(self)
  local i = self.first
  local a, b, c = self.a[i], self.b[i], self.c[i]
  self.a[i], self.b[i], self.c[i] = nil, nil, nil
  self.first = i + 1
  return a, b, c
end

-- receive(timeout?) inside a task -> the next message | nil, reason ("timed out" or why it ended).
-- `display` names the method in errors (e.g. "c:receive"); `level` as for error().
function inbox:receive(timeout, display, level)
  if timeout ~= nil and (type(timeout) ~= "number" or not (timeout >= 0)) then
    error(format("bad argument #1 to '%s' (timeout must be a number of seconds from 0, got %s)", display,
      tostring(timeout)), level + 1)
  end
  local rec = tasks.need(display, level + 1)
  if self.first <= self.last then return take(self) end
  if self.reason ~= nil then return nil, self.reason end
  if self.waiter ~= nil then
    error(display .. ": another task is already receiving from it", level + 1)
  end
  local wake = tasks.waker(rec)
  self.waiter = wake
  local timer = nil
  if timeout ~= nil then
    timer = tasks.after(timeout * 1000, function()
      if self.waiter == wake then self.waiter = nil end
      wake(nil, "timed out")
    end)
  end
  local a, b, c = tasks.suspend(rec, function()
    if self.waiter == wake then self.waiter = nil end
    if timer ~= nil then tasks.cancel_timer(timer) end
  end)
  if timer ~= nil then tasks.cancel_timer(timer) end
  if a == nil then return nil, b end
  return a, b, c
end
