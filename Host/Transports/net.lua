-- The `net` table. Each transport's glue adds its own part (net.http, net.ws, ...); asking for any
-- other name is an error rather than a silent nil. The host passes the names it installs.
local parts = ...
net = setmetatable({}, {
  __index = function(_, key)
    error("net." .. tostring(key) .. " does not exist (net has " .. parts .. ")", 2)
  end,
})
