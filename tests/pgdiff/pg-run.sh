#!/bin/sh
# pg-run.sh SQL_FILE OUT_FILE: run SQL_FILE on a private, throw-away PostgreSQL 15 cluster
# (Debian's postgresql package, installed by scripts/deps.sh) and write psql's unaligned,
# tuples-only output to OUT_FILE. The cluster lives in a temporary folder, listens only on a
# Unix socket there (listen_addresses=''), uses the en_US.UTF-8 locale (as Supabase's
# images), and is stopped and removed on every exit. initdb refuses to run as root, so as
# root the cluster runs as nobody (setpriv). Exits non-zero, saying why, when PostgreSQL is
# missing: the differential test must fail, not skip.
set -eu
sql=$1 out=$2
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
for p in initdb pg_ctl; do
    if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/$p" ]; then
        echo "pg-run: PostgreSQL server binaries not found (apt-get install postgresql; scripts/deps.sh installs it)" >&2
        exit 2
    fi
done
command -v psql >/dev/null || { echo "pg-run: psql not found (postgresql-client)" >&2; exit 2; }
dir=$(mktemp -d /tmp/pgdiff.XXXXXX)
as=""
if [ "$(id -u)" -eq 0 ]; then
    chown nobody:nogroup "$dir"
    as="setpriv --reuid=nobody --regid=nogroup --clear-groups"
fi
chmod 0755 "$dir"
cleanup() {
    $as "$PGBIN/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap cleanup EXIT INT TERM
cd "$dir"
$as "$PGBIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=en_US.UTF-8 \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 3; }
$as "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
    -o "-k $dir -c listen_addresses='' -c fsync=off -c TimeZone=UTC" start >/dev/null ||
    { cat "$dir/server.log" >&2; exit 4; }
psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$dir" -U postgres -d postgres -f "$sql" >"$out"
