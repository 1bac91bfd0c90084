#!/bin/sh
# The repository stands alone: copy what a clone holds into an empty folder and run the
# contract checks there, with nothing beside it.
#
# The copy is every file git tracks plus new files it does not ignore (a clone of the
# current tree, uncommitted edits included), placed at EMPTY/repo where EMPTY is a fresh
# temporary folder: a path that climbs out of the checkout finds nothing. The fakes come from BIN
# (built programs are not part of a clone) and the SDK tests' node_modules are linked in
# (installed from the committed lock file). Prints node's TAP output; exits non-zero when a
# check fails or the copy cannot be made.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
BIN=${BIN:-$root/build/asan/bin}
case "$BIN" in /*) ;; *) BIN=$root/$BIN ;; esac

if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    echo "standalone: not a git checkout; nothing to copy" >&2
    exit 1
fi
if [ ! -d tests/sdk/node_modules ]; then
    echo "standalone: tests/sdk/node_modules missing (run npm ci in tests/sdk)" >&2
    exit 1
fi

empty=$(mktemp -d "${TMPDIR:-/tmp}/fakes-standalone.XXXXXX")
trap 'rm -rf "$empty"' EXIT INT TERM
mkdir "$empty/repo"
{ git ls-files -z; git ls-files -z --others --exclude-standard; } |
    xargs -0 sh -c 'for f; do [ -f "$f" ] && printf "%s\0" "$f"; done' sh |
    tar --null -T - -cf - | (cd "$empty/repo" && tar -xf -)
ln -s "$root/tests/sdk/node_modules" "$empty/repo/tests/sdk/node_modules"

echo "standalone: contract checks in $empty/repo (nothing beside it: $(ls -A "$empty"))"
cd "$empty/repo/tests/sdk"
BIN=$BIN node --test contracts.test.mjs
