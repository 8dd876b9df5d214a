-- A script's files and environment. `os.getenv` reads only the variables plugins.json's `env`
-- permission lists. Unless plugins.json trusts the script (`"files": "all"`), every file name
-- `io` and `os` take must lead (after `..` and symbolic links) into the script's own folder, its
-- data folder (`script.data_dir`) or the download folder; relative names start at the script's folder.
local raw, util, trusted, data_dir, script_folder = ...
local type, error, format, pack, unpack = type, error, string.format, table.pack, table.unpack

script.data_dir = data_dir

local getenv = raw.getenv
os.getenv = function(name)
  util.check(name, 1, "getenv", "string")
  return getenv(name)
end

if trusted then
  return
end

local resolve = raw.resolve

-- The real path for `path`, or nil and the refusal worded for the script.
local function allowed(fname, path, n)
  util.check(path, n, fname, "string", 3)
  local real, why = resolve(path)
  if real == nil then
    return nil, format("%s: '%s' %s (its own folder, script.data_dir and the download folder)", fname, path, why)
  end
  return real
end

-- Lua's own way to fail (nil, message, error number) for the functions that return failures...
local function failing(fname, fn)
  return function(path, ...)
    local real, why = allowed(fname, path, 1)
    if real == nil then return nil, why, 13 end -- 13: EACCES
    return fn(real, ...)
  end
end
-- ...and an error for those that raise them.
local function raising(fname, fn, optional)
  return function(path, ...)
    if optional and (path == nil or type(path) ~= "string") then
      return fn(path, ...)
    end
    local real, why = allowed(fname, path, 1)
    if real == nil then error(why, 2) end
    return fn(real, ...)
  end
end

io.open = failing("open", io.open)
io.lines = raising("lines", io.lines, true)
io.input = raising("input", io.input, true)
io.output = raising("output", io.output, true)
os.remove = failing("remove", os.remove)
local rename = os.rename
os.rename = function(from, to)
  local real_from, why = allowed("rename", from, 1)
  if real_from == nil then return nil, why, 13 end
  local real_to, why_to = allowed("rename", to, 2)
  if real_to == nil then return nil, why_to, 13 end
  return rename(real_from, real_to)
end
os.tmpname = raw.tmpname

local loadfile_ = loadfile
_G.loadfile = function(file, ...)
  if file == nil then return loadfile_(file, ...) end
  local real, why = allowed("loadfile", file, 1)
  if real == nil then return nil, why end
  return loadfile_(real, ...)
end
local loadfile_confined = _G.loadfile
_G.dofile = function(file)
  local chunk, err = loadfile_confined(file, "t")
  if not chunk then error(err, 2) end
  local results = pack(chunk())
  return unpack(results, 1, results.n)
end

-- require finds modules beside the script (and in its folders only).
package.path = script_folder .. "/?.lua;" .. script_folder .. "/?/init.lua"
local searchpath = package.searchpath
package.searchers[2] = function(name)
  local path, err = searchpath(name, package.path)
  if path == nil then
    return err
  end
  local chunk, load_err = loadfile_confined(path, "t")
  if chunk == nil then
    error(format("error loading module '%s' from file '%s':\n\t%s", name, path, load_err), 0)
  end
  return chunk, path
end
