-- Removes what a modder's script must not reach: the .NET bridge, the process, native code and
-- precompiled bytecode. Runs first, before any script code; returns the few debug functions the
-- glue keeps for itself (tracebacks and the runaway guard) before `debug` goes away.
local traceback, sethook, getinfo = debug.traceback, debug.sethook, debug.getinfo

luanet = nil
import = nil
CLRPackage = nil
debug = nil
-- `require "debug"` would hand the whole library back (and with it sethook, which switches the
-- runaway guard off, and getregistry/getupvalue, which reach the host's internals).
package.loaded.debug = nil

os.execute = nil
os.exit = nil
io.popen = nil
package.loadlib = nil
package.cpath = ""
string.dump = nil

-- Keep only the preload searcher and a Lua-file searcher that loads text: no C modules, and no
-- precompiled bytecode (Lua's own file searcher would load a binary chunk, and a crafted one can
-- corrupt memory; a script could write one with io.open and require it).
local searchpath, format, loadfile_text = package.searchpath, string.format, loadfile
package.searchers = {
  package.searchers[1],
  function(name)
    local path, err = searchpath(name, package.path)
    if path == nil then
      return err -- require adds it to its "module not found" message
    end
    local chunk, load_err = loadfile_text(path, "t")
    if chunk == nil then
      error(format("error loading module '%s' from file '%s':\n\t%s", name, path, load_err), 0)
    end
    return chunk, path
  end,
}

-- A finalizer (__gc) runs with debug hooks switched off, so the runaway guard could not stop an
-- endless one: scripts may not install them. Lua only finalizes a table whose metatable had __gc
-- when setmetatable was called, so refusing it here is enough.
local setmetatable_, rawget_, type_ = setmetatable, rawget, type
_G.setmetatable = function(t, mt)
  if type_(mt) == "table" and rawget_(mt, "__gc") ~= nil then
    error("setmetatable: __gc metamethods are not available to scripts", 2)
  end
  return setmetatable_(t, mt)
end

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
