/* signals.h: SIGINT and SIGTERM, received by one thread that waits for them.
 *
 * Called by the kit's run loop (run.c), the server (server.c) and the provisioner's serve;
 * they call nothing of the kit. */
#ifndef FK_SIGNALS_H
#define FK_SIGNALS_H

/* Block SIGINT/SIGTERM (and ignore SIGPIPE) in the calling thread and every thread it starts
 * afterwards, so that fk_wait_for_signal receives them. fk_server_start calls it. */
void fk_signals_block(void);
/* Block until SIGINT or SIGTERM arrives; returns the signal number. */
int fk_wait_for_signal(void);

#endif
