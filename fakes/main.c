/* main.c: `fakes`, the launcher: start, load, inspect and stop the three fakes as one unit,
 * and run QA's cases against them.
 *
 *   fakes up [--scenario FILE] [--user EMAIL:PASSWORD]... [--log-level L] ...
 *   fakes down | scenario FILE | reset | env | journal [--json] | diagram [--trace F] [--out P]
 *   fakes token --user EMAIL[:PASSWORD] | --livekit [--grants JSON]
 *   fakes test [--junit FILE] [--filter GLOB] [--jobs N] [--logs DIR] PATH...
 *
 * Options are parsed and checked here, before anything starts; each command accepts only
 * its own (a flag meant for another command is a usage error, not silently ignored). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fakekit/log.h"
#include "fakekit/version.h"
#include "fakes/admin_client.h"
#include "fakes/admin_token.h"
#include "fakes/commands.h"

enum {
    O_STATE = 1 << 0,
    O_ENV = 1 << 1,
    O_SCEN = 1 << 2,
    O_DB = 1 << 3,
    O_BIN = 1 << 4,
    O_SEED = 1 << 5,
    O_JSON = 1 << 6,
    O_TRACE = 1 << 7,
    O_OUT = 1 << 8,
    O_CREDS = 1 << 9,
    O_SERVICE = 1 << 10,
    O_LOG = 1 << 11,
    O_USER = 1 << 12,
    O_TEST = 1 << 13, /* --junit --filter --jobs --logs */
    O_LIVEKIT = 1 << 14,
    O_TLS = 1 << 15,
};

/* Long options without a one-letter twin. */
enum {
    L_LOG = 256,
    L_USER,
    L_JUNIT,
    L_FILTER,
    L_JOBS,
    L_LOGS,
    L_LIVEKIT,
    L_GRANTS,
    L_TITLE,
    L_TLS,
};

struct command {
    const char *name;
    int (*fn)(struct fx_opts *o);
    unsigned allowed;
    int positional; /* required positional arguments; -1: one or more */
    const char *usage;
};

static const struct command commands[] = {
    {"up", fx_cmd_up,
     O_STATE | O_ENV | O_SCEN | O_DB | O_BIN | O_SEED | O_CREDS | O_LOG | O_USER | O_TLS, 0,
     "up [--scenario FILE] [--user EMAIL:PASSWORD]... [--log-level LEVEL] [--tls]\n"
     "             [--env-file PATH] [--db-dir DIR] [--state-dir DIR] [--bin DIR] [--seed N]\n"
     "             [--account-sid AC..] [--auth-token T] [--api-key K] [--api-secret S]\n"
     "             [--jwt-secret S] [--admin-token T]\n"
     "      start the three fakes on free ports, load the scenario, create the users, write\n"
     "      the env file (its path on stdout); logs at LEVEL (default info) in STATE/NAME.log;\n"
     "      --tls: HTTPS with a throw-away CA (STATE/tls/ca.pem, PROV_CA_FILE in the env file)"},
    {"down", fx_cmd_down, O_STATE, 0,
     "down [--state-dir DIR]\n      stop exactly the fakes `up` started (nothing running: exit 0)"},
    {"scenario", fx_cmd_scenario, O_STATE | O_SERVICE, 1,
     "scenario FILE [--service twilio|livekit|supabase] [--state-dir DIR]\n"
     "      load a scenario into the running fakes it has sections for (no restart); every\n"
     "      section is checked by its fake before any is applied"},
    {"reset", fx_cmd_reset, O_STATE, 0,
     "reset [--state-dir DIR]\n      every fake back to its seed: state, faults, journal"},
    {"env", fx_cmd_env, O_STATE, 0, "env [--state-dir DIR]\n      print the env file"},
    {"token", fx_cmd_token, O_STATE | O_USER | O_LIVEKIT, 0,
     "token --user EMAIL[:PASSWORD] | --livekit [--grants JSON] [--state-dir DIR]\n"
     "      print an access token: a Supabase user's (signed in, or signed up when new;\n"
     "      password default fakes-password), or a LiveKit JWT for the running fake's key\n"
     "      (grants default {\"sip\":{\"admin\":true,\"call\":true}}, valid one hour)"},
    {"journal", fx_cmd_journal, O_STATE | O_JSON, 0,
     "journal [--json] [--state-dir DIR]\n      the three journals merged in time order"},
    {"diagram", fx_cmd_diagram, O_STATE | O_TRACE | O_OUT, 0,
     "diagram [--trace FILE] [--out PREFIX] [--title TEXT] [--state-dir DIR]\n"
     "      sequence picture of the journals: PREFIX.mmd (Mermaid) and PREFIX.html (SVG);\n"
     "      --trace adds the provisioner's steps (its --trace json lines) as notes"},
    {"test", fx_cmd_test, O_TEST | O_BIN | O_CREDS | O_TLS, -1,
     "test [--junit FILE] [--filter GLOB] [--jobs N] [--logs DIR] [--bin DIR] [--tls] PATH...\n"
     "      run QA's cases: each NAME.json (scenario) with NAME.expect.json beside it, in the\n"
     "      files or folders given (folders searched recursively), each against three fresh\n"
     "      fakes; one line per case, then 'N passed, N failed'; exit 1 when any failed;\n"
     "      --tls: every case over HTTPS, the provisioner trusting a throw-away CA"},
};

