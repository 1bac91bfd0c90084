/* main.c: fake_supabase, GoTrue (/auth/v1, gotrue.c) and PostgREST (/rest/v1, postgrest.c)
 * over one SQLite store, run by fakekit.
 *
 * struct fk_service has one option table, one route table and one schema, so main() joins
 * the REST and auth halves' tables before fk_run, and init() reads the --schema file and
 * joins it after the auth schema (fk_run opens the store after init, with schema_sql).
 * Native errors take the shape of the half the path belongs to: GoTrue's legacy body under
 * /auth/v1 (auth-js reads it with or without X-Supabase-Api-Version), PostgREST's
 * {code,details,hint,message} everywhere else. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fake_supabase/ddl.h"
#include "fake_supabase/errors.h"
#include "fake_supabase/gotrue.h"
#include "fake_supabase/pgtype.h"
#include "fake_supabase/postgrest.h"
#include "fakekit/json.h"
#include "fakekit/log.h"
#include "fakekit/run.h"
#include "fakekit/version.h"

#define MAX_OPTIONS 32
#define MAX_ROUTES  64

static const char default_schema[] = "fake_supabase/schema.sql";
static const char *schema_path = default_schema;
static const char *collation = "en_US.UTF-8";
static long postgrest_version = 12;

static const struct fk_option rest_options[] = {
    {"schema", "FAKE_SCHEMA", FK_OPT_STRING, &schema_path, 0, 0, "PATH",
     "PostgreSQL migrations creating the tables /rest/v1 serves: a .sql file, or a folder "
     "of them applied in name order (supabase/migrations)"},
    {"collation", "FAKE_COLLATION", FK_OPT_STRING, &collation, 0, 0, "NAME",
     "text order: a glibc locale (default en_US.UTF-8, as Supabase) or C (bytes)"},
    {"postgrest-version", "FAKE_POSTGREST_VERSION", FK_OPT_INT, &postgrest_version, 12, 13, "N",
     "the PostgREST major whose words /rest/v1 answers in: 12 (an unknown table is 42P01) or 13 "
     "(PGRST205, and PGRST116's newer message)"},
    {NULL, NULL, FK_OPT_STRING, NULL, 0, 0, NULL, NULL},
};

static int admin_keys(const struct fk_req *req, struct fk_resp *resp)
{
    (void)req; /* the keys depend only on --jwt-secret */
    return fk_resp_json(resp, 200, sb_keys_json());
}

static const struct fk_route admin_routes[] = {
    {"GET", "/__admin/keys", admin_keys},
};

static struct fk_option options[MAX_OPTIONS];
static struct fk_route routes[MAX_ROUTES];
static struct fk_service service;

/* The default schema is found from the working directory (the source tree, as the README's
 * commands run), else next to the program: bin/ and build/CONFIG/bin/ in the source tree,
 * or PREFIX/share/fakes/ after make install. An explicit --schema is used as given. */
static const char *default_schema_path(char *path, size_t len)
{
    static const char *const rel[] = {"/../fake_supabase/schema.sql",
                                      "/../../../fake_supabase/schema.sql",
                                      "/../share/fakes/schema.sql"};
    char exe[1024];
    ssize_t n;

    if (access(default_schema, R_OK) == 0)
        return default_schema;
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        if (strrchr(exe, '/') != NULL)
            *strrchr(exe, '/') = '\0';
        for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
            snprintf(path, len, "%s%s", exe, rel[i]);
            if (access(path, R_OK) == 0)
                return path;
        }
    }
    return default_schema; /* fails with the usual message */
}

/* Read --schema (PostgreSQL migrations, ddl.h), build the schema cache and its policies, and
 * log one warning line per statement or policy the fake does not honour. */
