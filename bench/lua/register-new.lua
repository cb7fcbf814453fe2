-- Registrations of instances never registered before: the same request as register.lua (common.lua builds it), for
-- instance numbers counting up from the second the run started times 1,000,000 (plus 100,000,000,000 per wrk
-- thread), so no id repeats within a run or across the rounds of run.sh (a round registers far fewer than
-- 1,000,000 a second). Requests are built as they are sent, not prebuilt: the ids never end.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

local thread_count = 0
local next_index

function setup(thread)
  thread:set("thread_index", thread_count)
  thread_count = thread_count + 1
end

function init(args)
  next_index = os.time() * 1000000 + (thread_index or 0) * 100000000000
end

function request()
  next_index = next_index + 1
  return common.register_request(next_index)
end
