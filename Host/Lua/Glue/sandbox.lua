-- Removes what a modder's script must not reach: the .NET bridge, the process, native code and
-- precompiled bytecode. Runs first, before any script code; returns the few debug functions the
-- glue keeps for itself (tracebacks and the runaway guard) before `debug` goes away.
local traceback, sethook, getinfo = debug.traceback, debug.sethook, debug.getinfo

luanet = nil
import = nil
debug = nil

os.execute = nil
os.exit = nil
io.popen = nil
package.loadlib = nil
package.cpath = ""
-- Keep only the preload and Lua-file searchers: no C modules.
package.searchers = { package.searchers[1], package.searchers[2] }
string.dump = nil

local load, loadfile, dofile = load, loadfile, dofile
_G.load = function(chunk, name, mode, env)
  if mode ~= nil and mode ~= "t" then
    error("load: only text chunks are allowed (mode 't')", 2)
  end
  if env == nil then
    return load(chunk, name, "t")
  end
  return load(chunk, name, "t", env)
end
_G.loadfile = function(file, mode, env)
  if mode ~= nil and mode ~= "t" then
    error("loadfile: only text chunks are allowed (mode 't')", 2)
  end
  if env == nil then
    return loadfile(file, "t")
  end
  return loadfile(file, "t", env)
end
_G.dofile = function(file)
  local chunk, err = loadfile(file, "t")
  if not chunk then error(err, 2) end
  return chunk()
end

return traceback, sethook, getinfo
