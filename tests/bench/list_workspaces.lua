-- wrk script: every request lists workspaces as one of N signed-in people (cookies from a file),
-- so the 200 connections are 200 different sessions. Non-2xx answers are counted as errors.
local cookies = {}
for line in io.lines(os.getenv("COOKIES")) do cookies[#cookies + 1] = line end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/api/v1/workspaces", { ["Cookie"] = cookies[(i % #cookies) + 1] })
end
