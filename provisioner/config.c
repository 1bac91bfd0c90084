/* config.c: the provisioner's option table, validation and --help.
 *
 * Twilio's base defaults to the real https://api.twilio.com, and its credentials have no
 * default: a provisioner that buys numbers must be told whose account to charge. Supabase and
 * LiveKit fall back to the local development stacks (Supabase CLI on 54321 with its
 * well-known keys, livekit-server --dev on 7880 with devkey/secret) only when every base URL
 * that is set points at this machine: a configuration aimed at real services that forgets
 * SUPABASE_URL must fail with the variable's name, not quietly talk to localhost. */
#include "provisioner/config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>

#include "fakekit/config.h"
#include "fakekit/limits.h"
#include "provisioner/exit.h"

/* docs/reference/supabase.md section 5: the Supabase CLI's local anon and service_role keys. */
#define SB_LOCAL_ANON                                                                              \
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleH"  \
    "AiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0"
#define SB_LOCAL_SERVICE                                                                           \
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9" \
    "sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU"

void prov_config_defaults(struct prov_config *c)
{
    memset(c, 0, sizeof(*c));
    c->twilio_base = "https://api.twilio.com";
    /* sb_* and lk_* stay NULL: prov_config_validate fills them for a local setup only. */
    c->request_timeout_ms = 10000;
    c->deadline_ms = 60000;
    c->max_attempts = 5;
    c->backoff_base_ms = 200;
    c->backoff_cap_ms = 5000;
    c->seed = 1;
    c->lease_ms = 30000;
    c->search_size = 5;
    c->country_arg = "US";
    c->type_arg = "local";
    c->host = "127.0.0.1";
    c->port = 8000;
    c->workers = 16;
    c->max_conns_per_client = FK_CONNS_PER_CLIENT;
    c->head_timeout_ms = FK_HEAD_TIMEOUT_MS;
}

