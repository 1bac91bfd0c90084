/* sequence.c: Mermaid sequenceDiagram text from a timeline.
 *
 * Mermaid reads ';' as a statement end and '#' as the start of an entity code, and passes
 * '<' '>' through as HTML, so message text is escaped with its numeric entity codes
 * (mermaid.js.org "Entity codes to escape characters"). */
#include "fakes/sequence.h"

#include <string.h>

const char *const fx_participants[4] = {"provisioner", "twilio", "supabase", "livekit"};

int fx_participant_col(const char *service)
{
    for (int i = 1; service != NULL && i < FX_NPARTICIPANTS; i++) {
        if (strcmp(service, fx_participants[i]) == 0)
            return i;
    }
    return 0;
}

void fx_mermaid_escape(FILE *out, const char *s)
{
    for (; s != NULL && *s != '\0'; s++) {
        switch (*s) {
        case ';':
            fputs("#59;", out);
            break;
        case '#':
            fputs("#35;", out);
            break;
        case '<':
            fputs("#60;", out);
            break;
        case '>':
            fputs("#62;", out);
            break;
        case '"':
            fputs("#34;", out);
            break;
        case '\n':
        case '\r':
        case '\t':
            fputc(' ', out);
            break;
        default:
            fputc(*s, out);
        }
    }
}

const char *fx_short_path(const char *path, size_t max, char *buf, size_t len)
{
    size_t n = strlen(path);
    const char *rest = path, *last;

    if (len == 0)
        return "";
    if (n <= max) {
        snprintf(buf, len, "%s", path);
        return buf;
    }
    last = strrchr(path, '/');
    if (last == NULL || last == path) {
        snprintf(buf, len, "%s", path);
        return buf;
    }
    /* Drop whole leading segments while "/…" + the rest is still too long ("…" counts as
     * one character on screen); stop at the last segment. */
    while (rest < last) {
        const char *next = strchr(rest + 1, '/');
        if (next == NULL || strlen(rest) + 2 <= max)
            break;
        rest = next;
    }
    if (rest == path) {
        snprintf(buf, len, "%s", path);
        return buf;
    }
    snprintf(buf, len, "/\u2026%s", rest);
    return buf;
}

static void request_label(FILE *out, const struct fx_row *r)
{
    char p[128];

    fx_mermaid_escape(out, r->method);
    fputc(' ', out);
    fx_mermaid_escape(out, fx_short_path(r->path, 48, p, sizeof(p)));
    if (r->step != NULL) {
        fputs(" (", out);
        fx_mermaid_escape(out, r->step);
        if (r->attempt > 1)
            fprintf(out, " try %ld", r->attempt);
        fputc(')', out);
    }
}

static void reply(FILE *out, const struct fx_row *r, const char *svc)
{
    if (r->status == 0)
        fprintf(out, "    %s--xprovisioner: no answer", svc);
    else
        fprintf(out, "    %s-->>provisioner: %ld", svc, r->status);
    if (r->rate_limited)
        fputs(" rate limited", out);
    if (r->fault != NULL) {
        fputs(" fault=", out);
        fx_mermaid_escape(out, r->fault);
    }
    fprintf(out, " · %.1f ms\n", r->ms);
}

static void request(FILE *out, const struct fx_row *r)
{
    const char *svc = fx_participants[fx_participant_col(r->service)];
    const char *tint = r->fault != NULL  ? "rgb(255, 221, 221)"
                       : r->rate_limited ? "rgb(255, 234, 204)"
                                         : NULL;

    if (tint != NULL)
        fprintf(out, "    rect %s\n", tint);
    fprintf(out, "    provisioner->>%s: ", svc);
    request_label(out, r);
    fputc('\n', out);
    reply(out, r, svc);
    if (r->fault != NULL) {
        fprintf(out, "    Note right of %s: fault ", svc);
        fx_mermaid_escape(out, r->fault);
        fputc('\n', out);
    } else if (r->rate_limited) {
        fprintf(out, "    Note right of %s: rate limited\n", svc);
    }
    if (tint != NULL)
        fputs("    end\n", out);
}

static void client_only(FILE *out, const struct fx_row *r)
{
    const char *svc = fx_participants[fx_participant_col(r->service)];

    fprintf(out, "    rect rgb(235, 235, 235)\n    provisioner-x%s: ", svc);
    request_label(out, r);
    fprintf(out, "\n    Note right of provisioner: never reached %s", svc);
    if (r->outcome != NULL) {
        fputs(": ", out);
        fx_mermaid_escape(out, r->outcome);
    }
    fputs("\n    end\n", out);
}

void fx_mermaid_write(const struct fx_timeline *t, const char *title, FILE *out)
{
    size_t faults = 0, limited = 0, requests = 0;

    for (size_t i = 0; i < t->n; i++) {
        requests += t->rows[i].kind == FX_ROW_REQUEST;
        faults += t->rows[i].fault != NULL;
        limited += t->rows[i].rate_limited;
    }
    fputs("sequenceDiagram\n", out);
    if (title != NULL) {
        fputs("    title ", out);
        fx_mermaid_escape(out, title);
        fputc('\n', out);
    }
    fprintf(out, "    %%%% %zu requests, %zu faulted, %zu rate limited (fakes diagram)\n", requests,
            faults, limited);
    for (int i = 0; i < FX_NPARTICIPANTS; i++)
        fprintf(out, "    participant %s\n", fx_participants[i]);
    for (size_t i = 0; i < t->n; i++) {
        const struct fx_row *r = &t->rows[i];
        if (r->kind == FX_ROW_NOTE) {
            /* Over the provisioner only: the step is the client's, and a note across every
             * lifeline pushes the arrows apart for no information. */
            fputs("    Note over provisioner: ", out);
            fx_mermaid_escape(out, r->outcome);
            fputc('\n', out);
        } else if (r->kind == FX_ROW_CLIENT) {
            client_only(out, r);
        } else {
            request(out, r);
        }
    }
}
