/* qa_report.c: case lines, the JUnit file (see qa_report.h). */
#include "fakes/qa_report.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "fakes/svg.h"

void fx_report_case(FILE *out, bool color, const struct fx_case *c, const struct fx_result *r)
{
    const char *word = r->passed ? "PASS" : "FAIL";
    const char *on = !color ? "" : r->passed ? "\033[32m" : "\033[1;31m";
    const char *off = color ? "\033[0m" : "";

    fprintf(out, "%s%s%s  %-48s %6.2f s\n", on, word, off, c->name, r->seconds);
    for (const char *p = r->failure; p != NULL && *p;) {
        const char *nl = strchr(p, '\n');
        int len = nl != NULL ? (int)(nl - p) : (int)strlen(p);
        fprintf(out, "    %.*s\n", len, p);
        p += len + (nl != NULL);
    }
    fflush(out);
}

/* The first line of text, escaped, for the message attribute. */
static void first_line(FILE *out, const char *text)
{
    char line[512];
    size_t n = strcspn(text, "\n");

    snprintf(line, sizeof(line), "%.*s", (int)(n < sizeof(line) - 1 ? n : sizeof(line) - 1), text);
    fx_xml_escape(out, line);
}

int fx_report_junit(const char *path, const struct fx_cases *cs, const struct fx_result *res,
                    double seconds, struct fk_error *err)
{
    FILE *f = fopen(path, "we");
    size_t failed = 0;
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;

    if (f == NULL) {
        fk_error_set(err, "--junit %s: %s", path, strerror(errno));
        return FK_EIO;
    }
    for (size_t i = 0; i < cs->n; i++)
        failed += !res[i].passed;
    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", gmtime_r(&now, &tm));
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(f, "<testsuites name=\"fakes test\" tests=\"%zu\" failures=\"%zu\" time=\"%.3f\">\n",
            cs->n, failed, seconds);
    fprintf(f,
            "  <testsuite name=\"fakes test\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
            "skipped=\"0\" time=\"%.3f\" timestamp=\"%s\">\n",
            cs->n, failed, seconds, stamp);
    for (size_t i = 0; i < cs->n; i++) {
        const struct fx_case *c = &cs->v[i];
        fputs("    <testcase classname=\"", f);
        fx_xml_escape(f, c->scenario_path);
        fputs("\" name=\"", f);
        fx_xml_escape(f, c->name);
        fprintf(f, "\" time=\"%.3f\"", res[i].seconds);
        if (res[i].passed) {
            fputs("/>\n", f);
            continue;
        }
        fputs(">\n      <failure message=\"", f);
        first_line(f, res[i].failure != NULL ? res[i].failure : "failed");
        fputs("\" type=\"expectation\">", f);
        fx_xml_escape(f, res[i].failure != NULL ? res[i].failure : "failed");
        fputs("</failure>\n    </testcase>\n", f);
    }
    fputs("  </testsuite>\n</testsuites>\n", f);
    if (ferror(f) | (fclose(f) != 0)) {
        fk_error_set(err, "--junit %s: write failed", path);
        return FK_EIO;
    }
    return 0;
}
