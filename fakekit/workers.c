/* workers.c: n threads taking work from one FIFO queue (see workers.h).
 *
 * One mutex and one condition variable: submit appends and signals, a thread takes the head
 * or sleeps. Closing sets a flag, wakes every thread, and the threads run what they hold to
 * its end; the queue's remainder is handed back cancelled on the closing thread, after the
 * joins, so no run() is left running when fk_workers_close returns. Freeing is separate: the
 * server's event loop may still try to submit (and be refused) until it has stopped. */
#include "fakekit/workers.h"

#include <pthread.h>
#include <stdlib.h>

struct fk_workers {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    fk_work_fn run;
    struct fk_work *head, *tail;
    bool closing;
    unsigned n;
    pthread_t threads[];
};

static void *worker(void *arg)
{
    struct fk_workers *ws = arg;

    pthread_mutex_lock(&ws->mu);
    for (;;) {
        while (!ws->closing && ws->head == NULL)
            pthread_cond_wait(&ws->cv, &ws->mu);
        if (ws->closing)
            break;
        struct fk_work *w = ws->head;
        ws->head = w->next;
        if (ws->head == NULL)
            ws->tail = NULL;
        pthread_mutex_unlock(&ws->mu);
        ws->run(w->item, false);
        pthread_mutex_lock(&ws->mu);
    }
    pthread_mutex_unlock(&ws->mu);
    return NULL;
}

struct fk_workers *fk_workers_new(unsigned n, fk_work_fn run)
{
    struct fk_workers *ws = calloc(1, sizeof(*ws) + n * sizeof(pthread_t));

    if (ws == NULL || n == 0) {
        free(ws);
        return NULL;
    }
    ws->run = run;
    pthread_mutex_init(&ws->mu, NULL);
    pthread_cond_init(&ws->cv, NULL);
    for (; ws->n < n; ws->n++) {
        if (pthread_create(&ws->threads[ws->n], NULL, worker, ws) != 0) {
            fk_workers_close(ws);
            fk_workers_free(ws);
            return NULL;
        }
    }
    return ws;
}

bool fk_workers_submit(struct fk_workers *ws, struct fk_work *w, void *item)
{
    bool ok;

    w->item = item;
    w->next = NULL;
    pthread_mutex_lock(&ws->mu);
    ok = !ws->closing;
    if (ok) {
        if (ws->tail != NULL)
            ws->tail->next = w;
        else
            ws->head = w;
        ws->tail = w;
        pthread_cond_signal(&ws->cv);
    }
    pthread_mutex_unlock(&ws->mu);
    return ok;
}

void fk_workers_close(struct fk_workers *ws)
{
    struct fk_work *left;

    if (ws == NULL)
        return;
    pthread_mutex_lock(&ws->mu);
    ws->closing = true;
    pthread_cond_broadcast(&ws->cv);
    pthread_mutex_unlock(&ws->mu);
    for (unsigned i = 0; i < ws->n; i++)
        pthread_join(ws->threads[i], NULL);
    ws->n = 0;                   /* a second close joins nothing */
    pthread_mutex_lock(&ws->mu); /* submit may still look (and refuse) */
    left = ws->head;
    ws->head = ws->tail = NULL;
    pthread_mutex_unlock(&ws->mu);
    while (left != NULL) {
        struct fk_work *w = left;
        left = w->next;
        ws->run(w->item, true);
    }
}

void fk_workers_free(struct fk_workers *ws)
{
    if (ws == NULL)
        return;
    pthread_cond_destroy(&ws->cv);
    pthread_mutex_destroy(&ws->mu);
    free(ws);
}
