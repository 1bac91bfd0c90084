#!/bin/sh
# The README's CI examples, run as written: each YAML block under "**GitHub Actions**" and
# "**GitLab CI**" is read from README.md, and its shell lines run in a fresh folder laid out
# like a checkout after `make` (bin/ holding the programs, tests/ the scenarios), the way
# each CI system runs them:
#   GitHub Actions: every `run:` is its own `sh -e`, with the variables of $GITHUB_ENV (and
#     `${{ runner.temp }}` of the job's env) set, as the runner does between steps;
#   GitLab CI: the `script:` lines in one `sh -e`, then `after_script:` in a fresh one, with
#     the job's `variables:`.
# The `make deps && make` lines are skipped (the programs come from BIN). Prints one line per
# example and "readme: N passed, N failed"; exits 1 when one failed.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${BIN:-$root/build/asan/bin}
case "$BIN" in /*) ;; *) BIN=$root/$BIN ;; esac
passed=0 failed=0

# block MARKER: the lines of the first ```yaml block after the line MARKER.
block() {
    awk -v m="$1" '$0 == m { f = 1; next } f && /^```yaml/ { y = 1; next }
                   y && /^```/ { exit } y { print }' "$root/README.md"
}

# layout DIR: a checkout's layout after `make`.
layout() {
    mkdir -p "$1/bin"
    for p in fakes provisioner fake_twilio fake_livekit fake_supabase; do
        ln -s "$BIN/$p" "$1/bin/$p"
    done
    ln -s "$root/tests" "$1/tests"
}

verdict() {
    if [ "$2" -eq 0 ]; then
        passed=$((passed + 1))
        echo "readme: $1 example ran as written"
    else
        failed=$((failed + 1))
        echo "readme: $1 example FAILED (log above)"
    fi
}

github() {
    work=$(mktemp -d "${TMPDIR:-/tmp}/readme-gh.XXXXXX")
    layout "$work"
    mkdir -p "$work/runner-temp"
    : >"$work/github_env"
    rc=0
    steps=$(block '**GitHub Actions**' | sed -n 's/^ *\(- \)\{0,1\}run: //p' | grep -v 'make deps')
    [ -n "$steps" ] || rc=1
    echo "$steps" | while IFS= read -r cmd; do
        [ -n "$cmd" ] || continue
        echo "  \$ $cmd"
        (cd "$work" && set -a && . "$work/github_env" && set +a &&
            FAKES_STATE=$work/runner-temp/fakes GITHUB_ENV=$work/github_env sh -e -c "$cmd") ||
            { echo "  step failed"; echo fail >"$work/failed"; }
    done
    [ -e "$work/failed" ] && rc=1
    (cd "$work" && FAKES_STATE=$work/runner-temp/fakes bin/fakes down >/dev/null 2>&1)
    [ -s "$work/runner-temp/fakes/sequence.html" ] || { echo "  no sequence picture"; rc=1; }
    rm -rf "$work"
    verdict "GitHub Actions" "$rc"
}

gitlab() {
    work=$(mktemp -d "${TMPDIR:-/tmp}/readme-gl.XXXXXX")
    layout "$work"
    yaml=$(block '**GitLab CI**')
    script=$(echo "$yaml" | awk '/^  script:/ { s = 1; next } /^  [a-z_]+:/ { s = 0 }
                                 s && /^    - / { sub(/^    - /, ""); print }' | grep -v 'make deps')
    after=$(echo "$yaml" | awk '/^  after_script:/ { s = 1; next } /^  [a-z_]+:/ { s = 0 }
                                s && /^    - / { sub(/^    - /, ""); print }')
    rc=0
    [ -n "$script" ] && [ -n "$after" ] || rc=1
    echo "$script" | sed 's/^/  $ /'
    (cd "$work" && CI_PROJECT_DIR=$work FAKES_STATE=$work/.fakes sh -e -c "$script") || rc=1
    echo "$after" | sed 's/^/  $ /'
    (cd "$work" && CI_PROJECT_DIR=$work FAKES_STATE=$work/.fakes sh -e -c "$after") || rc=1
    [ -s "$work/.fakes/sequence.html" ] || { echo "  no sequence picture"; rc=1; }
    (cd "$work" && FAKES_STATE=$work/.fakes bin/fakes down >/dev/null 2>&1)
    rm -rf "$work"
    verdict "GitLab CI" "$rc"
}

github
gitlab
echo "readme: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
