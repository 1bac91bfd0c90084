/* fuzz_http_supabase.c: fake_supabase's handlers, PostgREST (/rest/v1: filters, select lists,
 * order, Range, Prefer, insert/upsert/update/delete bodies) and GoTrue (/auth/v1 JSON bodies),
 * on requests built in memory over the real schema file.
 *
 * Input format: see fuzz_req.h ("GET /rest/v1/profiles?select=id,x:email&id=eq.1" ...).
 * The service_role key is added as apikey and Bearer after the input's headers, with
 * Content-Type application/json. The store is seeded with one user, their profile and a
 * phone number before every input. Every /rest/v1 error must be PostgREST's
 * {code, details, hint, message} (the gateway's 401 has message and hint). The schema is read
 * from fake_supabase/schema.sql (the fuzzers run from the source tree) or $FUZZ_SCHEMA. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_supabase/ddl.h"
#include "fake_supabase/gotrue.h"
#include "fake_supabase/postgrest.h"
#include "tests/fuzz/fuzz_req.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ROUTES 64
#define USER       "11111111-1111-4111-8111-111111111111"

static const char seed_doc[] =
    "{\"users\":[{\"id\":\"" USER "\",\"email\":\"a@example.com\"}],"
    "\"rows\":{\"profiles\":[{\"id\":\"" USER
    "\",\"email\":\"a@example.com\",\"full_name\":\"A\"}],"
    "\"phone_numbers\":[{\"user_id\":\"" USER "\",\"phone_number\":\"+14155550100\","
    "\"twilio_sid\":\"PN1\",\"country_code\":\"US\",\"number_type\":\"local\"}]}}";

static struct fk_route routes[MAX_ROUTES];
static struct fk_service svc;
static struct sb_svc state;
static char apikey[1024], bearer[1100];
static struct fk_kv defaults[] = {
    {"apikey", apikey},
    {"Authorization", bearer},
    {"Content-Type", "application/json"},
    {NULL, NULL},
};

static int seed(struct fk_store *st, void *s, struct fk_error *err)
{
    cJSON *doc = cJSON_Parse(seed_doc);
    int rc;

    (void)s; /* the schema is the static one */
    if (doc == NULL)
        return FK_ENOMEM;
    rc = sb_auth_load_users(st, cJSON_GetObjectItem(doc, "users"), "users", err);
    if (rc == 0)
        rc = sb_rest_load_rows(st, state.schema, cJSON_GetObjectItem(doc, "rows"), "rows", err);
    cJSON_Delete(doc);
    return rc;
}

static void check(const struct fk_req *req, const struct fk_resp *resp)
{
    static const char *const pg[] = {"code", "details", "hint", "message", NULL};
    static const char *const gw[] = {"message", NULL};

    if (resp->status < 400 || strncmp(req->path, "/rest/v1/", 9) != 0)
        return;
    if (strcmp(req->method, "HEAD") == 0)
        return; /* no body */
    if (resp->status == 404 && resp->body_len == 2 && memcmp(resp->body, "{}", 2) == 0)
        return; /* PostgREST 12's NotFound (Error.hs: toJSON NotFound = {}), a POST/PATCH naming
                   columns of an unknown table */
    fuzz_require_keys(resp, resp->status == 401 ? gw : pg);
}

static void setup(struct fuzz_target *t)
{
    struct fk_error err = {{0}};
    const char *path = getenv("FUZZ_SCHEMA") ? getenv("FUZZ_SCHEMA") : "fake_supabase/schema.sql";
    struct ddl_result d;
    char *file;
    size_t alen = strlen(sb_auth_schema_sql), flen;

    if (sb_auth_init(&err) != 0 || ddl_read_path(path, &d, &err) != 0 ||
        sb_schema_from_ddl(sb_auth_schema_sql, &d, &state.schema, &err) != 0)
        abort();
    file = d.sqlite; /* the SQLite DDL the store runs */
    d.sqlite = NULL;
    ddl_result_free(&d);
    flen = strlen(file);
    if ((state.schema_sql = malloc(alen + flen + 2)) == NULL)
        abort();
    memcpy(state.schema_sql, sb_auth_schema_sql, alen);
    state.schema_sql[alen] = '\n';
    memcpy(state.schema_sql + alen + 1, file, flen + 1);
    free(file);
    svc.name = "supabase";
    svc.routes = routes;
    if ((svc.nroutes = sb_routes_join(routes, MAX_ROUTES)) == 0)
        abort();
    svc.schema_sql = state.schema_sql;
    svc.seed = seed;
    snprintf(apikey, sizeof(apikey), "%s", sb_service_key());
    snprintf(bearer, sizeof(bearer), "Bearer %s", sb_service_key());
    t->svc = &svc;
    t->svc_state = &state;
    t->defaults = defaults;
    t->check = check;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct fuzz_target t;

    if (t.svc == NULL)
        setup(&t);
    return fuzz_run(&t, data, size);
}