/* Parse with the option table, or print it to usage_out when that is non-NULL. */
static int table_parse(struct prov_config *c, int argc, char **argv, bool *want_help,
                       struct fk_error *err, FILE *usage_out)
{
    const struct fk_option opts[] = {
        {"twilio-api-base", "TWILIO_API_BASE", FK_OPT_STRING, &c->twilio_base, 0, 0, "URL",
         "Twilio REST base"},
        {"twilio-account-sid", "TWILIO_ACCOUNT_SID", FK_OPT_STRING, &c->twilio_sid, 0, 0, "AC...",
         "Twilio account SID (required for Twilio calls)"},
        {"twilio-auth-token", "TWILIO_AUTH_TOKEN", FK_OPT_STRING, &c->twilio_token, 0, 0, "T",
         "Twilio auth token"},
        {"supabase-url", "SUPABASE_URL", FK_OPT_STRING, &c->sb_url, 0, 0, "URL",
         "Supabase base (local: http://127.0.0.1:54321)"},
        {"supabase-anon-key", "SUPABASE_ANON_KEY", FK_OPT_STRING, &c->sb_anon, 0, 0, "JWT",
         "anon key, sent as apikey with the user's token (local: the Supabase CLI's)"},
        {"supabase-service-role-key", "SUPABASE_SERVICE_ROLE_KEY", FK_OPT_STRING, &c->sb_service, 0,
         0, "JWT", "service_role key for table writes (local: the Supabase CLI's)"},
        {"livekit-url", "LIVEKIT_URL", FK_OPT_STRING, &c->lk_url, 0, 0, "URL",
         "LiveKit server; ws:// and wss:// become http:// and https:// (local: "
         "http://127.0.0.1:7880)"},
        {"livekit-api-key", "LIVEKIT_API_KEY", FK_OPT_STRING, &c->lk_key, 0, 0, "K",
         "LiveKit API key (local: devkey)"},
        {"livekit-api-secret", "LIVEKIT_API_SECRET", FK_OPT_STRING, &c->lk_secret, 0, 0, "S",
         "LiveKit API secret (local: secret)"},
        {"ca-file", "PROV_CA_FILE", FK_OPT_STRING, &c->ca_file, 0, 0, "PEM",
         "CA certificates to trust instead of the system's (else $CURL_CA_BUNDLE, "
         "$SSL_CERT_FILE)"},
        {"request-timeout-ms", "PROV_REQUEST_TIMEOUT_MS", FK_OPT_INT, &c->request_timeout_ms, 1,
         3600000, "MS", "timeout of one HTTP attempt"},
        {"deadline-ms", "PROV_DEADLINE_MS", FK_OPT_INT, &c->deadline_ms, 1, 86400000, "MS",
         "overall deadline of one command"},
        {"max-attempts", "PROV_MAX_ATTEMPTS", FK_OPT_INT, &c->max_attempts, 1, 1000, "N",
         "attempts per request, transient failures included"},
        {"backoff-base-ms", "PROV_BACKOFF_BASE_MS", FK_OPT_INT, &c->backoff_base_ms, 0, 3600000,
         "MS", "first backoff ceiling (doubles per attempt, full jitter)"},
        {"backoff-cap-ms", "PROV_BACKOFF_CAP_MS", FK_OPT_INT, &c->backoff_cap_ms, 0, 3600000, "MS",
         "largest backoff ceiling"},
        {"seed", "PROV_SEED", FK_OPT_INT, &c->seed, 0, 2147483647L, "N", "jitter PRNG seed"},
        {"lease-ms", "PROV_LEASE_MS", FK_OPT_INT, &c->lease_ms, 1000, 86400000, "MS",
         "job lease, renewed at each step and before each side effect (at least 1000)"},
        {"search-size", "PROV_SEARCH_SIZE", FK_OPT_INT, &c->search_size, 1, 50, "N",
         "candidates asked for per search"},
        {"user-token", "PROV_USER_TOKEN", FK_OPT_STRING, &c->user_token, 0, 0, "JWT",
         "the user's Supabase access token (provision, release)"},
        {"user-id", NULL, FK_OPT_STRING, &c->user_id, 0, 0, "UUID", "user whose job to resume"},
        {"country", NULL, FK_OPT_STRING, &c->country_arg, 0, 0, "CC", "ISO-3166 alpha-2"},
        {"type", NULL, FK_OPT_STRING, &c->type_arg, 0, 0, "T", "local|tollfree|mobile"},
        {"area-code", NULL, FK_OPT_STRING, &c->area_code, 0, 0, "N", "area code (US/CA)"},
        {"trace", "PROV_TRACE", FK_OPT_STRING, &c->trace, 0, 0, "text|json",
         "flow trace on stderr (or --trace-file)"},
        {"trace-file", "PROV_TRACE_FILE", FK_OPT_STRING, &c->trace_file, 0, 0, "PATH",
         "append the trace here"},
        {"compensate", NULL, FK_OPT_FLAG, &c->compensate, 0, 0, NULL,
         "on failure release what was created and mark the job failed"},
        {"fix", NULL, FK_OPT_FLAG, &c->fix, 0, 0, NULL, "reconcile: repair the drift found"},
        {"force", NULL, FK_OPT_FLAG, &c->force, 0, 0, NULL,
         "resume, release: take over a job whose lease has not expired (its run is dead)"},
        {"host", "PROV_HOST", FK_OPT_STRING, &c->host, 0, 0, "ADDR", "serve: address to bind"},
        {"port", "PROV_PORT", FK_OPT_INT, &c->port, 0, 65535, "N", "serve: port (0: any free)"},
        {"log-level", "PROV_LOG_LEVEL", FK_OPT_STRING, &c->log_level, 0, 0, "LEVEL",
         "error|warn|info|debug (serve)"},
        {"port-file", "PROV_PORT_FILE", FK_OPT_STRING, &c->port_file, 0, 0, "PATH",
         "serve: write the bound port here"},
        {"workers", "PROV_WORKERS", FK_OPT_INT, &c->workers, 1, 1024, "N",
         "serve: flows run at once (more wait their turn)"},
        {"max-conns-per-client", "PROV_MAX_CONNS_PER_CLIENT", FK_OPT_INT, &c->max_conns_per_client,
         1, FK_CONNECTION_LIMIT, "N", "serve: connections open at once from one address"},
        {"head-timeout-ms", "PROV_HEAD_TIMEOUT_MS", FK_OPT_INT, &c->head_timeout_ms, 100,
         FK_HEAD_TIMEOUT_MAX_MS, "MS",
         "serve: a request's line and headers must arrive within this"},
        {NULL, NULL, 0, NULL, 0, 0, NULL, NULL},
    };
    const struct fk_option *const tables[] = {opts, NULL};
    bool want_version = false;

