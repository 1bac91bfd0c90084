/* heads.c: request-head deadlines (see heads.h): a FIFO in deadline order and one thread. */
#include "fakekit/heads.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "fakekit/clock.h"
#include "fakekit/log.h"

struct fk_heads {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
    int64_t timeout_us;
    struct fk_head *first, *last; /* armed heads, earliest deadline first */
    bool closing;
};

static void unlink_head(struct fk_heads *hs, struct fk_head *h)
{
    if (h->prev != NULL)
        h->prev->next = h->next;
    else
        hs->first = h->next;
    if (h->next != NULL)
        h->next->prev = h->prev;
    else
        hs->last = h->prev;
    h->prev = h->next = NULL;
    h->armed = false;
}

/* Wait on cv until the absolute monotonic time due_us (or a signal). */
static void sleep_until(struct fk_heads *hs, int64_t due_us)
{
    struct timespec until = {.tv_sec = (time_t)(due_us / 1000000),
                             .tv_nsec = (long)(due_us % 1000000) * 1000L};

    pthread_cond_timedwait(&hs->cv, &hs->mu, &until);
}

static void *run(void *arg)
{
    struct fk_heads *hs = arg;

    pthread_mutex_lock(&hs->mu);
    while (!hs->closing) {
        int64_t now = fk_mono_us();
        while (hs->first != NULL && hs->first->due_us <= now) {
            struct fk_head *h = hs->first;
            unlink_head(hs, h);
            h->expired = true;
            shutdown(h->fd, SHUT_RDWR); /* libmicrohttpd sees the peer gone and closes */
            fk_log(FK_LOG_DEBUG, "msg=\"request head not complete in time: closed\" fd=%d", h->fd);
        }
        if (hs->first == NULL)
            pthread_cond_wait(&hs->cv, &hs->mu);
        else
            sleep_until(hs, hs->first->due_us);
    }
    pthread_mutex_unlock(&hs->mu);
    return NULL;
}

struct fk_heads *fk_heads_new(long timeout_ms)
{
    struct fk_heads *hs = calloc(1, sizeof(*hs));
    pthread_condattr_t ca;

    if (hs == NULL)
        return NULL;
    hs->timeout_us = (int64_t)timeout_ms * 1000;
    pthread_mutex_init(&hs->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* fk_mono_us's clock */
    pthread_cond_init(&hs->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&hs->thread, NULL, run, hs) != 0) {
        pthread_cond_destroy(&hs->cv);
        pthread_mutex_destroy(&hs->mu);
        free(hs);
        return NULL;
    }
    return hs;
}

void fk_heads_arm(struct fk_heads *hs, struct fk_head *h, int fd)
{
    pthread_mutex_lock(&hs->mu);
    if (!h->expired && fd >= 0) {
        if (h->armed)
            unlink_head(hs, h);
        h->fd = fd;
        h->due_us = fk_mono_us() + hs->timeout_us;
        h->armed = true;
        h->prev = hs->last;
        if (hs->last != NULL)
            hs->last->next = h;
        else
            hs->first = h;
        hs->last = h;
        if (hs->first == h)
            pthread_cond_signal(&hs->cv); /* the thread had nothing to wait for */
    }
    pthread_mutex_unlock(&hs->mu);
}

bool fk_heads_disarm(struct fk_heads *hs, struct fk_head *h)
{
    bool expired;

    pthread_mutex_lock(&hs->mu);
    if (h->armed)
        unlink_head(hs, h);
    expired = h->expired;
    pthread_mutex_unlock(&hs->mu);
    return expired;
}

void fk_heads_free(struct fk_heads *hs)
{
    if (hs == NULL)
        return;
    pthread_mutex_lock(&hs->mu);
    hs->closing = true;
    pthread_cond_signal(&hs->cv);
    pthread_mutex_unlock(&hs->mu);
    pthread_join(hs->thread, NULL);
    pthread_cond_destroy(&hs->cv);
    pthread_mutex_destroy(&hs->mu);
    free(hs);
}
