/* limits.h: every size and count limit of fakekit, named, in one place.
 *
 * A limit that a user may change at run time (journal size) has its default here and its
 * flag in run.c; the others are fixed so that behaviour under hostile input is predictable.
 *
 * FK_CONNECTION_MEMORY stays at 32 KiB: above that libmicrohttpd mmap()s each connection's pool
 * and munmap()s it on close, and on a VM the TLB shootdown of that munmap cost a quarter of
 * fake_twilio's CPU in the flows benchmark (every purchase is a new connection). It also bounds
 * a request's head: a line or query parameters that do not fit get 414, headers 431
 * (server.c makes the answer the same every time).
 *
 * One client must not take every connection: FK_CONNS_PER_CLIENT (a quarter of
 * FK_CONNECTION_LIMIT, room for wrk's 64 connections and provisioner serve's pool of kept-alive
 * handles, all from 127.0.0.1) caps what one address holds, and FK_HEAD_TIMEOUT_MS bounds how
 * long a connection may take to deliver a request's head, counted from the connect or from the
 * previous answer (so it is also how long an idle kept-alive connection lives): a client
 * trickling a header one byte at a time is closed when it runs out, however often it sends. */
#ifndef FK_LIMITS_H
#define FK_LIMITS_H

/* The number of elements of array a (an array, never a pointer). */
#define FK_NELEM(a) (sizeof(a) / sizeof((a)[0]))

#define FK_BODY_LIMIT          (1024 * 1024) /* request bodies above this answer 413 */
#define FK_JOURNAL_BODY_MAX    (64 * 1024)   /* journal keeps the first 64 KiB of a body */
#define FK_JOURNAL_DEFAULT     1000          /* --journal-size default */
#define FK_JOURNAL_MAX         1000000       /* --journal-size upper bound */
#define FK_MAX_PATH_PARAMS     8             /* {name} captures per route */
#define FK_MAX_ARGS            524289        /* query or form fields per request (below) */
#define FK_MAX_HEADERS         100           /* request headers kept per request */
#define FK_CONNECTION_LIMIT    1000          /* open connections at once */
#define FK_CONNECTION_MEMORY   (32 * 1024)   /* libmicrohttpd per-connection pool (see above) */
#define FK_ANSWER_ROOM         2048          /* of it, left for the answer's headers, or 431 */
#define FK_RULE_HEADERS_MAX    1024          /* bytes of headers a fault rule may add */
#define FK_CONNECTION_TIMEOUT  60            /* seconds of silence mid-body or mid-answer */
#define FK_CONNS_PER_CLIENT    256           /* --max-conns-per-client default (see above) */
#define FK_HEAD_TIMEOUT_MS     10000         /* --head-timeout-ms default (see above) */
#define FK_HEAD_TIMEOUT_MAX_MS 600000        /* --head-timeout-ms upper bound */
#define FK_HANG_MAX_MS         600000        /* a "hang" ends after this even if the client waits */
#define FK_DELAY_MAX_MS        600000        /* delay_ms and jitter_ms upper bound */
#define FK_RULES_MAX           100000        /* fault rules or rate limits loaded at once */
#define FK_RULES_BYTES_MAX     (16 * 1024 * 1024) /* their total JSON size, each set (413) */
#define FK_SCENARIO_FILE_MAX   (64 * 1024 * 1024) /* a --scenario file */
#define FK_ID_MAX              128                /* length of a rule id */
#define FK_ERRMSG_MAX          256                /* struct fk_error message */

/* FK_MAX_ARGS is more fields than a body of FK_BODY_LIMIT bytes can hold (each non-empty field
 * takes a byte and a separator), so no field is ever dropped: a form's 1,001st field is read
 * like its first. The decoded fields cost 16 bytes each, at most 8 MiB for the largest body,
 * and only while its request is served. */
_Static_assert(FK_MAX_ARGS == FK_BODY_LIMIT / 2 + 1, "FK_MAX_ARGS must cover FK_BODY_LIMIT");

#endif
