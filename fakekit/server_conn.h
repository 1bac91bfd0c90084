/* server_conn.h: what server.c needs around a connection besides its requests.
 *
 * The client's address, libmicrohttpd's log line, signals, and the answers server.c gives
 * itself rather than through libmicrohttpd: to a request head whose query fields do not fit
 * the connection's pool, or that leaves no room in it for the answer. Private to server.c. */
#ifndef FK_SERVER_CONN_H
#define FK_SERVER_CONN_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <microhttpd.h>

/* The client's address as text ("127.0.0.1"), "?" when unknown. */
void fk_client_address(struct MHD_Connection *conn, char *out, size_t len);

/* libmicrohttpd's error log, as one quoted debug line. */
void fk_mhd_log(void *cls, const char *fmt, va_list ap);

/* True when libmicrohttpd stored fewer query fields than raw_uri's query holds: its pool ran
 * out, and it is about to answer 431, close, or leave the connection without an answer,
 * depending on where it ran out. Ask when it decodes the path, which it does last. */
bool fk_query_fields_lost(struct MHD_Connection *conn, const char *raw_uri);

/* True when the complete request head leaves less than FK_ANSWER_ROOM of the connection's
 * pool, where libmicrohttpd builds the answer's headers: it would fail to and close the
 * connection without an answer. Ask when the head is complete. The estimate is
 * libmicrohttpd 0.9.75's own accounting: the head's bytes, a record per header, query field
 * and cookie, and the copy of the Cookie header it parses. */
bool fk_head_leaves_no_room(struct MHD_Connection *conn);

/* True when a header's name or value holds a NUL byte (libmicrohttpd keeps the bytes after
 * it, where a C string stops: "Bearer <token>\0junk" would be read as the token alone) or any
 * other control character but HTAB (a bare CR, DEL). RFC 9110 5.5 makes them invalid; Go's
 * net/http (livekit-server) answers such a request 400 "invalid header value" and nginx (in
 * front of Twilio and Supabase) 400, so the fakes refuse it too: fk_refuse_head(400). */
bool fk_head_has_bad_bytes(struct MHD_Connection *conn);

/* What a complete head gets instead of an answer: 431 when fk_head_leaves_no_room, 400 when
 * fk_head_has_bad_bytes, else 0 (serve it). */
unsigned fk_head_refusal(struct MHD_Connection *conn);

/* Answer status (414 or 431) on socket fd exactly as libmicrohttpd answers a request line
 * or headers that do not fit (its one-line HTML body, Connection: close), and shut the
 * socket down, so that the client always gets this answer whatever libmicrohttpd does next
 * (it fails quietly on the shut socket). 400 is answered the same way, with libmicrohttpd's
 * "Request malformed" body. */
void fk_refuse_head(struct MHD_Connection *conn, int fd, unsigned status);

#endif
