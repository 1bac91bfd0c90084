/* test_pg_flow_cases.h: the seed rows and the requests of test_pg_flow.c, each with the SQL
 * PostgREST 12 runs for it (src/PostgREST/Query/QueryBuilder.hs, SqlFragment.hs,
 * Statements.hs): a read is the subquery of
 *   SELECT coalesce(json_agg(_postgrest_t), '[]') FROM (...) _postgrest_t
 * and a write is the pgrst_source CTE of
 *   WITH pgrst_source AS (...) SELECT coalesce(json_agg(_postgrest_t), '[]')
 *   FROM (SELECT <sel> FROM pgrst_source) _postgrest_t
 * with the body bound as :rows (an array: a single object is a one-element array) or :body
 * (PATCH: the object). PostgREST 12 reads the body with json_to_record[set](...) AS _(col
 * type, ...) over the columns the body names (SqlFragment.hs fromJsonBodyF); the
 * json_populate_record[set](NULL::table, ...) written here is the same conversion, through
 * each column's type input, without spelling the types in every case. Filter values are
 * unknown-typed literals, cast by PostgreSQL to the column's type as PostgREST's parameters
 * are. The requests run in order
 * on both, each in its own transaction, so the writes change what later requests see. */

#define U3 "33333333-3333-4333-8333-333333333333"
#define P1 "aaaaaaaa-0000-4000-8000-000000000001"
#define P2 "aaaaaaaa-0000-4000-8000-000000000002"
#define P3 "aaaaaaaa-0000-4000-8000-000000000003"

static const char seed_profiles[] =
    "[{\"id\":\"" U1 "\",\"email\":\"one@example.com\",\"full_name\":\"Ada One\","
    "\"phone_number\":\"+15550001\",\"twilio_sid\":\"PN001\","
    "\"created_at\":\"2026-01-01T10:00:00Z\",\"updated_at\":\"2026-01-02T10:00:00Z\"},"
    "{\"id\":\"" U2 "\",\"email\":\"two@example.com\",\"full_name\":\"\u00c9mile Two\","
    "\"phone_number\":null,\"twilio_sid\":null,\"created_at\":\"2026-01-01T12:30:00+02:00\","
    "\"updated_at\":\"2026-01-01T12:30:00.5+02:00\"}]";

static const char seed_phones[] =
    "[{\"id\":\"" P1 "\",\"user_id\":\"" U1 "\",\"phone_number\":\"+15550001\","
    "\"twilio_sid\":\"PN001\",\"country_code\":\"US\",\"number_type\":\"local\","
    "\"status\":\"active\",\"livekit_trunk_id\":\"ST_1\",\"dispatch_rule_id\":\"SDR_1\","
    "\"job_id\":\"job-1\",\"created_at\":\"2026-01-01T10:00:00Z\","
    "\"updated_at\":\"2026-01-01T10:00:00Z\"},"
    "{\"id\":\"" P2 "\",\"user_id\":\"" U1 "\",\"phone_number\":\"+15550002\","
    "\"twilio_sid\":\"PN002\",\"country_code\":\"US\",\"number_type\":\"local\","
    "\"status\":\"released\",\"livekit_trunk_id\":null,\"dispatch_rule_id\":null,"
    "\"job_id\":\"job-1\",\"created_at\":\"2026-01-01T09:00:00.123456Z\","
    "\"updated_at\":\"2026-01-01T09:30:00Z\"},"
    "{\"id\":\"" P3 "\",\"user_id\":\"" U2 "\",\"phone_number\":\"+447700900003\","
    "\"twilio_sid\":\"PN003\",\"country_code\":\"GB\",\"number_type\":\"mobile\","
    "\"status\":\"active\",\"livekit_trunk_id\":\"ST_3\",\"dispatch_rule_id\":null,"
    "\"job_id\":\"job-2\",\"created_at\":\"2026-01-01T11:30:00+01:00\","
    "\"updated_at\":\"2026-01-01T11:30:00+01:00\"}]";

static const char seed_jobs[] =
    "[{\"id\":\"job-1\",\"user_id\":\"" U1 "\",\"status\":\"running\",\"step\":\"twilio_bought\","
    "\"owner\":\"run-a\",\"lease_expires_at\":\"2026-06-01T10:00:00Z\",\"fence\":3,"
    "\"country_code\":\"US\",\"number_type\":\"local\",\"area_code\":\"415\","
    "\"phone_number\":\"+15550001\",\"twilio_sid\":\"PN001\",\"livekit_trunk_id\":\"ST_1\","
    "\"dispatch_rule_id\":\"SDR_1\",\"attempts\":1,\"last_error\":null,"
    "\"created_at\":\"2026-01-01T09:00:00Z\",\"updated_at\":\"2026-01-01T10:00:00Z\"},"
    "{\"id\":\"job-2\",\"user_id\":\"" U2 "\",\"status\":\"completed\",\"step\":\"done\","
    "\"owner\":null,\"lease_expires_at\":null,\"fence\":1,\"country_code\":\"GB\","
    "\"number_type\":\"mobile\",\"area_code\":null,\"phone_number\":\"+447700900003\","
    "\"twilio_sid\":\"PN003\",\"livekit_trunk_id\":\"ST_3\",\"dispatch_rule_id\":null,"
    "\"attempts\":2,\"last_error\":\"timeout once\",\"created_at\":\"2026-01-01T11:00:00Z\","
    "\"updated_at\":\"2026-01-01T11:05:00Z\"}]";

