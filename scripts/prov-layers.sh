#!/bin/sh
# The provisioner's layers (provisioner/exit.h states them): a header includes only headers
# of a lower layer, a .c file only its own layer's or lower. So no two headers include each
# other, and no module calls one above it. Called by scripts/lint.sh; prints one line per
# include that goes up, or per file missing from the table below.
set -u
cd "$(dirname "$0")/.."

# layer NAME: the layer of provisioner/NAME (.c files sit with the header they implement).
layer() {
    case $1 in
    exit.h | exit.c) echo 0 ;;
    config.[ch] | trace.[ch] | http.[ch] | retry.[ch]) echo 1 ;;
    ctx.[ch]) echo 2 ;;
    twilio_api.[ch] | supabase_api.[ch] | livekit_api.[ch]) echo 3 ;;
    job.[ch]) echo 4 ;;
    steps.[ch] | register.c | undo.c) echo 5 ;;
    flow.[ch] | release.c) echo 6 ;;
    reconcile.[ch] | reconcile_fix.c) echo 7 ;;
    cli.[ch] | serve.c | main.c) echo 8 ;;
    *) echo -1 ;;
    esac
}

status=0
for path in provisioner/*.c provisioner/*.h; do
    [ -f "$path" ] || continue
    f=${path#provisioner/}
    mine=$(layer "$f")
    if [ "$mine" -lt 0 ]; then
        echo "lint: $path: not in scripts/prov-layers.sh (give it a layer there and in exit.h)"
        status=1
        continue
    fi
    for inc in $(sed -n 's|^#include "provisioner/\([a-z_]*\.h\)".*|\1|p' "$path"); do
        theirs=$(layer "$inc")
        case $f in
        *.h) ok=$([ "$theirs" -ge 0 ] && [ "$theirs" -lt "$mine" ] && echo y) ;;
        *) ok=$([ "$theirs" -ge 0 ] && [ "$theirs" -le "$mine" ] && echo y) ;;
        esac
        if [ -z "$ok" ]; then
            echo "lint: $path (layer $mine) includes provisioner/$inc (layer $theirs): upward"
            status=1
        fi
    done
done
exit $status
