/* cmd_token.c: `fakes token` and `fakes up --user`: the credentials a test needs.
 *
 * `token --user EMAIL[:PASSWORD]` signs the user in through GoTrue's password grant, and
 * when GoTrue does not know the address, signs it up first (the fake gives a session at once
 * unless it runs with --confirm-signups); it prints the access token alone on stdout, so
 * USER_TOKEN=$(fakes token --user ...) works in any shell. `token --livekit` signs a LiveKit
 * JWT with the running fake's API key and secret: the grants given with --grants (a JSON
 * object of claims such as {"sip":{"admin":true}}) or, by default, the SIP admin and call
 * grants, valid for one hour. Both read the URLs and keys from the env file `up` wrote. */
#include "fakes/commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "fakekit/jwt.h"
#include "fakes/admin_client.h"

#define DEFAULT_PASSWORD "fakes-password"
#define LIVEKIT_TTL_S    3600
#define ENV_KEYS         5

/* The values `token` needs from the env file. */
struct env_vals {
    char *v[ENV_KEYS];
};
static const char *const env_keys[ENV_KEYS] = {"SUPABASE_URL", "SUPABASE_ANON_KEY",
                                               "SUPABASE_SERVICE_ROLE_KEY", "LIVEKIT_API_KEY",
                                               "LIVEKIT_API_SECRET"};
enum { SB_URL, SB_ANON, SB_SERVICE, LK_KEY, LK_SECRET };

static void env_vals_free(struct env_vals *e)
{
    for (int i = 0; i < ENV_KEYS; i++)
        free(e->v[i]);
}

/* Read the env file of the running fakes (STATE/env-file says where `up` put it). */
static int env_read(struct fx_opts *o, struct env_vals *e)
{
    struct fk_error err = {{0}};
    char *where, *text;

    memset(e, 0, sizeof(*e));
    fx_resolve_state(o);
    if ((text = fx_env_file_read(o, &err)) == NULL) {
        fprintf(stderr, "fakes token: %s (run `fakes up` first)\n", err.msg);
        return 1;
    }
    for (char *line = strtok_r(text, "\n", &where); line != NULL;
         line = strtok_r(NULL, "\n", &where)) {
        char *eq = strchr(line, '=');
        for (int i = 0; eq != NULL && i < ENV_KEYS; i++) {
            if ((size_t)(eq - line) == strlen(env_keys[i]) &&
                strncmp(line, env_keys[i], (size_t)(eq - line)) == 0 && e->v[i] == NULL)
                e->v[i] = strdup(eq + 1);
        }
    }
    free(text);
    for (int i = 0; i < ENV_KEYS; i++) {
        if (e->v[i] == NULL) {
            fprintf(stderr, "fakes token: the env file has no %s\n", env_keys[i]);
            env_vals_free(e);
            return 1;
        }
    }
    return 0;
}

/* "EMAIL[:PASSWORD]" into its parts (the password after the first ':' of the part after '@'). */
static void split_user(const char *arg, char *email, size_t elen, const char **password)
{
    const char *at = strchr(arg, '@');
    const char *colon = at != NULL ? strchr(at, ':') : NULL;
    size_t n = colon != NULL ? (size_t)(colon - arg) : strlen(arg);

    snprintf(email, elen, "%.*s", (int)(n < elen ? n : elen - 1), arg);
    *password = colon != NULL ? colon + 1 : DEFAULT_PASSWORD;
}

/* POST base+path with {"email","password"[,"email_confirm":true]}; the answer in h. */
static int post_user(const char *base, const char *path, const char *key, bool admin,
                     const char *email, const char *password, struct fx_http *h)
{
    char url[512], apikey[2048], bearer[2048];
    cJSON *body = cJSON_CreateObject();
    int rc = FK_ENOMEM;

    snprintf(url, sizeof(url), "%s%s", base, path);
    snprintf(apikey, sizeof(apikey), "apikey: %s", key);
    snprintf(bearer, sizeof(bearer), "Authorization: Bearer %s", key);
    memset(h, 0, sizeof(*h));
    if (body != NULL && cJSON_AddStringToObject(body, "email", email) &&
        cJSON_AddStringToObject(body, "password", password) &&
        (!admin || cJSON_AddBoolToObject(body, "email_confirm", 1))) {
        char *text = cJSON_PrintUnformatted(body);
        const char *hdr[] = {apikey, admin ? bearer : NULL, NULL};
        struct fx_http_req rq = {.method = "POST", .url = url, .headers = hdr, .body = text};
        rc = text != NULL ? fx_http_send(&rq, h) : FK_ENOMEM;
        cJSON_free(text);
    }
    cJSON_Delete(body);
    return rc;
}

