-- version_check.lua in task style: the same check, read top to bottom. Inside task.spawn,
-- net.http:get without a callback waits for the response and returns it; the script's other code
-- (and the host's frames) run meanwhile. Compare it with version_check.lua, the callback style.
--
-- Asks the mod's release page for the latest version (GitHub's "latest release" API) and compares
-- it with the version that is running, by the rules of semantic versioning (semver.org): 1.10.0 is
-- newer than 1.9.3, and a pre-release such as 1.5.0-rc.1 is older than 1.5.0.
--
-- Offline, from the recording in examples/cassettes/ (the latest release there is v1.5.0):
--   dotnet run --project Host -c Release -- run examples/version_check_task.lua --plugins examples/plugins.replay.json
--   HUD_MOD_VERSION=1.5.0 dotnet run ...      (pretend another version is running)
-- Live, against a real repository's releases:
--   HUD_MOD_RELEASES_URL=https://api.github.com/repos/OWNER/REPO/releases/latest \
--     dotnet run --project Host -c Release -- run examples/version_check_task.lua --plugins plugins.json

local RUNNING_VERSION = os.getenv("HUD_MOD_VERSION") or "1.4.2"   -- the version of this mod
local RELEASES_URL = os.getenv("HUD_MOD_RELEASES_URL")
  or "https://api.github.com/repos/example/hud-mod/releases/latest"

-- "v1.5.0-rc.1+build.7" -> { 1, 5, 0, pre = { "rc", 1 } }, or nil when it is not a version.
local function parse(text)
  local major, minor, patch, rest = tostring(text):match("^v?(%d+)%.(%d+)%.(%d+)(.*)$")
  if not major then return nil end
  local version = { tonumber(major), tonumber(minor), tonumber(patch), pre = {} }
  local pre = rest:match("^%-([%w%.%-]+)") -- build metadata (+...) does not count
  if pre then
    for id in pre:gmatch("[^%.]+") do
      version.pre[#version.pre + 1] = tonumber(id) or id
    end
  end
  return version
end

-- -1, 0 or 1 as a is older than, the same as or newer than b.
local function compare(a, b)
  for i = 1, 3 do
    if a[i] ~= b[i] then return a[i] < b[i] and -1 or 1 end
  end
  -- A version without a pre-release is newer than the same version with one.
  if #a.pre == 0 or #b.pre == 0 then
    if #a.pre == #b.pre then return 0 end
    return #a.pre == 0 and 1 or -1
  end
  for i = 1, math.max(#a.pre, #b.pre) do
    local x, y = a.pre[i], b.pre[i]
    if x == nil then return -1 end
    if y == nil then return 1 end
    if x ~= y then
      -- Numbers sort before words; numbers by value, words by their text.
      if type(x) ~= type(y) then return type(x) == "number" and -1 or 1 end
      return x < y and -1 or 1
    end
  end
  return 0
end

local running = assert(parse(RUNNING_VERSION), "not a semantic version: " .. RUNNING_VERSION)

-- The latest release, or nil and why not.
local function latest_release()
  local resp = net.http:get(RELEASES_URL, { headers = { Accept = "application/vnd.github+json" }, timeout = 10 })
  if not resp.ok then return nil, resp.error end
  local ok, release = pcall(json.decode, resp.body)
  if not ok or type(release) ~= "table" or not parse(release.tag_name) then return nil, "unexpected body" end
  return release
end

task.spawn(function()
  local release, why = latest_release()
  if not release then
    log.warn("version check: no answer we understand (" .. why .. ")")
    script.unload()
    return
  end

  local tag = release.tag_name:gsub("^v", "")
  local order = compare(running, parse(release.tag_name))
  if order < 0 then
    print(("version check: %s is running, %s is out: update available at %s"):format(
      RUNNING_VERSION, tag, release.html_url or "the release page"))
  elseif order == 0 then
    print(("version check: %s is up to date"):format(RUNNING_VERSION))
  else
    print(("version check: %s is newer than the latest release (%s)"):format(RUNNING_VERSION, tag))
  end
  script.unload()
end)
