-- Registrations with a Java-client-shaped ~1.1 KB JSON body (POST /eureka/apps/{APP}), cycling over INSTANCES
-- instance ids (common.lua names them). run.sh uses PREFIX=reg so these do not replace the heartbeat instances.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

common.cycle_over_instances(common.register_request)
