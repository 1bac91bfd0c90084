#!/bin/sh
# The demo: the three fakes, the real provisioner, four stories told with its trace.
#
#   1. a new user gets a number            2. a user who has one gets it back
#   3. Twilio's rate limit refuses a search 4. LiveKit is down after the purchase; resume
#
# Each run leaves its trace (--trace json) and a sequence picture titled with its story and
# scenario, the provisioner's steps as notes (Mermaid + standalone HTML), in demo-out/; the
# failed run of story 4 and its resume get a picture each. Everything started here is stopped
# on exit, whatever happens.
set -eu
cd "$(dirname "$0")/.."
BIN=${BIN:-bin}
OUT=${DEMO_OUT:-demo-out}
STATE=$OUT/state
rm -rf "$OUT"
mkdir -p "$OUT"

if [ -t 1 ]; then
    B=$(printf '\033[1m') D=$(printf '\033[2m') G=$(printf '\033[32m') R=$(printf '\033[31m')
    Y=$(printf '\033[33m') N=$(printf '\033[0m')
else
    B='' D='' G='' R='' Y='' N=''
fi

title() { printf '\n%s== %s ==%s\n' "$B" "$1" "$N"; }
say() { printf '%s\n' "$*"; }
note() { printf '%s%s%s\n' "$D" "$*" "$N"; }

stop_all() { "$BIN/fakes" down --state-dir "$STATE" >/dev/null 2>&1 || true; }
trap stop_all EXIT INT TERM

# sign_in EMAIL PASSWORD: prints the access token.
sign_in() {
    "$BIN/fakes" token --state-dir "$STATE" --user "$1:$2"
}

# show_trace FILE: the provisioner's --trace json lines as a readable timeline.
show_trace() {
    awk 'function f(k,   r) {
             if (!match($0, "\"" k "\":(\"[^\"]*\"|[^,}]*)")) return ""
             r = substr($0, RSTART + length(k) + 3, RLENGTH - length(k) - 3)
             gsub(/^"|"$/, "", r)
             return r
         }
         f("event") == "step" {
             printf "    +%5dms  %-12s %s%s\n", f("t_ms"), f("step"), f("result"),
                    f("detail") != "" ? "  " f("detail") : ""
             next
         }
         {
             printf "    +%5dms  %-12s   %-8s %s %s -> %s %sms %s%s\n", f("t_ms"), f("step"),
                    f("service"), f("method"), f("path"), f("status") == "null" ? "---" : f("status"),
                    f("ms"), f("outcome"), f("retry_in_ms") != "" ? ", retry in " f("retry_in_ms") "ms" : ""
         }' "$1"
}

# run_provisioner NAME ARGS...: run it with a JSON trace; show the trace and the JSON result.
run_provisioner() {
    name=$1
    shift
    set +e
    "$BIN/provisioner" "$@" --trace json --trace-file "$OUT/$name.trace.jsonl" >"$OUT/$name.json" \
        2>"$OUT/$name.stderr"
    rc=$?
    set -e
    show_trace "$OUT/$name.trace.jsonl"
    if [ "$rc" -eq 0 ]; then
        printf '  %sexit %d%s  %s\n' "$G" "$rc" "$N" "$(cat "$OUT/$name.json")"
    else
        printf '  %sexit %d%s  %s\n' "$Y" "$rc" "$N" "$(cat "$OUT/$name.json")"
    fi
    return 0
}

# picture NAME TITLE: the sequence picture of what the fakes saw since the last picture, with
# the steps of run NAME's trace as notes.
picture() {
    "$BIN/fakes" diagram --state-dir "$STATE" --out "$OUT/$1" --title "$2" \
        --trace "$OUT/$1.trace.jsonl" >/dev/null 2>&1
    note "  sequence picture: $OUT/$1.html ($OUT/$1.mmd)"
    for s in "$FAKE_TWILIO_ADMIN" "$FAKE_SUPABASE_ADMIN" "$FAKE_LIVEKIT_ADMIN"; do
        curl -s -X DELETE "$s/requests" >/dev/null
    done
}

