-- Heartbeats as the Java DiscoveryClient sends them, round-robin over the preloaded instances:
--   PUT /eureka/apps/{APP}/{ID}?status=UP&lastDirtyTimestamp={DIRTY_TS}
-- The instances and their lastDirtyTimestamp are those bench/bin/preload registers with the same INSTANCES, APPS,
-- PREFIX and DIRTY_TS (see common.lua), so a correct server answers 200 to every one; a 404 means they differ.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

common.cycle_over_instances(common.heartbeat_request)
