/* workers.h: a fixed pool of threads for work that blocks (provisioner serve's flows).
 *
 * The server's event loop must never block, yet `provisioner serve` answers each request by
 * running a whole flow over the network. So the loop suspends the connection and hands the
 * request here; one of `n` threads runs it and the loop resumes the connection when it is
 * done. The number of threads is fixed whatever the number of connections (a thread per
 * connection let 1,000 idle sockets cost 1,000 threads); work waits in a FIFO queue, which
 * is bounded by the server's connection limit (one request in flight per connection). */
#ifndef FK_WORKERS_H
#define FK_WORKERS_H

#include <stdbool.h>
#include <stddef.h>

/* run(item, false) does the work; at close, items still queued get run(item, true): they are
 * not worked on, only released (the caller resumes their connections). */
typedef void (*fk_work_fn)(void *item, bool cancelled);

/* Embedded in the caller's per-request state. */
struct fk_work {
    void *item;
    struct fk_work *next;
};

struct fk_workers;

/* Start n threads (n >= 1). NULL on failure. */
struct fk_workers *fk_workers_new(unsigned n, fk_work_fn run);
/* Queue w (for item). Returns false once fk_workers_close has begun: the caller handles
 * the item itself. */
bool fk_workers_submit(struct fk_workers *ws, struct fk_work *w, void *item);
/* Refuse new work (fk_workers_submit returns false from now on), wait for the work under
 * way, join the threads, and hand what is still queued to run(item, true). NULL-safe. */
void fk_workers_close(struct fk_workers *ws);
/* Free, once nothing can call fk_workers_submit any more. NULL-safe. */
void fk_workers_free(struct fk_workers *ws);

#endif
