/* qa_case.h: the cases `fakes test` runs: where they are, and whether their files are valid.
 *
 * A case is two files in one folder: NAME.json, a scenario document exactly as the fakes take
 * it, and NAME.expect.json, what must happen (README "Writing a scenario"). A PATH given on
 * the command line is either file of a case, or a folder searched recursively for
 * *.expect.json files; a NAME.json there without its expectation is not a case, and is
 * reported as a warning so that a forgotten file does not pass unnoticed. Both files are
 * read, parsed (a syntax error names FILE:LINE:COLUMN) and checked against the schemas
 * before any case runs; a case whose files are invalid fails with every problem listed. */
#ifndef FX_QA_CASE_H
#define FX_QA_CASE_H

#include <stddef.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "fakekit/err.h"
#include "fakes/qa_schema.h"

struct fx_case {
    char *name;          /* NAME */
    char *scenario_path; /* DIR/NAME.json */
    char *expect_path;   /* DIR/NAME.expect.json */
    cJSON *doc;          /* the scenario, parsed; NULL when invalid */
    cJSON *expect;       /* the expectation, parsed; NULL when invalid */
    char *invalid;       /* "FILE: PATH: problem" lines when the files cannot run, else NULL */
};

struct fx_cases {
    struct fx_case *v;
    size_t n, cap;
    size_t found; /* cases found before the filter */
};

/* Collect the cases under paths[0..n), sorted by name then path, keeping those whose name
 * matches the fnmatch(3) glob filter (NULL: all). Warnings go to warn. Returns 0, or
 * FK_ENOTFOUND / FK_EINVAL with err naming the path that is neither a case file nor a
 * folder, FK_ENOMEM. */
int fx_cases_find(const char *const *paths, int n, const char *filter, struct fx_cases *out,
                  FILE *warn, struct fk_error *err) FK_MUST_CHECK;

/* Read, parse and check both files of every case: sets doc and expect, or invalid. Returns
 * the number of invalid cases, or FK_ENOMEM. */
int fx_cases_load(struct fx_cases *cs, const struct fx_schemas *s) FK_MUST_CHECK;

void fx_cases_free(struct fx_cases *cs);

/* One file read, parsed and checked against the embedded schema called schema (the launcher
 * checks --scenario files this way). The document, or NULL with "FILE: ..." lines in why. */
cJSON *fx_load_checked(const char *path, const char *schema, struct fk_buf *why);

#endif
