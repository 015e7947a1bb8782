-- wrk script: POSTs Feast-shaped online requests for random entities and prints one JSON result line.
-- Environment: FD_PATH (route), FD_BATCH (entities per request), FD_FEATURES (comma-separated view:feature refs),
-- FD_ENTITIES (entity ids are drawn from 0 .. FD_ENTITIES-1), FD_LABEL (name of this run), FD_TOKEN (when set, sent
-- as a bearer token).
local path = os.getenv("FD_PATH") or "/get-online-features"
local batch = tonumber(os.getenv("FD_BATCH") or "1")
local entities = tonumber(os.getenv("FD_ENTITIES") or "1000000")
local label = os.getenv("FD_LABEL") or "run"
local refs = {}
for ref in string.gmatch(os.getenv("FD_FEATURES") or "", "[^,]+") do
  refs[#refs + 1] = '"' .. ref .. '"'
end
local features = "[" .. table.concat(refs, ",") .. "]"
local headers = { ["content-type"] = "application/json" }
if os.getenv("FD_TOKEN") and os.getenv("FD_TOKEN") ~= "" then
  headers["authorization"] = "Bearer " .. os.getenv("FD_TOKEN")
end
local pool = {}
local next_body = 1
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("seed", thread_count)
end

function init(args)
  math.randomseed(1000 + (seed or 0))
  for i = 1, 256 do
    local ids = {}
    for j = 1, batch do
      ids[j] = tostring(math.random(0, entities - 1))
    end
    -- Full feature names: the views share feature names (f0..f9), which would otherwise collide, as in Feast.
    local body = '{"features": ' .. features .. ', "entities": {"entity_id": [' .. table.concat(ids, ",")
      .. ']}, "full_feature_names": true}'
    pool[i] = wrk.format("POST", path, headers, body)
  end
end

function request()
  local r = pool[next_body]
  next_body = next_body % #pool + 1
  return r
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status
    + summary.errors.timeout
  io.write(string.format(
    'RESULT {"label": "%s", "requests": %d, "duration_us": %d, "errors": %d, "p50_us": %d, "p99_us": %d, "p999_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    label, summary.requests, summary.duration, errors, latency:percentile(50), latency:percentile(99),
    latency:percentile(99.9), latency.max, latency.mean))
end
