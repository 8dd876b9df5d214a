-- `event.on(name, fn)`, `script.unload()` and `_SCRIPT_PATH`. Returns `fire(name, arg)`, which the
-- engine calls on the menu thread to deliver `frame_update`, `script_unloaded` and host events.
local raw, util, script_path = ...
local handlers = {}

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

function script.unload()
  raw.unload()
end

_SCRIPT_PATH = script_path

return function(name, arg)
  local list = handlers[name]
  if list == nil then return end
  -- A handler added while firing runs from the next event on.
  for i = 1, #list do
    util.call("event '" .. name .. "' handler", list[i], arg)
  end
end