    if (usage_out != NULL) {
        fk_config_usage(usage_out, "provisioner COMMAND",
                        "Settings: flags override environment variables.", tables);
        return 0;
    }
    int rc = fk_config_parse(tables, argc, argv, want_help, &want_version, err);
    if (rc == 0 && want_version)
        c->want_version = true;
    return rc;
}

static const struct {
    const char *name;
    enum prov_cmd cmd;
} commands[] = {
    {"provision", PROV_CMD_PROVISION}, {"resume", PROV_CMD_RESUME},
    {"reconcile", PROV_CMD_RECONCILE}, {"release", PROV_CMD_RELEASE},
    {"serve", PROV_CMD_SERVE},
};

int prov_config_parse(struct prov_config *c, int argc, char **argv, bool *want_help,
                      struct fk_error *err)
{
    *want_help = false;
    c->cmd = PROV_CMD_NONE;
    /* The command is the first argument naming one; options may come before it (the test
     * harness starts every program as "PROG --port 0 --port-file F ... serve"). */
    int at = 0;
    for (int i = 1; i < argc && at == 0; i++)
        for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++)
            if (strcmp(argv[i], commands[k].name) == 0) {
                c->cmd = commands[k].cmd;
                at = i;
            }
    if (at == 0) {
        for (int i = 1; i < argc; i++) {
            if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0 ||
                strcmp(argv[i], "help") == 0)
                *want_help = true;
            else if (strcmp(argv[i], "--version") == 0)
                c->want_version = true;
        }
        if (*want_help || c->want_version)
            return 0;
        if (argc < 2) {
            fk_error_set(err, "no command given (provision|resume|reconcile|release|serve)");
            return FK_EINVAL;
        }
        fk_error_set(err, "unknown command '%s' (provision|resume|reconcile|release|serve)",
                     argv[1]);
        return FK_EINVAL;
    }
    /* The option parser reads argv[1..]: give it everything but the command. */
    char **rest = calloc((size_t)argc, sizeof(*rest));
    if (rest == NULL)
        return FK_ENOMEM;
    int n = 0;
    for (int i = 0; i < argc; i++)
        if (i != at)
            rest[n++] = argv[i];
    int rc = table_parse(c, n, rest, want_help, err, NULL);
    free(rest);
    return rc;
}

int prov_check_country(const char *s, char out[3], struct fk_error *err)
{
    if (s == NULL || strlen(s) != 2 || !isalpha((unsigned char)s[0]) ||
        !isalpha((unsigned char)s[1])) {
        fk_error_set(err, "--country: expected an ISO-3166 alpha-2 code such as US, got '%s'",
                     s ? s : "");
        return FK_EINVAL;
    }
    out[0] = (char)toupper((unsigned char)s[0]);
    out[1] = (char)toupper((unsigned char)s[1]);
    out[2] = '\0';
    return 0;
}

int prov_check_type(const char *s, struct fk_error *err)
{
    if (s != NULL &&
        (strcmp(s, "local") == 0 || strcmp(s, "tollfree") == 0 || strcmp(s, "mobile") == 0))
        return 0;
    fk_error_set(err, "--type: expected local, tollfree or mobile, got '%s'", s ? s : "");
    return FK_EINVAL;
}

int prov_check_area_code(const char *s, struct fk_error *err)
{
    if (s == NULL || *s == '\0')
        return 0;
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            n = 0;
    if (n < 2 || n > 5) {
        fk_error_set(err, "--area-code: expected 2 to 5 digits, got '%s'", s);
        return FK_EINVAL;
    }
    return 0;
}

