-- net.http: argument checking for every signature of the seed, then one raw `send` into the host,
-- which returns the request's handle. Callbacks wait here, keyed by request id, until the host
-- delivers the response (and, before it, progress and streamed pieces) on the menu thread.
local raw, util, max_body_limit = ...
local check, check_opt, arg_error, type, pairs = util.check, util.check_opt, util.arg_error, type, pairs
local lower, tointeger, tostring, ipairs = string.lower, math.tointeger, tostring, ipairs

local http = {}
local pending = {} -- id -> { callback, record, and the stream callbacks it asked for }
local OPTIONS = { "headers", "body", "content_type", "save_to_file", "timeout",
  "follow_redirects", "max_body", "connect_timeout", "idle_timeout", "last_event_id",
  "on_progress", "on_upload_progress", "on_chunk", "on_event",
  "form", "multipart", "body_file", "cookies", "retry" }

local meta, track = util.operation_handle("HttpRequest", "req")
raw.set_handle_meta(meta)

-- Shared by every call, never changed: the hot path of a plain get builds no tables of its own.
local NO_OPTIONS = {}
local TIMEOUT_FIELDS = { "connect_timeout", "idle_timeout" }
local STREAM_FIELDS = { "on_progress", "on_upload_progress", "on_chunk", "on_event" }

-- Raises "bad argument #n to 'fname' (field 'x' ...)" at the script line that called net.http.
local function check_field(options, field, expected, n, fname, level)
  local value = options[field]
  if value ~= nil and type(value) ~= expected then
    -- check_field -> send -> net.http:fname -> the script's line: four levels up.
    arg_error(n, fname, "field '" .. field .. "' must be a " .. expected .. ", got " .. type(value), level or 4)
  end
  return value
end

local function conflict(options, a, b, why, n, fname)
  if options[a] ~= nil and options[b] ~= nil then
    arg_error(n, fname, "options '" .. a .. "' and '" .. b .. "' cannot be used together: " .. why, 5)
  end
end

-- The options of this issue's streaming and limits: checked here, handed to the host as one table
-- (nil when none is given: the usual request skips all of this). The first test names every option
-- read below, spelled out rather than looped over because every request passes it: keep the two in step.
local function stream_options(options, request, n, fname)
  if options.follow_redirects == nil and options.max_body == nil and options.connect_timeout == nil
    and options.idle_timeout == nil and options.last_event_id == nil and options.on_progress == nil
    and options.on_upload_progress == nil and options.on_chunk == nil and options.on_event == nil then
    return nil
  end
  conflict(options, "on_event", "on_chunk", "on_event already receives the body, parsed into events", n, fname)
  conflict(options, "on_chunk", "save_to_file", "the body goes either to on_chunk or to the file", n, fname)
  conflict(options, "on_event", "save_to_file", "the body goes either to on_event or to the file", n, fname)
  local more = {}
  local follow = options.follow_redirects
  if follow ~= nil then
    local hops = follow == true and 10 or follow == false and 0 or type(follow) == "number" and tointeger(follow) or nil
    if hops == nil or hops < 0 or hops > 10 then
      arg_error(n, fname, "field 'follow_redirects' must be true, false or a whole number of redirects from 0 to 10, got "
        .. tostring(follow), 4)
    end
    more.max_redirects = hops
  end
  local max_body = check_field(options, "max_body", "number", n, fname, 5)
  if max_body ~= nil then
    if tointeger(max_body) == nil or max_body < 1 then
      arg_error(n, fname, "field 'max_body' must be a whole number of bytes above 0, got " .. tostring(max_body), 4)
    end
    local in_memory = options.save_to_file == nil and options.on_chunk == nil and options.on_event == nil
    if in_memory and max_body > max_body_limit then
      arg_error(n, fname, "field 'max_body' is above the in-memory limit of " .. max_body_limit
        .. " bytes; stream larger bodies with save_to_file or on_chunk", 4)
    end
    more.max_body = max_body
  end
  for _, name in ipairs(TIMEOUT_FIELDS) do
    local seconds = check_field(options, name, "number", n, fname, 5)
    if seconds ~= nil and not (seconds > 0) then
      arg_error(n, fname, "field '" .. name .. "' must be a positive number of seconds", 4)
    end
    more[name] = seconds
  end
  more.last_event_id = check_field(options, "last_event_id", "string", n, fname, 5)
  for _, name in ipairs(STREAM_FIELDS) do
    request[name] = check_field(options, name, "function", n, fname, 5)
  end
  more.progress = request.on_progress ~= nil
  more.upload_progress = request.on_upload_progress ~= nil
  more.stream = request.on_chunk ~= nil and "chunk" or request.on_event ~= nil and "event" or nil
  return more
end

