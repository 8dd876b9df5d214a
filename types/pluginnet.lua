---@meta pluginnet

-- Type definitions of the PluginNet scripting API for lua-language-server (LuaLS): completion, hover
-- documentation and type checks for everything a script sees. The host never loads this file. Point
-- your editor at this folder (README, "Editor set-up"); the reference is docs/API.md.
--
-- Every callback runs on the menu thread, the one thread that runs Lua: a callback may call any
-- other host API directly. Nothing here blocks; there is no synchronous variant of any call.

------------------------------------------------------------------------------------------------------
-- net.http
------------------------------------------------------------------------------------------------------

---What every `net.http` callback receives, exactly once (never after the script has unloaded).
---@class pluginnet.HttpResponse
---@field ok boolean True when a response arrived with a status from 200 to 299.
---@field status integer The HTTP status; 0 when no response arrived (refused, DNS, timeout, refused by a permission).
---@field body string The response body, byte-exact; also set for a non-2xx status. "" with `save_to_file`.
---@field error string "" when `ok`; otherwise why not, e.g. "HTTP 404 Not Found" or "timed out after 3 s ...".
---@field headers table<string, string> Response headers by lower-case name, repeats joined with ", "; on every status ({} when no response arrived).
---@field header_list pluginnet.HttpHeader[] Response headers in arrival order, every repeat kept (three Set-Cookie headers are three entries).
---@field url? string The URL the final response came from, after redirects; nil when no response arrived.
---@field redirects integer How many redirects were followed.
---@field elapsed number Seconds from the call to the outcome (a float).

---One response header as it arrived: `h[1]` is the name, `h[2]` the value.
---@class pluginnet.HttpHeader
---@field [1] string The header's name.
---@field [2] string The header's value.

---A server-sent event, given to `on_event`.
---@class pluginnet.HttpEvent
---@field event string The event type ("message" when the stream names none).
---@field data string The event's data; several `data:` lines joined with "\n".
---@field id? string The last event id the stream gave (nil before any); pass it as `last_event_id` to resume.

---The handle `net.http:get`, `post` and `request` return.
---@class HttpRequest
---@field id integer The request's number (read-only).
local HttpRequest = {} -- luacheck: ignore 241 (only LuaLS reads this class table)

---Stops the request: its callback then runs once with `ok = false, status = 0, error = "cancelled"`.
---Does nothing once the request is done. Works from inside the request's own `on_chunk`.
function HttpRequest:cancel() end

---True once the request's callback has run (or is running).
---@return boolean
function HttpRequest:is_done() end

---Optional settings of a request: the options form of `get` and `post`, and `request`. Any other key
---raises an error naming the nearest valid one (`timout` → `timeout`).
---@class pluginnet.HttpOptions
---@field headers? table<string, string> Request headers, name → value, sent exactly as given; a name here replaces the host's default (`User-Agent`, `Accept`) and `content_type`.
---@field body? string The request body, sent byte-exact (may be empty for GET).
---@field content_type? string Becomes the `Content-Type` header, sent as given; "" sends none (a `Content-Type` in `headers` wins over it).
---@field save_to_file? string Stream the response body to this file instead of `resp.body` (large downloads). Relative paths resolve under the host's download folder; a path outside it is refused.
---@field timeout? number Seconds before the request gives up (more than 0). Default 10. `math.huge` (or anything over 49 days) means no timeout.
---@field follow_redirects? boolean|integer true (default): up to 10 redirects; false: the 3xx comes back with its headers; N (0-10): up to N, one more fails.
---@field max_body? integer Largest response body in bytes: in memory at most the 64 MB limit; with `save_to_file`, `on_chunk` or `on_event` it caps what is saved or streamed.
---@field connect_timeout? number Seconds to wait for the connection (more than 0); the failure says "connect_timeout".
---@field idle_timeout? number Seconds the response may go without a byte (more than 0); the failure says "idle_timeout".
---@field on_progress? fun(received: integer, total: integer) Download progress, at most once a frame and once at the end; total is -1 when unknown.
---@field on_upload_progress? fun(sent: integer, total: integer) Upload progress of the request body, at most once a frame and once at the end.
---@field on_chunk? fun(chunk: string) The body in pieces, in order, before the callback (then `resp.body` is ""). Not with `on_event` or `save_to_file`.
---@field on_event? fun(ev: pluginnet.HttpEvent) The body parsed as server-sent events (text/event-stream), in order, before the callback. Not with `on_chunk` or `save_to_file`.
---@field last_event_id? string Sent as the `Last-Event-ID` header: resume an event stream after that event.
---@field form? table<string, string|number> An application/x-www-form-urlencoded body (keys sorted). Exclusive with `body`, `multipart`, `body_file`.
---@field multipart? pluginnet.HttpMultipartPart[] A multipart/form-data body, parts in order; files streamed from the download folder. Exclusive with `body`, `form`, `body_file`, `content_type`.
---@field body_file? string A file under the download folder sent as the body, streamed from disk; outside it or missing: `ok = false`, nothing sent.
---@field cookies? boolean Keep and send cookies in this script's own jar (never shared, dropped at unload). Default false.

