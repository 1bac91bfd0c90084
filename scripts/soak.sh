#!/bin/sh
# make soak: the crash-consistency tests for longer, under several seeds (issue 19).
#
# Runs each crash binary (tests/integration/test_crash*) once per seed with CRASH_SEED set and
# CRASH_SOAK multiplying its schedules, then prints the schedules run and converged per binary
# and in total: "soak: N schedules, N converged". A failing seed is printed with its binary,
# and `CRASH_SEED=S CRASH_SOAK=K BIN=... build/asan/tests/integration/test_crash_X` replays
# it. Environment: SOAK_SEEDS (default "1 2 3 4 5"), SOAK_SCALE (default 4), BUILD, BIN,
# TSAN_BUILD (then each binary once more under TSan).
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build/asan}
BIN=${BIN:-$BUILD/bin}
case "$BIN" in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
export BIN
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
SEEDS=${SOAK_SEEDS:-1 2 3 4 5}
SCALE=${SOAK_SCALE:-4}
LOG=$BUILD/soak-logs
mkdir -p "$LOG"
total=0 conv=0 bad=""
for seed in $SEEDS; do
    for t in "$BUILD"/tests/integration/test_crash*; do
        case $t in *.o | *.d) continue ;; esac
        name=$(basename "$t")
        out=$LOG/$name.$seed.log
        CRASH_SEED=$seed CRASH_SOAK=$SCALE timeout 3600 "$t" >"$out" 2>&1
        rc=$?
        line=$(grep -E '(schedules|kill points), [0-9]+ converged' "$out" | tail -1)
        n=$(echo "$line" | sed -n 's/.*: \([0-9]*\) \(schedules\|kill points\), .*/\1/p')
        c=$(echo "$line" | sed -n 's/.*, \([0-9]*\) converged.*/\1/p')
        n=${n:-0} c=${c:-0}
        total=$((total + n)) conv=$((conv + c))
        printf 'soak: %-20s seed %-6s %4d schedules, %4d converged%s\n' "$name" "$seed" "$n" "$c" \
            "$([ "$rc" -ne 0 ] && echo "  FAILED (see $out)")"
        [ "$rc" -ne 0 ] && bad="$bad $name:$seed"
    done
done
# Then each crash binary once more under ThreadSanitizer (TSAN_BUILD, first seed, scale 1):
# `make test` leaves the long ones out of its TSan pass. A race reported by any process it
# started fails the soak.
if [ -n "${TSAN_BUILD:-}" ]; then
    seed=${SEEDS%% *}
    for t in "$TSAN_BUILD"/tests/integration/test_crash*; do
        case $t in *.o | *.d) continue ;; esac
        name=tsan-$(basename "$t")
        out=$LOG/$name.$seed.log
        BIN=$(pwd)/$TSAN_BUILD/bin CRASH_SEED=$seed CRASH_SOAK=1 \
            TSAN_OPTIONS=${TSAN_OPTIONS:-second_deadlock_stack=1} timeout 3600 "$t" >"$out" 2>&1
        rc=$?
        if [ "$rc" -ne 0 ] || grep -q 'WARNING: ThreadSanitizer' "$out"; then
            printf 'soak: %-25s seed %-6s FAILED under TSan (see %s)\n' "$name" "$seed" "$out"
            bad="$bad $name:$seed"
        else
            printf 'soak: %-25s seed %-6s passed under TSan\n' "$name" "$seed"
        fi
    done
fi
echo "soak: $total schedules, $conv converged"
[ -z "$bad" ] || {
    echo "soak: failed:$bad"
    exit 1
}
