-- Posts a message to a Discord webhook as JSON. Discord's rate limits are handled by the host, not here:
-- its HTTP governor paces requests (limits.http.rate_limits in plugins.json) and holds them while Discord
-- says to (Retry-After, X-RateLimit-Remaining: 0), and the `retry` option sends the post again after a
-- 429, waiting as long as Discord asks (at most max_delay), a bounded number of times.
--
-- A POST is not idempotent, so net.http only retries it with `unsafe = true`. That is safe here because
-- only 429 is retried: Discord answers 429 without having posted anything. (Retrying a timeout could
-- post the message twice.)
--
-- Offline, from the recording in examples/cassettes/ (a 429, then 204 No Content):
--   dotnet run --project Host -c Release -- run examples/discord_webhook.lua --plugins examples/plugins.replay.json
-- Live, against your own webhook (Server Settings > Integrations > Webhooks > Copy Webhook URL):
--   DISCORD_WEBHOOK_URL=https://discord.com/api/webhooks/ID/TOKEN \
--     dotnet run --project Host -c Release -- run examples/discord_webhook.lua --plugins plugins.json

local WEBHOOK_URL = os.getenv("DISCORD_WEBHOOK_URL")
  or "https://discord.com/api/webhooks/112233445566778899/example-webhook-token"

-- json.encode writes object keys in sorted order, so the body is the same on every run (the
-- recording is matched by method, URL and body).
local body = json.encode({
  username = "PluginNet",
  content = "Match finished: 14 kills, 3 deaths",
  embeds = { { title = "Match summary", description = "K/D 4.67, accuracy 38 %", color = 5814783 } },
})

print("webhook: posting")
net.http:post(WEBHOOK_URL, {
  body = body,
  content_type = "application/json",
  timeout = 10,
  -- Bounded: three attempts at most, never more than 10 s apart, whatever Retry-After says.
  retry = { attempts = 3, on = { 429 }, max_delay = 10, unsafe = true },
}, function(resp)
  if resp.ok then
    print(("webhook: delivered (HTTP %d) after %d attempt(s)"):format(resp.status, resp.attempts))
  else
    log.error(("webhook: not delivered after %d attempt(s): %s"):format(resp.attempts, resp.error))
  end
  script.unload()
end)
