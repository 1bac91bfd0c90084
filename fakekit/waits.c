/* waits.c: a list of parked waits and one thread that wakes them when they are due.
 *
 * The list is short (only connections that are being delayed, dribbled or left hanging), so
 * a linked list scanned on every tick is simpler than a heap and just as fast in practice.
 * Hangs are polled every 50 ms for a closed peer, as a suspended connection is invisible to
 * libmicrohttpd's own event loop. */
#include "fakekit/waits.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "fakekit/clock.h"

#define HANG_POLL_US 50000

struct fk_waits {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
    fk_wake_fn wake;
    struct fk_wait *head;
    bool closing;
};

static bool peer_closed(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN | POLLRDHUP};
    char c;

    if (poll(&p, 1, 0) <= 0)
        return false;
    if (p.revents & (POLLRDHUP | POLLHUP | POLLERR))
        return true;
    return recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

/* Unlink every due wait into *fire; return the time of the next one (or INT64_MAX). */
static int64_t collect(struct fk_waits *ws, int64_t now, struct fk_wait **fire)
{
    int64_t next = INT64_MAX;

    for (struct fk_wait **pp = &ws->head; *pp != NULL;) {
        struct fk_wait *w = *pp;
        if (ws->closing || w->due_us <= now || (w->fd >= 0 && peer_closed(w->fd))) {
            *pp = w->next;
            w->queued = false;
            w->next = *fire;
            *fire = w;
            continue;
        }
        if (w->due_us < next)
            next = w->due_us;
        if (w->fd >= 0 && now + HANG_POLL_US < next)
            next = now + HANG_POLL_US;
        pp = &w->next;
    }
    return next;
}

static void *run(void *arg)
{
    struct fk_waits *ws = arg;

    pthread_mutex_lock(&ws->mu);
    for (;;) {
        struct fk_wait *fire = NULL;
        bool closing = ws->closing;
        int64_t next = collect(ws, fk_mono_us(), &fire);
        if (fire != NULL) {
            pthread_mutex_unlock(&ws->mu);
            while (fire != NULL) {
                struct fk_wait *w = fire;
                fire = w->next;
                w->next = NULL;
                ws->wake(w->item);
            }
            pthread_mutex_lock(&ws->mu);
            continue;
        }
        if (closing)
            break;
        if (next == INT64_MAX) {
            pthread_cond_wait(&ws->cv, &ws->mu);
            continue;
        }
        /* Sleep on CLOCK_MONOTONIC's view of time, converted to the condvar's clock. */
        int64_t delta = next - fk_mono_us();
        if (delta <= 0)
            continue;
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += (time_t)(delta / 1000000);
        until.tv_nsec += (long)(delta % 1000000) * 1000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&ws->cv, &ws->mu, &until);
    }
    pthread_mutex_unlock(&ws->mu);
    return NULL;
}

struct fk_waits *fk_waits_new(fk_wake_fn wake)
{
    struct fk_waits *ws = calloc(1, sizeof(*ws));
    pthread_condattr_t ca;

    if (ws == NULL)
        return NULL;
    ws->wake = wake;
    pthread_mutex_init(&ws->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&ws->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&ws->thread, NULL, run, ws) != 0) {
        pthread_cond_destroy(&ws->cv);
        pthread_mutex_destroy(&ws->mu);
        free(ws);
        return NULL;
    }
    return ws;
}

bool fk_waits_add(struct fk_waits *ws, struct fk_wait *w, int64_t due_us, int fd, void *item)
{
    bool ok;

    pthread_mutex_lock(&ws->mu);
    ok = !ws->closing;
    if (ok) {
        w->due_us = due_us;
        w->fd = fd;
        w->item = item;
        w->queued = true;
        w->next = ws->head;
        ws->head = w;
        pthread_cond_signal(&ws->cv);
    }
    pthread_mutex_unlock(&ws->mu);
    return ok;
}

void fk_waits_remove(struct fk_waits *ws, struct fk_wait *w)
{
    pthread_mutex_lock(&ws->mu);
    if (w->queued) {
        for (struct fk_wait **pp = &ws->head; *pp != NULL; pp = &(*pp)->next) {
            if (*pp == w) {
                *pp = w->next;
                break;
            }
        }
        w->queued = false;
    }
    pthread_mutex_unlock(&ws->mu);
}

void fk_waits_close(struct fk_waits *ws)
{
    if (ws == NULL)
        return;
    pthread_mutex_lock(&ws->mu);
    ws->closing = true;
    pthread_cond_signal(&ws->cv);
    pthread_mutex_unlock(&ws->mu);
    pthread_join(ws->thread, NULL);
}

void fk_waits_free(struct fk_waits *ws)
{
    if (ws == NULL)
        return;
    pthread_cond_destroy(&ws->cv);
    pthread_mutex_destroy(&ws->mu);
    free(ws);
}