static void usage(FILE *out)
{
    fputs("usage: fakes COMMAND [options]\n       fakes --help | --version\n\ncommands:\n", out);
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(out, "  fakes %s\n", commands[i].usage);
    fputs("\nenvironment: FAKES_STATE (state dir, default ./.fakes), FAKES_BIN (where the fakes\n"
          "are, default the directory of this program), FAKE_ADMIN_TOKEN (the admin token;\n"
          "else the one in the env file `up` wrote)\n"
          "exit status: 0 ok, 1 runtime failure (or a failed case), 2 usage\n",
          out);
}

static const struct option long_opts[] = {
    {"state-dir", required_argument, NULL, 's'},
    {"env-file", required_argument, NULL, 'e'},
    {"scenario", required_argument, NULL, 'S'},
    {"db-dir", required_argument, NULL, 'd'},
    {"bin", required_argument, NULL, 'b'},
    {"seed", required_argument, NULL, 'n'},
    {"json", no_argument, NULL, 'j'},
    {"trace", required_argument, NULL, 't'},
    {"out", required_argument, NULL, 'o'},
    {"account-sid", required_argument, NULL, 'A'},
    {"auth-token", required_argument, NULL, 'T'},
    {"api-key", required_argument, NULL, 'K'},
    {"api-secret", required_argument, NULL, 'Z'},
    {"jwt-secret", required_argument, NULL, 'J'},
    {"admin-token", required_argument, NULL, 'a'},
    {"service", required_argument, NULL, 'v'},
    {"log-level", required_argument, NULL, L_LOG},
    {"user", required_argument, NULL, L_USER},
    {"junit", required_argument, NULL, L_JUNIT},
    {"filter", required_argument, NULL, L_FILTER},
    {"jobs", required_argument, NULL, L_JOBS},
    {"logs", required_argument, NULL, L_LOGS},
    {"livekit", no_argument, NULL, L_LIVEKIT},
    {"grants", required_argument, NULL, L_GRANTS},
    {"title", required_argument, NULL, L_TITLE},
    {"tls", no_argument, NULL, L_TLS},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static unsigned opt_bit(int c)
{
    switch (c) {
    case 's':
        return O_STATE;
    case 'e':
        return O_ENV;
    case 'S':
        return O_SCEN;
    case 'd':
        return O_DB;
    case 'b':
        return O_BIN;
    case 'n':
        return O_SEED;
    case 'j':
        return O_JSON;
    case 't':
    case L_TITLE:
        return O_TRACE;
    case 'o':
        return O_OUT;
    case 'v':
        return O_SERVICE;
    case L_LOG:
        return O_LOG;
    case L_USER:
        return O_USER;
    case L_JUNIT:
    case L_FILTER:
    case L_JOBS:
    case L_LOGS:
        return O_TEST;
    case L_LIVEKIT:
    case L_GRANTS:
        return O_LIVEKIT;
    case L_TLS:
        return O_TLS;
    default:
        return O_CREDS;
    }
}

static bool all_digits(const char *s)
{
    if (*s == '\0' || strlen(s) > 18)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
    }
    return true;
}

/* The options of up --log-level/--user, test and token. */
static int set_opt_more(struct fx_opts *o, int c, const char *arg)
{
    switch (c) {
    case L_LOG:
        if (fk_log_parse_level(arg) < 0) {
            fprintf(stderr, "fakes: --log-level: expected error, warn, info or debug, got '%s'\n",
                    arg);
            return -1;
        }
        o->log_level = arg;
        return 0;
    case L_USER:
        if (o->nusers == FX_USERS_MAX || strchr(arg, '@') == NULL) {
            fprintf(stderr, "fakes: --user %s: %s\n", arg,
                    o->nusers == FX_USERS_MAX ? "too many users" : "expected EMAIL[:PASSWORD]");
            return -1;
        }
        o->users[o->nusers++] = arg;
        return 0;
    case L_JOBS:
        if (!all_digits(arg) || strtol(arg, NULL, 10) < 1 || strtol(arg, NULL, 10) > 64) {
            fprintf(stderr, "fakes test: --jobs: expected 1 to 64, got '%s'\n", arg);
            return -1;
        }
        o->jobs = (int)strtol(arg, NULL, 10);
        return 0;
    case L_JUNIT:
        o->junit = arg;
        return 0;
    case L_FILTER:
        o->filter = arg;
        return 0;
    case L_LOGS:
        o->logs = arg;
        return 0;
    case L_LIVEKIT:
        o->livekit = true;
        return 0;
    case L_GRANTS:
        o->grants = arg;
        return 0;
    case L_TITLE:
        o->title = arg;
        return 0;
    case L_TLS:
        o->tls = true;
        return 0;
    default:
        return -1;
    }
}

