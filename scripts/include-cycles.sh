#!/bin/sh
# include-cycles.sh DIR...: fail when modules of DIRs include each other in a circle.
#
# A module is DIR/NAME: NAME.c and NAME.h, with NAME_int.h counted as NAME's private header.
# Module A depends on module B when a file of A has #include "B.h" (or "B_int.h"). Those
# pairs go to tsort(1), which orders them or, when they loop, names the modules of each loop
# and fails. Each layer calls only the layers below it (docs/DESIGN.md "Layers"): a circle
# means a reader cannot tell which is the lower one.
set -u
cd "$(dirname "$0")/.." || exit 2
[ $# -gt 0 ] || set -- fakekit fake_twilio fake_livekit fake_supabase fakes provisioner
pairs=$(
    for d in "$@"; do
        for f in "$d"/*.c "$d"/*.h; do
            [ -f "$f" ] || continue
            m=${f%.?}
            m=${m%_int}
            sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)\.h".*/\1/p' "$f" |
                sed 's/_int$//' | while read -r t; do
                [ "$t" = "$m" ] || echo "$m $t"
            done
        done
    done
)
if ! out=$(printf '%s\n' "$pairs" | tsort 2>&1 >/dev/null); then
    printf '%s\n' "$out" | sed 's/^tsort: -: /include-cycles: /; s/^tsort: /include-cycles: /'
    echo "include-cycles: modules above include each other (see docs/DESIGN.md \"Layers\")"
    exit 1
fi
exit 0
