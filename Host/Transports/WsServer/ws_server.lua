-- net.ws_server: argument checking, the WsServer handle (a userdata whose only field is the
-- read-only `id`, plus `port`) and the callbacks, kept here by server id until the host has
-- delivered the last on_close of that server on the menu thread.
local raw, util, max_message = ...
local check, check_opt, arg_error = util.check, util.check_opt, util.arg_error
local type, tostring, error = type, tostring, error

local ws_server = {}
local servers = {}                              -- id -> callbacks table
local records = setmetatable({}, { __mode = "k" }) -- handle -> { id = n, port = n }
local methods = {}

local meta, server_id = util.endpoint_handle("WsServer", "srv", records, methods)
raw.set_handle_meta(meta)

local function check_client(client, fname)
  local id = util.check_integer(client, 1, fname, "client id must be an integer", 3)
  return id -- not a tail call: the error level counts this function's frame
end

local function check_message(msg, n, fname)
  check(msg, n, fname, "string", 3)
  if #msg > max_message then
    arg_error(n, fname, util.oversize(#msg, max_message), 3)
  end
  util.check_text(msg, n, fname, 3)
end

local callback_names = { "on_open", "on_message", "on_error", "on_close" }

-- listen(port, callbacks) -> WsServer | nil, reason
function ws_server:listen(port, callbacks, ...)
  util.check_self(self, ws_server, "listen", "net.ws_server:listen")
  local p = util.check_integer(port, 1, "listen", "port must be an integer from 0 to 65535")
  if p < 0 or p > 65535 then
    arg_error(1, "listen", "port must be an integer from 0 to 65535, got " .. tostring(port))
  end
  check(callbacks, 2, "listen", "table")
  util.no_extra(3, "listen", "listen(port, callbacks)", 2, ...)
  util.check_keys(callbacks, callback_names, 2, "listen", "callback")
  for i = 1, #callback_names do
    local name = callback_names[i]
    local value = callbacks[name]
    if value ~= nil and type(value) ~= "function" then
      arg_error(2, "listen", "field '" .. name .. "' must be a function, got " .. type(value))
    end
  end
  local handle, id, bound_or_reason = util.blocking(raw.listen, p)
  if handle == nil then
    if type(id) == "string" then
      error("net.ws_server:listen: " .. id, 2)
    end
    return nil, bound_or_reason
  end
  records[handle] = { id = id, port = bound_or_reason }
  servers[id] = callbacks
  return handle
end

-- send(client, msg) -> bool
function methods:send(client, msg)
  local id = server_id(self, "send")
  local c = check_client(client, "send")
  check_message(msg, 2, "send")
  return raw.send(id, c, msg)
end

-- broadcast(msg)
function methods:broadcast(msg)
  local id = server_id(self, "broadcast")
  check_message(msg, 1, "broadcast")
  raw.broadcast(id, msg)
end

-- disconnect(client, code = 1000, reason = "") -> bool
function methods:disconnect(client, code, reason)
  local id = server_id(self, "disconnect")
  local c = check_client(client, "disconnect")
  local k = code == nil and 1000
    or util.check_integer(code, 2, "disconnect", "close code must be an integer")
  check_opt(reason, 3, "disconnect", "string")
  if not ((k >= 1000 and k <= 1003) or (k >= 1007 and k <= 1014) or (k >= 3000 and k <= 4999)) then
    arg_error(2, "disconnect", "close code " .. tostring(code) .. " may not be sent (use 1000-1003, 1007-1014 or 3000-4999)")
  end
  return raw.disconnect(id, c, k, reason or "")
end

-- close(): every client gets 1001; returns once the server has stopped and its port is free.
function methods:close()
  util.blocking(raw.close, server_id(self, "close"))
end

function methods:is_open()
  return raw.is_open(server_id(self, "is_open"))
end

function methods:client_count()
  return raw.client_count(server_id(self, "client_count"))
end

-- Called by the host on the menu thread. what: 0 open, 1 message, 2 error, 3 close, 4 forget
-- (the server has stopped and every on_close has been delivered).
local names = { [0] = "on_open", "on_message", "on_error", "on_close" }

local function deliver(id, what, client, a, b)
  local callbacks = servers[id]
  if callbacks == nil then return end
  if what == 4 then
    servers[id] = nil
    return
  end
  local name = names[what]
  util.call_field("net.ws_server " .. name, callbacks, name, client, a, b)
end

return ws_server, deliver