int prov_check_token(const char *s, struct fk_error *err)
{
    /* A JWT is three non-empty base64url parts joined by dots. */
    size_t parts = 1, len = 0;
    bool ok = s != NULL && *s != '\0';
    for (const char *p = s; ok && *p; p++) {
        if (*p == '.') {
            ok = len > 0;
            parts++;
            len = 0;
        } else if (isalnum((unsigned char)*p) || *p == '-' || *p == '_' || *p == '=') {
            len++;
        } else {
            ok = false;
        }
    }
    if (!ok || parts != 3 || len == 0) {
        fk_error_set(err, "user token: expected a JWT (three dot-separated base64url parts)");
        return FK_EINVAL;
    }
    return 0;
}

int prov_check_url(const char *name, const char *url, struct fk_error *err)
{
    int rc = FK_EINVAL;
    char *scheme = NULL, *host = NULL;
    CURLU *u = curl_url();
    if (u == NULL)
        return FK_ENOMEM;
    /* ws:// and wss:// are LiveKit's own form of its URL; libcurl may not build them in. */
    if (url == NULL || *url == '\0' ||
        curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
        fk_error_set(err, "%s: not a URL: '%s'", name, url ? url : "");
        goto out;
    }
    if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0 && strcmp(scheme, "ws") != 0 &&
        strcmp(scheme, "wss") != 0) {
        fk_error_set(err, "%s: scheme must be http or https: '%s'", name, url);
        goto out;
    }
    rc = 0;
out:
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
    return rc;
}

static int need(const char *name, const char *v, struct fk_error *err)
{
    if (v != NULL && *v != '\0')
        return 0;
    fk_error_set(err, "%s is required", name);
    return FK_EINVAL;
}

bool prov_url_is_loopback(const char *url)
{
    CURLU *u = curl_url();
    char *host = NULL;
    bool yes = false;

    if (u != NULL && url != NULL &&
        curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK)
        yes = strcasecmp(host, "localhost") == 0 || strncmp(host, "127.", 4) == 0 ||
              strcmp(host, "[::1]") == 0;
    curl_free(host);
    curl_url_cleanup(u);
    return yes;
}

/* The CA bundle to trust: --ca-file / PROV_CA_FILE, else the variables curl users set
 * (CURL_CA_BUNDLE, then OpenSSL's SSL_CERT_FILE), else the system store. It must be readable:
 * a typo would otherwise show up only as "certificate not trusted" on the first call. */
static int ca_file(struct prov_config *c, struct fk_error *err)
{
    const char *from = "PROV_CA_FILE";

    if (c->ca_file == NULL && (c->ca_file = getenv("CURL_CA_BUNDLE")) != NULL)
        from = "CURL_CA_BUNDLE";
    if (c->ca_file == NULL && (c->ca_file = getenv("SSL_CERT_FILE")) != NULL)
        from = "SSL_CERT_FILE";
    if (c->ca_file != NULL && *c->ca_file == '\0')
        c->ca_file = NULL;
    if (c->ca_file != NULL && access(c->ca_file, R_OK) != 0) {
        fk_error_set(err, "%s: cannot read %s", from, c->ca_file);
        return FK_EINVAL;
    }
    return 0;
}

/* The local development defaults of the Supabase and LiveKit settings, used only when every
 * base URL that is set is loopback; otherwise a missing one is named. */
static int local_fallback(struct prov_config *c, struct fk_error *err)
{
    static const char *const why = "is not set, and the local default applies only when "
                                   "TWILIO_API_BASE, SUPABASE_URL and LIVEKIT_URL all point at "
                                   "this machine";
    struct {
        const char *name, **v, *local;
    } s[] = {
        {"SUPABASE_URL", &c->sb_url, "http://127.0.0.1:54321"},
        {"SUPABASE_ANON_KEY", &c->sb_anon, SB_LOCAL_ANON},
        {"SUPABASE_SERVICE_ROLE_KEY", &c->sb_service, SB_LOCAL_SERVICE},
        {"LIVEKIT_URL", &c->lk_url, "http://127.0.0.1:7880"},
        {"LIVEKIT_API_KEY", &c->lk_key, "devkey"},
        {"LIVEKIT_API_SECRET", &c->lk_secret, "secret"},
    };
    bool local = prov_url_is_loopback(c->twilio_base) &&
                 (c->sb_url == NULL || prov_url_is_loopback(c->sb_url)) &&
                 (c->lk_url == NULL || prov_url_is_loopback(c->lk_url));

    for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
        if (*s[i].v != NULL && **s[i].v != '\0')
            continue;
        if (!local) {
            fk_error_set(err, "%s %s", s[i].name, why);
            return FK_EINVAL;
        }
        *s[i].v = s[i].local;
    }
    return 0;
}

