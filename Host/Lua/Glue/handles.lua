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