title "Starting the fakes"
"$BIN/fakes" up --state-dir "$STATE" --scenario scripts/demo-seed.json >/dev/null 2>"$OUT/fakes-up.log" || {
    cat "$OUT/fakes-up.log" >&2
    exit 1
}
# shellcheck disable=SC1090,SC1091
. "$STATE/env"
say "  twilio   $TWILIO_API_BASE"
say "  supabase $SUPABASE_URL"
say "  livekit  $LIVEKIT_URL"
note "  environment for the provisioner: $STATE/env (source it in any shell)"
export TWILIO_API_BASE TWILIO_ACCOUNT_SID TWILIO_AUTH_TOKEN SUPABASE_URL SUPABASE_ANON_KEY \
    SUPABASE_SERVICE_ROLE_KEY LIVEKIT_URL LIVEKIT_API_KEY LIVEKIT_API_SECRET
export PROV_BACKOFF_BASE_MS=100 PROV_BACKOFF_CAP_MS=1000

ALICE=$(sign_in alice@example.com alice-password)
BOB=$(sign_in bob@example.com bob-password)

title "1. A new user gets a number"
note "  alice has no number: search, buy (tagged with the job id), store, register with LiveKit"
run_provisioner 1-new-user provision --user-token "$ALICE" --country US --type local
picture 1-new-user "1. A new user gets a number (scenario scripts/demo-seed.json)"

title "2. A user who already has a number"
note "  bob's active row is returned as it is: no search, no purchase"
run_provisioner 2-existing provision --user-token "$BOB"
picture 2-existing "2. A user who already has a number (scenario scripts/demo-seed.json)"

S3=tests/scenarios/twilio-rate-limit-bucket.json
title "3. Twilio's rate limit refuses a search ($S3)"
note "  a token bucket of one search a second; the first five candidates are taken (21422), so the"
note "  provisioner searches again at once: 429 (code 20429, Retry-After: 1), then it waits and succeeds"
"$BIN/fakes" scenario "$S3" --state-dir "$STATE" >/dev/null 2>&1
ALICE=$(sign_in alice@example.com alice-password)
run_provisioner 3-rate-limited provision --user-token "$ALICE"
picture 3-rate-limited "3. Twilio's rate limit refuses a search (scenario $S3)"

S4=tests/scenarios/livekit-unavailable-then-resume.json
title "4a. LiveKit is down after the purchase ($S4)"
note "  every Twirp call answers 503 unavailable; the number is bought and stored first"
# Back to the seed first: a scenario changes only the fakes it has sections for, and story 3's
# rate limit on Twilio would otherwise still be there.
"$BIN/fakes" reset --state-dir "$STATE" >/dev/null 2>&1
"$BIN/fakes" scenario "$S4" --state-dir "$STATE" >/dev/null 2>&1
ALICE=$(sign_in alice@example.com alice-password)
PROV_DEADLINE_MS=3000 run_provisioner 4a-livekit-down provision --user-token "$ALICE"
note "  the job row says where it stopped:"
curl -s "$SUPABASE_URL/rest/v1/provisioning_jobs?select=step,status,phone_number,twilio_sid" \
    -H "apikey: $SUPABASE_SERVICE_ROLE_KEY" -H "Authorization: Bearer $SUPABASE_SERVICE_ROLE_KEY" |
    sed 's/^/    /'
printf '\n'
say "  what the fakes saw, merged in time order (fakes journal):"
"$BIN/fakes" journal --state-dir "$STATE" 2>/dev/null | sed 's/^/    /' || true
picture 4a-livekit-down "4a. LiveKit is down after the purchase (scenario $S4)"

title "4b. LiveKit is back: resume finishes the job from the job row"
note "  faults cleared; resume continues at the step the row names: no second purchase"
curl -s -X DELETE "$FAKE_LIVEKIT_ADMIN/faults" >/dev/null
run_provisioner 4b-resume resume --user-id 11111111-1111-4111-8111-111111111111
picture 4b-resume "4b. Resume after LiveKit came back (scenario $S4)"

title "Done"
say "  traces and outputs:  $OUT/*.trace.jsonl  $OUT/*.json"
say "  sequence pictures:   $(ls "$OUT"/*.html 2>/dev/null | tr '\n' ' ')"
say "  open one in a browser, or paste a .mmd file into any Mermaid viewer."
