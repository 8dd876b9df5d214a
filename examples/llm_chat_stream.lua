-- Asks an LLM a question and prints the answer while it is being written: a chat completion with
-- `stream = true` (OpenAI's API, and the many servers that copy it). The answer comes back as
-- Server-Sent Events, each `data: {json}` a chunk holding the next few characters, and the stream ends
-- with `data: [DONE]`. `on_event` hands over one event at a time; the answer is printed a line at a
-- time, as soon as each line is complete.
--
-- Offline, from the recording in examples/cassettes/:
--   dotnet run --project Host -c Release -- run examples/llm_chat_stream.lua --plugins examples/plugins.replay.json
-- Live, against OpenAI or any compatible server (LLM_MODEL picks the model, default gpt-4o-mini):
--   LLM_API_KEY=sk-... dotnet run --project Host -c Release -- run examples/llm_chat_stream.lua --plugins plugins.json
--   LLM_CHAT_URL=https://your.server/v1/chat/completions LLM_API_KEY=... LLM_MODEL=... dotnet run ...

local CHAT_URL = os.getenv("LLM_CHAT_URL") or "https://api.openai.com/v1/chat/completions"
-- The recording has the key redacted (and a replay does not compare headers), so offline any key does.
local API_KEY = os.getenv("LLM_API_KEY") or "sk-example-key"
local MODEL = os.getenv("LLM_MODEL") or "gpt-4o-mini"

-- json.encode sorts object keys, so the body is the same on every run (a recording is matched by
-- method, URL and body).
local body = json.encode({
  model = MODEL,
  stream = true,
  messages = {
    { role = "system", content = "You answer in short plain-text lists." },
    { role = "user", content = "Name three classic racing games with the year each came out, one per line." },
  },
})

local answer = {} -- the pieces so far, in order
local pending = "" -- the part of the current line not printed yet
local pieces, finish_reason, done = 0, nil, false

-- Prints every complete line of what has arrived; `flush` prints the rest too (the answer's last line).
local function print_lines(flush)
  for line in pending:gmatch("([^\n]*)\n") do
    print("> " .. line)
  end
  pending = pending:match("[^\n]*$")
  if flush and pending ~= "" then
    print("> " .. pending)
    pending = ""
  end
end

print(("chat: asking %s, the answer streams in"):format(MODEL))
net.http:post(CHAT_URL, {
  body = body,
  content_type = "application/json",
  -- One header only: a table's order is not fixed, and a recording lists the headers in the order sent.
  headers = { Authorization = "Bearer " .. API_KEY },
  -- The whole answer may take a while; a server that goes quiet for 30 s is given up on sooner.
  timeout = 120,
  idle_timeout = 30,
  on_event = function(ev)
    if ev.data == "[DONE]" then
      done = true
      return
    end
    local ok, chunk = pcall(json.decode, ev.data)
    if not ok or type(chunk) ~= "table" then
      log.warn("chat: skipped an event that is not JSON: " .. ev.data)
      return
    end
    if chunk.error then -- a server may report a failure inside the stream
      log.error("chat: the server says: " .. tostring(chunk.error.message))
      return
    end
    local choice = chunk.choices and chunk.choices[1]
    if not choice then return end
    local text = choice.delta and choice.delta.content
    if text and text ~= "" then
      pieces = pieces + 1
      answer[#answer + 1] = text
      pending = pending .. text
      print_lines(false)
    end
    finish_reason = choice.finish_reason or finish_reason
  end,
}, function(resp)
  print_lines(true)
  if resp.ok and done then
    print(("chat: done (%s): %d characters in %d pieces"):format(
      finish_reason or "no finish_reason", #table.concat(answer), pieces))
  elseif resp.ok then
    log.error("chat: the stream ended before [DONE]; the answer may be cut short")
  else
    log.error(("chat: no answer (HTTP %d): %s"):format(resp.status, resp.error))
  end
  script.unload()
end)
