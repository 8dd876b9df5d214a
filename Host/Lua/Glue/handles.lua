-- Adds util.endpoint_handle: the handle a script gets for something it listens on (WsServer,
-- UdpSocket). The handle is a userdata with the read-only fields `id` and `port` and the type's
-- methods; its record lives in `records` (weak-keyed by handle) so Lua cannot reach the host.
local util = ...
local type, tostring, format, error, pairs, next = type, tostring, string.format, error, pairs, next

-- Returns the metatable for `type_name` handles and a function that, called from a method, gives
-- the handle's id or raises "<var>:<method> must be called with a colon on a <type_name>".
function util.endpoint_handle(type_name, var, records, methods)
  local meta = {
    __index = function(handle, key)
      local record = records[handle]
      if key == "id" then return record.id end
      if key == "port" then return record.port end
      return methods[key]
    end,
    __newindex = function(_, key)
      if key == "id" or key == "port" then
        error(type_name .. "." .. key .. " is read-only", 2)
      end
      error("cannot set " .. type_name .. "." .. tostring(key) .. ": a " .. type_name
        .. " has only the read-only fields id and port (keep your own data in a table keyed by "
        .. var .. ".id)", 2)
    end,
    -- pairs(handle) lists what the handle has: id, port and its methods.
    __pairs = function(handle)
      local record = records[handle]
      local all = { id = record.id, port = record.port }
      for name, fn in pairs(methods) do all[name] = fn end
      return next, all, nil
    end,
    __tostring = function(handle)
      local record = records[handle]
      return format("%s %d (127.0.0.1:%d)", type_name, record.id, record.port)
    end,
    __name = type_name,
    __metatable = type_name,
  }

  local function handle_id(self, fname)
    local record = type(self) == "userdata" and records[self] or nil
    if record == nil then
      error(format("%s:%s must be called with a colon on a %s: %s:%s(...)", var, fname, type_name, var, fname), 3)
    end
    return record.id
  end

  return meta, handle_id
end

-- Adds util.operation_handle: the handle a script gets for something that ends once (an HTTP
-- request). The handle is a userdata with the read-only field `id` and the methods cancel() and
-- is_done(). Other glue (a library that waits on several operations) reaches the operation behind
-- any such handle with util.operation(handle): a record with `id`, `done`, `record:cancel()` and
-- `record:watch(fn)`; fn(result) runs once when the operation finishes (at once if it has).
-- One weak table holds every kind's records, and a record's functions are shared by its kind: a
-- request costs one table and one entry here, not a closure per method (net.http is on this path
-- for every request).
local operations = setmetatable({}, { __mode = "k" }) -- handle -> record, every kind of operation

function util.operation(handle)
  return operations[handle]
end

-- Returns the metatable for `type_name` handles and `track(handle, id, cancel)`, which records a
-- new handle and returns its record; cancel(record) is called once when the script cancels it. The
-- owner calls record:finish(result) when the operation ends (it marks the record done and runs the
-- watchers).
function util.operation_handle(type_name, var)
  local methods = {}

  local function record_of(self, fname)
    local record = type(self) == "userdata" and operations[self] or nil
    if record == nil or record.kind ~= type_name then
      error(format("%s:%s must be called with a colon on a %s: %s:%s()", var, fname, type_name, var, fname), 3)
    end
    return record
  end

  -- cancel(): a no-op once the operation is done (or already being cancelled).
  function methods.cancel(self)
    local record = record_of(self, "cancel")
    if not record.done and not record.cancelling then
      record.cancelling = true
      record:cancel()
    end
  end

  function methods.is_done(self)
    return record_of(self, "is_done").done
  end

  local meta = {
    __index = function(handle, key)
      if key == "id" then return operations[handle].id end
      return methods[key]
    end,
    __newindex = function(_, key)
      if key == "id" then
        error(type_name .. ".id is read-only", 2)
      end
      error("cannot set " .. type_name .. "." .. tostring(key) .. ": a " .. type_name
        .. " has only the read-only field id (keep your own data in a table keyed by " .. var .. ".id)", 2)
    end,
    __pairs = function(handle)
      local all = { id = operations[handle].id }
      for name, fn in pairs(methods) do all[name] = fn end
      return next, all, nil
    end,
    __tostring = function(handle)
      local record = operations[handle]
      return format("%s %d (%s)", type_name, record.id, record.done and "done" or "pending")
    end,
    __name = type_name,
    __metatable = type_name,
  }

  local watcher_label = type_name .. " watcher"

  local function watch(record, fn)
    if record.done then
      util.call(watcher_label, fn, record.result)
    else
      local watchers = record.watchers or {}
      watchers[#watchers + 1] = fn
      record.watchers = watchers
    end
  end

  local function finish(record, result)
    record.done = true
    record.result = result
    local list = record.watchers
    record.watchers = nil
    if list ~= nil then
      for i = 1, #list do util.call(watcher_label, list[i], result) end
    end
  end

  local function track(handle, id, cancel)
    local record = { kind = type_name, id = id, done = false, cancel = cancel, watch = watch, finish = finish }
    operations[handle] = record
    return record
  end

  return meta, track
end
