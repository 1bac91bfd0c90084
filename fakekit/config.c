/* config.c: flags, environment variables and --help from one option table (see config.h).
 *
 * Order: argv is first scanned for --help/--version, which win over any error so that help
 * is always reachable; then every environment variable is applied; then argv, so flags
 * override the environment. The same value parser serves both sources; only the name in
 * the message differs ("--port: ..." or "FAKE_PORT: ..."). */
#include "fakekit/config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Find an option by name (name_len bytes of name), across all tables. */
static const struct fk_option *find_option(const struct fk_option *const *tables, const char *name,
                                           size_t name_len)
{
    size_t t;
    const struct fk_option *o;

    for (t = 0; tables != NULL && tables[t] != NULL; t++)
        for (o = tables[t]; o->name != NULL; o++)
            if (strlen(o->name) == name_len && strncmp(o->name, name, name_len) == 0)
                return o;
    return NULL;
}

/* Strict base-10 long: optional sign, digits, nothing else. */
static int parse_long(const char *s, long *out)
{
    const char *p = s;
    char *end = NULL;
    long v;

    if (*p == '+' || *p == '-')
        p++;
    if (*p < '0' || *p > '9')
        return -1;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0')
        return -1;
    *out = v;
    return 0;
}

static int parse_bool(const char *s, bool *out)
{
    if (strcmp(s, "1") == 0 || strcmp(s, "true") == 0) {
        *out = true;
        return 0;
    }
    if (strcmp(s, "0") == 0 || strcmp(s, "false") == 0) {
        *out = false;
        return 0;
    }
    return -1;
}

/* Store value into o->dst; label is "--name" or the environment variable for messages. */
static int apply_value(const struct fk_option *o, const char *label, const char *value,
                       struct fk_error *err)
{
    long v;
    bool b;

    switch (o->type) {
    case FK_OPT_STRING:
        *(const char **)o->dst = value;
        return 0;
    case FK_OPT_INT:
        if (parse_long(value, &v) != 0 || v < o->min || v > o->max) {
            fk_error_set(err, "%s: expected an integer from %ld to %ld, got '%s'", label, o->min,
                         o->max, value);
            return FK_EINVAL;
        }
        *(long *)o->dst = v;
        return 0;
    case FK_OPT_FLAG:
        if (parse_bool(value, &b) != 0) {
            fk_error_set(err, "%s: expected 1, 0, true or false, got '%s'", label, value);
            return FK_EINVAL;
        }
        *(bool *)o->dst = b;
        return 0;
    }
    fk_error_set(err, "%s: bad option type", label);
    return FK_EINVAL;
}

/* Scan argv for --help or --version without applying anything; skips option values. */
static void scan_builtin(const struct fk_option *const *tables, int argc, char **argv,
                         bool *want_help, bool *want_version)
{
    const struct fk_option *o;
    const char *a;
    int i;

    for (i = 1; i < argc; i++) {
        a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            *want_help = true;
            return;
        }
        if (strcmp(a, "--version") == 0) {
            *want_version = true;
            return;
        }
        if (strncmp(a, "--", 2) != 0 || strchr(a, '=') != NULL)
            continue;
        o = find_option(tables, a + 2, strlen(a + 2));
        if (o != NULL && o->type != FK_OPT_FLAG && i + 1 < argc)
            i++; /* the next word is this option's value, even if it reads "--help" */
    }
}

