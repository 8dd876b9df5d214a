-- The `net` table. Each transport's glue adds its own part (net.http, net.ws, net.ws_server);
-- asking for any other name is an error rather than a silent nil.
net = setmetatable({}, {
  __index = function(_, key)
    error("net." .. tostring(key) .. " does not exist (net has http, ws and ws_server)", 2)
  end,
})
