#!/bin/sh
# Project lint: files over 600 lines and banned functions fail the build (like curl's
# checksrc and redis's deprecation trick, with a grep).
set -u
cd "$(dirname "$0")/.."
status=0
files=$(git ls-files '*.c' '*.h' 2>/dev/null; git ls-files --others --exclude-standard '*.c' '*.h' 2>/dev/null)
for f in $files; do
    [ -f "$f" ] || continue
    n=$(wc -l <"$f")
    if [ "$n" -gt 600 ]; then
        echo "lint: $f: $n lines (limit 600: split the module)"
        status=1
    fi
done
banned='\b(sprintf|vsprintf|strcpy|strcat|gets|atoi|atol|strtok|rand|system)[[:space:]]*\('
for f in $files; do
    [ -f "$f" ] || continue
    # Comments and string literals are not calls; strip the simple cases before matching.
    if sed -e 's:/\*.*\*/::g' -e 's/"[^"]*"//g' "$f" | grep -nE "$banned" >/tmp/lint.$$ 2>/dev/null; then
        sed "s|^|lint: $f:|; s|$| (banned function)|" /tmp/lint.$$
        status=1
    fi
done
rm -f /tmp/lint.$$
# The repository stands alone: no tracked file may read or cite a folder beside the checkout
# (a user who clones the project has only the repository; docs/reference/ and
# contracts/upstream/ hold what used to come from outside).
all=$(git ls-files 2>/dev/null; git ls-files --others --exclude-standard 2>/dev/null)
for f in $all; do
    [ -f "$f" ] || continue
    case $f in scripts/lint.sh) continue ;; esac
    if grep -nI -e '\.\./shared' -e "'\.\.', *'shared'" "$f" >/tmp/lint.$$ 2>/dev/null; then
        sed "s|^|lint: $f:|; s|$| (path outside the repository)|" /tmp/lint.$$
        status=1
    fi
done
rm -f /tmp/lint.$$
# The provisioner's layers: includes go downward only.
./scripts/prov-layers.sh || status=1
# No include circles among the modules of fakekit, the fakes and the launcher.
./scripts/include-cycles.sh || status=1
[ "$status" -eq 0 ] && echo "lint: ok"
exit $status
