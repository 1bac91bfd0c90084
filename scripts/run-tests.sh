#!/bin/sh
# Run every test the project has and print one summary line: "N passed, N failed".
#
# Called by `make test` with BUILD (the build folder) and BIN (the programs) set. Test
# binaries run under ASan/UBSan with leak detection; a binary that crashes or exits
# non-zero without saying how many cmocka tests failed counts as one failure. With
# TSAN_BUILD set, the integration binaries run once more under ThreadSanitizer.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build/asan}
BIN=${BIN:-$BUILD/bin}
case "$BIN" in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
export BIN
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
LOG=${TEST_LOG:-$BUILD/test-logs}
mkdir -p "$LOG"
case "$LOG" in /*) ;; *) LOG=$(pwd)/$LOG ;; esac
export TEST_LOG=$LOG
passed=0 failed=0 skipped=0
failures=""

# count_cmocka FILE STATUS: add the cmocka totals found in FILE.
count_cmocka() {
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$1" | awk '{s+=$1} END {print s+0}')
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$1" | awk '{s+=$1} END {print s+0}')
    s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$1" | awk '{s+=$1} END {print s+0}')
    if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
    fi
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
    [ "$f" -gt 0 ] && failures="$failures $3"
    printf '%-44s %3d passed %3d failed\n' "$3" "$p" "$f"
}

run_binaries() {
    for t in "$@"; do
        [ -x "$t" ] || continue
        name=$(basename "$t")
        timeout 600 "$t" >"$LOG/$name.log" 2>&1
        count_cmocka "$LOG/$name.log" $? "$name"
    done
}

# tally NAME LABEL RC PASS_RE FAIL_RE [SKIP_RE]: count one part from its log $LOG/NAME.log,
# whose summary lines the sed expressions read (a non-zero RC with no failure counted is one
# failure), and print its line.
tally() {
    p=$(sed -n "$4" "$LOG/$1.log" | tail -1)
    f=$(sed -n "$5" "$LOG/$1.log" | tail -1)
    s=$([ -n "${6:-}" ] && sed -n "$6" "$LOG/$1.log" | tail -1)
    p=${p:-0} f=${f:-0} s=${s:-0}
    [ "$3" -ne 0 ] && [ "$f" -eq 0 ] && f=1
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
    [ "$f" -gt 0 ] && failures="$failures $1"
    printf '%-44s %3d passed %3d failed\n' "$2" "$p" "$f"
}
SUMMARY_P='s/^\([0-9]*\) passed, [0-9]* failed.*/\1/p'
SUMMARY_F='s/^[0-9]* passed, \([0-9]*\) failed.*/\1/p'
TAP_P='s/^# pass \([0-9]*\)/\1/p'
TAP_F='s/^# fail \([0-9]*\)/\1/p'
TAP_S='s/^# skipped \([0-9]*\)/\1/p'

run_binaries "$BUILD"/tests/unit/test_*
run_binaries "$BUILD"/tests/integration/test_*

# QA's cases (tests/scenarios) through the shipped runner, two at a time; its summary line
# "N passed, N failed" is counted, and its JUnit file kept with the logs.
if [ -x "$BIN/fakes" ]; then
    "$BIN/fakes" test --jobs 2 --junit "$LOG/scenarios.junit.xml" --logs "$LOG/scenarios" \
        tests/scenarios >"$LOG/scenarios.log" 2>&1
    tally scenarios "scenarios (fakes test)" $? "$SUMMARY_P" "$SUMMARY_F"
    # The same cases over HTTPS: the fakes with a throw-away CA's certificate, the provisioner
    # trusting that CA only (PROV_CA_FILE), the transport production uses.
    "$BIN/fakes" test --tls --jobs 2 --junit "$LOG/scenarios-tls.junit.xml" \
        --logs "$LOG/scenarios-tls" tests/scenarios >"$LOG/scenarios-tls.log" 2>&1
    tally scenarios-tls "scenarios over TLS (fakes test --tls)" $? "$SUMMARY_P" "$SUMMARY_F"
fi

# The README's CI examples, copied into a shell as written (tests/readme/ci-examples.sh).
if [ -x "$BIN/fakes" ]; then
    BIN=$BIN ./tests/readme/ci-examples.sh >"$LOG/readme.log" 2>&1
    tally readme "readme (CI examples as written)" $? "s/^readme: ${SUMMARY_P#s/^}" \
        "s/^readme: ${SUMMARY_F#s/^}"
fi

# Python: the pytest plugin installed offline, its tests, the README's example and the example
# FastAPI backend's suite, with the official twilio-python SDK (python/run-tests.sh).
if [ -x /usr/bin/python3 ] && [ -x "$BIN/fake_twilio" ]; then
    BIN=$BIN ./python/run-tests.sh >"$LOG/python.log" 2>&1
    tally python "python (plugin, README, example backend)" $? \
        's/.* \([0-9][0-9]*\) passed.*/\1/p; s/^\([0-9][0-9]*\) passed.*/\1/p' \
        's/.* \([0-9][0-9]*\) failed.*/\1/p; s/^\([0-9][0-9]*\) failed.*/\1/p'
