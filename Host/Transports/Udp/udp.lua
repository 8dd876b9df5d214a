-- net.udp: argument checking, the UdpSocket handle (a userdata with the read-only fields `id` and
-- `port`) and the callbacks, kept here by socket id until the socket is closed.
local raw, util, max_datagram = ...
local check, arg_error = util.check, util.arg_error
local type, tostring, format = type, tostring, string.format
local error = error

local udp = {}
local sockets = {}                              -- id -> callbacks table
local records = setmetatable({}, { __mode = "k" }) -- handle -> { id = n, port = n }
local methods = {}

local meta, socket_id = util.endpoint_handle("UdpSocket", "sock", records, methods)
raw.set_handle_meta(meta)

-- A port as Lua's own library reads an integer: 8080, 8080.0 or the string "8080".
local function check_port(port, n, fname, low)
  local rule = format("port must be an integer from %d to 65535", low)
  local p = util.check_integer(port, n, fname, rule, 3)
  if p < low or p > 65535 then
    arg_error(n, fname, format("%s, got %s", rule, tostring(port)), 3)
  end
  return p
end

local callback_names = { "on_message", "on_error" }

-- A socket bound without callbacks keeps its datagrams here for sock:receive (a task). When the
-- buffer is full a datagram is dropped and counted, and the next receive reports the count.
local RECEIVE_BUFFER = 256
local inboxes = {}                              -- id -> inbox of a socket bound without callbacks

-- bind(port, callbacks) -> UdpSocket | nil, reason; bind(port): datagrams wait for sock:receive
function udp:bind(port, callbacks, ...)
  util.check_self(self, udp, "bind", "net.udp:bind")
  local p = check_port(port, 1, "bind", 0)
  util.check_opt(callbacks, 2, "bind", "table")
  util.no_extra(3, "bind", "bind(port, callbacks)", 2, ...)
  local copy = {}
  if callbacks == nil then
    callbacks = copy
  end
  util.check_keys(callbacks, callback_names, 2, "bind", "callback")
  for i = 1, #callback_names do
    local name = callback_names[i]
    local value = callbacks[name]
    if value ~= nil and type(value) ~= "function" then
      arg_error(2, "bind", "field '" .. name .. "' must be a function, got " .. type(value))
    end
    copy[name] = value
  end
  local handle, id, bound_or_reason = raw.bind(p)
  if handle == nil then
    if type(id) == "string" then
      error("net.udp:bind: " .. id, 2)
    end
    return nil, bound_or_reason
  end
  records[handle] = { id = id, port = bound_or_reason }
  sockets[id] = copy
  if callbacks == copy then
    inboxes[id] = util.inbox(RECEIVE_BUFFER)
  end
  return handle
end

-- receive(timeout?) inside a task -> data, from_host, from_port | nil, reason ("timed out",
-- "closed", or how many datagrams were dropped because the buffer was full).
function methods:receive(timeout)
  local id = socket_id(self, "receive")
  local inbox = inboxes[id]
  if inbox == nil then
    if sockets[id] == nil then
      util.tasks.need("sock:receive", 2)
      return nil, "closed"
    end
    error("sock:receive: this socket delivers datagrams to on_message (bind it without callbacks to receive in a task)", 2)
  end
  local dropped = inbox.dropped
  if dropped ~= nil then
    util.tasks.need("sock:receive", 2)
    inbox.dropped = nil
    return nil, format("%d datagram(s) dropped: the receive buffer (%d) was full", dropped, RECEIVE_BUFFER)
  end
  local data, host, port = inbox:receive(timeout, "sock:receive", 2)
  if data == nil then return nil, host end
  return data, host, port
end

-- send(host, port, data) -> bool (false once closed), or false, reason when a permission refuses
-- the host
function methods:send(host, port, data, ...)
  local id = socket_id(self, "send")
  check(host, 1, "send", "string", 2)
  local p = check_port(port, 2, "send", 1)
  check(data, 3, "send", "string", 2)
  util.no_extra(4, "send", "sock:send(host, port, data)", 2, ...)
  if #data > max_datagram then
    local why = format("datagram of %d bytes is over the UDP limit of %d bytes; split it", #data, max_datagram)
    arg_error(3, "send", why, 2)
  end
  local sent, reason = raw.send(id, host, p, data)
  if sent == nil then
    error(reason, 2)
  end
  if reason ~= nil then
    return sent, reason
  end
  return sent
end

-- close(): the port is free when it returns; no callback of this socket runs afterwards.
function methods:close()
  local id = socket_id(self, "close")
  sockets[id] = nil
  local inbox = inboxes[id]
  if inbox ~= nil then
    inboxes[id] = nil
    inbox:finish("closed")
  end
  raw.close(id)
end

function methods:is_open()
  return raw.is_open(socket_id(self, "is_open"))
end

-- Called by the host on the menu thread. what: 0 message (data, from_host, from_port), 1 error (err).
local names = { [0] = "on_message", "on_error" }
local wheres = { [0] = "net.udp on_message callback", "net.udp on_error callback" }

local function deliver(id, what, a, b, c)
  local inbox = inboxes[id]
  if inbox ~= nil then
    if what == 0 and not inbox:push(a, b, c) then inbox.dropped = (inbox.dropped or 0) + 1 end
    return
  end
  local callbacks = sockets[id]
  if callbacks == nil then return end
  local name = names[what]
  local fn = callbacks[name]
  if fn ~= nil then
    util.call(wheres[what], fn, a, b, c)
  end
end

return udp, deliver
