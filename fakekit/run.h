/* run.h: a fake's whole life: parse flags, open the store, serve, stop on a signal.
 *
 * main() of every fake is fk_run(&descriptor, argc, argv). Exit status: 0 after a clean
 * SIGINT/SIGTERM, 2 for bad flags or an unreadable scenario (one line on stderr, nothing
 * started), 1 when the port cannot be bound or the database cannot be opened. */
#ifndef FK_RUN_H
#define FK_RUN_H

#include <stdbool.h>

#include "fakekit/descriptor.h"

/* Values of the common flags, readable by a fake's handlers and init (e.g. --seed). */
struct fk_common {
    const char *host;
    long port;
    const char *port_file;
    const char *db;
    const char *scenario;
    long seed;
    long journal_size;
    const char *log_level;
    const char *admin_token; /* NULL: the admin API is open (loopback use) */
    bool journal_secrets;    /* keep credentials whole in the journal */
    long max_conns_per_client;
    long head_timeout_ms;
    const char *tls_cert; /* --tls-cert and --tls-key: PEM files; both, or neither */
    const char *tls_key;
};
extern struct fk_common fk_common;

int fk_run(const struct fk_service *svc, int argc, char **argv);

#endif
