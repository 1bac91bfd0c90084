/* qa_run.h: run one `fakes test` case against three fresh fakes.
 *
 * A run: start the three fakes on free ports (their logs in the case's folder), load the
 * scenario into the fakes it has sections for, sign the user in, run the steps (the
 * provisioner with the fakes' URLs in its environment), then check exit codes, output fields,
 * journal counts and the totals across the services, and stop the fakes (a fake that does not
 * exit cleanly, a crash or a sanitizer report, fails the case). The first expectation that
 * does not hold ends the run; its failure says what was expected, what was seen, and shows the
 * fakes' merged journals and the provisioner's stderr. Safe to call from several threads at
 * once: each run owns its fakes, folder and children. */
#ifndef FX_QA_RUN_H
#define FX_QA_RUN_H

#include <stdbool.h>

#include "fakes/qa_case.h"
#include "fakes/state.h"

struct fx_run_env {
    const char *bin;              /* the fakes and the provisioner */
    const char *logs;             /* each case gets the folder logs/NAME */
    const struct fx_creds *creds; /* the fakes' credentials, anon and service keys included */
    const char *tls_dir;          /* fx_tls_make's folder: the fakes speak HTTPS; NULL: HTTP */
};

struct fx_result {
    bool passed;
    double seconds;
    char *failure; /* NULL when passed: the failed expectation, what was seen, the context */
    char *dir;     /* the case's log folder */
};

/* Run c (which must be valid). Fills res; returns 0, or FK_ENOMEM. */
int fx_case_run(const struct fx_run_env *env, const struct fx_case *c,
                struct fx_result *res) FK_MUST_CHECK;
void fx_result_cleanup(struct fx_result *res);

#endif
