/* trace.h: the flow trace (the seed's FlowTracker): every step and every HTTP attempt.
 *
 * text: a readable timeline, one line per event, times relative to the start:
 *     +   12ms  purchase     attempt 1  twilio   POST /2010-04-01/.../IncomingPhoneNumbers.json
 *                             -> 201 in 8ms: ok
 * json: one JSON object per line ({"t_ms":..,"event":"attempt","step":..,"service":..}).
 * Written to stderr or appended to a file; lines are written whole, so concurrent requests
 * of `serve` interleave by line, never inside one. Off, every call is a no-op.
 *
 * Layer 1 (exit.h): written by ctx.c (attempts), the steps and the job layer (state
 * changes); opened and closed by cli.c. */
#ifndef PROV_TRACE_H
#define PROV_TRACE_H

#include <stdint.h>
#include <stdio.h>

#include "fakekit/err.h"

enum prov_trace_mode { PROV_TRACE_OFF = 0, PROV_TRACE_TEXT, PROV_TRACE_JSON };

struct prov_trace {
    enum prov_trace_mode mode;
    FILE *f;    /* stderr or an owned file */
    int own;    /* 1 when f is ours to close */
    int64_t t0; /* monotonic start, microseconds */
};

/* mode NULL means off. file NULL means stderr. FK_EINVAL (bad mode) or FK_EIO with err. */
int prov_trace_open(struct prov_trace *t, const char *mode, const char *file,
                    struct fk_error *err) FK_MUST_CHECK;
void prov_trace_close(struct prov_trace *t); /* NULL-safe */

/* A step event: event is "start", "done", "skip", "fail", ... or "state" (the job's step
 * changed: detail "created -> [purchasing]", job.h); detail may be NULL. */
void prov_trace_step(struct prov_trace *t, const char *job, const char *step, const char *event,
                     const char *detail);

struct prov_trace_attempt {
    const char *job; /* may be NULL */
    const char *step;
    long attempt;        /* 1-based */
    const char *service; /* twilio | supabase | livekit */
    const char *method;
    const char *path; /* URL path and query, no host */
    long status;      /* 0 when no response */
    long ms;
    const char *outcome; /* ok, http_4xx, rate_limited, server_error, timeout, ... */
    long wait_ms;        /* backoff before the next attempt, -1 if none */
};
void prov_trace_attempt(struct prov_trace *t, const struct prov_trace_attempt *a);

#endif