enum who { SVC, ONE, TWO, ANONYMOUS };

struct flow_req {
    enum who who;
    const char *method;
    const char *path; /* after /rest/v1/ */
    const char *body;
    const char *sql; /* the read subquery, or the write's pgrst_source */
    const char *sel; /* a write's returned columns ("*" when NULL) */
    bool upsert;     /* Prefer: resolution=merge-duplicates */
};

/* PostgREST's upsert bookkeeping (SqlFragment.hs addConfigPgrstInserted): +1 per row the
 * INSERT's SELECT yields, -1 per row the ON CONFLICT DO UPDATE changes; 0 means 200. */
#define INS_PLUS                                                                                   \
    " WHERE set_config('pgrst.inserted', (coalesce(nullif(current_setting('pgrst.inserted', "      \
    "true), '')::int, 0) + 1)::text, true) <> '0'"
#define INS_MINUS                                                                                  \
    " WHERE set_config('pgrst.inserted', (coalesce(nullif(current_setting('pgrst.inserted', "      \
    "true), '')::int, 0) - 1)::text, true) <> '-1'"

#define PN "public.phone_numbers"
#define PJ "public.provisioning_jobs"
#define PR "public.profiles"

static const struct flow_req flow_reqs[] = {
    /* reads as the service role: every row */
    {SVC, "GET", "profiles?select=id,email,full_name,created_at,updated_at&order=email", NULL,
     "SELECT id, email, full_name, created_at, updated_at FROM " PR " ORDER BY email", NULL, false},
    {SVC, "GET", "profiles?select=full_name&order=full_name.desc", NULL,
     "SELECT full_name FROM " PR " ORDER BY full_name DESC", NULL, false},
    {SVC, "GET",
     "phone_numbers?select=id,phone_number,status&user_id=eq." U1 "&order=created_at.desc", NULL,
     "SELECT id, phone_number, status FROM " PN " WHERE user_id = '" U1
     "' ORDER BY created_at DESC",
     NULL, false},
    {SVC, "GET",
     "phone_numbers?select=phone_number&user_id=eq.11111111-1111-4111-8111-111111111111"
     "&status=eq.active",
     NULL,
     "SELECT phone_number FROM " PN " WHERE user_id = '11111111-1111-4111-8111-111111111111' "
     "AND status = 'active'",
     NULL, false},
    {SVC, "GET", "phone_numbers?select=phone_number&id=eq.AAAAAAAA-0000-4000-8000-000000000003",
     NULL, "SELECT phone_number FROM " PN " WHERE id = 'AAAAAAAA-0000-4000-8000-000000000003'",
     NULL, false},
    {SVC, "GET",
     "phone_numbers?select=phone_number,created_at&created_at=gt.2026-01-01T11:00:00%2B02:00"
     "&order=phone_number",
     NULL,
     "SELECT phone_number, created_at FROM " PN " WHERE created_at > '2026-01-01T11:00:00+02:00' "
     "ORDER BY phone_number",
     NULL, false},
    {SVC, "GET", "phone_numbers?select=phone_number&created_at=eq.2026-01-01%2010:30:00Z", NULL,
     "SELECT phone_number FROM " PN " WHERE created_at = '2026-01-01 10:30:00Z'", NULL, false},
    {SVC, "GET",
     "phone_numbers?select=phone_number,status&status=in.(active,released)"
     "&order=phone_number&limit=2&offset=1",
     NULL,
     "SELECT phone_number, status FROM " PN " WHERE status = ANY ('{active,released}') "
     "ORDER BY phone_number LIMIT 2 OFFSET 1",
     NULL, false},
    {SVC, "GET",
     "phone_numbers?select=phone_number,livekit_trunk_id&dispatch_rule_id=is.null"
     "&order=phone_number.desc",
     NULL,
     "SELECT phone_number, livekit_trunk_id FROM " PN " WHERE dispatch_rule_id IS NULL "
     "ORDER BY phone_number DESC",
     NULL, false},
    {SVC, "GET", "phone_numbers?select=*&order=created_at&limit=1", NULL,
     "SELECT * FROM " PN " ORDER BY created_at LIMIT 1", NULL, false},
    {SVC, "GET", "provisioning_jobs?select=id,owner,lease_expires_at,fence&owner=is.null", NULL,
     "SELECT id, owner, lease_expires_at, fence FROM " PJ " WHERE owner IS NULL", NULL, false},
    {SVC, "GET", "provisioning_jobs?select=id,attempts&fence=gte.2&order=id", NULL,
     "SELECT id, attempts FROM " PJ " WHERE fence >= '2' ORDER BY id", NULL, false},
    {SVC, "GET", "provisioning_jobs?select=id&lease_expires_at=lt.2026-06-01T12:05:00%2B02:00",
     NULL, "SELECT id FROM " PJ " WHERE lease_expires_at < '2026-06-01T12:05:00+02:00'", NULL,
     false},
    {SVC, "GET", "provisioning_jobs?select=id,last_error&order=last_error.nullsfirst,id", NULL,
     "SELECT id, last_error FROM " PJ " ORDER BY last_error NULLS FIRST, id", NULL, false},
    {SVC, "GET", "provisioning_jobs?select=*&id=eq.job-2", NULL,
     "SELECT * FROM " PJ " WHERE id = 'job-2'", NULL, false},
    /* bad literals: 22P02 at execution */
    {SVC, "GET", "profiles?select=id&id=eq.not-a-uuid", NULL,
     "SELECT id FROM " PR " WHERE id = 'not-a-uuid'", NULL, false},
    {SVC, "GET", "provisioning_jobs?select=id&fence=eq.abc", NULL,
     "SELECT id FROM " PJ " WHERE fence = 'abc'", NULL, false},
    {SVC, "GET", "provisioning_jobs?select=id&fence=in.(1,x)", NULL,
     "SELECT id FROM " PJ " WHERE fence = ANY ('{1,x}')", NULL, false},
    /* reads through row-level security */
    {ONE, "GET", "phone_numbers?select=phone_number,status&order=phone_number", NULL,
     "SELECT phone_number, status FROM " PN " ORDER BY phone_number", NULL, false},
    {TWO, "GET", "phone_numbers?select=phone_number&order=phone_number", NULL,
     "SELECT phone_number FROM " PN " ORDER BY phone_number", NULL, false},
    {ONE, "GET", "profiles?select=id,full_name", NULL, "SELECT id, full_name FROM " PR, NULL,
     false},
    {TWO, "GET", "provisioning_jobs?select=id,status,step", NULL,
     "SELECT id, status, step FROM " PJ, NULL, false},
    {ONE, "GET", "provisioning_jobs?select=id&user_id=eq." U2, NULL,
     "SELECT id FROM " PJ " WHERE user_id = '" U2 "'", NULL, false},
    {ANONYMOUS, "GET", "profiles?select=id", NULL, "SELECT id FROM " PR, NULL, false},
    {ANONYMOUS, "GET", "phone_numbers?select=id", NULL, "SELECT id FROM " PN, NULL, false},
    /* writes as users */
    {ONE, "PATCH", "profiles?id=eq." U1 "&select=id,full_name", "{\"full_name\":\"Ada Updated\"}",
     "UPDATE " PR " SET full_name = _.full_name FROM json_populate_record(NULL::" PR
     ", :body) _ WHERE " PR ".id = '" U1 "' RETURNING " PR ".*",
     "id, full_name", false},
    {ONE, "PATCH", "profiles?id=eq." U2 "&select=id", "{\"full_name\":\"Not Mine\"}",
     "UPDATE " PR " SET full_name = _.full_name FROM json_populate_record(NULL::" PR
     ", :body) _ WHERE " PR ".id = '" U2 "' RETURNING " PR ".*",
     "id", false},
    {TWO, "PATCH", "phone_numbers?user_id=eq." U1 "&select=id", "{\"status\":\"released\"}",
     "UPDATE " PN " SET status = _.status FROM json_populate_record(NULL::" PN
     ", :body) _ WHERE " PN ".user_id = '" U1 "' RETURNING " PN ".*",
     "id", false},
    {ONE, "POST", "phone_numbers?select=id",
     "{\"user_id\":\"" U2 "\",\"phone_number\":\"+15559999\",\"twilio_sid\":\"PN999\","
     "\"country_code\":\"US\",\"number_type\":\"local\"}",
     "INSERT INTO " PN "(user_id, phone_number, twilio_sid, country_code, number_type) SELECT "
     "user_id, phone_number, twilio_sid, country_code, number_type FROM "
     "json_populate_recordset(NULL::" PN ", :rows) _ RETURNING " PN ".*",
     "id", false},
    {ANONYMOUS, "POST", "profiles?select=id", "{\"id\":\"" U3 "\",\"email\":\"x@example.com\"}",
     "INSERT INTO " PR "(id, email) SELECT id, email FROM json_populate_recordset(NULL::" PR
     ", :rows) _ RETURNING " PR ".*",
     "id", false},
    {ONE, "POST", "phone_numbers?select=id,status",
     "{\"id\":\"aaaaaaaa-0000-4000-8000-000000000010\",\"user_id\":\"" U1
     "\",\"phone_number\":\"+15550010\","
     "\"twilio_sid\":\"PN010\",\"country_code\":\"US\",\"number_type\":\"local\"}",
     "INSERT INTO " PN "(id, user_id, phone_number, twilio_sid, country_code, number_type) "
     "SELECT id, user_id, phone_number, twilio_sid, country_code, number_type FROM "
     "json_populate_recordset(NULL::" PN ", :rows) _ RETURNING " PN ".*",
     "id, status", false},
    {ONE, "POST", "phone_numbers?select=id,phone_number,status,country_code",
     "{\"id\":\"aaaaaaaa-0000-4000-8000-000000000011\",\"user_id\":\"" U1 "\","
     "\"phone_number\":\"+15550011\",\"twilio_sid\":\"PN011\",\"country_code\":\"US\","
     "\"number_type\":\"local\",\"status\":\"released\"}",
     "INSERT INTO " PN "(id, user_id, phone_number, twilio_sid, country_code, number_type, "
     "status) SELECT id, user_id, phone_number, twilio_sid, country_code, number_type, status "
     "FROM json_populate_recordset(NULL::" PN ", :rows) _ RETURNING " PN ".*",
     "id, phone_number, status, country_code", false},
    {ONE, "POST", "profiles?select=id", "{\"id\":\"" U1 "\",\"email\":\"again@example.com\"}",
     "INSERT INTO " PR "(id, email) SELECT id, email FROM json_populate_recordset(NULL::" PR
     ", :rows) _ RETURNING " PR ".*",
     "id", false},
    {ONE, "PATCH", "provisioning_jobs?id=eq.job-1&select=id", "{\"user_id\":\"" U2 "\"}",
     "UPDATE " PJ " SET user_id = _.user_id FROM json_populate_record(NULL::" PJ
     ", :body) _ WHERE " PJ ".id = 'job-1' RETURNING " PJ ".*",
     "id", false},
    /* writes as the service role: constraints */
    {SVC, "POST", "phone_numbers?select=id",
     "{\"user_id\":\"" U2 "\",\"phone_number\":\"+15550012\",\"twilio_sid\":\"PN012\","
     "\"country_code\":\"US\",\"number_type\":\"local\",\"status\":\"bogus\"}",
     "INSERT INTO " PN "(user_id, phone_number, twilio_sid, country_code, number_type, status) "
     "SELECT user_id, phone_number, twilio_sid, country_code, number_type, status FROM "
     "json_populate_recordset(NULL::" PN ", :rows) _ RETURNING " PN ".*",
     "id", false},
    {SVC, "POST", "phone_numbers?select=id",
     "{\"user_id\":\"" U3 "\",\"phone_number\":\"+15550003\",\"twilio_sid\":\"PN001\","
     "\"country_code\":\"US\",\"number_type\":\"local\"}",
     "INSERT INTO " PN "(user_id, phone_number, twilio_sid, country_code, number_type) SELECT "
     "user_id, phone_number, twilio_sid, country_code, number_type FROM "
     "json_populate_recordset(NULL::" PN ", :rows) _ RETURNING " PN ".*",
     "id", false},
    {SVC, "POST", "provisioning_jobs?select=id",
     "{\"id\":\"job-x\",\"user_id\":\"44444444-4444-4444-8444-444444444444\"}",
     "INSERT INTO " PJ "(id, user_id) SELECT id, user_id FROM json_populate_recordset(NULL::" PJ
     ", :rows) _ RETURNING " PJ ".*",
     "id", false},
    {SVC, "POST", "phone_numbers?select=id",
     "{\"id\":\"zzz\",\"user_id\":\"" U3 "\",\"phone_number\":\"+15550013\","
     "\"twilio_sid\":\"PN013\",\"country_code\":\"US\",\"number_type\":\"local\"}",
     "INSERT INTO " PN "(id, user_id, phone_number, twilio_sid, country_code, number_type) "
     "SELECT id, user_id, phone_number, twilio_sid, country_code, number_type FROM "
     "json_populate_recordset(NULL::" PN ", :rows) _ RETURNING " PN ".*",
     "id", false},
    {SVC, "POST",
     "provisioning_jobs?select=id,user_id,status,step,owner,fence,country_code,"
     "number_type,attempts,lease_expires_at",
     "{\"id\":\"job-3\",\"user_id\":\"" U3
     "\",\"lease_expires_at\":\"2026-06-01 12:00:00.250+02\"}",
     "INSERT INTO " PJ "(id, user_id, lease_expires_at) SELECT id, user_id, lease_expires_at FROM "
     "json_populate_recordset(NULL::" PJ ", :rows) _ RETURNING " PJ ".*",
     "id, user_id, status, step, owner, fence, country_code, number_type, attempts, "
     "lease_expires_at",
     false},
    /* upserts: 200 when every row updated one, 201 when one was inserted */
    {SVC, "POST", "provisioning_jobs?on_conflict=id&select=id,status,fence",
     "[{\"id\":\"job-3\",\"user_id\":\"" U3 "\",\"status\":\"running\",\"fence\":1}]",
     "INSERT INTO " PJ "(id, user_id, status, fence) SELECT id, user_id, status, fence FROM "
     "json_populate_recordset(NULL::" PJ ", :rows) _" INS_PLUS " ON CONFLICT(id) DO UPDATE SET "
     "id = EXCLUDED.id, user_id = EXCLUDED.user_id, status = EXCLUDED.status, fence = "
     "EXCLUDED.fence" INS_MINUS " RETURNING " PJ ".*",
     "id, status, fence", true},
    {SVC, "POST", "profiles?on_conflict=id&select=id,email,full_name",
     "[{\"id\":\"" U3 "\",\"email\":\"three@example.com\",\"full_name\":\"Three\"}]",
     "INSERT INTO " PR "(id, email, full_name) SELECT id, email, full_name FROM "
     "json_populate_recordset(NULL::" PR ", :rows) _" INS_PLUS " ON CONFLICT(id) DO UPDATE SET "
     "id = EXCLUDED.id, email = EXCLUDED.email, full_name = EXCLUDED.full_name" INS_MINUS
     " RETURNING " PR ".*",
     "id, email, full_name", true},
    /* the provisioner's fenced write: once, then refused by its stale fence */
    {SVC, "PATCH",
     "provisioning_jobs?id=eq.job-1&owner=eq.run-a&fence=eq.3&select=id,owner,fence,"
     "lease_expires_at",
     "{\"fence\":4,\"owner\":\"run-b\",\"lease_expires_at\":\"2026-06-01T12:10:00+02:00\"}",
     "UPDATE " PJ " SET fence = _.fence, owner = _.owner, lease_expires_at = _.lease_expires_at "
     "FROM json_populate_record(NULL::" PJ ", :body) _ WHERE " PJ ".id = 'job-1' AND " PJ
     ".owner = 'run-a' AND " PJ ".fence = '3' RETURNING " PJ ".*",
     "id, owner, fence, lease_expires_at", false},
    {SVC, "PATCH", "provisioning_jobs?id=eq.job-1&owner=eq.run-a&fence=eq.3&select=id",
     "{\"fence\":5,\"owner\":\"run-c\"}",
     "UPDATE " PJ " SET fence = _.fence, owner = _.owner FROM json_populate_record(NULL::" PJ
     ", :body) _ WHERE " PJ ".id = 'job-1' AND " PJ ".owner = 'run-a' AND " PJ
     ".fence = '3' RETURNING " PJ ".*",
     "id", false},
    {SVC, "PATCH", "provisioning_jobs?id=eq.job-2&select=id", "{\"status\":\"paused\"}",
     "UPDATE " PJ " SET status = _.status FROM json_populate_record(NULL::" PJ
     ", :body) _ WHERE " PJ ".id = 'job-2' RETURNING " PJ ".*",
     "id", false},
    /* deletes */
    {TWO, "DELETE", "phone_numbers?user_id=eq." U1 "&select=id", NULL,
     "DELETE FROM " PN " WHERE " PN ".user_id = '" U1 "' RETURNING " PN ".*", "id", false},
    {ONE, "DELETE", "phone_numbers?status=eq.released&select=phone_number", NULL,
     "DELETE FROM " PN " WHERE " PN ".status = 'released' RETURNING " PN ".*", "phone_number",
     false},
    /* with a filter: Supabase loads pg-safeupdate, which refuses a DELETE without WHERE
     * (21000, as the fake answers); the stub cluster does not have it */
    {ANONYMOUS, "DELETE", "profiles?id=eq." U2 "&select=id", NULL,
     "DELETE FROM " PR " WHERE " PR ".id = '" U2 "' RETURNING " PR ".*", "id", false},
    {SVC, "DELETE", "provisioning_jobs?id=eq.job-2&select=id,status", NULL,
     "DELETE FROM " PJ " WHERE " PJ ".id = 'job-2' RETURNING " PJ ".*", "id, status", false},
    /* what is left */
    {SVC, "GET", "phone_numbers?select=id,user_id,phone_number,status&order=phone_number", NULL,
     "SELECT id, user_id, phone_number, status FROM " PN " ORDER BY phone_number", NULL, false},
    {SVC, "GET", "provisioning_jobs?select=id,status,fence,owner&order=id", NULL,
     "SELECT id, status, fence, owner FROM " PJ " ORDER BY id", NULL, false},
    {SVC, "GET", "profiles?select=id,full_name&order=id", NULL,
     "SELECT id, full_name FROM " PR " ORDER BY id", NULL, false},
};
#define NFLOW (sizeof flow_reqs / sizeof flow_reqs[0])