fi

# The integration tests again with every program built under ThreadSanitizer (TSAN_BUILD):
# one line per binary set; a binary fails when it exits non-zero or any process it started
# (the fakes, the provisioner) reported a race. A kernel whose address layout TSan cannot
# use counts as skipped, not failed. The long kill schedules of single-threaded CLI runs
# (TSAN_SOAK_ONLY) run under TSan in `make soak` instead, to keep `make test` under ten
# minutes: their concurrency is between processes, which TSan does not see, and the fakes'
# threads they drive are under TSan here through every other binary; test_crash_ops and
# test_crash_stop (serve's worker pool killed and stopped) stay.
TSAN_SOAK_ONLY=${TSAN_SOAK_ONLY:-test_crash test_crash_fakes test_crash_pause test_crash_release}
TSAN_BUILD=${TSAN_BUILD:-}
if [ -n "$TSAN_BUILD" ] && ls "$TSAN_BUILD"/tests/integration/test_* >/dev/null 2>&1; then
    tp=0 tf=0 ts=0
    for t in "$TSAN_BUILD"/tests/integration/test_*; do
        case $t in *.o | *.d) continue ;; esac
        case " $TSAN_SOAK_ONLY " in *" $(basename "$t") "*) continue ;; esac
        name=tsan-$(basename "$t")
        BIN=$(pwd)/$TSAN_BUILD/bin TSAN_OPTIONS=${TSAN_OPTIONS:-second_deadlock_stack=1} \
            timeout 600 "$t" >"$LOG/$name.log" 2>&1
        rc=$?
        if grep -q 'ThreadSanitizer: unexpected memory mapping' "$LOG/$name.log"; then
            ts=$((ts + 1))
        elif [ "$rc" -ne 0 ] || grep -q 'WARNING: ThreadSanitizer' "$LOG/$name.log"; then
            tf=$((tf + 1))
            failures="$failures $name"
        else
            tp=$((tp + 1))
        fi
    done
    passed=$((passed + tp)) failed=$((failed + tf)) skipped=$((skipped + ts))
    printf '%-44s %3d passed %3d failed%s\n' "tsan (integration binaries)" "$tp" "$tf" \
        "$([ "$ts" -gt 0 ] && echo " $ts skipped (TSan cannot run on this kernel)")"
fi

# Official SDKs (and contract checks) under Node.js.
if command -v node >/dev/null 2>&1 && ls tests/sdk/*.test.mjs >/dev/null 2>&1; then
    if [ ! -d tests/sdk/node_modules ]; then
        (cd tests/sdk && npm ci --no-audit --no-fund >"$LOG/npm.log" 2>&1) || echo "npm ci failed: see $LOG/npm.log"
    fi
    (cd tests/sdk && node --test --test-concurrency=2 ./*.test.mjs) >"$LOG/sdk.log" 2>&1
    tally sdk "sdk (node --test)" $? "$TAP_P" "$TAP_F" "$TAP_S"
fi

# The repository stands alone: the contract checks again in a copy of the tree with nothing
# beside it (scripts/standalone-check.sh), so a file read from outside the checkout fails here.
if command -v node >/dev/null 2>&1 && [ -d tests/sdk/node_modules ]; then
    ./scripts/standalone-check.sh >"$LOG/standalone.log" 2>&1
    tally standalone "standalone (contracts, bare copy)" $? "$TAP_P" "$TAP_F"
fi

# libFuzzer targets: every committed corpus, then FUZZ_TOTAL seconds of fuzzing shared out.
FUZZ_BUILD=${FUZZ_BUILD:-build/fuzz}
if ls "$FUZZ_BUILD"/tests/fuzz/fuzz_* >/dev/null 2>&1; then
    n=$(ls "$FUZZ_BUILD"/tests/fuzz/fuzz_* | grep -cv '\.[od]$')
    each=$(( ${FUZZ_TOTAL:-30} / (n > 0 ? n : 1) ))
    [ "$each" -lt 2 ] && each=2
    FUZZ_SECONDS=$each BUILD=$FUZZ_BUILD ./tests/fuzz/run.sh >"$LOG/fuzz.log" 2>&1
    tally fuzz "fuzz (${each}s each)" $? "s/^fuzz: ${SUMMARY_P#s/^}" "s/^fuzz: ${SUMMARY_F#s/^}"
fi

if [ -n "$failures" ]; then
    echo "failing:$failures (logs in $LOG/)"
    for n in $failures; do
        echo "---- $n"
        grep -E '\[  (FAILED|ERROR) |FAIL|not ok|ERROR: |runtime error|Assertion|Sanitizer|^    ' \
            "$LOG/$n.log" 2>/dev/null | head -20
    done
fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