int prov_config_validate(struct prov_config *c, struct fk_error *err)
{
    int rc = 0;
    if (c->backoff_cap_ms < c->backoff_base_ms) {
        fk_error_set(err, "PROV_BACKOFF_CAP_MS must be >= PROV_BACKOFF_BASE_MS");
        return FK_EINVAL;
    }
    if (c->trace != NULL && strcmp(c->trace, "text") != 0 && strcmp(c->trace, "json") != 0) {
        fk_error_set(err, "--trace: expected text or json, got '%s'", c->trace);
        return FK_EINVAL;
    }
    if ((rc = local_fallback(c, err)) != 0 || (rc = ca_file(c, err)) != 0)
        return rc;
    if ((rc = prov_check_url("TWILIO_API_BASE", c->twilio_base, err)) != 0 ||
        (rc = prov_check_url("SUPABASE_URL", c->sb_url, err)) != 0 ||
        (rc = prov_check_url("LIVEKIT_URL", c->lk_url, err)) != 0)
        return rc;
    if ((rc = need("TWILIO_ACCOUNT_SID", c->twilio_sid, err)) != 0 ||
        (rc = need("TWILIO_AUTH_TOKEN", c->twilio_token, err)) != 0 ||
        (rc = need("SUPABASE_ANON_KEY", c->sb_anon, err)) != 0 ||
        (rc = need("SUPABASE_SERVICE_ROLE_KEY", c->sb_service, err)) != 0 ||
        (rc = need("LIVEKIT_API_KEY", c->lk_key, err)) != 0 ||
        (rc = need("LIVEKIT_API_SECRET", c->lk_secret, err)) != 0)
        return rc;
    if ((rc = prov_check_country(c->country_arg, c->country, err)) != 0 ||
        (rc = prov_check_type(c->type_arg, err)) != 0 ||
        (rc = prov_check_area_code(c->area_code, err)) != 0)
        return rc;
    switch (c->cmd) {
    case PROV_CMD_PROVISION:
    case PROV_CMD_RELEASE:
        if ((rc = need("--user-token", c->user_token, err)) != 0)
            return rc;
        return prov_check_token(c->user_token, err);
    case PROV_CMD_RESUME:
        return need("--user-id", c->user_id, err);
    default:
        return 0;
    }
}

void prov_config_usage(FILE *out)
{
    struct prov_config c;
    prov_config_defaults(&c);
    fputs("usage:\n"
          "  provisioner provision --user-token JWT [--country US] [--type local|tollfree|mobile]\n"
          "                        [--area-code N] [--trace text|json] [--trace-file PATH]"
          " [--compensate]\n"
          "  provisioner resume    --user-id UUID [--force]   finish a job left half-done\n"
          "  provisioner reconcile [--fix]                    drift between Twilio, Supabase,"
          " LiveKit\n"
          "  provisioner release   --user-token JWT [--force] undo: rule, trunk, number, rows\n"
          "  provisioner serve     [--port 8000]              POST /api/twilio/"
          "purchase_phone_number\n"
          "\n"
          "Output: one JSON object on stdout: status, phone_number, twilio_sid,"
          " livekit_trunk_id,\n"
          "dispatch_rule_id, job_id (and error on failure).\n"
          "\nexit codes:\n",
          out);
    for (int code = 0; code <= PROV_EXIT_MAX; code++) {
        const char *d = prov_exit_describe(code);
        if (d != NULL)
            fprintf(out, "  %d  %s\n", code, d);
    }
    fputc('\n', out);
    fflush(out);
    (void)table_parse(&c, 0, NULL, NULL, NULL, out);
}