static int set_opt(struct fx_opts *o, int c, const char *arg)
{
    switch (c) {
    case 's':
        if (snprintf(o->state_dir, sizeof(o->state_dir), "%s", arg) >= (int)sizeof(o->state_dir))
            return -1;
        break;
    case 'e':
        o->env_file = arg;
        break;
    case 'S':
        o->scenario = arg;
        break;
    case 'd':
        o->db_dir = arg;
        break;
    case 'b':
        o->bin_dir = arg;
        break;
    case 'n':
        if (!all_digits(arg)) {
            fprintf(stderr, "fakes: --seed: expected a non-negative integer, got '%s'\n", arg);
            return -1;
        }
        o->seed = arg;
        break;
    case 'j':
        o->json = true;
        break;
    case 't':
        o->trace = arg;
        break;
    case 'o':
        o->out = arg;
        break;
    case 'v':
        o->service = arg;
        break;
    case 'A':
        o->creds.account_sid = arg;
        break;
    case 'T':
        o->creds.auth_token = arg;
        break;
    case 'K':
        o->creds.lk_key = arg;
        break;
    case 'Z':
        o->creds.lk_secret = arg;
        break;
    case 'J':
        o->creds.jwt_secret = arg;
        break;
    case 'a':
        o->creds.admin_token = arg;
        break;
    default:
        return set_opt_more(o, c, arg);
    }
    return 0;
}

/* Defaults equal the fakes' own (their --help), so `fakes up` without flags matches a fake
 * started by hand. */
static void defaults(struct fx_opts *o)
{
    const char *st = getenv("FAKES_STATE"), *bin = getenv("FAKES_BIN");

    memset(o, 0, sizeof(*o));
    snprintf(o->state_dir, sizeof(o->state_dir), "%s", st != NULL && *st ? st : ".fakes");
    o->bin_dir = bin != NULL && *bin ? bin : NULL;
    o->creds.account_sid = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    o->creds.auth_token = "test-auth-token";
    o->creds.lk_key = "devkey";
    o->creds.lk_secret = "secret";
    o->creds.jwt_secret = "super-secret-jwt-token-with-at-least-32-characters-long";
    o->log_level = "info";
}

static int parse(const struct command *cmd, int argc, char **argv, struct fx_opts *o)
{
    int c, npos = 0;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
        if (c == 'h') {
            printf("usage: fakes %s\n", cmd->usage);
            return 0;
        }
        if (c == '?' || c == ':') {
            fprintf(stderr, "fakes %s: unknown or incomplete option '%s'\n", cmd->name,
                    argv[optind - 1]);
            return 2;
        }
        if ((opt_bit(c) & cmd->allowed) == 0) {
            fprintf(stderr, "fakes %s: option '%s' does not apply here\n", cmd->name,
                    argv[optind - 1]);
            return 2;
        }
        if (set_opt(o, c, optarg) != 0)
            return 2;
    }
    /* GNU getopt moved the operands to the end: `fakes scenario FILE --state-dir D` works. */
    if (cmd->positional < 0) {
        o->paths = (const char *const *)argv + optind;
        o->npaths = argc - optind;
        npos = o->npaths;
    }
    for (; cmd->positional >= 0 && optind < argc; optind++, npos++) {
        if (npos >= cmd->positional) {
            fprintf(stderr, "fakes %s: unexpected argument '%s'\n", cmd->name, argv[optind]);
            return 2;
        }
        o->scenario = argv[optind];
    }
    if (npos < (cmd->positional < 0 ? 1 : cmd->positional)) {
        fprintf(stderr, "usage: fakes %s\n", cmd->usage);
        return 2;
    }
    return -1; /* parsed: run the command */
}

int main(int argc, char **argv)
{
    struct fx_opts o;
    int rc;

    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("fakes %s\n", FK_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(argv[1], commands[i].name) != 0)
            continue;
        defaults(&o);
        rc = parse(&commands[i], argc - 1, argv + 1, &o);
        if (rc >= 0)
            return rc;
        if ((rc = fx_token_setup(&o, commands[i].fn == fx_cmd_up)) != 0)
            return rc;
        if (commands[i].fn != fx_cmd_up && commands[i].fn != fx_cmd_test)
            fx_tls_detect(&o); /* the running fakes may speak HTTPS (`up --tls`) */
        if (fx_http_global_init() != 0) {
            fprintf(stderr, "fakes: cannot initialise libcurl\n");
            return 1;
        }
        rc = commands[i].fn(&o);
        fx_http_global_cleanup();
        return rc;
    }
    fprintf(stderr, "fakes: unknown command '%s' (try fakes --help)\n", argv[1]);
    return 2;
}