-- A cancelled request hears nothing more but its callback, which the host sends ("cancelled").
local function cancel_record(record)
  local request = pending[record.id]
  if request ~= nil then
    request.on_progress, request.on_upload_progress, request.on_chunk, request.on_event = nil, nil, nil, nil
  end
  raw.cancel(record.id, "cancelled")
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
  local request = { callback = callback }
  local more = stream_options(options, request, n, fname)
  local bodies = util.http_bodies(options, n, fname) -- form, multipart, body_file, cookies (http_bodies.lua)
  local retry = util.check_retry(options.retry, n, fname, 3)
  local id, handle = raw.send(url, method, headers, body, content_type, save_to_file, timeout, more, bodies, retry)
  if id == nil then
    error("net.http:" .. fname .. ": " .. handle, 3)
  end
  request.record = track(handle, id, cancel_record)
  pending[id] = request
  return handle
end

-- Inside a task a call without a callback waits: the callback resumes the task with resp, and
-- cancelling the task aborts the request (nobody is left to hear its "cancelled" answer).
local function cancel_request(handle)
  return function()
    local id = handle.id
    if pending[id] ~= nil then
      pending[id] = nil
      raw.cancel(id, "cancelled")
    end
  end
end

-- get(url, callback, timeout?) | get(url, options, callback)
function http:get(url, a, b, ...)
  util.check_self(self, http, "get", "net.http:get")
  local req
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
    req = send("get", 2, url, "GET", b == nil and NO_OPTIONS or { timeout = b }, a)
  elseif type(a) == "table" then
    check(b, 3, "get", "function")
    util.check_keys(a, OPTIONS, 2, "get", "option")
    req = send("get", 2, url, "GET", a, b)
  else
    arg_error(2, "get", "function or table expected, got " .. type(a))
  end
  return req -- not `return send(...)`: a tail call drops this frame, and errors would miss the script's line
end

-- post(url, body, content_type, callback, timeout?) | post(url, options, callback)
function http:post(url, a, b, c, d, ...)
  util.check_self(self, http, "post", "net.http:post")
  local req
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
    req = send("post", 2, url, "POST", { body = a, content_type = b, timeout = d }, c)
  elseif type(a) == "table" then
    check(b, 3, "post", "function")
    util.no_extra(4, "post", "post(url, options, callback) (a timeout goes in options)", 2, c, d, ...)
    util.check_keys(a, OPTIONS, 2, "post", "option")
    req = send("post", 2, url, "POST", a, b)
  else
    arg_error(2, "post", "string or table expected, got " .. type(a))
  end
  return req
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
  local req = send("request", 3, url, method:upper(), options, callback)
  return req
end

-- The final callback: resp gets the seed's four fields and the headers, final URL, redirects and time.
local function finish(id, status, body, err, ok, header_list, url, redirects, elapsed, waited, attempts)
  local request = pending[id]
  if request == nil then return end
  pending[id] = nil
  local headers = {}
  for i = 1, #header_list do
    local pair = header_list[i]
    local key = lower(pair[1])
    local had = headers[key]
    headers[key] = had == nil and pair[2] or had .. ", " .. pair[2]
  end
  local resp = { status = status, body = body, error = err, ok = ok, headers = headers,
    header_list = header_list, url = url, redirects = redirects, elapsed = elapsed,
    waited = waited, attempts = attempts }
  local record = request.record
  record.done = true
  util.call("net.http callback", request.callback, resp)
  record:finish(resp)
end

-- A stream callback that raises ends its request: the error is logged with its traceback, and the
-- final callback says ok = false.
local function stream(id, name, ...)
  local request = pending[id]
  local fn = request and request[name]
  if fn == nil then return end
  if not util.call("net.http " .. name .. " callback", fn, ...) and pending[id] == request then
    request.on_progress, request.on_upload_progress, request.on_chunk, request.on_event = nil, nil, nil, nil
    request.record.cancelling = true
    raw.cancel(id, name .. " callback raised an error (see the log for its traceback)")
  end
end

-- Called by the host on the menu thread. what: 0 the response (status, body, err, ok, header_list,
-- url, redirects, elapsed, waited, attempts), 1 download progress (received, total), 2 upload progress (sent, total),
-- 3 a piece of the body (chunk), 4 a server-sent event (event, data, id).
local function deliver(what, id, a, b, c, d, e, f, g, h, i, j)
  if what == 0 then
    finish(id, a, b, c, d, e, f, g, h, i, j)
  elseif what == 1 then
    stream(id, "on_progress", a, b)
  elseif what == 2 then
    stream(id, "on_upload_progress", a, b)
  elseif what == 3 then
    stream(id, "on_chunk", a)
  elseif what == 4 then
    stream(id, "on_event", { event = a, data = b, id = c })
  end
end

return http, deliver
