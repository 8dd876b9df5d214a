-- net.ws: argument checking, then raw calls into the host. Each connection's callbacks wait here,
-- keyed by its id, until the host delivers the connection's events on the menu thread.
local raw, util, max_message = ...
local check, arg_error, type, tostring, pairs = util.check, util.arg_error, type, tostring, pairs
local math_type, find, lower, format = math.type, string.find, string.lower, string.format
local setmetatable, error, pcall = setmetatable, error, pcall

local ws = {}
local connections = {}
local callback_names = { "on_open", "on_message", "on_error", "on_close", "on_reconnecting" }
local OPTIONS = { "headers", "protocols", "ping_interval", "pong_timeout", "compress", "max_message",
  "connect_timeout", "max_buffered", "reconnect" }
local RECONNECT = { "initial", "max", "factor", "jitter", "attempts" }
local MAX_MESSAGE_CAP = 64 * 1024 * 1024

-- Raises "bad argument #3 to 'connect' (option 'x' ...)" at the script's line (helper -> connect -> script).
local function option_error(name, msg, depth)
  arg_error(3, "connect", "option '" .. name .. "' " .. msg, 4 + (depth or 0))
end

local function seconds(options, name)
  local v = options[name]
  if v ~= nil and (type(v) ~= "number" or not (v > 0) or v ~= v) then
    option_error(name, "must be a positive number of seconds, got " .. tostring(v))
  end
  return v
end

local function bytes(options, name, most)
  local v = options[name]
  if v ~= nil and (math_type(v) ~= "integer" or v < 1 or (most and v > most)) then
    option_error(name, "must be a whole number of bytes from 1" .. (most and (" to " .. most) or "")
      .. ", got " .. tostring(v))
  end
  return v
end

-- Header names a script may not set: the WebSocket handshake's own (subprotocols go in `protocols`).
local RESERVED_HEADERS = { upgrade = true, connection = true, host = true, ["content-length"] = true,
  ["transfer-encoding"] = true }

local function check_headers(headers)
  if headers == nil then return nil end
  if type(headers) ~= "table" then option_error("headers", "must be a table, got " .. type(headers)) end
  for k, v in pairs(headers) do
    if type(k) ~= "string" or type(v) ~= "string" then
      option_error("headers", "must map strings to strings, got " .. type(k) .. " = " .. type(v))
    end
    if k == "" or find(k, "[%c :]") or find(v, "[\r\n%z]") then
      option_error("headers", "has a line break or an invalid name in header '" .. k:gsub("[\r\n]", "\\n") .. "'")
    end
    local name = lower(k)
    if RESERVED_HEADERS[name] or find(name, "^sec%-websocket%-") then
      option_error("headers", "may not set '" .. k .. "': the WebSocket handshake sets it"
        .. (name == "sec-websocket-protocol" and " (offer subprotocols with the 'protocols' option)" or ""))
    end
  end
  return headers
end

local function check_protocols(protocols)
  if protocols == nil then return nil end
  if type(protocols) ~= "table" then option_error("protocols", "must be an array of strings, got " .. type(protocols)) end
  local seen = {}
  for i = 1, #protocols do
    local p = protocols[i]
    if type(p) ~= "string" then option_error("protocols", "must be an array of strings, got " .. type(p) .. " at " .. i) end
    -- An HTTP token (RFC 7230 §3.2.6): no spaces, commas, quotes, line breaks.
    if not find(p, "^[!#$%%&'*+%-.^_`|~%w]+$") then
      option_error("protocols", "entry " .. i .. " is not a valid subprotocol name (letters, digits and !#$%&'*+-.^_`|~ only)")
    end
    if seen[p] then option_error("protocols", "offers '" .. p .. "' twice") end
    seen[p] = true
  end
  return protocols
end

