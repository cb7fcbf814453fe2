-- Paced traffic for soak.sh: every connection waits PACE_MS between requests (wrk's delay hook), so a run
-- offers a steady, known load for minutes instead of saturating the node. MODE picks the requests:
--   heartbeat  PUT renewals round-robin over the preloaded instances (as heartbeat.lua)
--   fetch      GET /eureka/apps/ (gzip) and GET /eureka/apps/delta, alternating
--   churn      POST a register of a churn instance, then DELETE it, ids cycling over CHURN_IDS instances named
--              with the prefix "churn" (never the heartbeat ones); run it with one connection (-c1), since the
--              Lua state is per thread and a cancel must not overtake its register on another connection
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

local mode = os.getenv("MODE") or "heartbeat"
local pace = tonumber(os.getenv("PACE_MS") or "100")

function delay()
  return pace
end

if mode == "heartbeat" then
  common.cycle_over_instances(common.heartbeat_request)
elseif mode == "fetch" then
  local n = 0
  function request()
    n = n + 1
    local path = (n % 2 == 0) and "/eureka/apps/delta" or "/eureka/apps/"
    return wrk.format("GET", path, { ["Accept"] = "application/json", ["Accept-Encoding"] = "gzip" })
  end
else
  -- What comes next follows the last answer, not a toggle per call: wrk asks for one request more than it sends.
  local ids = tonumber(os.getenv("CHURN_IDS") or "1000")
  local n, cancel_next = 0, false
  common.prefix = "churn"
  function request()
    if cancel_next then
      local names = common.names(n)
      return wrk.format("DELETE", "/eureka/apps/" .. names.app .. "/" .. names.id)
    end
    n = n % ids + 1
    return common.register_request(n)
  end
  function response(status)
    cancel_next = (status == 204)
  end
end
