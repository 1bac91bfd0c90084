#!/bin/sh
# The demo: the three fakes, the real provisioner, four stories told with --trace text.
#
#   1. a new user gets a number            2. a user who has one gets it back
#   3. Twilio rate-limits the search        4. LiveKit is down after the purchase; resume
#
# Each story leaves a sequence picture (Mermaid + standalone HTML) in demo-out/.
# Everything started here is stopped on exit, whatever happens.
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

# sign_in EMAIL PASSWORD: prints the access token (GoTrue password grant).
sign_in() {
    curl -s -X POST "$SUPABASE_URL/auth/v1/token?grant_type=password" \
        -H "apikey: $SUPABASE_ANON_KEY" -H 'Content-Type: application/json' \
        -d "{\"email\":\"$1\",\"password\":\"$2\"}" |
        sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p'
}

# run_provisioner NAME ARGS...: run it with a text trace; show the trace and the JSON result.
run_provisioner() {
    name=$1
    shift
    set +e
    "$BIN/provisioner" "$@" --trace text --trace-file "$OUT/$name.trace.txt" >"$OUT/$name.json" \
        2>"$OUT/$name.stderr"
    rc=$?
    set -e
    sed 's/^/    /' "$OUT/$name.trace.txt"
    if [ "$rc" -eq 0 ]; then
        printf '  %sexit %d%s  %s\n' "$G" "$rc" "$N" "$(cat "$OUT/$name.json")"
    else
        printf '  %sexit %d%s  %s\n' "$Y" "$rc" "$N" "$(cat "$OUT/$name.json")"
    fi
    return 0
}

# picture NAME: the sequence picture of what the fakes saw since the last picture.
picture() {
    "$BIN/fakes" diagram --state-dir "$STATE" --out "$OUT/$1" >/dev/null 2>&1
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
picture 1-new-user

title "2. A user who already has a number"
note "  bob's active row is returned as it is: no search, no purchase"
run_provisioner 2-existing provision --user-token "$BOB"
picture 2-existing

title "3. Twilio rate-limits the search"
note "  scenario tests/scenarios/twilio-429-search-retry-after.json: 429 (code 20429, Retry-After: 1)"
"$BIN/fakes" scenario tests/scenarios/twilio-429-search-retry-after.json --state-dir "$STATE" \
    >/dev/null 2>&1
ALICE=$(sign_in alice@example.com alice-password)
run_provisioner 3-rate-limited provision --user-token "$ALICE"
picture 3-rate-limited

title "4. LiveKit is down after the purchase; resume finishes the job"
note "  scenario tests/scenarios/livekit-unavailable-then-resume.json: every Twirp call 503"
"$BIN/fakes" scenario tests/scenarios/livekit-unavailable-then-resume.json --state-dir "$STATE" \
    >/dev/null 2>&1
ALICE=$(sign_in alice@example.com alice-password)
PROV_DEADLINE_MS=3000 run_provisioner 4a-livekit-down provision --user-token "$ALICE"
note "  the number is bought and stored; the job row says where it stopped:"
curl -s "$SUPABASE_URL/rest/v1/provisioning_jobs?select=step,status,phone_number,twilio_sid" \
    -H "apikey: $SUPABASE_SERVICE_ROLE_KEY" -H "Authorization: Bearer $SUPABASE_SERVICE_ROLE_KEY" |
    sed 's/^/    /'
printf '\n'
note "  LiveKit comes back (faults cleared); resume continues from the job row:"
curl -s -X DELETE "$FAKE_LIVEKIT_ADMIN/faults" >/dev/null
run_provisioner 4b-resume resume --user-id 11111111-1111-4111-8111-111111111111

title "What the fakes saw in story 4, merged in time order (fakes journal)"
"$BIN/fakes" journal --state-dir "$STATE" 2>/dev/null | sed 's/^/  /' || true
picture 4-partial-failure-then-resume

title "Done"
say "  traces and outputs:  $OUT/*.trace.txt  $OUT/*.json"
say "  sequence pictures:   $(ls "$OUT"/*.html 2>/dev/null | tr '\n' ' ')"
say "  open one in a browser, or paste a .mmd file into any Mermaid viewer."