local function check_reconnect(r)
  if r == nil or r == false then return nil end
  if r == true then r = {} end
  if type(r) ~= "table" then option_error("reconnect", "must be true or a table, got " .. type(r)) end
  util.check_keys(r, RECONNECT, 3, "connect", "reconnect field", 3)
  local function positive(name, default)
    local v = r[name]
    if v == nil then return default end
    if type(v) ~= "number" or not (v > 0) or v ~= v or v == math.huge then
      option_error("reconnect", "field '" .. name .. "' must be a positive number, got " .. tostring(v), 1)
    end
    return v
  end
  local initial, most, factor = positive("initial", 0.25), positive("max", 8), positive("factor", 2)
  if factor < 1 then option_error("reconnect", "field 'factor' must be at least 1, got " .. tostring(factor)) end
  if most < initial then option_error("reconnect", "field 'max' must be at least 'initial'") end
  local jitter = r.jitter
  if jitter == nil then jitter = true end
  if type(jitter) ~= "boolean" then option_error("reconnect", "field 'jitter' must be a boolean, got " .. type(jitter)) end
  local attempts = r.attempts
  if attempts ~= nil and (math_type(attempts) ~= "integer" or attempts < 1) then
    option_error("reconnect", "field 'attempts' must be a positive integer or nil (no end), got " .. tostring(attempts))
  end
  return initial, most, factor, jitter, attempts
end

-- connect(url, callbacks, options?) -> id. A connection that cannot be made still returns an id;
-- on_error and on_close(id, 1006, reason) follow. Only arguments of the wrong type raise.
function ws:connect(url, callbacks, options, ...)
  util.check_self(self, ws, "connect", "net.ws:connect")
  check(url, 1, "connect", "string")
  check(callbacks, 2, "connect", "table")
  util.check_opt(options, 3, "connect", "table")
  util.no_extra(4, "connect", "connect(url, callbacks, options)", 2, ...)
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
  local o = options or {}
  util.check_keys(o, OPTIONS, 3, "connect", "option")
  local headers, protocols = check_headers(o.headers), check_protocols(o.protocols)
  local ping, pong, timeout = seconds(o, "ping_interval"), seconds(o, "pong_timeout"), seconds(o, "connect_timeout")
  local compress = o.compress
  if compress ~= nil and type(compress) ~= "boolean" then
    option_error("compress", "must be a boolean, got " .. type(compress))
  end
  local message_limit, buffered_limit = bytes(o, "max_message", MAX_MESSAGE_CAP), bytes(o, "max_buffered")
  local r_initial, r_max, r_factor, r_jitter, r_attempts = check_reconnect(o.reconnect)
  local id, err = raw.connect(url, headers, protocols, ping, pong, compress == true, message_limit, timeout,
    buffered_limit, r_initial, r_max, r_factor, r_jitter, r_attempts)
  if id == nil then
    error("net.ws:connect: " .. tostring(err), 2)
  end
  connections[id] = copy
  return id
end

