/* config.h: the provisioner's settings, from the environment and flags (flags win).
 *
 * One option table (fakekit/config.h) declares every setting once; --help prints it. After
 * parsing, prov_config_validate() checks everything a command needs before any call is made:
 * a country that is not two letters, an unknown number type, a token that is not three
 * dot-separated parts or a base URL that curl_url() cannot parse is a usage error (exit 2).
 * Strings are borrowed from argv/environ, except the normalised copies held in the struct.
 *
 * Layer 1 (exit.h): parsed and checked by cli.c and serve.c, read by every layer above
 * through ctx->cfg; the checks return 0 or FK_EINVAL. */
#ifndef PROV_CONFIG_H
#define PROV_CONFIG_H

#include <stdbool.h>
#include <stdio.h>

#include "fakekit/err.h"

enum prov_cmd {
    PROV_CMD_NONE = 0,
    PROV_CMD_PROVISION,
    PROV_CMD_RESUME,
    PROV_CMD_RECONCILE,
    PROV_CMD_RELEASE,
    PROV_CMD_SERVE,
};

struct prov_config {
    enum prov_cmd cmd;
    /* services */
    const char *twilio_base;
    const char *twilio_sid;
    const char *twilio_token;
    const char *sb_url;
    const char *sb_anon;
    const char *sb_service;
    const char *lk_url;
    const char *lk_key;
    const char *lk_secret;
    const char *ca_file; /* PROV_CA_FILE, else CURL_CA_BUNDLE, else SSL_CERT_FILE; NULL: system */
    /* time and retries */
    long request_timeout_ms;
    long deadline_ms;
    long max_attempts;
    long backoff_base_ms;
    long backoff_cap_ms;
    long seed;
    long lease_ms;
    long search_size;
    /* command arguments */
    const char *user_token;
    const char *user_id;
    const char *country_arg;
    const char *type_arg;
    const char *area_code;
    const char *trace;
    const char *trace_file;
    bool compensate;
    bool fix;
    bool force;
    bool want_version; /* --version: print it, run nothing */
    const char *host;
    long port;
    const char *port_file;
    const char *log_level;
    long workers;              /* serve: flows run at once */
    long max_conns_per_client; /* serve: connections one address may hold */
    long head_timeout_ms;      /* serve: deadline of a request's line and headers */
    /* normalised by prov_config_validate */
    char country[3]; /* upper-case ISO-3166 alpha-2 */
};

/* Defaults for every field (cmd NONE). */
void prov_config_defaults(struct prov_config *c);

/* Parse "provisioner CMD [options]" (argv[0] is the program). Environment first, then flags.
 * *want_help is set for --help or no command. Returns 0 or FK_EINVAL with err set. */
int prov_config_parse(struct prov_config *c, int argc, char **argv, bool *want_help,
                      struct fk_error *err) FK_MUST_CHECK;

/* Whether url's host is this machine (localhost, 127.0.0.0/8, [::1]). */
bool prov_url_is_loopback(const char *url);

/* Check the settings that c->cmd needs. 0 or FK_EINVAL with a one-line reason in err. */
int prov_config_validate(struct prov_config *c, struct fk_error *err) FK_MUST_CHECK;

/* Per-request checks shared by the CLI and serve: country (two letters, upper-cased into
 * out[3]), number type (local|tollfree|mobile), area code (digits) and token shape. */
int prov_check_country(const char *s, char out[3], struct fk_error *err) FK_MUST_CHECK;
int prov_check_type(const char *s, struct fk_error *err) FK_MUST_CHECK;
int prov_check_area_code(const char *s, struct fk_error *err) FK_MUST_CHECK;
int prov_check_token(const char *s, struct fk_error *err) FK_MUST_CHECK;
/* An absolute http(s) URL as curl_url() parses it. */
int prov_check_url(const char *name, const char *url, struct fk_error *err) FK_MUST_CHECK;

/* Usage with the commands, options and exit codes. */
void prov_config_usage(FILE *out);

#endif
