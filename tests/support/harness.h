/* harness.h: start the real binaries and talk to them over HTTP, for integration tests.
 *
 * Only this module spawns and reaps processes. A fake is started with --port 0 and
 * --port-file; h_start reads its "listening on http://HOST:PORT" line from a pipe (no
 * sleeping, no polling) and returns once it is accepting. h_stop sends SIGTERM and reaps it,
 * returning its exit status, so a leak found by LeakSanitizer at exit fails the test.
 * Programs are found in $BIN (set by scripts/run-tests.sh), default build/asan/bin.
 *
 * A fake started with "--admin-token T" among its args remembers T, and the shorthands
 * below (h_get, h_post_json, h_delete, h_admin_reset) send "Authorization: Bearer T" on
 * /__admin/ paths, so a test written without a token runs unchanged against a fake that
 * requires one. */
#ifndef H_HARNESS_H
#define H_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <cjson/cJSON.h>

struct h_proc {
    pid_t pid;
    unsigned port;
    char base[64]; /* "http://127.0.0.1:PORT" */
    char port_file[256];
    char admin_token[128]; /* from "--admin-token T" in the args; "" when none */
};

/* Start program (e.g. "fake_twilio") with extra args (NULL-terminated, may be NULL).
 * Returns 0, or -1 if it exited or printed no listening line. */
int h_start(struct h_proc *p, const char *program, const char *const *args);
/* h_start with the program's stderr appended to log_path (NULL: inherited). */
int h_start_logged(struct h_proc *p, const char *program, const char *const *args,
                   const char *log_path);
/* The same on a given port (a fake restarted where its clients expect it); 0 or -1. */
int h_start_port(struct h_proc *p, const char *program, const char *const *args, unsigned port);
/* Both: port 0 picks a free one, log_path NULL inherits stderr. */
int h_start_at(struct h_proc *p, const char *program, const char *const *args, unsigned port,
               const char *log_path);
/* SIGTERM, wait; returns the exit status (0 on a clean stop), or -1 if it died by a signal. */
int h_stop(struct h_proc *p);
/* SIGKILL, wait (a crash: nothing is flushed or answered). */
void h_kill(struct h_proc *p);
/* For a test file that shares one fake: curl_global_init, then h_start. */
int h_suite_start(struct h_proc *p, const char *program, const char *const *args);
/* h_stop, then curl_global_cleanup; 0 when the fake exited cleanly (no leak, no crash). */
int h_suite_stop(struct h_proc *p);
/* POST /__admin/reset: 0 when the fake answered 200. */
int h_admin_reset(const struct h_proc *p);
/* Path of a program in $BIN (static buffer). */
const char *h_bin(const char *program);

struct h_resp {
    long status;   /* 0 when the transfer failed */
    int curl_code; /* CURLcode of the transfer */
    char *body;    /* NUL-terminated, "" when empty */
    size_t len;
    char *headers; /* raw response header block */
};

/* One request. headers: NULL-terminated "Name: value" strings (may be NULL). body may be
 * NULL. timeout_ms 0 means 10 s. Returns the CURLcode (0 on success). */
int h_request(const char *method, const char *url, const char *const *headers, const char *body,
              long timeout_ms, struct h_resp *out);
/* The same with a body of len bytes, which may hold NUL bytes (protobuf). */
int h_request_len(const char *method, const char *url, const char *const *headers, const void *body,
                  size_t len, long timeout_ms, struct h_resp *out);
void h_resp_free(struct h_resp *r);
/* Header value from a response (static buffer), NULL if absent. Case-insensitive. */
const char *h_resp_header(const struct h_resp *r, const char *name);
/* Body parsed as JSON (caller cJSON_Delete()s), NULL if not JSON. */
cJSON *h_json(const struct h_resp *r);

/* Shorthands on a started fake: path is appended to p->base. */
int h_get(const struct h_proc *p, const char *path, struct h_resp *out);
int h_post_json(const struct h_proc *p, const char *path, const char *json, struct h_resp *out);
int h_delete(const struct h_proc *p, const char *path, struct h_resp *out);

#endif
