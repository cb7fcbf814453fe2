-- A browser tab on the dashboard, one request at a time: the front page, its second page, a search and an
-- application page, in turn (issue #17's loop-stall check; bench/dashboard-stall.sh).
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

local app = string.upper(common.prefix .. "-app-1")
local paths = { "/", "/?page=2", "/?q=" .. app, "/?app=" .. app, "/?app=" .. app .. "&page=3" }
local next_path = 0

function request()
  next_path = next_path % #paths + 1
  return wrk.format("GET", paths[next_path], { ["Accept"] = "text/html" })
end
