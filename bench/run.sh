#!/bin/bash
# make bench: throughput, latency, start-up, memory and whole provisioning flows, as tables.
#
# Figures, never pass/fail. Every fake runs on loopback with --log-level warn; wrk drives it at
# 64 connections (-t2 -c64) with --latency. nginx (Debian nginx-light) serves each read
# endpoint's exact body as a static file: the ceiling the read figures are divided by.
# Everything started here is stopped on exit, whatever happens (trap).
#
# Environment: BIN (programs, default bin), BENCH_SECONDS (per wrk run, default 5),
# BENCH_RSS_REQUESTS (default 1000000), BENCH_FLOW_USERS (users per serve run, default 500),
# BENCH_SEQ_FLOWS (sequential CLI flows, default 30), BENCH_OUT (default build/bench),
# BENCH_PARTS (default "fakes nginx flows": which parts to run).
set -eu
cd "$(dirname "$0")/.."
BIN=${BIN:-bin}
case "$BIN" in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
OUT=${BENCH_OUT:-build/bench}
case "$OUT" in /*) ;; *) OUT=$(pwd)/$OUT ;; esac
DUR=${BENCH_SECONDS:-5}
RSS_REQ=${BENCH_RSS_REQUESTS:-1000000}
FLOW_USERS=${BENCH_FLOW_USERS:-500}
SEQ_FLOWS=${BENCH_SEQ_FLOWS:-30}
PARTS=${BENCH_PARTS:-fakes nginx flows}
part() { case " $PARTS " in *" $1 "*) return 0 ;; esac; return 1; }
mkdir -p "$OUT"
RES=$OUT/results.txt
: >"$RES"

for tool in wrk nginx curl cc pkg-config; do
    command -v "$tool" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
    command -v "$tool" >/dev/null 2>&1 || {
        echo "bench: $tool not found (./scripts/deps.sh installs it)" >&2
        exit 1
    }
done

PIDS=""
cleanup() {
    for p in $PIDS; do
        kill "$p" 2>/dev/null || true
    done
    for p in $PIDS; do
        wait "$p" 2>/dev/null || true
    done
    PIDS=""
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The measurement helper (JWT, start-up timing, sign-ins, concurrent flows).
# shellcheck disable=SC2046 # pkg-config prints several flags, split on purpose
cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror $(pkg-config --cflags libcurl libcjson libcrypto) \
    bench/benchtool.c -o "$OUT/benchtool" $(pkg-config --libs libcurl libcjson libcrypto) -pthread
TOOL=$OUT/benchtool

SID=ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
TW_AUTH="Authorization: Basic $(printf '%s:test-auth-token' "$SID" | base64 -w0)"
ANON=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0
SRK=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU
NOW=$(date +%s)
LK_JWT=$("$TOOL" jwt secret \
    "{\"video\":{},\"sip\":{\"admin\":true},\"iss\":\"devkey\",\"exp\":$((NOW + 3600)),\"nbf\":$NOW}")
UUID=0b0e0000-0000-4000-8000-000000000001

# start NAME ARGS...: start a program that prints "listening on URL"; sets URL and PID.
start() {
    local name=$1 log
    shift
    log=$OUT/$name.$$.out
    : >"$log"
    "$@" >"$log" 2>"$OUT/$name.err" &
    PID=$!
    PIDS="$PIDS $PID"
    for _ in $(seq 1 500); do
        URL=$(sed -n 's/^listening on //p' "$log")
        [ -n "$URL" ] && break
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.01
    done
    rm -f "$log"
    [ -n "$URL" ] || {
        echo "bench: $name did not start (see $OUT/$name.err)" >&2
        exit 1
    }
}

# stop PID: SIGTERM, wait, and forget it.
stop() {
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
    PIDS=$(echo "$PIDS" | tr ' ' '\n' | grep -v -x "$1" | tr '\n' ' ')
}

rss_kb() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$1/status"; }

# bench_wrk LABEL URL [wrk args...]: one wrk run; appends "LABEL rps p50 p99 requests non2xx errors".
bench_wrk() {
    local label=$1 url=$2 out
    shift 2
    out=$(wrk -t2 -c64 -d"${DUR}s" --latency "$@" "$url" 2>&1)
    echo "$out" >"$OUT/wrk-$(echo "$label" | tr ' /' '__').txt"
    parse_wrk "$label" "$out" >>"$RES"
}

# parse_wrk LABEL OUTPUT: rps p50 p99 (ms) requests non-2xx socket-errors.
parse_wrk() {
    echo "$2" | awk -v label="$1" '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0;
                         if (v ~ /s$/) return v * 1000; return v }
        /Requests\/sec:/ { rps = $2 }
        /^ +50%/ { p50 = ms($2) }
        /^ +99%/ { p99 = ms($2) }
        / requests in / { n = $1 }
        /Non-2xx/ { bad = $NF }
        /Socket errors/ { gsub(",", ""); err = $4 + $6 + $8 + $10 }
        END { printf "%s|%.0f|%.2f|%.2f|%d|%d|%d\n", label, rps, p50, p99, n, bad + 0, err + 0 }'
}

# admin METHOD PATH [JSON]: one admin API call on the current fake.
admin() {
    if [ $# -gt 2 ]; then
        curl -fsS -X "$1" "$URL/__admin/$2" -H 'Content-Type: application/json' -d "$3" >/dev/null
    else
        curl -fsS -X "$1" "$URL/__admin/$2" >/dev/null
    fi
}

# 1,000 fault rules whose paths never match.
FAULTS=$OUT/faults.json
{
    printf '['
    for i in $(seq 1 1000); do
        [ "$i" -gt 1 ] && printf ','
        printf '{"id":"never-%d","match":{"method":"POST","path":"/never/%d/**"},"action":{"status":500}}' "$i" "$i"
    done
    printf ']'
} >"$FAULTS"

# Per fake: the read and write requests, and the seed state.
seed_twilio() { :; }
seed_supabase() {
    admin POST state "{\"users\":[{\"id\":\"$UUID\",\"email\":\"bench@example.com\",\"password\":\"bench-password\"}],\"rows\":{\"profiles\":[{\"id\":\"$UUID\",\"email\":\"bench@example.com\",\"full_name\":\"Bench\"}]}}"
}
seed_livekit() {
    curl -fsS -X POST "$URL/twirp/livekit.SIP/CreateSIPInboundTrunk" -H "Authorization: Bearer $LK_JWT" \
        -H 'Content-Type: application/json' \
        -d '{"trunk":{"name":"bench","numbers":["+15105550100"]}}' >/dev/null
}

# read_args FAKE: path and headers of the read request; write_env FAKE: the write request.
read_path() {
    case $1 in
    twilio) echo "/2010-04-01/Accounts/$SID/AvailablePhoneNumbers/US/Local.json?PageSize=5" ;;
    twilio50) echo "/2010-04-01/Accounts/$SID/AvailablePhoneNumbers/US/Local.json" ;;
    supabase) echo "/rest/v1/profiles?id=eq.$UUID" ;;
    livekit) echo "/twirp/livekit.SIP/ListSIPInboundTrunk" ;;
    esac
}
run_read() { # FAKE LABEL [URL]
    local f=$1 label=$2 base=${3:-$URL}
    case $f in
    twilio | twilio50) bench_wrk "$label" "$base$(read_path "$f")" -H "$TW_AUTH" ;;
    supabase) bench_wrk "$label" "$base$(read_path "$f")" -H "apikey: $SRK" -H "Authorization: Bearer $SRK" ;;
    livekit) BENCH_METHOD=POST BENCH_BODY='{}' BENCH_CT=application/json \
        bench_wrk "$label" "$base$(read_path "$f")" -s bench/body.lua -H "Authorization: Bearer $LK_JWT" ;;
    esac
}
run_write() { # FAKE LABEL
    local f=$1 label=$2
    case $f in
    twilio) BENCH_METHOD=POST BENCH_BODY='PhoneNumber=%2B15005550006' \
        BENCH_CT=application/x-www-form-urlencoded \
        bench_wrk "$label" "$URL/2010-04-01/Accounts/$SID/IncomingPhoneNumbers.json" -s bench/body.lua \
        -H "$TW_AUTH" ;;
    supabase) BENCH_METHOD=POST BENCH_BODY="{\"id\":\"$UUID\",\"full_name\":\"Bench Upserted\"}" \
        BENCH_CT=application/json bench_wrk "$label" "$URL/rest/v1/profiles?on_conflict=id" \
        -s bench/body.lua -H "apikey: $SRK" -H "Authorization: Bearer $SRK" \
        -H 'Prefer: resolution=merge-duplicates,return=minimal' ;;
    livekit) BENCH_METHOD=POST BENCH_CT=application/json \
        BENCH_BODY='{"rule":{"dispatchRuleIndividual":{"roomPrefix":"call-","pin":"%d"}},"name":"bench"}' \
        bench_wrk "$label" "$URL/twirp/livekit.SIP/CreateSIPDispatchRule" -s bench/body.lua \
        -H "Authorization: Bearer $LK_JWT" ;;
    esac
}
# fetch_body FAKE FILE: the read response body, for nginx to serve.
fetch_body() {
    case $1 in
    twilio | twilio50) curl -fsS -H "$TW_AUTH" "$URL$(read_path "$1")" >"$2" ;;
    supabase) curl -fsS -H "apikey: $SRK" -H "Authorization: Bearer $SRK" "$URL$(read_path "$1")" >"$2" ;;
    livekit) curl -fsS -X POST -H "Authorization: Bearer $LK_JWT" -H 'Content-Type: application/json' \
        -d '{}' "$URL$(read_path "$1")" >"$2" ;;
    esac
}

echo "bench: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)," \
    "kernel $(uname -r), wrk -t2 -c64 -d${DUR}s" >&2

# ---- Throughput and latency, three conditions per fake -------------------------------------
WWW=$OUT/www
mkdir -p "$WWW"
for f in twilio supabase livekit; do
    part fakes || break
    echo "bench: fake_$f" >&2
    start "fake_$f" "$BIN/fake_$f" --port 0 --log-level warn --journal-size 1000
    FPID=$PID
    eval "seed_$f"
    echo "rss_idle_$f|$(rss_kb "$FPID")" >>"$RES"
    fetch_body "$f" "$WWW/$f.json"
    [ "$f" = twilio ] && fetch_body twilio50 "$WWW/twilio50.json"
    for cond in idle faults journal; do
        admin POST reset
        admin DELETE requests
        eval "seed_$f"
        case $cond in
        faults) curl -fsS -X POST "$URL/__admin/faults" -H 'Content-Type: application/json' \
            --data-binary @"$FAULTS" >/dev/null ;;
        journal) # fill the 1,000-entry journal first, so that every add drops the oldest
            wrk -t1 -c10 -d1s "$URL/never" >/dev/null ;;
        esac
        run_read "$f" "$f read $cond"
        [ "$f" = twilio ] && run_read twilio50 "twilio50 read $cond"
        run_write "$f" "$f write $cond"
    done
    # ---- memory: the journal is bounded, so RSS must plateau --------------------------------
    # The load is a journaled request that every fake answers cheaply (its native 404), so
    # that 10^6 requests fit the time budget; it still passes limits, faults, routing and
    # the journal (1,000 entries, each add dropping the oldest).
    admin POST reset
    eval "seed_$f"
    rate=$(wrk -t2 -c64 -d1s "$URL/bench/not-found" | awk '/Requests\/sec/ { print int($2) }')
    half=$((RSS_REQ / 2))
    done_n=0
    for step in 1 2; do
        secs=$(awk -v n="$half" -v r="$rate" 'BEGIN { s = int(n / (r > 0 ? r : 1000) + 0.999);
                                                  print s < 1 ? 1 : s }')
        out=$(wrk -t2 -c64 -d"${secs}s" "$URL/bench/not-found")
        n=$(echo "$out" | awk '/ requests in / { print $1 }')
        done_n=$((done_n + n))
        echo "rss_${step}_$f|$done_n|$(rss_kb "$FPID")" >>"$RES"
    done
    stop "$FPID"
    echo "startup_$f|$("$TOOL" startup 20 "$BIN/fake_$f" --log-level warn)" >>"$RES"
    echo "loadonly_$f|$("$TOOL" exec 20 "$BIN/fake_$f" --help)" >>"$RES"
done
# The floor start-up stands on: fork and exec of a program that does nothing.
echo "exec_true|$("$TOOL" exec 20 "$(type -P true)")" >>"$RES"

# ---- TLS: fake_twilio's read over HTTPS beside the plain one, and its start-up with TLS --------
# A self-signed P-256 certificate for 127.0.0.1 (openssl, from the ca-certificates dependency).
# wrk keeps its 64 connections alive, so the figure is TLS record cost, not handshakes; the
# start-up includes the first handshake, through libcurl trusting the certificate.
TLSD=$OUT/tls
mkdir -p "$TLSD"
if part fakes && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$TLSD/key.pem" -out "$TLSD/cert.pem" -days 2 -subj /CN=localhost \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" >/dev/null 2>&1; then
    echo "bench: fake_twilio over TLS" >&2
    start fake_twilio "$BIN/fake_twilio" --port 0 --log-level warn \
        --tls-cert "$TLSD/cert.pem" --tls-key "$TLSD/key.pem"
    run_read twilio "twilio read tls"
    stop "$PID"
    echo "startup_tls_twilio|$(BENCH_CA_FILE=$TLSD/cert.pem "$TOOL" startup 20 "$BIN/fake_twilio" \
        --log-level warn --tls-cert "$TLSD/cert.pem" --tls-key "$TLSD/key.pem")" >>"$RES"
fi

# ---- The ceiling: nginx serving each read body as a static file ----------------------------
NG=$OUT/nginx
mkdir -p "$NG/tmp"
NGPORT=""
for _ in 1 2 3 4 5; do
    part nginx || break
    port=$((20000 + RANDOM % 40000))
    {
        [ "$(id -u)" -eq 0 ] && echo 'user root;'
        cat <<EOF
worker_processes auto;
daemon off;
pid $NG/nginx.pid;
error_log $NG/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $NG/tmp; proxy_temp_path $NG/tmp; fastcgi_temp_path $NG/tmp;
    uwsgi_temp_path $NG/tmp; scgi_temp_path $NG/tmp;
    keepalive_requests 10000000;
    server {
        listen 127.0.0.1:$port;
        root $WWW;
        default_type application/json;
    }
}
EOF
    } >"$NG/nginx.conf"
    nginx -c "$NG/nginx.conf" -p "$NG" 2>>"$NG/error.log" &
    NPID=$!
    PIDS="$PIDS $NPID"
    for _ in $(seq 1 100); do
        curl -fsS -o /dev/null "http://127.0.0.1:$port/twilio.json" 2>/dev/null && NGPORT=$port && break
        kill -0 "$NPID" 2>/dev/null || break
        sleep 0.02
    done
    [ -n "$NGPORT" ] && break
    stop "$NPID"
done
if part nginx; then
    [ -n "$NGPORT" ] || {
        echo "bench: nginx did not start (see $NG/error.log)" >&2
        exit 1
    }
    for f in twilio twilio50 supabase livekit; do
        bench_wrk "nginx $f" "http://127.0.0.1:$NGPORT/$f.json"
    done
    stop "$NPID"
fi

# ---- Whole provisioning flows ---------------------------------------------------------------
part flows && {
echo "bench: provisioning flows" >&2
start fake_twilio "$BIN/fake_twilio" --port 0 --log-level warn
TW_URL=$URL
start fake_livekit "$BIN/fake_livekit" --port 0 --log-level warn
LK_URL=$URL
start fake_supabase "$BIN/fake_supabase" --port 0 --log-level warn
SB_URL=$URL
total=$((2 * FLOW_USERS + SEQ_FLOWS))
awk -v n="$total" 'BEGIN { printf "{\"users\":["
    for (i = 0; i < n; i++) printf "%s{\"email\":\"bench-user-%d@example.com\",\"password\":\"bench-pass\"}",
        (i ? "," : ""), i
    printf "]}" }' >"$OUT/users.json"
curl -fsS -X POST "$SB_URL/__admin/state" -H 'Content-Type: application/json' \
    --data-binary @"$OUT/users.json" >/dev/null
"$TOOL" signin "$SB_URL" "$ANON" "$total" bench-pass >"$OUT/tokens.txt"
export TWILIO_API_BASE=$TW_URL TWILIO_ACCOUNT_SID=$SID TWILIO_AUTH_TOKEN=test-auth-token \
    SUPABASE_URL=$SB_URL SUPABASE_ANON_KEY=$ANON SUPABASE_SERVICE_ROLE_KEY=$SRK LIVEKIT_URL=$LK_URL \
    LIVEKIT_API_KEY=devkey LIVEKIT_API_SECRET=secret
# Sequential: one CLI process per user (the CLI's own start-up is part of each flow).
seq_ok=0
t0=$(date +%s%N)
while IFS= read -r tok; do
    "$BIN/provisioner" provision --user-token "$tok" --type tollfree >/dev/null 2>&1 &&
        seq_ok=$((seq_ok + 1))
done < <(tail -n "$SEQ_FLOWS" "$OUT/tokens.txt")
t1=$(date +%s%N)
echo "flows_seq|$(awk -v n="$SEQ_FLOWS" -v ns=$((t1 - t0)) 'BEGIN { printf "%.1f", n / (ns / 1e9) }')|$seq_ok|$SEQ_FLOWS" >>"$RES"
# Through `provisioner serve`, one flow per user: 16 at a time buying US local numbers (the
# inventory holds about 500 of them; the CLI run above bought toll-free ones), then one at a
# time buying mobile ones (the flow's own latency, without the CLI's start-up).
run_serve() { # LABEL FIRST_TOKEN_LINE USERS CONCURRENCY TYPE
    rm -f "$OUT/$1.trace.jsonl"
    PROV_TRACE=json PROV_TRACE_FILE=$OUT/$1.trace.jsonl \
        start provisioner "$BIN/provisioner" serve --port 0 --log-level warn
    sed -n "$2,$(($2 + $3 - 1))p" "$OUT/tokens.txt" >"$OUT/tokens-serve.txt"
    echo "$1|$("$TOOL" flows "$URL" "$OUT/tokens-serve.txt" "$4" "$5" 2>>"$OUT/flows.err")" >>"$RES"
    stop "$PID"
}
# The ceiling: the same 18 calls a flow makes, each replaced by GET /__admin/health.
echo "ceiling16|$("$TOOL" ceiling "$FLOW_USERS" 16 "$TW_URL" "$LK_URL" "$SB_URL")" >>"$RES"
echo "ceiling1|$("$TOOL" ceiling $((FLOW_USERS < 200 ? FLOW_USERS : 200)) 1 "$TW_URL" "$LK_URL" "$SB_URL")" >>"$RES"
: >"$OUT/flows.err"
run_serve flows_serve 1 "$FLOW_USERS" 16 local
run_serve flows_serve1 $((FLOW_USERS + 1)) $((FLOW_USERS < 200 ? FLOW_USERS : 200)) 1 mobile
cat "$OUT/flows.err" >&2
cleanup
}

# ---- Tables ---------------------------------------------------------------------------------
echo
echo "Machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)," \
    "kernel $(uname -r), $(date -u +%Y-%m-%dT%H:%MZ)"
echo
awk -F'|' '
    { v[$1] = $0 }
    END {
        printf "%-30s %10s %8s %8s %10s %8s\n", "endpoint (wrk -t2 -c64)", "req/s", "p50 ms",
               "p99 ms", "non-2xx", "vs nginx"
        split("twilio twilio50 supabase livekit", fs, " ")
        for (i = 1; i <= 4; i++) {
            f = fs[i]; split(v["nginx " f], ng, "|")
            split("read write", ks, " ")
            for (k = 1; k <= 2; k++) for (c = 1; c <= 3; c++) {
                split("idle faults journal", cs, " ")
                key = f " " ks[k] " " cs[c]
                if (!(key in v)) continue
                split(v[key], a, "|")
                ratio = (ks[k] == "read" && ng[2] > 0) ? sprintf("%.2fx", a[2] / ng[2]) : "-"
                printf "%-30s %10d %8.2f %8.2f %10d %8s\n", key, a[2], a[3], a[4], a[6] + a[7], ratio
            }
            printf "%-30s %10d %8.2f %8.2f %10s %8s\n", "nginx static (" f " body)", ng[2], ng[3],
                   ng[4], "-", "1.00x"
        }
        print ""
        printf "%-10s %14s %12s %12s %20s %20s\n", "fake", "start ms (med)", "--help ms",
               "RSS idle MB", "RSS after N req", "RSS after N req"
        split("twilio supabase livekit", fs, " ")
        for (i = 1; i <= 3; i++) {
            f = fs[i]; split(v["startup_" f], s, "|"); split(s[2], st, " ")
            split(v["loadonly_" f], lo, "|"); split(lo[2], lt, " ")
            split(v["rss_idle_" f], r0, "|"); split(v["rss_1_" f], r1, "|"); split(v["rss_2_" f], r2, "|")
            printf "%-10s %14.1f %12.1f %12.1f %20s %20s\n", f, st[1], lt[1], r0[2] / 1024,
                   sprintf("%.1f MB @ %d", r1[3] / 1024, r1[2]), sprintf("%.1f MB @ %d", r2[3] / 1024, r2[2])
        }
        if ("twilio read tls" in v) {
            split(v["twilio read tls"], tl, "|"); split(v["twilio read idle"], pl, "|")
            split(v["startup_tls_twilio"], su, "|"); split(su[2], sut, " ")
            split(v["startup_twilio"], sp, "|"); split(sp[2], spt, " ")
            printf "twilio read over TLS: %d req/s, p50 %.2f ms, p99 %.2f ms (plain: %d req/s, %.2fx); start %.1f ms with TLS (plain %.1f ms)\n",
                   tl[2], tl[3], tl[4], pl[2], (pl[2] > 0 ? tl[2] / pl[2] : 0), sut[1], spt[1]
        }
        split(v["exec_true"], et, "|"); split(et[2], ett, " ")
        printf "(fork + exec of true: %.1f ms; --help: exec and dynamic loading, no server)\n", ett[1]
        print ""
        split(v["flows_seq"], q, "|"); split(v["flows_serve"], w, "|"); split(w[2], ww, " ")
        printf "flows sequential (CLI, one process each): %.1f flows/s (%d of %d ok)\n", q[2], q[3], q[4]
        printf "flows 16 at a time (provisioner serve):   %.1f flows/s (%d ok, %d 4xx, %d 5xx, %d errors, %.0f ms)\n",
               ww[1], ww[2], ww[3], ww[4], ww[5], ww[6]
        split(v["flows_serve1"], w1, "|"); split(w1[2], ws, " ")
        printf "flows one at a time (provisioner serve):  %.1f flows/s (%d ok, %d 4xx, %d 5xx, %d errors, %.0f ms)\n",
               ws[1], ws[2], ws[3], ws[4], ws[5], ws[6]
        split(v["ceiling16"], c16, "|"); split(c16[2], cc, " ")
        split(v["ceiling1"], c1, "|"); split(c1[2], cd, " ")
        printf "ceiling, 18 health GETs a flow (libcurl): %.1f flows/s 16 at a time (serve: %.2fx), %.1f one at a time (%.2fx); %d failed\n",
               cc[1], (cc[1] > 0 ? ww[1] / cc[1] : 0), cd[1], (cd[1] > 0 ? ws[1] / cd[1] : 0), cc[2] + cd[2]
    }' "$RES"