---One part of a `multipart` body: a text field (`value`) or a file (`file`), never both.
---@class pluginnet.HttpMultipartPart
---@field name string The field name (no line break or `"`).
---@field value? string The text of a field part.
---@field file? string A path under the download folder, streamed from disk.
---@field filename? string The filename the server is told (file parts); default the file's own name.
---@field content_type? string The part's Content-Type; default text/plain (fields) or application/octet-stream (files).

---Called once with the outcome of a request, on the menu thread.
---@alias pluginnet.HttpCallback fun(resp: pluginnet.HttpResponse)

---Methods `net.http:request` is often called with; any HTTP token is accepted and sent upper-case.
---@alias pluginnet.HttpMethod
---| "GET"
---| "POST"
---| "PUT"
---| "PATCH"
---| "DELETE"
---| "HEAD"
---| "OPTIONS"
---| string

------------------------------------------------------------------------------------------------------
-- net.ws
------------------------------------------------------------------------------------------------------

---Callbacks of one WebSocket client connection; every field is optional, any other key raises an error.
---@class pluginnet.WsCallbacks
---@field on_open? fun(id: integer, info: pluginnet.WsOpenInfo) The handshake is done (again, after a reconnect); `net.ws:send` works from here on.
---@field on_message? fun(id: integer, msg: string, is_binary: boolean) A text or binary message arrived (byte-exact).
---@field on_error? fun(id: integer, err: string) Something failed; `on_close` follows (or, with `reconnect`, the next try).
---@field on_close? fun(id: integer, code: integer, reason: string) The connection ended (exactly once; 1006 when it was never made, 1005 when the close frame had no code, 1002/1007/1009 when this side closed on a protocol error).
---@field on_reconnecting? fun(id: integer, attempt: integer, delay: number) With `reconnect`: the next try comes in `delay` seconds.

---What the handshake settled, given to `on_open`.
---@class pluginnet.WsOpenInfo
---@field protocol string The subprotocol the server chose; "" when none.
---@field headers table<string, string> The server's response headers by lower-case name; repeats joined with ", ".

---Back-off of `reconnect`: try n waits `min(max, initial * factor^(n-1))` seconds.
---@class pluginnet.WsReconnect
---@field initial? number Seconds before the first try (default 0.25).
---@field max? number Longest wait in seconds (default 8).
---@field factor? number Growth per try, at least 1 (default 2).
---@field jitter? boolean Wait a random time between half and all of it (default true).
---@field attempts? integer Tries in a row before giving up; nil never gives up.