static int apply_env(const struct fk_option *const *tables, struct fk_error *err)
{
    const struct fk_option *o;
    const char *v;
    size_t t;
    int rc;

    for (t = 0; tables != NULL && tables[t] != NULL; t++) {
        for (o = tables[t]; o->name != NULL; o++) {
            if (o->env == NULL)
                continue;
            v = getenv(o->env);
            if (v == NULL)
                continue;
            rc = apply_value(o, o->env, v, err);
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}

int fk_config_parse(const struct fk_option *const *tables, int argc, char **argv, bool *want_help,
                    bool *want_version, struct fk_error *err)
{
    const struct fk_option *o;
    const char *a, *eq, *value;
    char label[128];
    size_t name_len;
    int i, rc;

    *want_help = false;
    *want_version = false;
    scan_builtin(tables, argc, argv, want_help, want_version);
    if (*want_help || *want_version)
        return 0;

    rc = apply_env(tables, err);
    if (rc != 0)
        return rc;

    for (i = 1; i < argc; i++) {
        a = argv[i];
        if (a[0] != '-') {
            fk_error_set(err, "unexpected argument '%s' (see --help)", a);
            return FK_EINVAL;
        }
        if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
            fk_error_set(err, "unknown option %s (see --help)", a);
            return FK_EINVAL;
        }
        eq = strchr(a + 2, '=');
        name_len = eq != NULL ? (size_t)(eq - (a + 2)) : strlen(a + 2);
        o = find_option(tables, a + 2, name_len);
        if (o == NULL) {
            fk_error_set(err, "unknown option --%.*s (see --help)", (int)name_len, a + 2);
            return FK_EINVAL;
        }
        snprintf(label, sizeof label, "--%s", o->name);
        if (eq != NULL) {
            value = eq + 1;
        } else if (o->type == FK_OPT_FLAG) {
            value = "true";
        } else {
            /* A following "--word" is taken as a forgotten value, not as the value. */
            if (i + 1 >= argc || strncmp(argv[i + 1], "--", 2) == 0) {
                fk_error_set(err, "%s: missing value", label);
                return FK_EINVAL;
            }
            value = argv[++i];
        }
        rc = apply_value(o, label, value, err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* "--name METAVAR" as printed in the left column. */
static void option_left(const struct fk_option *o, char *out, size_t outlen)
{
    if (o->type == FK_OPT_FLAG)
        snprintf(out, outlen, "--%s", o->name);
    else
        snprintf(out, outlen, "--%s %s", o->name, o->metavar != NULL ? o->metavar : "VALUE");
}

void fk_config_usage(FILE *out, const char *prog, const char *summary,
                     const struct fk_option *const *tables)
{
    const struct fk_option *o;
    char left[128];
    size_t t, width = strlen("-h, --help");
    const char *s;

    for (t = 0; tables != NULL && tables[t] != NULL; t++) {
        for (o = tables[t]; o->name != NULL; o++) {
            option_left(o, left, sizeof left);
            if (strlen(left) > width)
                width = strlen(left);
        }
    }

    fprintf(out, "usage: %s [options]\n", prog);
    if (summary != NULL && summary[0] != '\0')
        fprintf(out, "\n%s\n", summary);
    fprintf(out, "\noptions:\n");
    for (t = 0; tables != NULL && tables[t] != NULL; t++) {
        for (o = tables[t]; o->name != NULL; o++) {
            option_left(o, left, sizeof left);
            fprintf(out, "  %-*s  %s", (int)width, left, o->help != NULL ? o->help : "");
            fprintf(out, " (");
            if (o->env != NULL)
                fprintf(out, "env %s, ", o->env);
            switch (o->type) {
            case FK_OPT_STRING:
                s = *(const char *const *)o->dst;
                if (s != NULL)
                    fprintf(out, "default %s", s[0] != '\0' ? s : "\"\"");
                else
                    fprintf(out, "no default");
                break;
            case FK_OPT_INT:
                fprintf(out, "default %ld", *(const long *)o->dst);
                break;
            case FK_OPT_FLAG:
                fprintf(out, "default %s", *(const bool *)o->dst ? "true" : "false");
                break;
            }
            fprintf(out, ")\n");
        }
    }
    fprintf(out, "  %-*s  %s\n", (int)width, "-h, --help", "print this help and exit");
    fprintf(out, "  %-*s  %s\n", (int)width, "--version", "print the version and exit");
}
