/* trace.c: text and JSON-lines flow trace.
 *
 * Each event is formatted into one buffer and written with a single fputs under the FILE
 * lock, so lines from concurrent `serve` requests never mix. */
#include "provisioner/trace.h"

#include <errno.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "fakekit/clock.h"

int prov_trace_open(struct prov_trace *t, const char *mode, const char *file, struct fk_error *err)
{
    memset(t, 0, sizeof(*t));
    t->t0 = fk_mono_us();
    if (mode == NULL || *mode == '\0')
        return 0;
    if (strcmp(mode, "text") == 0) {
        t->mode = PROV_TRACE_TEXT;
    } else if (strcmp(mode, "json") == 0) {
        t->mode = PROV_TRACE_JSON;
    } else {
        fk_error_set(err, "--trace: expected text or json, got '%s'", mode);
        return FK_EINVAL;
    }
    t->f = stderr;
    if (file != NULL && *file != '\0') {
        t->f = fopen(file, "a");
        if (t->f == NULL) {
            fk_error_set(err, "--trace-file %s: %s", file, strerror(errno));
            t->mode = PROV_TRACE_OFF;
            return FK_EIO;
        }
        t->own = 1;
    }
    return 0;
}

void prov_trace_close(struct prov_trace *t)
{
    if (t == NULL)
        return;
    if (t->own && t->f != NULL)
        fclose(t->f);
    t->f = NULL;
    t->own = 0;
    t->mode = PROV_TRACE_OFF;
}

static long since_ms(const struct prov_trace *t)
{
    return (long)((fk_mono_us() - t->t0) / 1000);
}

static void emit_json(struct prov_trace *t, cJSON *o)
{
    char *s = o ? cJSON_PrintUnformatted(o) : NULL;
    if (s != NULL) {
        flockfile(t->f);
        fputs(s, t->f);
        fputc('\n', t->f);
        fflush(t->f);
        funlockfile(t->f);
    }
    cJSON_free(s);
    cJSON_Delete(o);
}

static void emit_text(struct prov_trace *t, const char *line)
{
    flockfile(t->f);
    fputs(line, t->f);
    fflush(t->f);
    funlockfile(t->f);
}

void prov_trace_step(struct prov_trace *t, const char *job, const char *step, const char *event,
                     const char *detail)
{
    if (t == NULL || t->mode == PROV_TRACE_OFF)
        return;
    if (t->mode == PROV_TRACE_JSON) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "t_ms", (double)since_ms(t));
        cJSON_AddStringToObject(o, "event", "step");
        if (job != NULL)
            cJSON_AddStringToObject(o, "job_id", job);
        cJSON_AddStringToObject(o, "step", step);
        cJSON_AddStringToObject(o, "result", event);
        if (detail != NULL)
            cJSON_AddStringToObject(o, "detail", detail);
        emit_json(t, o);
        return;
    }
    char line[1024];
    snprintf(line, sizeof(line), "+%6ldms  %-12s %-5s%s%s\n", since_ms(t), step, event,
             detail ? "  " : "", detail ? detail : "");
    emit_text(t, line);
}

void prov_trace_attempt(struct prov_trace *t, const struct prov_trace_attempt *a)
{
    if (t == NULL || t->mode == PROV_TRACE_OFF)
        return;
    if (t->mode == PROV_TRACE_JSON) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "t_ms", (double)since_ms(t));
        cJSON_AddStringToObject(o, "event", "attempt");
        if (a->job != NULL)
            cJSON_AddStringToObject(o, "job_id", a->job);
        cJSON_AddStringToObject(o, "step", a->step);
        cJSON_AddNumberToObject(o, "attempt", (double)a->attempt);
        cJSON_AddStringToObject(o, "service", a->service);
        cJSON_AddStringToObject(o, "method", a->method);
        cJSON_AddStringToObject(o, "path", a->path);
        if (a->status > 0)
            cJSON_AddNumberToObject(o, "status", (double)a->status);
        else
            cJSON_AddNullToObject(o, "status");
        cJSON_AddNumberToObject(o, "ms", (double)a->ms);
        cJSON_AddStringToObject(o, "outcome", a->outcome);
        if (a->wait_ms >= 0)
            cJSON_AddNumberToObject(o, "retry_in_ms", (double)a->wait_ms);
        emit_json(t, o);
        return;
    }
    char status[24] = "---";
    if (a->status > 0)
        snprintf(status, sizeof(status), "%ld", a->status);
    char wait[48] = "";
    if (a->wait_ms >= 0)
        snprintf(wait, sizeof(wait), ", retry in %ldms", a->wait_ms);
    char line[2048];
    snprintf(line, sizeof(line), "+%6ldms  %-12s attempt %ld  %-8s %s %s -> %s in %ldms: %s%s\n",
             since_ms(t), a->step, a->attempt, a->service, a->method, a->path, status, a->ms,
             a->outcome, wait);
    emit_text(t, line);
}
