/* heads.h: a deadline for every request head, and the thread that enforces it.
 *
 * libmicrohttpd's timeout counts idle time only: a client sending one byte of its headers
 * every 20 s keeps a connection forever. So each connection is armed here when it opens and
 * again each time an answer has gone out, and disarmed when its request's line and headers
 * are complete; one thread shuts down (shutdown(2), both ways) the socket of any connection
 * still armed when its time is up, and libmicrohttpd then closes it as a connection the
 * client closed. The deadline is the same for every connection, so arming appends to a FIFO
 * that is already in deadline order: arming, disarming and expiring are O(1). The socket is
 * only ever shut down under the lock that disarming takes, so the caller disarms before the
 * descriptor is closed and the thread never touches a descriptor that was reused. */
#ifndef FK_HEADS_H
#define FK_HEADS_H

#include <stdbool.h>
#include <stdint.h>

/* Embedded in the caller's per-connection state; zero it before first use. */
struct fk_head {
    int64_t due_us; /* fk_mono_us() deadline while armed */
    int fd;
    bool armed;
    bool expired; /* the deadline passed and the socket was shut down: never armed again */
    struct fk_head *prev, *next;
};

struct fk_heads;

/* Start the thread; every head armed later has timeout_ms. NULL on failure. */
struct fk_heads *fk_heads_new(long timeout_ms);
/* (Re)start h's deadline now, for socket fd. Does nothing once h has expired. */
void fk_heads_arm(struct fk_heads *hs, struct fk_head *h, int fd);
/* Stop h's deadline. Returns true when it had already expired (the socket is shut down). */
bool fk_heads_disarm(struct fk_heads *hs, struct fk_head *h);
/* Stop the thread and free (every head must be disarmed first). NULL-safe. */
void fk_heads_free(struct fk_heads *hs);

#endif
