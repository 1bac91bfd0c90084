/* waits.h: parked connections and the one thread that wakes them.
 *
 * In its event mode the server answers from a small pool of threads, so a delay, a slow body
 * or a hang must not sleep in a callback: the connection is suspended and parked here with a
 * due time, and this module's thread calls wake() once that time comes (or, for a hang, once
 * the peer closes the socket). wake() runs on that thread without the lock held; it is where
 * the server resumes the connection. Closing wakes everything still parked. */
#ifndef FK_WAITS_H
#define FK_WAITS_H

#include <stdbool.h>
#include <stdint.h>

typedef void (*fk_wake_fn)(void *item);

/* Embedded in the caller's per-request state; zero it before first use. */
struct fk_wait {
    int64_t due_us; /* fk_mono_us() time to wake at */
    int fd;         /* >= 0: also wake when the peer has closed this socket */
    void *item;     /* handed to wake() */
    bool queued;
    struct fk_wait *next;
};

struct fk_waits;

/* Start the waker thread. NULL on failure. */
struct fk_waits *fk_waits_new(fk_wake_fn wake);
/* Park w until due_us (and, with fd >= 0, until the peer closes fd, whichever is first).
 * Returns false once fk_waits_close has run: the caller must wake the item itself. */
bool fk_waits_add(struct fk_waits *ws, struct fk_wait *w, int64_t due_us, int fd, void *item);
/* Take w out if it is still parked (no wake() for it then). */
void fk_waits_remove(struct fk_waits *ws, struct fk_wait *w);
/* Wake everything parked, refuse further waits and stop the thread. */
void fk_waits_close(struct fk_waits *ws);
/* Free (after fk_waits_close). NULL-safe. */
void fk_waits_free(struct fk_waits *ws);

#endif
