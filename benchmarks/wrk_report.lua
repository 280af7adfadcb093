-- wrk script of benchmarks/pages.py: counts every response outside 2xx (wrk itself counts only >= 400)
-- and prints one machine-readable line at the end: requests/s and the p50 and p95 latency in µs.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local non2xx_total = 0
  for _, thread in ipairs(threads) do
    non2xx_total = non2xx_total + thread:get("non2xx")
  end
  local seconds = summary.duration / 1000000
  io.write(string.format(
    'wrk_report {"requests": %d, "seconds": %.3f, "rps": %.2f, "p50_us": %d, "p95_us": %d, "p99_us": %d, '
      .. '"max_us": %d, "non2xx": %d, "status_errors": %d, "connect_errors": %d, "read_errors": %d, '
      .. '"write_errors": %d, "timeouts": %d, "bytes": %d}\n',
    summary.requests, seconds, summary.requests / seconds, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, non2xx_total, summary.errors.status, summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.timeout, summary.bytes))
end
