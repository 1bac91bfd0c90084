#!/bin/sh
# Run every libFuzzer target: first over its committed corpus (regressions), then for
# FUZZ_SECONDS seconds of new fuzzing on a scratch copy (the committed corpus is not changed
# unless FUZZ_UPDATE_CORPUS=1). Prints "fuzz: N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build/fuzz}
SECONDS_EACH=${FUZZ_SECONDS:-60}
passed=0 failed=0
for t in "$BUILD"/tests/fuzz/fuzz_*; do
    case "$t" in *.o | *.d | *.log) continue ;; esac
    [ -x "$t" ] || continue
    name=$(basename "$t")
    corpus=tests/fuzz/corpus/$name
    mkdir -p "$corpus"
    work=$(mktemp -d)
    cp "$corpus"/* "$work"/ 2>/dev/null
    log=$BUILD/tests/fuzz/$name.log
    if "$t" -runs=0 -artifact_prefix="$BUILD/tests/fuzz/$name-" "$corpus" >"$log" 2>&1 &&
        "$t" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
            -artifact_prefix="$BUILD/tests/fuzz/$name-" "$work" >>"$log" 2>&1; then
        passed=$((passed + 1))
        printf '%-24s ok   %s\n' "$name" "$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | tail -1)"
        if [ "${FUZZ_UPDATE_CORPUS:-0}" = 1 ]; then
            "$t" -merge=1 "$corpus" "$work" >/dev/null 2>&1
        fi
    else
        failed=$((failed + 1))
        printf '%-24s FAIL (see %s)\n' "$name" "$log"
        grep -E 'ERROR|SUMMARY|artifact' "$log" | head -5
    fi
    rm -rf "$work"
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
