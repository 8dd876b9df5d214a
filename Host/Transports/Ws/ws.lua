-- net.ws: argument checking, then raw calls into the host. Each connection's callbacks wait here,
-- keyed by its id, until the host delivers the connection's events on the menu thread.
local raw, util, max_message = ...
local check, arg_error, type, tostring = util.check, util.arg_error, type, tostring

local ws = {}
local connections = {}
local callback_names = { "on_open", "on_message", "on_error", "on_close" }

-- connect(url, callbacks) -> id. A connection that cannot be made still returns an id; on_error and
-- on_close(id, 1006, reason) follow. Only arguments of the wrong type raise.
function ws:connect(url, callbacks, ...)
  util.check_self(self, ws, "connect", "net.ws:connect")
  check(url, 1, "connect", "string")
  check(callbacks, 2, "connect", "table")
  util.no_extra(3, "connect", "connect(url, callbacks)", 2, ...)
  util.check_keys(callbacks, callback_names, 2, "connect", "callback")
  local copy = {}
  for i = 1, #callback_names do
    local name = callback_names[i]
    local fn = callbacks[name]
    if fn ~= nil and type(fn) ~= "function" then
      arg_error(2, "connect", "field '" .. name .. "' must be a function, got " .. type(fn))
    end
    copy[name] = fn
  end
  local id, err = raw.connect(url)
  if id == nil then
    error("net.ws:connect: " .. tostring(err), 2)
  end
  connections[id] = copy
  return id
end

-- send(id, msg) -> bool: false when the connection is not open (unknown, connecting, closing or closed).
function ws:send(id, msg)
  util.check_self(self, ws, "send", "net.ws:send")
  id = util.check_integer(id, 1, "send", "connection id must be an integer")
  check(msg, 2, "send", "string")
  if #msg > max_message then
    arg_error(2, "send", util.oversize(#msg, max_message))
  end
  util.check_text(msg, 2, "send")
  return raw.send(id, msg) == true
end

-- close(id): on_close follows once the close handshake is done. Unknown or closed ids: nothing.
function ws:close(id)
  util.check_self(self, ws, "close", "net.ws:close")
  id = util.check_integer(id, 1, "close", "connection id must be an integer")
  raw.close(id)
end

function ws:is_open(id)
  util.check_self(self, ws, "is_open", "net.ws:is_open")
  id = util.check_integer(id, 1, "is_open", "connection id must be an integer")
  return raw.is_open(id) == true
end

-- Built once: deliver runs for every message, so it builds no strings.
local names, wheres = {}, {}
for i = 1, #callback_names do
  local name = callback_names[i]
  names[name:sub(4)] = name
  wheres[name] = "net.ws " .. name .. " callback"
end

local function deliver(id, kind, ...)
  local callbacks = connections[id]
  if callbacks == nil then return end
  if kind == "close" then connections[id] = nil end
  local name = names[kind]
  local fn = callbacks[name]
  if fn ~= nil then
    util.call(wheres[name], fn, id, ...)
  end
end

return ws, deliver
