-- Compares the guarded pattern functions (string.*) with Lua's own (native.*) on many subjects,
-- patterns, starts and replacements; returns the number of comparisons and the differences found.
local native = ...
local subjects = {
  "", "a", "aaa", "hello world", "  key = value  ", "v1.12.3-beta.2+build", "(foo(bar))baz)", "THE (quick) fox",
  "abcabcabc", "x=1, y=22, z=333", "\0a\0b\0", "\195\188ber \255\128", "/home/user/scripts/dash.lua",
  "C:\\games\\x.lua", "[[nested]] [x]", "THE END.", "1.5e10 -3 0x1F", "a.b.c", "ab\nc\td\r\n",
}
local patterns = {
  "", "a", ".", "^a", "a$", "^$", "%a+", "%d+", "(%w+)=(%w+)", "%s*(%S+)%s*", "^v?(%d+)%.(%d+)%.(%d+)(.*)$",
  "^%-([%w%.%-]+)", "[^%.]+", "[/\\]", "^(.*)[/\\]", "^v", "%b()", "%b)(", "%f[%w]%w+", "%f[%W]", "%f[%z]", "()a()",
  "(a)(b)?", "(a*(.)%w(%s*))", "(%a)%1", "((a)(b))", "x*", "x-", ".-b", "a+b", "[a-c]+", "[%a-]", "[]]",
  "[^]]", "[a-]", "%", "(", ")", "%1", "(()", "[a", "%b", "%ba", "%f", "%fa", "%g+", "%p", "%c", "%x+", "%u%l*",
  "%z", "%A", "[%d%.]+", "^(%s*)$", "(h)(e)(l)(l)(o)", "%.", "a?a?a?aaa", "(.-)%s", "[%]]", "$", "^", "^^", "%$",
  "a-$", ".*$", ("(.)"):rep(33), "[%w_]+", "%%", "%d?%d", "(%d+)(%a*)", "()", "(.)%1", "%0", "[^%s]+$", "%S+",
  "[\128-\255]+", "%w-%.", "((.)(.))%2", "[a-z%-]+", "%[%[(.-)%]%]", "(%a+)(%s*)(%a*)", "([^\n]*)\n?",
}
local inits = { "none", 1, 2, -1, -3, 0, 4, 100, -100 }
local repls = {
  "<%0>", "%1-%1", "%2", "%%", "%x", "%", "", 7,
  { a = "A", hello = "HI", v = false, key = 12 },
  function(c, d) if c == "a" then return nil end if c == "x" then return false end if d then return d .. c end return c:upper() end,
  function() return {} end,
}
local maxes = { "none", 1, 0, -1, 2 }

local function show(...)
  local n = select("#", ...)
  local out = {}
  for i = 1, n do
    local v = select(i, ...)
    -- The native functions called from the glue name its line; the same call from pcall names none.
    if type(v) == "string" then v = v:gsub("^%[pluginnet patterns%]:%d+: ", "") end
    out[#out + 1] = type(v) .. ":" .. tostring(v)
  end
  return table.concat(out, "|")
end

local function all(iter_ok, iter)
  if not iter_ok then return "error:" .. tostring(iter) end
  local got = {}
  for _ = 1, 60 do
    local r = table.pack(pcall(iter))
    if not r[1] then got[#got + 1] = "error:" .. tostring(r[2]) break end
    if r[2] == nil then break end
    got[#got + 1] = show(table.unpack(r, 2, r.n))
  end
  return table.concat(got, ";")
end

local count, diffs = 0, {}
local function compare(what, a, b)
  count = count + 1
  if a ~= b and #diffs < 20 then diffs[#diffs + 1] = what .. "\n  guarded: " .. a .. "\n  native:  " .. b end
end

for _, s in ipairs(subjects) do
  for _, p in ipairs(patterns) do
    for _, init in ipairs(inits) do
      local i = init ~= "none" and init or nil
      local label = ("(%q, %q, %s)"):format(s, p, tostring(init))
      compare("find" .. label, show(pcall(string.find, s, p, i)), show(pcall(native.find, s, p, i)))
      compare("match" .. label, show(pcall(string.match, s, p, i)), show(pcall(native.match, s, p, i)))
      compare("gmatch" .. label, all(pcall(string.gmatch, s, p, i)), all(pcall(native.gmatch, s, p, i)))
    end
    for ri, r in ipairs(repls) do
      for _, m in ipairs(maxes) do
        local n = m ~= "none" and m or nil
        local label = ("(%q, %q, repl %d, %s)"):format(s, p, ri, tostring(m))
        compare("gsub" .. label, show(pcall(string.gsub, s, p, r, n)), show(pcall(native.gsub, s, p, r, n)))
      end
    end
  end
end
-- Method calls go through the string metatable to the same functions.
compare("method", show(("a=1"):match("(%w)=(%d)")), show(native.match("a=1", "(%w)=(%d)")))
return count, table.concat(diffs, "\n")
