#!/bin/sh
# bench/instructions.sh BIN N KIND: the instructions (valgrind's callgrind) fake_supabase
# BIN executes while it starts, serves N requests of KIND and stops. KIND: read (a
# provisioning_jobs select by user_id) or write (an upsert of that row, merge-duplicates,
# return=minimal), as the service role, over one keep-alive connection (curl -K).
# Instructions do not depend on what else the machine runs, so two builds compare on a
# shared machine where req/s cannot: run N=500 and N=1500, and the difference / 1000 is
# the cost of one request. A figure, never pass/fail; bench/RESULTS.md has readings.
set -eu
BIN=$1; N=$2; KIND=$3; D=$(mktemp -d)
cd $(dirname $BIN)/..
valgrind --tool=callgrind --callgrind-out-file=$D/cg.out $BIN --port 0 --port-file $D/port --log-level warn --journal-size 1000 >/dev/null 2>$D/err &
VP=$!
while [ ! -s $D/port ]; do sleep 0.2; done
P=$(cat $D/port)
KEY=$(curl -s localhost:$P/__admin/keys | python3 -c 'import json,sys; print(json.load(sys.stdin)["service_role_key"])')
U=$(curl -s -X POST localhost:$P/auth/v1/admin/users -H "apikey: $KEY" -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' -d '{"email":"a@b.c","password":"pw123456","email_confirm":true}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
python3 - "$P" "$U" "$KEY" "$N" "$KIND" > $D/cfg <<'PY'
import sys
P,U,K,N,kind=sys.argv[1],sys.argv[2],sys.argv[3],int(sys.argv[4]),sys.argv[5]
for i in range(N):
    if kind=='read':
        print(f'url = "http://127.0.0.1:{P}/rest/v1/provisioning_jobs?user_id=eq.{U}&select=*"')
    else:
        print(f'url = "http://127.0.0.1:{P}/rest/v1/provisioning_jobs?on_conflict=user_id"')
        print('request = "POST"')
        print('data = "{\\"id\\":\\"job-1\\",\\"user_id\\":\\"%s\\",\\"status\\":\\"running\\",\\"attempts\\":%d}"' % (U,i))
        print('header = "Content-Type: application/json"')
        print('header = "Prefer: resolution=merge-duplicates,return=minimal"')
    print(f'header = "apikey: {K}"')
    print(f'header = "Authorization: Bearer {K}"')
    print('output = "/dev/null"')
    print('write-out = "%{http_code}\\n"')
    if i < N-1: print('next')
PY
curl -s -K $D/cfg | sort | uniq -c | tr '\n' ' ' >&2
kill -TERM $VP; wait $VP
callgrind_annotate $D/cg.out 2>/dev/null | grep -m1 "PROGRAM TOTALS" | awk '{print $1}' | tr -d ,
rm -rf $D
