-- net.http: argument checking for every signature of the seed, then one raw `send` into the host.
-- Callbacks wait here, keyed by request id, until the host delivers the response on the menu thread.
local raw, util = ...
local check, check_opt, arg_error, type, pairs = util.check, util.check_opt, util.arg_error, type, pairs

local http = {}
local pending = {}
local OPTIONS = { "headers", "body", "content_type", "save_to_file", "timeout" }

-- Raises "bad argument #n to 'fname' (field 'x' ...)" at the script line that called net.http.
local function check_field(options, field, expected, n, fname)
  local value = options[field]
  if value ~= nil and type(value) ~= expected then
    -- check_field -> send -> net.http:fname -> the script's line: four levels up.
    arg_error(n, fname, "field '" .. field .. "' must be a " .. expected .. ", got " .. type(value), 4)
  end
  return value
end

local function send(fname, n, url, method, options, callback)
  local headers = check_field(options, "headers", "table", n, fname)
  if headers ~= nil then
    for k, v in pairs(headers) do
      if type(k) ~= "string" or type(v) ~= "string" then
        arg_error(n, fname, "headers must map strings to strings, got " .. type(k) .. " = " .. type(v), 3)
      end
    end
  end
  local body = check_field(options, "body", "string", n, fname)
  local content_type = check_field(options, "content_type", "string", n, fname)
  local save_to_file = check_field(options, "save_to_file", "string", n, fname)
  local timeout = check_field(options, "timeout", "number", n, fname)
  if timeout ~= nil and not (timeout > 0) then
    arg_error(n, fname, "field 'timeout' must be a positive number of seconds", 3)
  end
  local id, err = raw.send(url, method, headers, body, content_type, save_to_file, timeout)
  if id == nil then
    error("net.http:" .. fname .. ": " .. err, 3)
  end
  pending[id] = callback
  return id
end

-- Inside a task a call without a callback waits: the callback resumes the task with resp, and
-- cancelling the task aborts the request.
local function cancel_request(id)
  return function()
    pending[id] = nil
    raw.cancel(id)
  end
end

-- get(url, callback, timeout?) | get(url, options, callback)
function http:get(url, a, b, ...)
  util.check_self(self, http, "get", "net.http:get")
  check(url, 1, "get", "string")
  util.no_extra(4, "get", type(a) == "function" and "get(url, callback, timeout)"
    or "get(url, options, callback) (a timeout goes in options)", 2, ...)
  if b == nil and (a == nil or type(a) == "table") then -- get(url) | get(url, options) inside a task
    local options = a or {}
    util.check_keys(options, OPTIONS, 2, "get", "option")
    local callback, wait = util.task_callback("net.http:get", 2)
    return wait(cancel_request(send("get", 2, url, "GET", options, callback)))
  elseif type(a) == "function" then
    check_opt(b, 3, "get", "number")
    if b ~= nil and not (b > 0) then arg_error(3, "get", "timeout must be a positive number of seconds") end
    send("get", 2, url, "GET", { timeout = b }, a)
  elseif type(a) == "table" then
    check(b, 3, "get", "function")
    util.check_keys(a, OPTIONS, 2, "get", "option")
    send("get", 2, url, "GET", a, b)
  else
    arg_error(2, "get", "function or table expected, got " .. type(a))
  end
end

-- post(url, body, content_type, callback, timeout?) | post(url, options, callback)
function http:post(url, a, b, c, d, ...)
  util.check_self(self, http, "post", "net.http:post")
  check(url, 1, "post", "string")
  if type(a) == "string" and c == nil and d == nil then -- post(url, body, content_type) inside a task
    check(b, 3, "post", "string")
    util.no_extra(4, "post", "post(url, body, content_type) inside a task", 2, ...)
    local callback, wait = util.task_callback("net.http:post", 2)
    return wait(cancel_request(send("post", 2, url, "POST", { body = a, content_type = b }, callback)))
  elseif type(a) == "table" and b == nil then -- post(url, options) inside a task
    util.no_extra(3, "post", "post(url, options) inside a task", 2, c, d, ...)
    util.check_keys(a, OPTIONS, 2, "post", "option")
    local callback, wait = util.task_callback("net.http:post", 2)
    return wait(cancel_request(send("post", 2, url, "POST", a, callback)))
  elseif type(a) == "string" then
    util.no_extra(6, "post", "post(url, body, content_type, callback, timeout)", 2, ...)
    check(b, 3, "post", "string")
    check(c, 4, "post", "function")
    check_opt(d, 5, "post", "number")
    if d ~= nil and not (d > 0) then arg_error(5, "post", "timeout must be a positive number of seconds") end
    send("post", 2, url, "POST", { body = a, content_type = b, timeout = d }, c)
  elseif type(a) == "table" then
    check(b, 3, "post", "function")
    util.no_extra(4, "post", "post(url, options, callback) (a timeout goes in options)", 2, c, d, ...)
    util.check_keys(a, OPTIONS, 2, "post", "option")
    send("post", 2, url, "POST", a, b)
  else
    arg_error(2, "post", "string or table expected, got " .. type(a))
  end
end

-- request(url, method, options, callback): any method (GET, POST, PUT, DELETE, PATCH, ...)
function http:request(url, method, options, callback, ...)
  util.check_self(self, http, "request", "net.http:request")
  util.no_extra(5, "request", "request(url, method, options, callback)", 2, ...)
  check(url, 1, "request", "string")
  check(method, 2, "request", "string")
  if not method:match("^[%w!#$%%&'*+.^_`|~-]+$") then
    arg_error(2, "request", "'" .. method .. "' is not an HTTP method")
  end
  if type(options) == "function" and callback == nil then
    arg_error(3, "request", "table expected, got function (options come before the callback; pass {} for none)")
  end
  check(options, 3, "request", "table")
  util.check_keys(options, OPTIONS, 3, "request", "option")
  if callback == nil then -- request(url, method, options) inside a task
    local wake, wait = util.task_callback("net.http:request", 2)
    return wait(cancel_request(send("request", 3, url, method:upper(), options, wake)))
  end
  check(callback, 4, "request", "function")
  send("request", 3, url, method:upper(), options, callback)
end

local function deliver(id, status, body, err, ok)
  local callback = pending[id]
  if callback == nil then return end
  pending[id] = nil
  util.call("net.http callback", callback, { status = status, body = body, error = err, ok = ok })
end

return http, deliver
