/* trio.h: the three fakes started together on free ports, for `fakes up` and `fakes test`.
 *
 * Each fake gets --port 0, a port file and a log file in one folder, the credentials of
 * struct fx_creds, and optionally a database folder and a seed. fx_trio_start returns once
 * every fake printed its listening line and answered GET /__admin/health with its own
 * service name; on any failure it stops what it started, so the caller never owns half a
 * set. */
#ifndef FX_TRIO_H
#define FX_TRIO_H

#include <stddef.h>

#include "fakekit/err.h"
#include "fakes/state.h"

struct fx_trio_opts {
    const char *bin;              /* folder holding fake_twilio, fake_livekit, fake_supabase */
    const char *dir;              /* NAME.port and NAME.log are written here */
    const char *db_dir;           /* NAME.db files here; NULL: each fake's :memory: */
    const char *seed;             /* --seed; NULL: the fakes' default */
    const char *log_level;        /* --log-level; NULL: the fakes' default (info) */
    const struct fx_creds *creds; /* passed as each fake's credential flags */
    unsigned spawn_flags;         /* FX_SPAWN_TIED for fakes test, 0 for daemons */
    const char *tls_dir;          /* cert.pem and key.pem of fx_tls_make: HTTPS; NULL: HTTP */
};

/* Start the three in fx_fake_names order into r. 0, or FK_EIO with err naming the fake and
 * the reason (nothing is left running). */
int fx_trio_start(const struct fx_trio_opts *t, struct fx_running r[FX_NFAKES],
                  struct fk_error *err) FK_MUST_CHECK;

/* SIGTERM the n first of r, wait up to grace_ms, then SIGKILL. status[i] receives each wait
 * status (-1 when not reaped here); may be NULL. Returns how many survived. */
int fx_trio_stop(const struct fx_running *r, int n, long grace_ms, int *status);

/* The folder of the fakes: given when not NULL, else the folder this program is in.
 * 0 or -1. */
int fx_bin_dir(const char *given, char *buf, size_t len);

#endif
