/* main.c: `fakes`, the launcher: start, load, inspect and stop the three fakes as one unit.
 *
 *   fakes up [--scenario FILE] [--env-file PATH] [--db-dir DIR] [--bin DIR] [--seed N] ...
 *   fakes down | scenario FILE | reset | env | journal [--json] | diagram [--trace F] [--out P]
 *
 * Options are parsed and checked here, before anything starts; each command accepts only
 * its own (a flag meant for another command is a usage error, not silently ignored). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fakes/admin_client.h"
#include "fakes/commands.h"
#include "fakes/token.h"

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
};

struct command {
    const char *name;
    int (*fn)(struct fx_opts *o);
    unsigned allowed;
    int positional; /* required positional arguments */
    const char *usage;
};

static const struct command commands[] = {
    {"up", fx_cmd_up, O_STATE | O_ENV | O_SCEN | O_DB | O_BIN | O_SEED | O_CREDS, 0,
     "up [--scenario FILE] [--env-file PATH] [--db-dir DIR] [--state-dir DIR] [--bin DIR]\n"
     "             [--seed N] [--account-sid AC..] [--auth-token T] [--api-key K]\n"
     "             [--api-secret S] [--jwt-secret S] [--admin-token T]\n"
     "      start the three fakes on free ports, load the scenario, write the env file\n"
     "      (its path on stdout)"},
    {"down", fx_cmd_down, O_STATE, 0,
     "down [--state-dir DIR]\n      stop exactly the fakes `up` started"},
    {"scenario", fx_cmd_scenario, O_STATE | O_SERVICE, 1,
     "scenario FILE [--service twilio|livekit|supabase] [--state-dir DIR]\n"
     "      load a scenario into the running fakes (no restart)"},
    {"reset", fx_cmd_reset, O_STATE, 0,
     "reset [--state-dir DIR]\n      every fake back to its seed: state, faults, journal"},
    {"env", fx_cmd_env, O_STATE, 0, "env [--state-dir DIR]\n      print the env file"},
    {"journal", fx_cmd_journal, O_STATE | O_JSON, 0,
     "journal [--json] [--state-dir DIR]\n      the three journals merged in time order"},
    {"diagram", fx_cmd_diagram, O_STATE | O_TRACE | O_OUT, 0,
     "diagram [--trace FILE] [--out PREFIX] [--state-dir DIR]\n"
     "      sequence picture of the journals: PREFIX.mmd (Mermaid) and PREFIX.html (SVG)"},
};

static void usage(FILE *out)
{
    fputs("usage: fakes COMMAND [options]\n\ncommands:\n", out);
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(out, "  fakes %s\n", commands[i].usage);
    fputs("\nenvironment: FAKES_STATE (state dir, default ./.fakes), FAKES_BIN (where the fakes\n"
          "are, default the directory of this program), FAKE_ADMIN_TOKEN (the admin token;\n"
          "else the one in the env file `up` wrote)\n"
          "exit status: 0 ok, 1 runtime failure, 2 usage\n",
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
        return O_TRACE;
    case 'o':
        return O_OUT;
    case 'v':
        return O_SERVICE;
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
        return -1;
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
    for (; optind < argc; optind++, npos++) {
        if (npos >= cmd->positional) {
            fprintf(stderr, "fakes %s: unexpected argument '%s'\n", cmd->name, argv[optind]);
            return 2;
        }
        o->scenario = argv[optind];
    }
    if (npos < cmd->positional) {
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
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(argv[1], commands[i].name) != 0)
            continue;
        defaults(&o);
        rc = parse(&commands[i], argc - 1, argv + 1, &o);
        if (rc >= 0)
            return rc;
        if ((rc = fx_token_setup(&o, commands[i].fn == fx_cmd_up)) != 0)
            return rc;
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
