-- Downloads the mod's latest package straight to disk with save_to_file: the body is streamed to a
-- file and never sits in memory (resp.body stays empty), so size does not matter. A small JSON
-- manifest says which file is current.
--
-- Offline, from the recording in examples/cassettes/ (a 1 MiB package):
--   dotnet run --project Host -c Release -- run examples/download.lua --plugins examples/plugins.replay.json
-- Live, from your own server:
--   HUD_MOD_CDN=https://your.cdn.example/hud-mod/ \
--     dotnet run --project Host -c Release -- run examples/download.lua --plugins plugins.json
-- The file lands under --download-dir (default downloads/ in the current folder).

local CDN = os.getenv("HUD_MOD_CDN") or "https://cdn.example.com/hud-mod/"

local function fail(what, resp)
  log.error("download: " .. what .. ": " .. resp.error)
  script.unload()
end

-- 1. The manifest: {"version": "1.5.0", "file": "hud-mod-1.5.0.zip", "size": 1048576}
net.http:get(CDN .. "latest.json", function(resp)
  if not resp.ok then return fail("no manifest", resp) end
  local ok, manifest = pcall(json.decode, resp.body)
  if not ok or type(manifest) ~= "table" or type(manifest.file) ~= "string" or manifest.file:find("[/\\]") then
    log.error("download: the manifest is not what we expected: " .. resp.body)
    return script.unload()
  end
  print(("download: version %s is %s (%d bytes)"):format(manifest.version, manifest.file, manifest.size or -1))

  -- 2. The package, streamed to <download folder>/hud-mod/<file>. The file appears only when it is
  --    complete: a failed download never leaves a file that looks finished.
  local target = "hud-mod/" .. manifest.file
  net.http:get(CDN .. manifest.file, { save_to_file = target, timeout = 120 }, function(r)
    if not r.ok then return fail("package not downloaded", r) end
    print(("download: saved %s under the download folder (HTTP %d, %d bytes held in memory)"):format(
      target, r.status, #r.body))
    script.unload()
  end)
end, 10)
