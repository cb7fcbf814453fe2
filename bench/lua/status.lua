-- GET /eureka/status (spec 2.15): not cached, builds its answer per request.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")

wrk.method = "GET"
wrk.path = "/eureka/status"
wrk.headers["Accept"] = "application/json"
