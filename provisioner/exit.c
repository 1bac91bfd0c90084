/* exit.c: what each exit code means, for --help. */
#include "provisioner/exit.h"

#include <stddef.h>

static const char *const exit_text[PROV_EXIT_MAX + 1] = {
    [PROV_EXIT_OK] = "ok: provisioned, existing, released or reconciled",
    [PROV_EXIT_INTERNAL] = "internal error (out of memory)",
    [PROV_EXIT_USAGE] = "usage or bad input (no call was made)",
    [PROV_EXIT_AUTH] = "authentication failed (user token refused)",
    [PROV_EXIT_IN_PROGRESS] =
        "job in progress (another run holds the lease, or took it from this run)",
    [PROV_EXIT_NO_NUMBERS] = "no numbers available",
    [PROV_EXIT_PERMANENT] = "upstream permanent error (4xx); job left resumable",
    [PROV_EXIT_UNAVAILABLE] = "upstream unavailable or deadline exceeded; job left resumable",
    [PROV_EXIT_COMPENSATED] = "flow failed and was rolled back (--compensate)",
    [PROV_EXIT_DRIFT] = "reconcile found drift (run with --fix to repair; with it, see unfixed)",
};

const char *prov_exit_describe(int code)
{
    if (code < 0 || code > PROV_EXIT_MAX)
        return NULL;
    return exit_text[code];
}
