-- wrk script: POST $BENCH_BODY with $BENCH_KEY; for BENCH_MODE=contacts a unique contact per
-- request. Counts failures (non-2xx; for BENCH_MODE=graphql also 200s with errors) and prints
-- one BENCH_JSON line (plus a BENCH_SAMPLE failure body) when done.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("BENCH_KEY") or "none")
wrk.body = os.getenv("BENCH_BODY")

local mode, tag = os.getenv("BENCH_MODE") or "", os.getenv("BENCH_TAG") or "x"
local threads, counter = {}, 0

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  failures, sample = {}, nil
end

if mode == "contacts" then
  request = function()
    counter = counter + 1
    return wrk.format(nil, nil, nil, string.format(
      '{"email": "user%s-%d-%d@example.com", "firstName": "Jane", "lastName": "Doe",'
      .. ' "tags": ["newsletter", "early-access"], "customFields": {"plan": "pro"}}', tag, id, counter))
  end
end

function response(status, headers, body)
  local failed = status >= 300
  if not failed and mode == "graphql" then
    failed = not string.find(body, '"userErrors":%s*%[%]') or string.find(body, '"errors":', 1, true)
    if failed then status = "graphql-error" end
  end
  if failed then
    failures[status] = (failures[status] or 0) + 1
    if not sample then sample = status .. " " .. string.sub(body or "", 1, 300) end
  end
end

function done(summary, latency, requests)
  local counts, total, sample_text = {}, 0, nil
  for _, t in ipairs(threads) do
    for status, n in pairs(t:get("failures")) do
      counts[tostring(status)] = (counts[tostring(status)] or 0) + n
      total = total + n
    end
    sample_text = sample_text or t:get("sample")
  end
  local parts = {}
  for status, n in pairs(counts) do table.insert(parts, string.format('"%s": %d', status, n)) end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "failed": %d,'
    .. ' "socket_errors": %d, "by_status": {%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), total,
    e.connect + e.read + e.write + e.timeout, table.concat(parts, ", ")))
  if sample_text then io.write("BENCH_SAMPLE ", (string.gsub(sample_text, "%s+", " ")), "\n") end
end
