-- `event.on(name, fn)`, `script.unload()` and `_SCRIPT_PATH`. Returns `fire(name, arg)`, which the
-- engine calls on the menu thread to deliver `frame_update`, `script_unloaded` and host events.
local raw, util, script_path = ...
local type = type
local handlers = {}
local NONE = {}

event = {}

function event.on(name, fn)
  util.check(name, 1, "on", "string")
  util.check(fn, 2, "on", "function")
  local list = handlers[name]
  if list == nil then
    list = {}
    handlers[name] = list
  end
  list[#list + 1] = fn
end

script = {}
local unloading = false

function script.unload()
  unloading = true
  raw.unload()
end

_SCRIPT_PATH = script_path

return function(name, arg)
  local tasks = util.tasks -- the scheduler (Host/Lua/Tasks): frames wake its waits; unload ends its tasks
  if tasks ~= nil and name == "frame_update" and not unloading then tasks.frame() end
  -- A handler added while firing runs from the next event on. After script.unload() no handler
  -- runs, not even the rest of this event's, except the script's own script_unloaded handlers.
  local own_unload = name == "script_unloaded" and type(arg) == "table" and arg.script_path == script_path
  local list = handlers[name] or NONE
  for i = 1, #list do
    if unloading and not own_unload then return end
    util.call("event '" .. name .. "' handler", list[i], arg)
  end
  -- After the script's own script_unloaded handlers (they may still look at their tasks): every task ends.
  if own_unload and tasks ~= nil then tasks.shutdown() end
end