/* The example project's migrations (examples/supabase/migrations): its tables through the same
 * requests on the fake started with --schema on the folder, and on PostgreSQL's "ex"
 * database. Left out: a failed INSERT into an identity or serial column consumes a value of
 * PostgreSQL's sequence and the fake's does not, so ids after a failed insert differ (no
 * request here returns such an id). */
#define N1 "bbbbbbbb-0000-4000-8000-000000000001"
#define N2 "bbbbbbbb-0000-4000-8000-000000000002"
#define N3 "bbbbbbbb-0000-4000-8000-000000000003"
#define NT "public.notes"
#define TM "public.teams"
#define FB "public.feedback"
#define NOTE_COLS                                                                                  \
    "id, title, kind, tags, scores, meta, price, rating, pinned, archived, color, body"

static const struct flow_req ex_reqs[] = {
    {SVC, "POST", "teams?select=id,name,slug", "{\"name\":\"Core\",\"slug\":\"core\"}",
     "INSERT INTO " TM "(name, slug) SELECT name, slug FROM json_populate_recordset(NULL::" TM
     ", :rows) _ RETURNING " TM ".*",
     "id, name, slug", false},
    {ONE, "POST",
     "notes?select=id,title,kind,tags,scores,meta,price,rating,pinned,archived,color,body",
     "{\"id\":\"" N1 "\",\"user_id\":\"" U1 "\",\"team_id\":1,\"title\":\"alpha\","
     "\"tags\":[\"x\",\"y z\"],\"meta\":{\"k\":1,\"n\":[true,null]},\"price\":\"12.5\","
     "\"rating\":3,\"remind_at\":\"09:30\"}",
     "INSERT INTO " NT "(id, user_id, team_id, title, tags, meta, price, rating, remind_at) "
     "SELECT id, user_id, team_id, title, tags, meta, price, rating, remind_at FROM "
     "json_populate_recordset(NULL::" NT ", :rows) _ RETURNING " NT ".*",
     NOTE_COLS, false},
    {ONE, "POST", "notes?select=id,pinned,kind",
     "{\"id\":\"" N2 "\",\"user_id\":\"" U1 "\",\"title\":\"Beta\",\"pinned\":true,"
     "\"kind\":\"todo\"}",
     "INSERT INTO " NT "(id, user_id, title, pinned, kind) SELECT id, user_id, title, pinned, "
     "kind FROM json_populate_recordset(NULL::" NT ", :rows) _ RETURNING " NT ".*",
     "id, pinned, kind", false},
    {TWO, "POST", "notes?select=id,title",
     "{\"id\":\"" N3 "\",\"user_id\":\"" U2 "\",\"title\":\"gamma\",\"price\":0,\"kind\":\"done\"}",
     "INSERT INTO " NT
     "(id, user_id, title, price, kind) SELECT id, user_id, title, price, kind FROM "
     "json_populate_recordset(NULL::" NT ", :rows) _ RETURNING " NT ".*",
     "id, title", false},
    {ANONYMOUS, "POST", "feedback?select=id,message", "{\"message\":\"hello\"}",
     "INSERT INTO " FB "(message) SELECT message FROM json_populate_recordset(NULL::" FB
     ", :rows) _ RETURNING " FB ".*",
     "id, message", false},
    /* refusals */
    {TWO, "POST", "notes?select=id", "{\"user_id\":\"" U1 "\",\"title\":\"x\"}",
     "INSERT INTO " NT "(user_id, title) SELECT user_id, title FROM "
     "json_populate_recordset(NULL::" NT ", :rows) _ RETURNING " NT ".*",
     "id", false},
    {ONE, "POST", "notes?select=id", "{\"user_id\":\"" U1 "\",\"title\":\"x\",\"rating\":7}",
     "INSERT INTO " NT "(user_id, title, rating) SELECT user_id, title, rating FROM "
     "json_populate_recordset(NULL::" NT ", :rows) _ RETURNING " NT ".*",
     "id", false},
    {ONE, "POST", "notes?select=id", "{\"user_id\":\"" U1 "\",\"title\":\"x\",\"price\":-1}",
     "INSERT INTO " NT "(user_id, title, price) SELECT user_id, title, price FROM "
     "json_populate_recordset(NULL::" NT ", :rows) _ RETURNING " NT ".*",
     "id", false},
    {ONE, "POST", "notes?select=id", "{\"user_id\":\"" U1 "\",\"title\":\"x\",\"pinned\":true}",
     "INSERT INTO " NT "(user_id, title, pinned) SELECT user_id, title, pinned FROM "
     "json_populate_recordset(NULL::" NT ", :rows) _ RETURNING " NT ".*",
     "id", false},
    /* Left out, enums (create type note_kind as enum): the fake reads an enum column as text
     * with a CHECK ... IN (labels), so
     *   POST notes {"kind":"bogus"}       PostgreSQL 400 22P02 "invalid input value for enum
     *                                     note_kind", the fake 400 23514 (check "kind");
     *   GET notes?kind=eq.nope            PostgreSQL 400 22P02, the fake 200 [];
     *   GET notes?order=kind              PostgreSQL orders by the labels' declaration order
     *                                     (idea, todo, done), the fake by text (done first). */
    {ONE, "POST", "teams?select=id", "{\"name\":\"Mine\",\"slug\":\"mine\"}",
     "INSERT INTO " TM "(name, slug) SELECT name, slug FROM json_populate_recordset(NULL::" TM
     ", :rows) _ RETURNING " TM ".*",
     "id", false},
    {SVC, "POST", "teams?select=id", "{\"name\":\"Again\",\"slug\":\"core\"}",
     "INSERT INTO " TM "(name, slug) SELECT name, slug FROM json_populate_recordset(NULL::" TM
     ", :rows) _ RETURNING " TM ".*",
     "id", false},
    {SVC, "POST", "teams?select=id", "{\"name\":\"\",\"slug\":\"empty\"}",
     "INSERT INTO " TM "(name, slug) SELECT name, slug FROM json_populate_recordset(NULL::" TM
     ", :rows) _ RETURNING " TM ".*",
     "id", false},
    {ANONYMOUS, "POST", "feedback?select=id", "{\"message\":\"\"}",
     "INSERT INTO " FB "(message) SELECT message FROM json_populate_recordset(NULL::" FB
     ", :rows) _ RETURNING " FB ".*",
     "id", false},
    /* reads */
    {TWO, "GET", "notes?select=title&order=title", NULL, "SELECT title FROM " NT " ORDER BY title",
     NULL, false},
    {ONE, "GET", "notes?select=title,kind&order=kind.desc,title", NULL,
     "SELECT title, kind FROM " NT " ORDER BY kind DESC, title", NULL, false},
    {ANONYMOUS, "GET", "notes?select=id", NULL, "SELECT id FROM " NT, NULL, false},
    {ANONYMOUS, "GET", "teams?select=name,slug", NULL, "SELECT name, slug FROM " TM, NULL, false},
    {SVC, "GET", "notes?select=title,price&price=gte.0&order=price.desc", NULL,
     "SELECT title, price FROM " NT " WHERE price >= '0' ORDER BY price DESC", NULL, false},
    {SVC, "GET", "notes?select=title,remind_at&remind_at=is.null&order=title", NULL,
     "SELECT title, remind_at FROM " NT " WHERE remind_at IS NULL ORDER BY title", NULL, false},
    {SVC, "GET", "notes?select=title&tags=cs.{x}", NULL,
     "SELECT title FROM " NT " WHERE tags @> '{x}'", NULL, false},
    {SVC, "GET", "notes?select=title&tags=cd.{x,w}&order=title", NULL,
     "SELECT title FROM " NT " WHERE tags <@ '{x,w}' ORDER BY title", NULL, false},
    {SVC, "GET", "notes?select=title&tags=ov.{\"y%20z\",q}&order=title", NULL,
     "SELECT title FROM " NT " WHERE tags && '{\"y z\",q}' ORDER BY title", NULL, false},
    {SVC, "GET", "notes?select=title&scores=ov.{2,9}&order=title", NULL,
     "SELECT title FROM " NT " WHERE scores && '{2,9}' ORDER BY title", NULL, false},
    {SVC, "GET", "notes?select=title&tags=not.cs.{x}&order=title", NULL,
     "SELECT title FROM " NT " WHERE NOT tags @> '{x}' ORDER BY title", NULL, false},
    {SVC, "GET", "notes?select=title&scores=cs.{1,x}", NULL,
     "SELECT title FROM " NT " WHERE scores @> '{1,x}'", NULL, false},
    {SVC, "GET", "notes?select=title&title=cs.{x}", NULL,
     "SELECT title FROM " NT " WHERE title @> '{x}'", NULL, false},
    {SVC, "GET", "notes?select=title&team_id=eq.1", NULL,
     "SELECT title FROM " NT " WHERE team_id = '1'", NULL, false},
    /* embedding (Plan.hs findRel, QueryBuilder.hs: a LATERAL subquery per embedding, json_agg
     * for one-to-many, the row or null for many-to-one; !inner an inner join), under each
     * role's policies on the embedded table */
    {SVC, "GET", "teams?select=name,notes(title)&order=name", NULL,
     "SELECT t.name, coalesce((SELECT json_agg(x) FROM (SELECT title FROM " NT
     " WHERE notes.team_id = t.id) x), '[]') AS notes FROM " TM " t ORDER BY t.name",
     NULL, false},
    {TWO, "GET", "teams?select=name,notes(title)&order=name", NULL,
     "SELECT t.name, coalesce((SELECT json_agg(x) FROM (SELECT title FROM " NT
     " WHERE notes.team_id = t.id) x), '[]') AS notes FROM " TM " t ORDER BY t.name",
     NULL, false},
    {ONE, "GET", "notes?select=title,teams(name,slug)&order=title", NULL,
     "SELECT n.title, (SELECT row_to_json(x) FROM (SELECT name, slug FROM " TM
     " WHERE teams.id = n.team_id) x) AS teams FROM " NT " n ORDER BY n.title",
     NULL, false},
    {SVC, "GET", "notes?select=title,t:teams!inner(slug)&order=title", NULL,
     "SELECT n.title, (SELECT row_to_json(x) FROM (SELECT slug FROM " TM
     " WHERE teams.id = n.team_id) x) AS t FROM " NT " n WHERE EXISTS (SELECT 1 FROM " TM
     " WHERE teams.id = n.team_id) ORDER BY n.title",
     NULL, false},
    /* match/imatch: SqlFragment.hs "~" and "~*" (POSIX regular expressions in the fake) */
    {SVC, "GET", "notes?select=title&title=match.^[aB]&order=title", NULL,
     "SELECT title FROM " NT " WHERE title ~ '^[aB]' ORDER BY title", NULL, false},
    {SVC, "GET", "notes?select=title&title=imatch.^b&order=title", NULL,
     "SELECT title FROM " NT " WHERE title ~* '^b' ORDER BY title", NULL, false},
    {SVC, "GET", "notes?select=title&title=not.match.a$&order=title", NULL,
     "SELECT title FROM " NT " WHERE NOT title ~ 'a$' ORDER BY title", NULL, false},
    {SVC, "GET", "notes?select=title&title=match.(", NULL,
     "SELECT title FROM " NT " WHERE title ~ '('", NULL, false},
    {SVC, "GET", "notes?select=title&rating=match.3", NULL,
     "SELECT title FROM " NT " WHERE rating ~ '3'", NULL, false},
    /* op(any)/op(all): QueryParams.hs pQuantOp, SqlFragment.hs fmtQuant "= ANY('{..}')" */
    {SVC, "GET", "notes?select=title&title=like(any).{a*,B*}&order=title", NULL,
     "SELECT title FROM " NT " WHERE title LIKE ANY('{a%,B%}') ORDER BY title", NULL, false},
    {SVC, "GET", "notes?select=title&title=ilike(all).{*A*,*e*}&order=title", NULL,
     "SELECT title FROM " NT " WHERE title ILIKE ALL('{%A%,%e%}') ORDER BY title", NULL, false},
    {SVC, "GET", "notes?select=title&rating=eq(any).{3,4}", NULL,
     "SELECT title FROM " NT " WHERE rating = ANY('{3,4}')", NULL, false},
    {SVC, "GET", "notes?select=title&rating=eq(any).{3,x}", NULL,
     "SELECT title FROM " NT " WHERE rating = ANY('{3,x}')", NULL, false},
    {SVC, "GET", "notes?select=title&title=not.eq(all).{}&order=title", NULL,
     "SELECT title FROM " NT " WHERE NOT title = ALL('{}') ORDER BY title", NULL, false},
    /* JSON paths (PostgREST's SqlFragment.hs pgFmtField: col->'k'->>'k' on json/jsonb,
     * to_jsonb(col)->... on other types; Plan.hs lastJsonKey names the output) and ::text
     * casts (pgFmtApplyCast: CAST(col AS text)) */
    {SVC, "GET", "notes?select=title,meta->>k,meta->n->0,x:meta->n,tags->0,scores->-1&order=title",
     NULL,
     "SELECT title, meta->>'k' AS k, meta->'n'->0 AS n, meta->'n' AS x, to_jsonb(tags)->0 AS "
     "tags, to_jsonb(scores)->-1 AS scores FROM " NT " ORDER BY title",
     NULL, false},
    {SVC, "GET", "notes?select=title&meta->>k=eq.1", NULL,
     "SELECT title FROM " NT " WHERE meta->>'k' = '1'", NULL, false},
    {SVC, "GET", "notes?select=title&meta->k=in.(1,2)", NULL,
     "SELECT title FROM " NT " WHERE meta->'k' IN ('1', '2')", NULL, false},
    {SVC, "GET", "notes?select=title&or=(meta->n->>0.eq.true,meta->>k.is.null)&order=title", NULL,
     "SELECT title FROM " NT " WHERE meta->'n'->>0 = 'true' OR meta->>'k' IS NULL ORDER BY title",
     NULL, false},
    {SVC, "GET", "notes?select=title&order=meta->>k.desc,title", NULL,
     "SELECT title FROM " NT " ORDER BY meta->>'k' DESC, title", NULL, false},
    {SVC, "GET", "notes?select=title,rating::text,pinned::text,price::text,meta::text&order=title",
     NULL,
     "SELECT title, rating::text AS rating, pinned::text AS pinned, price::text AS price, "
     "meta::text AS meta FROM " NT " ORDER BY title",
     NULL, false},
    /* writes */
    {SVC, "PATCH", "notes?id=eq." N1 "&select=meta,tags,price",
     "{\"meta\":{\"b\":[1,2.50]},\"tags\":[],\"price\":999999.994}",
     "UPDATE " NT " SET meta = _.meta, tags = _.tags, price = _.price FROM "
     "json_populate_record(NULL::" NT ", :body) _ WHERE " NT ".id = '" N1 "' RETURNING " NT ".*",
     "meta, tags, price", false},
    {ONE, "DELETE", "notes?id=eq." N3 "&select=id", NULL,
     "DELETE FROM " NT " WHERE " NT ".id = '" N3 "' RETURNING " NT ".*", "id", false},
    {ONE, "PATCH", "notes?id=eq." N2 "&select=title", "{\"title\":\"Beta 2\"}",
     "UPDATE " NT " SET title = _.title FROM json_populate_record(NULL::" NT ", :body) _ WHERE " NT
     ".id = '" N2 "' RETURNING " NT ".*",
     "title", false},
    {SVC, "DELETE", "teams?id=eq.1&select=name", NULL,
     "DELETE FROM " TM " WHERE " TM ".id = '1' RETURNING " TM ".*", "name", false},
    {SVC, "GET", "notes?select=title,team_id&order=title", NULL,
     "SELECT title, team_id FROM " NT " ORDER BY title", NULL, false},
};
#define NEX (sizeof ex_reqs / sizeof ex_reqs[0])
