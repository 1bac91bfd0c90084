/* exit.h: the provisioner's exit codes, its lowest-level header.
 *
 * Layers, lowest first. A file includes only headers of its own layer or below, and calls
 * only downward (`make lint` checks the includes, scripts/prov-layers.sh):
 *   0 exit.h                    exit codes
 *   1 config.h trace.h          settings; the flow trace
 *     http.h retry.h            one libcurl exchange; backoff arithmetic
 *   2 ctx.h                     one command's context and output, prov_call() (ctx.c)
 *   3 twilio_api.h              the services' calls and parsers
 *     supabase_api.h livekit_api.h
 *   4 job.h                     the job row and its state machine (job.c)
 *   5 steps.h                   the steps that create and undo (steps.c register.c undo.c)
 *   6 flow.h                    provision, resume, release (flow.c release.c)
 *   7 reconcile.h               reconcile and its repairs (reconcile.c reconcile_fix.c)
 *   8 cli.h                     the command line and `serve` (cli.c serve.c main.c)
 * fakekit/ is below all of them.
 *
 * Return convention. 0 means success everywhere; what a nonzero value means depends on the
 * layer, and never both in one function:
 *   layers 1-4 (leaves, ctx, services, job rows) return 0 or a negative `enum fk_err`
 *     (fakekit/err.h); what a call found goes to out-parameters, and a failed call's details
 *     (class, HTTP status, message) to its `struct prov_result`. They record nothing.
 *   layers 5-8 (steps, flow, reconcile, cli) return an exit code, `enum prov_exit` below; the
 *     failure's message goes to ctx->out.error through prov_fail()/prov_fail_call(), which
 *     return the code they record (`return prov_fail(ctx, PROV_EXIT_AUTH, ...)`), and
 *     what a step found (a number adopted, a trunk found) to out-parameters.
 * In layers 5-8 a static helper that only strings service calls together (release.c's
 * drop_trunk) keeps the services' convention and takes their prov_result; a variable named
 * `rc` holds an fk_err, one named `code` an exit code.
 * The exit code lives in one place, the return value, up to the command's top (cli.c,
 * serve.c), which turns it into the process's status or the HTTP status. Why: the code is the
 * flow's decision (compensate? in progress?) and travels up by value as curl's CURLcode
 * does; a copy in the output that any prov_fail() overwrote is a second answer that can
 * disagree with the first. */
#ifndef PROV_EXIT_H
#define PROV_EXIT_H

enum prov_exit {
    PROV_EXIT_OK = 0,          /* provisioned, existing, released, reconciled */
    PROV_EXIT_INTERNAL = 1,    /* out of memory or a bug */
    PROV_EXIT_USAGE = 2,       /* bad flags or input; no call was made */
    PROV_EXIT_AUTH = 3,        /* the user's token was refused (401/403) */
    PROV_EXIT_IN_PROGRESS = 4, /* another run holds the user's job lease, or took it over */
    PROV_EXIT_NO_NUMBERS = 5,  /* no number available for the country, type and area code */
    PROV_EXIT_PERMANENT = 6,   /* an upstream refused a request (4xx); job left resumable */
    PROV_EXIT_UNAVAILABLE = 7, /* upstream unavailable or deadline exceeded; resumable */
    PROV_EXIT_COMPENSATED = 8, /* the flow failed and --compensate rolled it back */
    PROV_EXIT_DRIFT = 9,       /* reconcile found drift: without --fix, or --fix left some */
};
#define PROV_EXIT_MAX 9

/* One line per exit code for --help (NULL for unused codes). */
const char *prov_exit_describe(int code);

#endif
