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
local option_names = { "ws_path", "max_body_bytes", "answer_timeout" }
local routes = {} -- server id -> { [route id] = handler }

-- The options of listen: ws_path (a path such as "/ws"), max_body_bytes (0 to 64 MB), answer_timeout
-- (seconds > 0). Returns them in raw.listen's order; nil keeps the plugins.json default.
local function check_listen_options(options)
  if options == nil then return nil, nil, nil end
  check(options, 3, "listen", "table", 3)
  util.check_keys(options, option_names, 3, "listen", "option", 3)
  local ws_path, max_body, timeout = options.ws_path, options.max_body_bytes, options.answer_timeout
  if ws_path ~= nil and (type(ws_path) ~= "string" or not ws_path:match("^/[^%s%?#%*%c]*$")) then
    arg_error(3, "listen", "option 'ws_path' must be a path such as \"/ws\", got " .. tostring(ws_path), 3)
  end
  if max_body ~= nil then
    max_body = util.check_integer(max_body, 3, "listen", "option 'max_body_bytes' must be an integer from 0 to 67108864", 3)
    if max_body < 0 or max_body > 67108864 then
      arg_error(3, "listen", "option 'max_body_bytes' must be an integer from 0 to 67108864, got " .. tostring(max_body), 3)
    end
  end
  if timeout ~= nil and (type(timeout) ~= "number" or not (timeout > 0 and timeout <= 3600)) then
    arg_error(3, "listen", "option 'answer_timeout' must be a number of seconds above 0 and at most 3600, got " .. tostring(timeout), 3)
  end
  return ws_path, max_body, timeout
end

-- listen(port, callbacks, options?) -> WsServer | nil, reason
function ws_server:listen(port, callbacks, options, ...)
  util.check_self(self, ws_server, "listen", "net.ws_server:listen")
  local p = util.check_integer(port, 1, "listen", "port must be an integer from 0 to 65535")
  if p < 0 or p > 65535 then
    arg_error(1, "listen", "port must be an integer from 0 to 65535, got " .. tostring(port))
  end
  check(callbacks, 2, "listen", "table")
  util.no_extra(4, "listen", "listen(port, callbacks, options)", 2, ...)
  util.check_keys(callbacks, callback_names, 2, "listen", "callback")
  for i = 1, #callback_names do
    local name = callback_names[i]
    local value = callbacks[name]
    if value ~= nil and type(value) ~= "function" then
      arg_error(2, "listen", "field '" .. name .. "' must be a function, got " .. type(value))
    end
  end
  local ws_path, max_body, answer_timeout = check_listen_options(options)
  local handle, id, bound_or_reason = util.blocking(raw.listen, p, ws_path, max_body, answer_timeout)
  if handle == nil then
    if type(id) == "string" then
      error("net.ws_server:listen: " .. id, 2)
    end
    return nil, bound_or_reason
  end
  records[handle] = { id = id, port = bound_or_reason }
  servers[id] = callbacks
  routes[id] = {}
  return handle
end

-- route(method, path, handler): handler(req, res) for requests of that method ("*": any) on that
-- path (exact, or a prefix when it ends in "*").
function methods:route(method, path, handler, ...)
  local id = server_id(self, "route")
  check(method, 1, "route", "string")
  check(path, 2, "route", "string")
  check(handler, 3, "route", "function")
  util.no_extra(4, "route", "route(method, path, handler)", 2, ...)
  local m = method:upper()
  if m ~= "*" and not m:match("^%u+$") then
    arg_error(1, "route", "method must be an HTTP method such as \"GET\" or \"POST\", or \"*\", got \"" .. method .. "\"")
  end
  if not path:match("^/") or path:find("[%s%?#%c]") or path:find("*", 1, true) and path:find("*", 1, true) ~= #path then
    arg_error(2, "route", "path must start with \"/\" and may end in \"*\" for a prefix (no spaces, '?' or '#'), got \"" .. path .. "\"")
  end
  local route, reason = raw.route(id, m, path)
  if route == nil then
    error("srv:route: " .. reason, 2)
  end
  routes[id][route] = handler
end

-- static(prefix, folder): serves the files of folder (inside the script's folder or the download
-- folder; relative to the script's folder) under the URL prefix.
function methods:static(prefix, folder, ...)
  local id = server_id(self, "static")
  check(prefix, 1, "static", "string")
  check(folder, 2, "static", "string")
  util.no_extra(3, "static", "static(prefix, folder)", 2, ...)
  if not prefix:match("^/") or prefix:find("[%s%?#%*%%\\%c]") or ("/" .. prefix .. "/"):find("/%.%.?/") then
    arg_error(1, "static", "prefix must be a path such as \"/\" or \"/assets\" (no spaces, '?', '#', '*', '%', '\\', '.' or '..'), got \"" .. prefix .. "\"")
  end
  local ok, reason = raw.static(id, prefix, folder)
  if not ok then
    error("srv:static: " .. reason, 2)
  end
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

-- res: a table whose only method is send; its request id lives in `answers`, out of the script's reach.
local answers = setmetatable({}, { __mode = "k" }) -- res -> request id
local res_methods = {}
local res_meta = {
  __index = res_methods,
  __newindex = function() error("res has only the method send: res:send(status, body, headers)", 2) end,
  __metatable = "HttpResponse",
}

-- res:send(status, body?, headers?) -> true when sent, false when the request is over (answered,
-- timed out with 504, the client gone, the server closed).
function res_methods:send(status, body, headers, ...)
  local request = type(self) == "table" and answers[self] or nil
  if request == nil then
    error("res:send must be called with a colon on a res: res:send(status, body, headers)", 2)
  end
  local s = util.check_integer(status, 1, "send", "status must be an integer from 200 to 599")
  if s < 200 or s > 599 then
    arg_error(1, "send", "status must be an integer from 200 to 599, got " .. tostring(status))
  end
  check_opt(body, 2, "send", "string")
  check_opt(headers, 3, "send", "table")
  util.no_extra(4, "send", "send(status, body, headers)", 2, ...)
  local flat, n = {}, 0
  if headers ~= nil then
    for name, value in pairs(headers) do
      if type(name) ~= "string" or (type(value) ~= "string" and type(value) ~= "number") then
        arg_error(3, "send", "headers must map names to strings, got " .. type(name) .. " = " .. type(value))
      end
      flat[n + 1], flat[n + 2], n = name, tostring(value), n + 2
    end
  end
  return raw.answer(request, s, body or "", table.unpack(flat, 1, n))
end

-- Called by the host on the menu thread. what: 0 open, 1 message, 2 error, 3 close, 4 forget
-- (the server has stopped and every on_close has been delivered), 5 request (client is the
-- request id, a the route, b the req table).
local names = { [0] = "on_open", "on_message", "on_error", "on_close" }

local function deliver_request(id, request, route, req)
  local handler = routes[id] and routes[id][route]
  if handler == nil then
    raw.answer(request, 503, "")
    return
  end
  local res = setmetatable({}, res_meta)
  answers[res] = request
  if not util.call("net.ws_server route " .. req.method .. " " .. req.path, handler, req, res) then
    raw.answer(request, 500, "") -- the error is logged with its traceback; nothing if already answered
  end
end

local function deliver(id, what, client, a, b)
  local callbacks = servers[id]
  if callbacks == nil then return end
  if what == 4 then
    servers[id] = nil
    routes[id] = nil
    return
  end
  if what == 5 then
    deliver_request(id, client, a, b)
    return
  end
  local name = names[what]
  util.call_field("net.ws_server " .. name, callbacks, name, client, a, b)
end

return ws_server, deliver
