-- body.lua: a wrk script that sends one request with a body, for the write endpoints.
-- bench/run.sh passes the method, body and content type in the environment
-- (BENCH_METHOD, BENCH_BODY, BENCH_CT); other headers come from wrk's -H. A "%d" in the
-- body becomes a number unique to each request (thread number * 10^9 + a counter), for
-- writes that must not repeat (LiveKit refuses two dispatch rules with the same
-- trunk+number+PIN). Without "%d" the request is fixed and wrk builds it once.
local body = os.getenv("BENCH_BODY") or ""

wrk.method = os.getenv("BENCH_METHOD") or "POST"
wrk.body = body
wrk.headers["Content-Type"] = os.getenv("BENCH_CT") or "application/json"

local threads = 0
function setup(thread)
    threads = threads + 1
    thread:set("base", threads * 1000000000)
end

if string.find(body, "%d", 1, true) then
    local counter = 0
    function request()
        counter = counter + 1
        local b = string.gsub(body, "%%d", tostring((base or 0) + counter))
        return wrk.format(nil, nil, nil, b)
    end
end
