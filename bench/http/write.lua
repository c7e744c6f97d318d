-- wrk script for scenario (b), a signed-in write of one attribute: PUT of the URL given to wrk
-- (…/api/session/attributes/NAME) with a raw text body that changes on every request, and the
-- Cookie header given with -H. Prints one WRKRESULT line at the end like read.lua.

local counter = 0
local prefix = "v"

function setup(thread)
  thread:set("id", tostring(math.random(1000000)))
end

function init(args)
  prefix = "v" .. (id or "0") .. "-"
  wrk.headers["Content-Type"] = "text/plain" -- added to the -H headers (the Cookie)
end

function request()
  counter = counter + 1
  return wrk.format("PUT", nil, nil, prefix .. counter)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRKRESULT requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
    "connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
