-- wrk script for bench/ingest.ts: cycles through pre-signed bodies (one "signature<TAB>body"
-- per line in BODIES_FILE) and gives every request a fresh delivery id.
local bodies = {}
local file = assert(io.open(os.getenv("BODIES_FILE"), "r"))
for line in file:lines() do
  local sig, body = line:match("^([^\t]+)\t(.*)$")
  bodies[#bodies + 1] = { sig = sig, body = body }
end
file:close()

local counter = 0
local prefix = tostring(os.time()) .. "-" .. tostring(math.random(1, 1e9))

request = function()
  counter = counter + 1
  local b = bodies[(counter % #bodies) + 1]
  return wrk.format("POST", "/api/v1/webhooks/github", {
    ["Content-Type"] = "application/json",
    ["X-GitHub-Event"] = "push",
    ["X-GitHub-Delivery"] = prefix .. "-" .. counter,
    ["X-Hub-Signature-256"] = b.sig,
  }, b.body)
end

done = function(summary, latency, requests)
  io.write(string.format('{"requests":%d,"seconds":%f,"p50":%f,"p99":%f,"errors":%d,"non2xx":%d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
