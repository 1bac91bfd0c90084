/* qa_report.h: what `fakes test` shows: a line per case as it ends, a summary, JUnit XML.
 *
 * A case line is "PASS  NAME  1.23 s" or "FAIL  NAME  1.23 s" followed, for a failure, by
 * the failure indented by four spaces; colour only when the stream is a terminal and NO_COLOR
 * is not set. The JUnit file follows the schema CI systems read (Jenkins, GitLab, GitHub
 * reporters): one <testsuite> with a <testcase> per case, the failure's first line as the
 * message attribute and the whole text as the element's content. */
#ifndef FX_QA_REPORT_H
#define FX_QA_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "fakekit/err.h"
#include "fakes/qa_case.h"
#include "fakes/qa_run.h"

/* One line (and the failure) for c to out. */
void fx_report_case(FILE *out, bool color, const struct fx_case *c, const struct fx_result *r);

/* JUnit XML of cases cs with results res (same order) to path. 0, or FK_EIO with err. */
int fx_report_junit(const char *path, const struct fx_cases *cs, const struct fx_result *res,
                    double seconds, struct fk_error *err) FK_MUST_CHECK;

#endif
