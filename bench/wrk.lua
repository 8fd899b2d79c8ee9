-- wrk script for bench/load.py: rotate through the header lines of a file (one session
-- cookie or token per line, so that 20 connections are 20 logged-in browsers), and print
-- the figures as one JSON line at the end. A second argument is a think time in ms: each
-- connection then waits a random 0.5–1.5 × that between its requests, like a person reading
-- the page (20 connections = 20 users), instead of sending the next request at once.
--   wrk -c20 -d10s -s bench/wrk.lua URL -- headers.txt [think_ms]
local headers = {}
local counter = 0
local think = 0

function init(args)
  think = tonumber(args[2] or "0") or 0
  math.randomseed(os.time() + (counter or 0))
  local file = args[1] and args[1] ~= "-" and io.open(args[1], "r")
  if file then
    for line in file:lines() do
      local name, value = line:match("^([^:]+):%s*(.*)$")
      if name then
        table.insert(headers, {[name] = value})
      end
    end
    file:close()
  end
end

function request()
  counter = counter + 1
  if #headers == 0 then
    return wrk.format(nil)
  end
  return wrk.format(nil, nil, headers[(counter % #headers) + 1])
end

function delay()
  if think <= 0 then
    return 0
  end
  return math.random(math.floor(think / 2), math.floor(think * 3 / 2))
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "rps": %.2f, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, ' ..
    '"max_ms": %.2f, "bytes": %d, "errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.bytes, errors.connect, errors.read, errors.write, errors.status, errors.timeout))
end