/* The access_token of a GoTrue session answer, or NULL. */
static char *access_token(const struct fx_http *h)
{
    cJSON *j = h->status == 200 ? cJSON_Parse(h->body) : NULL;
    const char *at = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "access_token"));
    char *out = at != NULL ? strdup(at) : NULL;

    cJSON_Delete(j);
    return out;
}

static int user_token(const struct env_vals *e, const char *arg)
{
    char email[320], *token = NULL;
    const char *password;
    struct fx_http h;

    split_user(arg, email, sizeof(email), &password);
    if (post_user(e->v[SB_URL], "/auth/v1/token?grant_type=password", e->v[SB_ANON], false, email,
                  password, &h) == 0 &&
        (token = access_token(&h)) == NULL && h.status == 400) {
        /* Unknown address (or a wrong password): try to sign up; GoTrue refuses a known one. */
        fx_http_cleanup(&h);
        if (post_user(e->v[SB_URL], "/auth/v1/signup", e->v[SB_ANON], false, email, password, &h) ==
            0)
            token = access_token(&h);
        if (token == NULL && h.status == 200)
            fprintf(stderr,
                    "fakes token: %s signed up but got no session (the fake confirms "
                    "signups: create the user with `fakes up --user`)\n",
                    email);
    }
    if (token == NULL && h.status != 200)
        fprintf(stderr, "fakes token: %s: %s\n", email,
                h.error[0] ? h.error : fx_admin_error_text(&h));
    fx_http_cleanup(&h);
    if (token == NULL)
        return 1;
    printf("%s\n", token);
    free(token);
    return 0;
}

static int livekit_token(const struct env_vals *e, const char *grants)
{
    cJSON *claims = grants != NULL ? cJSON_Parse(grants)
                                   : cJSON_Parse("{\"video\":{},\"sip\":{\"admin\":true,"
                                                 "\"call\":true}}");
    long long now = (long long)time(NULL);
    char *token = NULL;

    if (!cJSON_IsObject(claims)) {
        fprintf(stderr, "fakes token: --grants: expected a JSON object of claims, such as "
                        "{\"sip\":{\"admin\":true}}\n");
        cJSON_Delete(claims);
        return 2;
    }
    cJSON_DeleteItemFromObjectCaseSensitive(claims, "iss");
    cJSON_DeleteItemFromObjectCaseSensitive(claims, "exp");
    cJSON_DeleteItemFromObjectCaseSensitive(claims, "nbf");
    if (cJSON_AddStringToObject(claims, "iss", e->v[LK_KEY]) &&
        cJSON_AddNumberToObject(claims, "nbf", (double)now) &&
        cJSON_AddNumberToObject(claims, "exp", (double)(now + LIVEKIT_TTL_S)))
        token = fk_jwt_sign(claims, e->v[LK_SECRET], true);
    cJSON_Delete(claims);
    if (token == NULL) {
        fprintf(stderr, "fakes token: out of memory\n");
        return 1;
    }
    printf("%s\n", token);
    free(token);
    return 0;
}

int fx_cmd_token(struct fx_opts *o)
{
    struct env_vals e;
    int rc;

    if ((o->nusers == 1) == o->livekit || o->nusers > 1 || (o->grants != NULL && !o->livekit)) {
        fprintf(stderr, "fakes token: give exactly one of --user EMAIL[:PASSWORD] or --livekit "
                        "(--grants goes with --livekit)\n");
        return 2;
    }
    if (env_read(o, &e) != 0)
        return 1;
    rc = o->livekit ? livekit_token(&e, o->grants) : user_token(&e, o->users[0]);
    env_vals_free(&e);
    return rc;
}

int fx_create_users(const struct fx_opts *o, const char *base)
{
    for (int i = 0; i < o->nusers; i++) {
        char email[320];
        const char *password;
        struct fx_http h;
        split_user(o->users[i], email, sizeof(email), &password);
        int rc = post_user(base, "/auth/v1/admin/users", o->creds.service_key, true, email,
                           password, &h);
        bool ok = rc == 0 && (h.status == 200 || h.status == 201);
        if (!ok)
            fprintf(stderr, "fakes up: --user %s: %s\n", email,
                    rc != 0 ? h.error : fx_admin_error_text(&h));
        else
            fprintf(stderr, "fakes: user %s created\n", email);
        fx_http_cleanup(&h);
        if (!ok)
            return 1;
    }
    return 0;
}
