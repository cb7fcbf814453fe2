-- Full registry fetch, GET /eureka/apps with Accept: application/json (spec 2.4), as clients poll it.
-- GZIP=1 adds Accept-Encoding: gzip, as the Java client sends, so the cached gzip payload is served.
-- FETCH_PATH replaces the path (e.g. /eureka/apps/delta, bench/delta-fetch.sh).
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")

wrk.method = "GET"
wrk.path = os.getenv("FETCH_PATH") or "/eureka/apps/"
wrk.headers["Accept"] = "application/json"
if os.getenv("GZIP") == "1" then
  wrk.headers["Accept-Encoding"] = "gzip"
end