static int load_schema(struct sb_svc *s, struct fk_error *err)
{
    char buf[1300], why[FK_ERRMSG_MAX], quoted[FK_LOG_QUOTED];
    const char *path =
        schema_path == default_schema ? default_schema_path(buf, sizeof(buf)) : schema_path;
    struct ddl_result d;
    size_t alen, flen;
    int rc = ddl_read_path(path, &d, err);

    if (rc == 0)
        rc = sb_schema_from_ddl(sb_auth_schema_sql, &d, &s->schema, err);
    if (rc != 0) {
        snprintf(why, sizeof(why), "%s", err->msg);
        fk_error_set(err, "--schema %s: %s", path, why);
        ddl_result_free(&d);
        return rc;
    }
    for (size_t i = 0; i < d.nwarnings; i++)
        fk_log(FK_LOG_WARN, "event=schema_warning msg=%s",
               fk_log_quote(quoted, sizeof(quoted), d.warnings[i]));
    alen = strlen(sb_auth_schema_sql);
    flen = strlen(d.sqlite);
    s->schema_sql = malloc(alen + flen + 2);
    if (s->schema_sql == NULL) {
        ddl_result_free(&d);
        fk_error_set(err, "out of memory");
        return FK_ENOMEM;
    }
    memcpy(s->schema_sql, sb_auth_schema_sql, alen);
    s->schema_sql[alen] = '\n';
    memcpy(s->schema_sql + alen + 1, d.sqlite, flen + 1);
    ddl_result_free(&d);
    return 0;
}

static void sb_fini(void *state)
{
    struct sb_svc *s = state;

    sb_auth_fini();
    service.schema_sql = NULL;
    if (s == NULL)
        return;
    free(s->schema_sql);
    sb_schema_free(s->schema);
    free(s);
}

static int sb_init(void **state, struct fk_error *err)
{
    struct sb_svc *s = calloc(1, sizeof(*s));
    int rc;

    if (s == NULL) {
        fk_error_set(err, "out of memory");
        return FK_ENOMEM;
    }
    (void)pg_collation_set(collation); /* a missing locale: C, with one warning line */
    sb_rest_set_version((int)postgrest_version);
    rc = sb_auth_init(err);
    if (rc != 0) {
        free(s);
        return rc;
    }
    rc = load_schema(s, err);
    if (rc == 0) {
        service.schema_sql = s->schema_sql;
        *state = s;
    } else {
        sb_fini(s);
    }
    return rc;
}

/* {"users": [...], "rows": {"table": [rows]}} (docs/DESIGN.md "Scenario documents"). */
static int sb_load_state(struct fk_store *st, void *state, const cJSON *doc, const char *path,
                         struct fk_error *err)
{
    static const char *const keys[] = {"users", "rows", NULL};
    const struct sb_svc *s = state;
    const cJSON *users = NULL, *rows = NULL;
    char sub[FK_ERRMSG_MAX];
    int rc;

    if (!cJSON_IsObject(doc)) {
        fk_error_set(err, "%s: expected an object", path);
        return FK_EINVAL;
    }
    rc = fk_json_check_keys(doc, path, keys, err);
    if (rc == 0)
        rc = fk_json_get_array(doc, "users", path, false, &users, err);
    if (rc == 0)
        rc = fk_json_get_object(doc, "rows", path, false, &rows, err);
    if (rc == 0 && users != NULL) {
        snprintf(sub, sizeof(sub), "%s.users", path);
        rc = sb_auth_load_users(st, users, sub, err);
    }
    if (rc == 0 && rows != NULL) {
        snprintf(sub, sizeof(sub), "%s.rows", path);
        rc = sb_rest_load_rows(st, s->schema, rows, sub, err);
    }
    return rc;
}

static cJSON *sb_dump_state(struct fk_store *st, void *state)
{
    const struct sb_svc *s = state;
    cJSON *out = cJSON_CreateObject();
    cJSON *users = sb_auth_dump_users(st);
    cJSON *rows = sb_rest_dump_rows(st, s->schema);

    if (out == NULL || users == NULL || rows == NULL ||
        !cJSON_AddItemToObject(out, "users", users)) {
        cJSON_Delete(out);
        cJSON_Delete(users);
        cJSON_Delete(rows);
        return NULL;
    }
    if (!cJSON_AddItemToObject(out, "rows", rows)) {
        cJSON_Delete(out);
        cJSON_Delete(rows);
        return NULL;
    }
    return out;
}

static bool is_auth_path(const struct fk_req *req)
{
    return req != NULL && req->path != NULL && strncmp(req->path, "/auth/", 6) == 0;
}

