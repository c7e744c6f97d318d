-- wrk script for scenario (a), a signed-in read: GET of the URL given to wrk with the Cookie
-- header given with -H. Prints one machine-readable WRKRESULT line at the end (bench/http/run).
-- wrk counts a response that is not 2xx/3xx as a status error, so a 401 or 503 shows as errors.

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRKRESULT requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
    "connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
