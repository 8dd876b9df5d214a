-- luacheck settings for the Lua in this repository: `luacheck examples types` from the repository
-- root (Debian package: lua-check). tests/PluginNet.Toolkit.Tests runs it and wants zero warnings.
--
-- `std` is exactly what a PluginNet script has: Lua 5.4's standard library as the sandbox leaves it
-- (no debug, os.execute, os.exit, io.popen, string.dump or package.loadlib), plus the host's globals
-- with their fields. All of it is read-only except package.path and the like, so a typo such as
-- `net.http:gett` or `json.endcode` is a warning. tests/PluginNet.Toolkit.Tests/LuacheckTests.cs
-- compares this list with what a real script has.

local empty = {}

local function fields(...)
  local t = {}
  for _, name in ipairs({ ... }) do t[name] = empty end
  return { fields = t }
end

local string_fields = fields("byte", "char", "find", "format", "gmatch", "gsub", "len", "lower", "match",
  "pack", "packsize", "rep", "reverse", "sub", "unpack", "upper")

local file_fields = fields("close", "flush", "lines", "read", "seek", "setvbuf", "write")

stds.pluginnet = {
  read_globals = {
    -- Lua 5.4 base library, as the sandbox leaves it
    _G = { other_fields = true, read_only = false },
    _VERSION = empty,
    assert = empty,
    collectgarbage = empty,
    dofile = empty,
    error = empty,
    getmetatable = empty,
    ipairs = empty,
    load = empty,
    loadfile = empty,
    next = empty,
    pairs = empty,
    pcall = empty,
    rawequal = empty,
    rawget = empty,
    rawlen = empty,
    rawset = empty,
    require = empty,
    select = empty,
    setmetatable = empty,
    tonumber = empty,
    tostring = empty,
    type = empty,
    warn = empty,
    xpcall = empty,
    coroutine = fields("close", "create", "isyieldable", "resume", "running", "status", "wrap", "yield"),
    io = {
      fields = {
        close = empty, flush = empty, input = empty, lines = empty, open = empty, output = empty,
        read = empty, tmpfile = empty, type = empty, write = empty,
        stderr = file_fields, stdin = file_fields, stdout = file_fields,
      },
    },
    math = fields("abs", "acos", "asin", "atan", "ceil", "cos", "deg", "exp", "floor", "fmod", "huge", "log",
      "max", "maxinteger", "min", "mininteger", "modf", "pi", "rad", "random", "randomseed", "sin", "sqrt",
      "tan", "tointeger", "type", "ult"),
    os = fields("clock", "date", "difftime", "getenv", "remove", "rename", "setlocale", "time", "tmpname"),
    package = {
      fields = {
        config = empty,
        cpath = { other_fields = true, read_only = false },
        loaded = { other_fields = true, read_only = false },
        path = { other_fields = true, read_only = false },
        preload = { other_fields = true, read_only = false },
        searchers = { other_fields = true, read_only = false },
        searchpath = empty,
      },
    },
    string = string_fields,
    table = fields("concat", "insert", "move", "pack", "remove", "sort", "unpack"),
    utf8 = fields("char", "charpattern", "codepoint", "codes", "len", "offset"),

    -- the host (types/pluginnet.lua documents each of them)
    print = empty,
    _SCRIPT_PATH = empty,
    net = {
      fields = {
        http = fields("get", "post", "request"),
        ws = fields("connect", "open", "send", "send_binary", "buffered", "close", "is_open"),
        ws_server = fields("listen"),
        udp = fields("bind"),
      },
    },
    event = fields("on"),
    script = fields("unload", "data_dir"),
    task = fields("spawn", "defer", "wait", "all", "race", "timeout"),
    json = fields("encode", "decode"),
    log = fields("info", "warn", "error"),
  },
}

std = "pluginnet"
max_line_length = 120

-- The type definitions declare the host's globals (a LuaLS meta file: empty bodies, unused parameters).
files["types/"] = {
  globals = { "net", "event", "script", "_SCRIPT_PATH", "json", "log", "print", "task" },
  unused_args = false,
  max_comment_line_length = false,
}
