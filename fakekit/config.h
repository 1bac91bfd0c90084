/* config.h: one option table gives the flags, their environment variables and --help.
 *
 * Each option writes into the variable dst points at; that variable holds the default before
 * parsing, which --help prints. Environment variables are read first, flags override them.
 * Strings are borrowed from argv/environ (never copied). Validation is complete before
 * anything starts: a bad value is one line in err, and the caller exits 2. */
#ifndef FK_CONFIG_H
#define FK_CONFIG_H

#include <stdbool.h>
#include <stdio.h>

#include "fakekit/err.h"

enum fk_opt_type {
    FK_OPT_STRING, /* const char **dst */
    FK_OPT_INT,    /* long *dst, checked against min..max */
    FK_OPT_FLAG,   /* bool *dst; "--name" sets true; env accepts 1/0/true/false */
};

struct fk_option {
    const char *name; /* flag without dashes: "port" for --port; NULL ends a table */
    const char *env;  /* environment variable, or NULL */
    enum fk_opt_type type;
    void *dst;
    long min, max;       /* FK_OPT_INT bounds */
    const char *metavar; /* "N", "PATH" in --help */
    const char *help;
};

/* Parse env then argv[1..] against tables (a NULL-terminated array of option tables).
 * Sets *want_help / *want_version for --help / --version and stops there.
 * Accepts "--name value" and "--name=value". Returns 0 or FK_EINVAL with err set. */
int fk_config_parse(const struct fk_option *const *tables, int argc, char **argv, bool *want_help,
                    bool *want_version, struct fk_error *err) FK_MUST_CHECK;

/* Print usage: "usage: prog [options]", summary, then one line per option with its
 * environment variable and current (default) value. */
void fk_config_usage(FILE *out, const char *prog, const char *summary,
                     const struct fk_option *const *tables);

#endif
