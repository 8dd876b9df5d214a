-- The HTTP examples the API was first described with (docs/API.md, net.http), runnable as one script.
--
-- Offline, from the hand-written recordings in examples/cassettes/ (04xx):
--   dotnet run --project Host -c Release -- run examples/http_seed.lua --plugins examples/plugins.replay.json
-- Live, against example.com and api.example.com (without internet each request reports what it
-- could not reach: resp.ok == false, resp.error says why, and the script still ends):
--   dotnet run --project Host -c Release -- run examples/http_seed.lua

local token = "demo-token"
local pending = 0

-- Counts outstanding requests and unloads the script when the last one has answered.
local function track(name, handler)
  pending = pending + 1
  return function(resp)
    if resp.ok then
      print(("%-12s OK    status=%d, %d bytes"):format(name, resp.status, #resp.body))
    else
      print(("%-12s FAIL  status=%d, %s"):format(name, resp.status, resp.error))
    end
    if handler then handler(resp) end
    pending = pending - 1
    if pending == 0 then
      print("all requests answered")
      script.unload()
    end
  end
end

-- HTTP GET (async), 3 second timeout
net.http:get("https://example.com", track("get"), 3)

-- HTTP POST JSON (positional signature)
net.http:post("https://api.example.com/log",
  [[{"event":"hello"}]], "application/json",
  track("post"), 5)

-- GET with Authorization (options form)
net.http:get("https://api.example.com/me", {
  headers = { ["Authorization"] = "Bearer " .. token, ["X-Trace-Id"] = "abc" },
  timeout = 5,
}, track("get+headers"))

-- POST JSON with a custom header
net.http:post("https://api.example.com/log", {
  headers = { ["Authorization"] = "Bearer " .. token },
  body = json.encode({ event = "hello" }),
  content_type = "application/json",
}, track("post+options"))

-- Large file straight to disk (relative paths land under --download-dir, default downloads/)
net.http:get("https://example.com/big.zip", {
  save_to_file = "big.zip",
  timeout = 60,
}, track("download"))

-- PUT / DELETE: any method through request
net.http:request("https://api.example.com/item/42", "DELETE", {
  headers = { ["Authorization"] = "Bearer " .. token },
}, track("delete"))