---Options of `net.ws:connect`; every field is optional, any other key raises an error.
---@class pluginnet.WsOptions
---@field headers? table<string, string> Extra handshake headers (e.g. Authorization); no line breaks, not the handshake's own.
---@field protocols? string[] Subprotocols offered; `on_open`'s `info.protocol` says which one the server chose.
---@field ping_interval? number Seconds between pings (default: none).
---@field pong_timeout? number Seconds a ping may go unanswered before the connection is dropped (default 30 when pinging).
---@field compress? boolean Offer permessage-deflate (default false).
---@field max_message? integer Largest incoming message in bytes (at most 64 MB and the host's limit).
---@field connect_timeout? number Seconds for the connect and handshake (default 10).
---@field max_buffered? integer The send queue's cap in bytes (default 16 MB).
---@field reconnect? boolean|pluginnet.WsReconnect Reconnect the same id after a drop (default off).

---Options of `net.ws_server:listen`; every field is optional, any other key raises an error.
---@class pluginnet.WsServerOptions
---@field protocols? string[] Subprotocols supported; the server picks the first one the client offers that is in this list.
---@field compress? boolean Accept permessage-deflate (default false).
---@field ping_interval? number Seconds between pings to each client (default: none).
---@field pong_timeout? number Seconds a ping may go unanswered before the client is dropped (default 30 when pinging).
---@field max_message? integer Largest incoming message in bytes (at most 64 MB and the host's limit).

------------------------------------------------------------------------------------------------------
-- net.ws_server
------------------------------------------------------------------------------------------------------

---Callbacks of a loopback WebSocket server; every field is optional, any other key raises an error. `client` is an integer id.
---The handshake request a server's `on_open` gets.
---@class pluginnet.IncomingRequest
---@field path string The path asked for, percent-decoded (e.g. "/chat/room").
---@field query table<string, string> Query keys and values, percent-decoded; a repeated key's values joined with ",".
---@field headers table<string, string> Request headers by lower-case name; repeats joined with ", ".
---@field origin? string The Origin header; nil when the client sent none.
---@field protocol string The subprotocol chosen; "" when none.
---@field method string The HTTP method ("GET" for a handshake).
---@field remote string The client's "address:port".

---A request a route of `srv:route` received: the fields of an `on_open` request plus its body.
---@class pluginnet.RouteRequest: pluginnet.IncomingRequest
---@field body string The request body, byte-exact ("" when none; at most `max_body_bytes`).

---The answer to one route request. Answer now or later (from any later callback); unanswered, the
---client gets 504 after `answer_timeout`.
---@class pluginnet.RouteResponse
local res = {} -- luacheck: ignore 241 (only LuaLS reads this class table)

---Answers with `status` (200-599), `body` (default "") and exactly these headers (plus the body's
---length). True when sent; false when the request is already over (answered, 504, client gone,
---server closed) or a header has a line break or is `Content-Length`/`Transfer-Encoding` (then the
---client gets 500 and the reason is logged).
---@param status integer
---@param body? string
---@param headers? table<string, string|number>
---@return boolean sent
function res:send(status, body, headers) end

---Options of `net.ws_server:listen`; any other key raises an error.
---@class pluginnet.WsServerOptions
---@field ws_path? string Accept WebSocket upgrades only on this path (e.g. "/ws"); default: any path.
---@field max_body_bytes? integer Largest route request body, 0-67108864 (default 1 MB, `limits.ws_server.max_request_body_bytes`); 413 beyond.
---@field answer_timeout? number Seconds a route may take to answer, above 0 and at most 3600 (default 30, `limits.ws_server.answer_timeout_s`); 504 after.

---@class pluginnet.WsServerCallbacks
---@field on_open? fun(client: integer, req: pluginnet.IncomingRequest) A client finished its handshake; `req` describes it.
---@field on_message? fun(client: integer, msg: string, is_binary: boolean) A text or binary message arrived (byte-exact).
---@field on_error? fun(client: integer, err: string) Something failed on that client's connection.
---@field on_close? fun(client: integer, code: integer, reason: string) The client left (either side closed it; 1005 when its close frame had no code).

---A WebSocket server listening on 127.0.0.1, returned by `net.ws_server:listen`. Its fields are read-only.
---@class WsServer
---@field id integer The server's number (read-only).
---@field port integer The port it listens on: the one asked for, or the free one picked for port 0 (read-only).
local WsServer = {} -- luacheck: ignore 241 (only LuaLS reads this class table)

---Sends a text message to one client. False when that client's `on_open` has not run yet, its
---`on_close` has, or it is no longer connected. Raises an error for a message over 64 MB or one
---that is not UTF-8 text.
---@param client integer
---@param msg string
---@return boolean sent
function WsServer:send(client, msg) end

---Sends a text message to every client `client_count()` counts (its on_open has run, its on_close
---has not). Raises an error for a message over 64 MB or one that is not UTF-8 text.
---@param msg string
function WsServer:broadcast(msg) end

---Sends a binary message (any bytes) to one client; false like `send`.
---@param client integer
---@param data string
---@return boolean sent
function WsServer:send_binary(client, data) end

---Sends a binary message (any bytes) to every client `client_count()` counts.
---@param data string
function WsServer:broadcast_binary(data) end

---Bytes queued for one client and not yet sent (0 when it is not connected).
---@param client integer
---@return integer bytes
function WsServer:buffered(client) end

---Closes one client's connection; its `on_close` follows.
---@param client integer
---@param code? integer Close code: 1000 (default), 1001-1003, 1007-1014 or 3000-4999.
---@param reason? string Default "".
---@return boolean closing False when that client's `on_open` has not run yet, its `on_close` has, or it is gone.
function WsServer:disconnect(client, code, reason) end

---Stops the server: every client gets `on_close` with 1001, and the port is free when it returns.
---A second call does nothing.
function WsServer:close() end

---True until the server is closed (by `srv:close()`, the script's unload or its plugin's unload).
---@return boolean
function WsServer:is_open() end

---How many clients the script has: those whose `on_open` has run and whose `on_close` has not.
---Each of them gets the next `broadcast`; `send` and `disconnect` accept exactly these.
---@return integer
function WsServer:client_count() end

---Answers HTTP requests of `method` ("GET", "POST", ... any case, or "*") on `path` (exact, or
---ending in "*" for a prefix) with `handler(req, res)` on the menu thread. Routes are tried in the
---order added, then static folders, else 404. A handler that raises gives 500 (logged with its
---traceback). A POST, PUT, PATCH or DELETE from a foreign page (Origin) gets 403 first.
---@param method string
---@param path string
---@param handler fun(req: pluginnet.RouteRequest, res: pluginnet.RouteResponse)
function WsServer:route(method, path, handler) end

---Serves the files of `folder` (inside the script's folder, its data folder or the download folder;
---relative to the script's folder) under the URL `prefix` ("/" for the whole site): GET and HEAD,
---content types, ETag/304, Range/206, `index.html` for a folder; nothing outside the folder.
---Raises an error for another folder or a bad prefix.
---@param prefix string
---@param folder string
function WsServer:static(prefix, folder) end

------------------------------------------------------------------------------------------------------
-- net.udp
------------------------------------------------------------------------------------------------------

---Callbacks of a UDP socket; every field is optional.
---@class pluginnet.UdpCallbacks
---@field on_message? fun(data: string, from_host: string, from_port: integer) One datagram arrived (byte-exact, any byte value).
---@field on_error? fun(err: string) Something failed on the socket (for example an ICMP "port unreachable").

---A UDP socket bound to 127.0.0.1, returned by `net.udp:bind`. Its fields are read-only.
---@class UdpSocket
---@field id integer The socket's number (read-only).
---@field port integer The bound port: the one asked for, or the free one picked for port 0 (read-only).
local UdpSocket = {} -- luacheck: ignore 241 (only LuaLS reads this class table)

---Sends one datagram. `host` is an IP address or "localhost"; beyond loopback (127.0.0.0/8, ::1)
---it must be in the `udp` permission list, or the result is `false` plus the refusal.
---Raises an error for a datagram over 65,507 bytes. False once the socket is closed.
---@param host string
---@param port integer 1-65535
---@param data string
---@return boolean sent
---@return string? refusal Why a permission refused the host.
function UdpSocket:send(host, port, data) end

---Closes the socket: the port is free when it returns and no callback of it runs afterwards.
function UdpSocket:close() end

---True until the socket is closed (by `sock:close()`, the script's unload or its plugin's unload).
---@return boolean
function UdpSocket:is_open() end

------------------------------------------------------------------------------------------------------
-- net
------------------------------------------------------------------------------------------------------

---The network module: `net.http`, `net.ws`, `net.ws_server` and `net.udp`. Any other name raises an error.
---@class pluginnet.Net
net = {}

---Asynchronous HTTP client. Call its methods with a colon: `net.http:get(...)`.
---@class pluginnet.Http
net.http = {}

---Sends a GET request; `callback` gets the response on the menu thread.
---
---```lua
---net.http:get("https://example.com", function(resp) print(resp.status) end, 3)
---net.http:get(url, { headers = { Authorization = "Bearer " .. token } }, function(resp) end)
---```
---@param url string Absolute http:// or https:// URL (`user:password@` is sent as Basic authorization).
---@param callback pluginnet.HttpCallback
---@param timeout? number Seconds, default 10.
---@overload fun(self: pluginnet.Http, url: string, options: pluginnet.HttpOptions, callback: pluginnet.HttpCallback): HttpRequest
---@return HttpRequest req The request's handle (cancel it, ask whether it is done).
function net.http:get(url, callback, timeout) end

---Sends a POST request with `body` and a `Content-Type` of `content_type`.
---
---```lua
---net.http:post(url, json.encode({ event = "hello" }), "application/json", function(resp) end, 5)
---net.http:post(url, { body = "...", content_type = "text/plain", headers = {...} }, function(resp) end)
---```
---@param url string Absolute http:// or https:// URL (`user:password@` is sent as Basic authorization).
---@param body string Sent byte-exact.
---@param content_type string
---@param callback pluginnet.HttpCallback
---@param timeout? number Seconds, default 10.
---@overload fun(self: pluginnet.Http, url: string, options: pluginnet.HttpOptions, callback: pluginnet.HttpCallback): HttpRequest
---@return HttpRequest req The request's handle (cancel it, ask whether it is done).
function net.http:post(url, body, content_type, callback, timeout) end

---Sends a request with any method (PUT, DELETE, PATCH, ...). Pass `{}` for no options.
---
---```lua
---net.http:request(url, "DELETE", {}, function(resp) print(resp.ok) end)
---```
---@param url string Absolute http:// or https:// URL (`user:password@` is sent as Basic authorization).
---@param method pluginnet.HttpMethod
---@param options pluginnet.HttpOptions
---@param callback pluginnet.HttpCallback
---@return HttpRequest req The request's handle (cancel it, ask whether it is done).
function net.http:request(url, method, options, callback) end

---WebSocket client (ws:// and wss://). Call its methods with a colon: `net.ws:connect(...)`.
---@class pluginnet.Ws
net.ws = {}

---Opens a connection and returns its id at once; the callbacks report what happens next. A
---connection that cannot be made still returns an id, then `on_error` and `on_close(id, 1006, reason)`
---follow: call `connect` again to retry, no `close` needed.
---@param url string A ws:// or wss:// URL; `user:password@` is sent as Basic authorization, a `#fragment` is dropped.
---@param callbacks pluginnet.WsCallbacks
---@param options? pluginnet.WsOptions
---@return integer id
function net.ws:connect(url, callbacks, options) end

---Sends a text message. False when the connection is not open (not yet, or not any more).
---Raises an error for a message over 64 MB or one that is not UTF-8 text.
---@param id integer
---@param msg string
---@return boolean sent
function net.ws:send(id, msg) end

---Sends a binary message (any bytes). False when the connection is not open or its send queue is
---full (then `on_error` says so). Raises an error for a message over 64 MB.
---@param id integer
---@param data string
---@return boolean sent
function net.ws:send_binary(id, data) end

---Bytes queued and not yet handed to the network (like a browser's `bufferedAmount`); 0 when not open.
---@param id integer
---@return integer bytes
function net.ws:buffered(id) end

---Starts a normal close (1000); `on_close` follows. Unknown or closed ids: nothing happens.
---@param id integer
function net.ws:close(id) end

---True between `on_open` and the start of the close.
---@param id integer
---@return boolean
function net.ws:is_open(id) end

---WebSocket server on 127.0.0.1 (local dashboards and IPC; never reachable from the network).
---@class pluginnet.WsServerModule
net.ws_server = {}

---Starts listening on `127.0.0.1:port`. Returns nil and the reason when the port is taken or a
---permission refuses it; raises an error for bad arguments or when no plugin serves ws_server.
---
---```lua
---local srv, why = net.ws_server:listen(8080, { on_message = function(c, msg) end })
---if not srv then log.error(why) return end
---```
---@param port integer 1-65535, or 0 for any free port (then read `srv.port`); a numeric string such as "8080" works too.
---@param callbacks pluginnet.WsServerCallbacks
---@param options? pluginnet.WsServerOptions
---@return WsServer? srv
---@return string? reason Why `srv` is nil.
function net.ws_server:listen(port, callbacks, options) end

---UDP sockets on 127.0.0.1 (game telemetry, OSC, companion apps). Datagrams may be dropped: by
---the network, and by the host when a socket's queue of undelivered datagrams passes 4 MB.
---@class pluginnet.Udp
net.udp = {}

---Binds `127.0.0.1:port`. Returns nil and the reason when the port is taken or a permission refuses
---it; raises an error for bad arguments or when no plugin serves udp.
---
---```lua
---local sock, why = net.udp:bind(9000, { on_message = function(data, host, port) end })
---if not sock then log.error(why) return end
---```
---@param port integer 1-65535, or 0 for any free port (then read `sock.port`).
---@param callbacks pluginnet.UdpCallbacks
---@return UdpSocket? sock
---@return string? reason Why `sock` is nil.
function net.udp:bind(port, callbacks) end

------------------------------------------------------------------------------------------------------
-- event, script, _SCRIPT_PATH
------------------------------------------------------------------------------------------------------

---The argument of `frame_update`.
---@class pluginnet.FrameEvent
---@field dt number Seconds since the previous frame (measured: about 1/60 at 60 fps, more when a frame came late).
---@field frame integer The frame number, counting from 1.

---The argument of `script_unloaded`.
---@class pluginnet.ScriptUnloadedEvent
---@field script_path string Absolute path of the script that is unloading; compare it with `_SCRIPT_PATH`.

---Events the host fires. An embedding application may fire its own names too.
---@alias pluginnet.EventName
---| "frame_update" # Every frame (60 per second by default); the argument is a pluginnet.FrameEvent.
---| "script_unloaded" # A script is unloading (every script hears it, that one included); pluginnet.ScriptUnloadedEvent.
---| string

---Events: add handlers with `event.on`.
---@class pluginnet.Event
event = {}

---Adds a handler for an event; an event may have several, called in the order they were added.
---
---```lua
---event.on("frame_update", function(e) t = t + e.dt end)
---event.on("script_unloaded", function(e) if e.script_path == _SCRIPT_PATH then save() end end)
---```
---@param name pluginnet.EventName
---@param fn fun(arg: any)
---@overload fun(name: "frame_update", fn: fun(e: pluginnet.FrameEvent))
---@overload fun(name: "script_unloaded", fn: fun(e: pluginnet.ScriptUnloadedEvent))
function event.on(name, fn) end

---This script's lifecycle.
---@class pluginnet.Script
script = {}

---Unloads this script once the current callback returns: no other callback of it runs (not even its
---other handlers of the same event), `script_unloaded` fires, then its servers and connections are
---closed. Its pending HTTP requests (also those made in this callback or in its `script_unloaded`
---handler) are still sent, for at most 5 s more; their callbacks never run.
---The run ends when every script has unloaded.
function script.unload() end

---Absolute path of this script's data folder (`data/<script name>/` under the host's folder), where
---`io` may read and write; it is created on first use.
---@type string
script.data_dir = ""

---Absolute path of this script's file.
---@type string
_SCRIPT_PATH = ""

------------------------------------------------------------------------------------------------------
-- json, log, print
------------------------------------------------------------------------------------------------------

---JSON from and to Lua values.
---@class pluginnet.Json
json = {}

---Encodes a value as JSON text. Tables with exactly the keys 1..n become arrays; any other table,
---and the empty table, becomes an object. Raises an error for functions, userdata, NaN, infinity,
---strings that are not UTF-8 and tables nested more than 64 deep.
---@param value any
---@return string
function json.encode(value) end

---Decodes JSON text. Objects and arrays become tables, `null` becomes nil. Raises an error (with the
---line and byte) for invalid JSON; use `pcall(json.decode, text)` for text from outside.
---@param text string
---@return any
function json.decode(text) end

---The host's log (standard error on the command line), tagged with the script's name.
---@class pluginnet.Log
log = {}

---Logs at info level; the arguments are joined with spaces (`tostring` on each).
---@param ... any
function log.info(...) end

---Logs at warning level; the arguments are joined with spaces.
---@param ... any
function log.warn(...) end

---Logs at error level; the arguments are joined with spaces.
---@param ... any
function log.error(...) end

---Writes one line to standard output; the arguments are joined with tabs (`tostring` on each).
---@param ... any
function print(...) end
