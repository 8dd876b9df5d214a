-- util.timer_heap(): the task scheduler's timers (task.wait, receive and task.timeout deadlines), a
-- binary min-heap on the due time in milliseconds. A cancelled wait removes its entry at once, so a
-- cancelled long sleep holds no memory until it would have been due.
local util = ...
local heap_methods = {}
heap_methods.__index = heap_methods

local function swap(h, i, j)
  h[i], h[j] = h[j], h[i]
  h[i].index, h[j].index = i, j
end

local function up(h, i)
  while i > 1 do
    local parent = i // 2
    if h[parent].at <= h[i].at then return end
    swap(h, i, parent)
    i = parent
  end
end

local function down(h, i)
  local n = #h
  while true do
    local smallest, left, right = i, 2 * i, 2 * i + 1
    if left <= n and h[left].at < h[smallest].at then smallest = left end
    if right <= n and h[right].at < h[smallest].at then smallest = right end
    if smallest == i then return end
    swap(h, i, smallest)
    i = smallest
  end
end

-- Adds fn, due at `at`; returns the entry to pass to remove.
function heap_methods:add(at, fn)
  local entry = { at = at, fn = fn, index = #self + 1 }
  self[entry.index] = entry
  up(self, entry.index)
  return entry
end

function heap_methods:remove(entry)
  local i = entry.index
  if i == nil or self[i] ~= entry then return end
  local last = #self
  if i ~= last then
    swap(self, i, last)
    self[last] = nil
    up(self, i)
    down(self, i)
  else
    self[last] = nil
  end
  entry.index = nil
end

-- Hands every entry due by `now` to run(fn), earliest first.
function heap_methods:pop_due(now, run)
  while self[1] ~= nil and self[1].at <= now do
    local entry = self[1]
    self:remove(entry)
    run(entry.fn)
  end
end

function heap_methods:clear()
  for i = #self, 1, -1 do self[i] = nil end
end

function util.timer_heap()
  return setmetatable({}, heap_methods)
end
