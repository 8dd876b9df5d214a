-- Posts a screenshot to a Discord webhook: a multipart/form-data upload with the message as
-- payload_json and the image as files[0], streamed from the download folder (never read whole into
-- memory). With ?wait=true Discord answers with the message it created, attachments included.
--
-- Offline, from the recording in examples/cassettes/ (the download folder is examples/, so the
-- screenshot is examples/screenshots/match.png):
--   dotnet run --project Host -c Release -- run examples/discord_screenshot.lua \
--     --plugins examples/plugins.replay.json --download-dir examples
-- Live, against your own webhook (Server Settings > Integrations > Webhooks > Copy Webhook URL), with
-- a screenshot under your download folder:
--   DISCORD_WEBHOOK_URL=https://discord.com/api/webhooks/ID/TOKEN \
--     dotnet run --project Host -c Release -- run examples/discord_screenshot.lua \
--     --plugins plugins.json --download-dir examples

local WEBHOOK_URL = os.getenv("DISCORD_WEBHOOK_URL")
  or "https://discord.com/api/webhooks/112233445566778899/example-webhook-token"
local SCREENSHOT = "screenshots/match.png" -- relative to the download folder

-- The message refers to the file by its index: files[0] is attachment 0. json.encode sorts object
-- keys, so the payload is the same on every run (a recording matches the parts and the file's content).
local payload = json.encode({
  username = "PluginNet",
  content = "New personal best: 14 kills, 3 deaths",
  attachments = { { id = 0, filename = "match.png", description = "Scoreboard at the end of the match" } },
})

net.http:post(WEBHOOK_URL .. "?wait=true", {
  multipart = {
    { name = "payload_json", value = payload, content_type = "application/json" },
    { name = "files[0]", file = SCREENSHOT, filename = "match.png", content_type = "image/png" },
  },
  timeout = 30,
}, function(resp)
  if not resp.ok then
    -- A missing screenshot or one outside the download folder ends here too, with nothing sent.
    log.error("screenshot: not posted: " .. resp.error)
    script.unload()
    return
  end

  local ok, message = pcall(json.decode, resp.body)
  local attachment = ok and type(message) == "table" and message.attachments and message.attachments[1]
  if attachment then
    print(("screenshot: posted as message %s: %s (%d bytes, %s)"):format(
      message.id, attachment.filename, attachment.size, attachment.content_type))
  else
    print("screenshot: posted (HTTP " .. resp.status .. ")")
  end
  script.unload()
end)
