-- net.http's request bodies beyond `body` (form, multipart, body_file) and the cookies switch.
-- Adds util.http_bodies(options, n, fname), called by http.lua's send: checks types and conflicts
-- (raising at the script's line) and returns what raw.send takes, or nil when none is given:
-- { form = { key, value, key, value, ... } (sorted by key), multipart = { part, ... },
--   body_file = path, cookies = true|false }.
local util = ...
local type, pairs, tostring, sort = type, pairs, tostring, table.sort

local BODIES = { "body", "form", "multipart", "body_file" }
local PART_FIELDS = { "name", "value", "file", "filename", "content_type" }

-- http_bodies -> send -> net.http:fname -> the script's line.
local LEVEL = 4

local function check_form(form, n, fname)
  if type(form) ~= "table" then
    util.arg_error(n, fname, "field 'form' must be a table, got " .. type(form), LEVEL + 1)
  end
  local keys = {}
  for k, v in pairs(form) do
    if type(k) ~= "string" or (type(v) ~= "string" and type(v) ~= "number") then
      util.arg_error(n, fname, "field 'form' must map strings to strings or numbers, got "
        .. type(k) .. " = " .. type(v), LEVEL + 1)
    end
    keys[#keys + 1] = k
  end
  sort(keys) -- the same body on every run (a cassette matches it)
  local flat = {}
  for i = 1, #keys do
    flat[2 * i - 1] = keys[i]
    flat[2 * i] = tostring(form[keys[i]])
  end
  return flat
end

local function check_part(part, i, n, fname)
  local where = "multipart part " .. i
  if type(part) ~= "table" then
    util.arg_error(n, fname, where .. " must be a table, got " .. type(part), LEVEL + 2)
  end
  util.check_keys(part, PART_FIELDS, n, fname, "multipart field", LEVEL + 2)
  for f = 1, #PART_FIELDS do
    local field = PART_FIELDS[f]
    if part[field] ~= nil and type(part[field]) ~= "string" then
      util.arg_error(n, fname, where .. ": field '" .. field .. "' must be a string, got " .. type(part[field]), LEVEL + 2)
    end
  end
  if part.name == nil then
    util.arg_error(n, fname, where .. " needs a 'name'", LEVEL + 2)
  end
  if (part.value == nil) == (part.file == nil) then
    util.arg_error(n, fname, where .. " ('" .. part.name .. "') needs either 'value' or 'file', not "
      .. (part.value == nil and "neither" or "both"), LEVEL + 2)
  end
  if part.filename ~= nil and part.file == nil then
    util.arg_error(n, fname, where .. " ('" .. part.name .. "'): 'filename' goes with 'file'", LEVEL + 2)
  end
  return { name = part.name, value = part.value, file = part.file, filename = part.filename,
    content_type = part.content_type }
end

local function check_multipart(multipart, n, fname)
  if type(multipart) ~= "table" then
    util.arg_error(n, fname, "field 'multipart' must be a table, got " .. type(multipart), LEVEL + 1)
  end
  if multipart[1] == nil then
    util.arg_error(n, fname, "field 'multipart' must be a list of parts ({ { name = ..., value = ... }, ... })", LEVEL + 1)
  end
  local parts = {}
  for i = 1, #multipart do
    parts[i] = check_part(multipart[i], i, n, fname)
  end
  return parts
end

function util.http_bodies(options, n, fname)
  -- The usual request has none of them: four lookups, no conflict possible with `body` alone.
  if options.form == nil and options.multipart == nil and options.body_file == nil and options.cookies == nil then
    return nil
  end
  local given
  for i = 1, #BODIES do
    if options[BODIES[i]] ~= nil then
      if given ~= nil then
        util.arg_error(n, fname, "options '" .. given .. "' and '" .. BODIES[i]
          .. "' conflict: a request has one body; give one of them", LEVEL)
      end
      given = BODIES[i]
    end
  end
  if options.multipart ~= nil and options.content_type ~= nil then
    util.arg_error(n, fname, "options 'content_type' and 'multipart' conflict: multipart sets its own Content-Type (with the boundary)", LEVEL)
  end
  local cookies = options.cookies
  if cookies ~= nil and type(cookies) ~= "boolean" then
    util.arg_error(n, fname, "field 'cookies' must be a boolean, got " .. type(cookies), LEVEL)
  end
  local body_file = options.body_file
  if body_file ~= nil and type(body_file) ~= "string" then
    util.arg_error(n, fname, "field 'body_file' must be a string, got " .. type(body_file), LEVEL)
  end
  if given == nil or given == "body" then
    if not cookies then return nil end
    return { cookies = true }
  end
  return {
    form = options.form ~= nil and check_form(options.form, n, fname) or nil,
    multipart = options.multipart ~= nil and check_multipart(options.multipart, n, fname) or nil,
    body_file = body_file,
    cookies = cookies == true,
  }
end
