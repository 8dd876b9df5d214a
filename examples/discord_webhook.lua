-- Posts a message to a Discord webhook as JSON and, when Discord answers 429 Too Many Requests,
-- waits as long as it asks (its JSON body's retry_after, in seconds) and tries again.
--
-- Offline, from the recording in examples/cassettes/ (a 429, then 204 No Content):
--   dotnet run --project Host -c Release -- run examples/discord_webhook.lua --plugins examples/plugins.replay.json
-- Live, against your own webhook (Server Settings > Integrations > Webhooks > Copy Webhook URL):
--   DISCORD_WEBHOOK_URL=https://discord.com/api/webhooks/ID/TOKEN \
--     dotnet run --project Host -c Release -- run examples/discord_webhook.lua --plugins plugins.json

local WEBHOOK_URL = os.getenv("DISCORD_WEBHOOK_URL")
  or "https://discord.com/api/webhooks/112233445566778899/example-webhook-token"
local MAX_ATTEMPTS = 3        -- bounded: never retry for ever
local MAX_WAIT = 10           -- seconds; a longer retry_after is treated as a failure

-- json.encode writes object keys in sorted order, so the body is the same on every run (the
-- recording is matched by method, URL and body).
local body = json.encode({
  username = "PluginNet",
  content = "Match finished: 14 kills, 3 deaths",
  embeds = { { title = "Match summary", description = "K/D 4.67, accuracy 38 %", color = 5814783 } },
})

-- Timers: Lua has no sleep here (nothing may block the menu thread), so count frame time instead.
local timers = {}
local function after(seconds, fn) timers[#timers + 1] = { left = seconds, fn = fn } end
event.on("frame_update", function(e)
  for i = #timers, 1, -1 do
    local t = timers[i]
    t.left = t.left - e.dt
    if t.left <= 0 then
      table.remove(timers, i)
      t.fn()
    end
  end
end)

local function post(attempt)
  print("webhook: posting (attempt " .. attempt .. ")")
  net.http:post(WEBHOOK_URL, body, "application/json", function(resp)
    if resp.ok then
      print("webhook: delivered (HTTP " .. resp.status .. ")")
      script.unload()
      return
    end

    if resp.status == 429 and attempt < MAX_ATTEMPTS then
      -- Discord says how long to wait in the body: {"message": "...", "retry_after": 0.25, "global": false}
      local ok, info = pcall(json.decode, resp.body)
      local wait = ok and type(info) == "table" and tonumber(info.retry_after) or 1
      if wait <= MAX_WAIT then
        print(("webhook: rate limited, retrying in %.2f s"):format(wait))
        after(wait, function() post(attempt + 1) end)
        return
      end
    end

    log.error("webhook: not delivered after " .. attempt .. " attempt(s): " .. resp.error)
    script.unload()
  end, 10)
end

post(1)