/* GoTrue's legacy error body, which auth-js reads whatever version header it sent. */
static void gotrue_native(struct fk_resp *resp, unsigned status, const char *code, const char *msg)
{
    cJSON *body = cJSON_CreateObject();

    if (body == NULL || cJSON_AddNumberToObject(body, "code", status) == NULL ||
        cJSON_AddStringToObject(body, "error_code", code) == NULL ||
        cJSON_AddStringToObject(body, "msg", msg) == NULL) {
        cJSON_Delete(body);
        resp->status = status;
        return;
    }
    if (fk_resp_json(resp, status, body) != 0)
        resp->status = status;
}

static void sb_native(struct fk_resp *resp, const struct fk_req *req, enum fk_native kind,
                      long retry_after_s)
{
    char secs[24];

    if (!is_auth_path(req)) {
        sb_pg_native(resp, kind, req != NULL ? req->method : "?", retry_after_s);
        return;
    }
    switch (kind) {
    case FK_NATIVE_NOT_FOUND:
        gotrue_native(resp, 404, "not_found", "Not Found");
        break;
    case FK_NATIVE_BAD_METHOD:
        gotrue_native(resp, 405, "method_not_allowed", "Method Not Allowed");
        break;
    case FK_NATIVE_TOO_LARGE:
        gotrue_native(resp, 413, "request_too_large", "Request body too large");
        break;
    case FK_NATIVE_RATE_LIMITED:
        gotrue_native(resp, 429, "over_request_rate_limit", "Request rate limit reached");
        snprintf(secs, sizeof(secs), "%ld", retry_after_s > 0 ? retry_after_s : 1);
        if (fk_resp_header(resp, "Retry-After", secs) != 0)
            resp->status = 500;
        break;
    default:
        gotrue_native(resp, 500, "unexpected_failure",
                      "Unexpected failure, please check server logs for more information");
        break;
    }
}

static int sb_error(struct fk_resp *resp, const struct fk_req *req, const char *code)
{
    (void)req; /* the shorthand codes are PostgREST's (SQLSTATE, PGRST, or an HTTP status) */
    return sb_pg_error_code(resp, code);
}

/* Rate limits keyed "credential": the Bearer token (the user), else the apikey. */
static const char *sb_credential(const struct fk_req *req)
{
    const char *auth = fk_req_header(req, "Authorization");

    return auth != NULL ? auth : fk_req_header(req, "apikey");
}

static int join_tables(void)
{
    size_t n = 0;

    for (const struct fk_option *o = rest_options; o->name != NULL; o++)
        options[n++] = *o;
    for (const struct fk_option *o = sb_auth_options; o->name != NULL; o++) {
        if (n + 1 >= MAX_OPTIONS)
            return -1;
        options[n++] = *o;
    }
    options[n] = (struct fk_option){NULL, NULL, FK_OPT_STRING, NULL, 0, 0, NULL, NULL};
    service.options = options;
    service.routes = routes;
    service.nroutes = sb_routes_join(routes, MAX_ROUTES);
    return service.nroutes > 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    service = (struct fk_service){
        .name = "supabase",
        .version = FK_VERSION,
        .summary = "fake Supabase: GoTrue (/auth/v1) and PostgREST (/rest/v1) over SQLite.\n"
                   "With the default --jwt-secret the Supabase CLI's keys work "
                   "(GET /__admin/keys prints them):\n"
                   "  anon key:         eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBh"
                   "YmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjN"
                   "ni43kdQwgnWNReilDMblYTn_I0\n"
                   "  service_role key: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBh"
                   "YmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96"
                   "RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU",
        .default_port = 54321,
        .init = sb_init,
        .fini = sb_fini,
        .load_state = sb_load_state,
        .dump_state = sb_dump_state,
        .error = sb_error,
        .native = sb_native,
        .credential = sb_credential,
        .admin_routes = admin_routes,
        .nadmin_routes = sizeof(admin_routes) / sizeof(admin_routes[0]),
    };
    if (join_tables() != 0) {
        fprintf(stderr, "supabase: too many options or routes\n");
        return 1;
    }
    return fk_run(&service, argc, argv);
}
