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
 * fakekit/ is below all of them. */
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
