-- Shared by the wrk scripts: settings from the environment, the instance naming scheme, the requests, and the
-- `done` hook that prints one machine-readable result line.
--
-- The naming scheme and request bytes must equal bench/tools/instance.c's (the preload tool registers what the
-- heartbeats renew); bench/check.sh compares them byte for byte.
--
-- Environment:
--   INSTANCES  N instances (default 10000)      APPS      M apps, instance i in app i % M (default 100)
--   PREFIX     naming prefix (default "bench")  DIRTY_TS  lastDirtyTimestamp, ms (default 1732440000000)
--   BENCH_PRINT=i, BENCH_PRINT_TO=file  write request i to file at start-up (for check.sh)

local common = {}

local function env_number(name, default)
  local v = os.getenv(name)
  return v and v ~= "" and tonumber(v) or default
end

common.instances = env_number("INSTANCES", 10000)
common.apps = env_number("APPS", 100)
common.prefix = os.getenv("PREFIX") or "bench"
common.dirty_ts = os.getenv("DIRTY_TS") or "1732440000000"

-- The headers the Java DiscoveryClient (Jersey 1 + Apache HttpClient) sends with every call.
local CLIENT_HEADERS = "Accept: application/json\r\n" ..
  "Accept-Encoding: gzip\r\n" ..
  "DiscoveryIdentity-Name: DefaultClient\r\n" ..
  "DiscoveryIdentity-Version: 1.4\r\n" ..
  "DiscoveryIdentity-Id: 127.0.0.1\r\n"

local function host_header()
  return wrk.host .. ":" .. wrk.port
end

-- Instance i's names: app P-APP-a, host p-i, id p-i:p-app-a:8080, ip 10.x.y.z (a = i % APPS).
function common.names(i)
  local a = i % common.apps
  local vip = string.format("%s-app-%d", common.prefix, a)
  local host = string.format("%s-%d", common.prefix, i)
  return {
    app = string.upper(vip),
    vip = vip,
    host = host,
    id = host .. ":" .. vip .. ":8080",
    ip = string.format("10.%d.%d.%d", math.floor(i / 65536) % 256, math.floor(i / 256) % 256, i % 256),
  }
end

-- Spec 2.1's example grown to the ~1.1 KB a Spring Boot client sends.
local function register_body(n)
  return '{"instance":{"instanceId":"' .. n.id .. '","hostName":"' .. n.host .. '","app":"' .. n.app ..
    '","ipAddr":"' .. n.ip .. '",' ..
    '"status":"UP","overriddenStatus":"UNKNOWN","port":{"$":8080,"@enabled":"true"},' ..
    '"securePort":{"$":443,"@enabled":"false"},"countryId":1,' ..
    '"dataCenterInfo":{"@class":"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo","name":"MyOwn"},' ..
    '"leaseInfo":{"renewalIntervalInSecs":30,"durationInSecs":90,"registrationTimestamp":0,' ..
    '"lastRenewalTimestamp":0,"evictionTimestamp":0,"serviceUpTimestamp":0},' ..
    '"metadata":{"management.port":"8080","zone":"zone-a","version":"1.4.2",' ..
    '"git.commit":"3f9c2a1b7e5d","startup":"2024-11-24T09:20:00Z","instance.group":"default",' ..
    '"profile":"production","region":"eu-west-1","build.time":"2024-11-20T17:03:11Z",' ..
    '"prometheus.scrape":"true"},' ..
    '"homePageUrl":"http://' .. n.host .. ':8080/","statusPageUrl":"http://' .. n.host .. ':8080/actuator/info",' ..
    '"healthCheckUrl":"http://' .. n.host .. ':8080/actuator/health","vipAddress":"' .. n.vip ..
    '","secureVipAddress":"' .. n.vip .. '",' ..
    '"isCoordinatingDiscoveryServer":"false","lastUpdatedTimestamp":"' .. common.dirty_ts ..
    '","lastDirtyTimestamp":"' .. common.dirty_ts .. '"}}'
end

function common.register_request(i)
  local n = common.names(i)
  local body = register_body(n)
  return "POST /eureka/apps/" .. n.app .. " HTTP/1.1\r\nHost: " .. host_header() ..
    "\r\nContent-Type: application/json\r\n" .. CLIENT_HEADERS ..
    "Content-Length: " .. #body .. "\r\n\r\n" .. body
end

-- Apache HttpClient sends Content-Length: 0 on a PUT without an entity.
function common.heartbeat_request(i)
  local n = common.names(i)
  return "PUT /eureka/apps/" .. n.app .. "/" .. n.id .. "?status=UP&lastDirtyTimestamp=" .. common.dirty_ts ..
    " HTTP/1.1\r\nHost: " .. host_header() .. "\r\n" .. CLIENT_HEADERS .. "Content-Length: 0\r\n\r\n"
end

-- A script whose requests cycle over the N instances: built once per thread (so wrk's Lua does no string work
-- per request) and started at a per-thread offset. The offsets are multiples of the golden ratio modulo N, so
-- any number of threads start far apart without knowing how many there are.
local thread_count = 0

function common.cycle_over_instances(make_request)
  local requests, next_index

  function setup(thread)
    thread:set("thread_index", thread_count)
    thread_count = thread_count + 1
  end

  function init(args)
    local print_index = tonumber(os.getenv("BENCH_PRINT") or "")
    if print_index and os.getenv("BENCH_PRINT_TO") then
      local f = assert(io.open(os.getenv("BENCH_PRINT_TO"), "wb"))
      f:write(make_request(print_index))
      f:close()
    end
    requests = {}
    for i = 0, common.instances - 1 do
      requests[i + 1] = make_request(i)
    end
    local golden = 0.6180339887498949
    next_index = math.floor(common.instances * ((thread_index or 0) * golden % 1))
  end

  function request()
    next_index = next_index + 1
    if next_index > common.instances then next_index = 1 end
    return requests[next_index]
  end
end

-- One line for run.sh to parse: counts, rate, latency percentiles in microseconds, errors.
function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "BENCH_RESULT requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d mean_us=%.1f " ..
    "status_errors=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
    summary.requests, summary.duration, summary.requests / seconds,
    latency:percentile(50), latency:percentile(99), latency.mean,
    e.status, e.connect, e.read, e.write, e.timeout))
end

return common