local function check_send(fname, id, msg, text)
  id = util.check_integer(id, 1, fname, "connection id must be an integer", 3)
  check(msg, 2, fname, "string", 3)
  if #msg > max_message then
    arg_error(2, fname, util.oversize(#msg, max_message), 3)
  end
  if text then util.check_text(msg, 2, fname, 3) end
  return id
end

-- send(id, msg) -> bool: false when the connection is not open (unknown, connecting, reconnecting,
-- closing or closed) or its send queue is full (on_error says so).
function ws:send(id, msg)
  util.check_self(self, ws, "send", "net.ws:send")
  id = check_send("send", id, msg, true)
  return raw.send(id, msg, true) == true
end

-- send_binary(id, data) -> bool: like send, as a binary message (any bytes).
function ws:send_binary(id, data)
  util.check_self(self, ws, "send_binary", "net.ws:send_binary")
  id = check_send("send_binary", id, data, false)
  return raw.send(id, data, false) == true
end

-- buffered(id) -> bytes queued and not yet handed to the network (0 when not open).
function ws:buffered(id)
  util.check_self(self, ws, "buffered", "net.ws:buffered")
  id = util.check_integer(id, 1, "buffered", "connection id must be an integer")
  return raw.buffered(id)
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

-- open(url, options?) inside a task: waits for the handshake and returns a WsConnection to read
-- with c:receive(), or nil, reason when it cannot connect. Messages wait in a buffer of
-- RECEIVE_BUFFER; when it is full the connection is closed and receive says so after the buffered
-- ones (nothing is dropped in silence). `reconnect` is connect's: a task calls open again instead.
local RECEIVE_BUFFER = 256
local open_records = setmetatable({}, { __mode = "k" })
local conn_methods = {}
local conn_meta = {
  __index = function(c, key)
    if key == "id" then return open_records[c].id end
    return conn_methods[key]
  end,
  __newindex = function() error("a WsConnection has only the read-only field id", 2) end,
  __tostring = function(c) return "WsConnection " .. tostring(open_records[c].id) end,
  __name = "WsConnection",
  __metatable = "WsConnection",
}

-- connect's argument errors, reworded for open (options are its argument #2) and raised at the script.
local function open_error(err)
  err = tostring(err):gsub("^%[pluginnet ws%]:%d+: ", ""):gsub("#3 to 'connect'", "#2 to 'open'")
    :gsub("^net%.ws:connect:", "net.ws:open:")
  error(err, 3)
end

function ws:open(url, options, ...)
  util.check_self(self, ws, "open", "net.ws:open")
  check(url, 1, "open", "string")
  util.check_opt(options, 2, "open", "table")
  util.no_extra(3, "open", "open(url, options)", 2, ...)
  if options ~= nil and options.reconnect ~= nil then
    arg_error(2, "open", "option 'reconnect' is for connect; in a task, call open again to reconnect")
  end
  local tasks = util.tasks
  local rec = tasks.need("net.ws:open", 2)
  local inbox, wake, opened, failure = util.inbox(RECEIVE_BUFFER), tasks.waker(rec), false, nil
  local callbacks = {
    on_open = function()
      opened = true
      wake(true)
    end,
    on_message = function(id, msg, is_binary)
      if not inbox:push(msg, is_binary) then
        inbox:finish(format("receive buffer full (%d messages waiting); the connection was closed", RECEIVE_BUFFER))
        raw.close(id)
      end
    end,
    on_error = function(_, err) failure = failure or err end,
    on_close = function(_, code, reason)
      local why = failure or format("closed (%d%s)", code, reason ~= "" and (": " .. reason) or "")
      if opened then inbox:finish(why) else wake(false, why) end
    end,
  }
  local ok, id = pcall(ws.connect, ws, url, callbacks, options)
  if not ok then open_error(id) end
  local is_open, why = tasks.suspend(rec, function() raw.close(id) end)
  if not is_open then return nil, why end
  local c = setmetatable({}, conn_meta)
  open_records[c] = { id = id, inbox = inbox }
  return c
end

local function conn_record(c, fname)
  local record = open_records[c]
  if record == nil then
    error(format("c:%s must be called with a colon on a WsConnection: c:%s(...)", fname, fname), 3)
  end
  return record
end

-- c:receive(timeout?) -> msg, is_binary | nil, reason ("timed out", or why the connection ended).
function conn_methods:receive(timeout)
  local msg, is_binary = conn_record(self, "receive").inbox:receive(timeout, "c:receive", 2)
  return msg, is_binary -- not a tail call: errors name the script's line
end

-- c:send(msg) / c:send_binary(data) -> bool, as net.ws:send and net.ws:send_binary.
function conn_methods:send(msg)
  local id = conn_record(self, "send").id
  check(msg, 1, "send", "string")
  return ws.send(ws, id, msg)
end

function conn_methods:send_binary(data)
  local id = conn_record(self, "send_binary").id
  check(data, 1, "send_binary", "string")
  return ws.send_binary(ws, id, data)
end

-- c:close(): a normal close (1000); receive returns the messages already buffered, then nil, reason.
function conn_methods:close()
  raw.close(conn_record(self, "close").id)
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
