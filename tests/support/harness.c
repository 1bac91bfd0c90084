/* harness.c: spawn and reap the real binaries; HTTP requests over libcurl.
 *
 * A child's stdout is a pipe: its first line is "listening on http://HOST:PORT", read with a
 * blocking fgets, so a test continues exactly when the fake accepts connections. */
#include "tests/support/harness.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curl/curl.h>

const char *h_bin(const char *program)
{
    static char path[512];
    const char *dir = getenv("BIN");

    snprintf(path, sizeof(path), "%s/%s", dir != NULL && *dir ? dir : "build/asan/bin", program);
    return path;
}

/* Remember the value of "--admin-token T" (or "--admin-token=T") among args. */
static void note_admin_token(struct h_proc *p, const char *const *args)
{
    for (size_t i = 0; args != NULL && args[i] != NULL; i++) {
        if (strcmp(args[i], "--admin-token") == 0 && args[i + 1] != NULL)
            snprintf(p->admin_token, sizeof(p->admin_token), "%s", args[i + 1]);
        else if (strncmp(args[i], "--admin-token=", 14) == 0)
            snprintf(p->admin_token, sizeof(p->admin_token), "%s", args[i] + 14);
    }
}

int h_start(struct h_proc *p, const char *program, const char *const *args)
{
    return h_start_at(p, program, args, 0, NULL);
}

int h_start_logged(struct h_proc *p, const char *program, const char *const *args,
                   const char *log_path)
{
    return h_start_at(p, program, args, 0, log_path);
}

int h_start_port(struct h_proc *p, const char *program, const char *const *args, unsigned port)
{
    return h_start_at(p, program, args, port, NULL);
}

int h_start_at(struct h_proc *p, const char *program, const char *const *args, unsigned port,
               const char *log_path)
{
    const char *argv[64];
    int fds[2], n = 0;
    char line[256], port_arg[16];
    static unsigned counter;

    memset(p, 0, sizeof(*p));
    note_admin_token(p, args);
    snprintf(p->port_file, sizeof(p->port_file), "/tmp/h-port-%d-%u", (int)getpid(), counter++);
    snprintf(port_arg, sizeof(port_arg), "%u", port);
    argv[n++] = h_bin(program);
    argv[n++] = "--port";
    argv[n++] = port_arg;
    argv[n++] = "--port-file";
    argv[n++] = p->port_file;
    if (getenv("H_VERBOSE") == NULL) {
        argv[n++] = "--log-level";
        argv[n++] = "warn";
    }
    for (size_t i = 0; args != NULL && args[i] != NULL && n < 62; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    if (pipe(fds) != 0)
        return -1;
    p->pid = fork();
    if (p->pid < 0)
        return -1;
    if (p->pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        if (log_path != NULL) {
            FILE *log = fopen(log_path, "a");
            if (log != NULL)
                dup2(fileno(log), STDERR_FILENO);
        }
        execv(argv[0], (char *const *)argv);
        fprintf(stderr, "harness: cannot exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(fds[1]);
    FILE *out = fdopen(fds[0], "r");
    if (out == NULL || fgets(line, sizeof(line), out) == NULL ||
        sscanf(line, "listening on http://%*[^:]:%u", &p->port) != 1) {
        if (out != NULL)
            fclose(out);
        else
            close(fds[0]);
        h_stop(p);
        return -1;
    }
    fclose(out);
    snprintf(p->base, sizeof(p->base), "http://127.0.0.1:%u", p->port);
    return 0;
}

int h_stop(struct h_proc *p)
{
    int st = 0;

    if (p->pid <= 0)
        return -1;
    kill(p->pid, SIGTERM);
    while (waitpid(p->pid, &st, 0) < 0 && errno == EINTR)
        ;
    p->pid = 0;
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    return -1;
}

void h_kill(struct h_proc *p)
{
    int st = 0;

    if (p->pid <= 0)
        return;
    kill(p->pid, SIGKILL);
    while (waitpid(p->pid, &st, 0) < 0 && errno == EINTR)
        ;
    p->pid = 0;
    unlink(p->port_file); /* a killed fake cannot remove it */
}

struct sink {
    char *data;
    size_t len;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct sink *s = userdata;
    size_t n = size * nmemb;
    char *d = realloc(s->data, s->len + n + 1);

    if (d == NULL)
        return 0;
    memcpy(d + s->len, ptr, n);
    s->len += n;
    d[s->len] = '\0';
    s->data = d;
    return n;
}

int h_request(const char *method, const char *url, const char *const *headers, const char *body,
              long timeout_ms, struct h_resp *out)
{
    return h_request_len(method, url, headers, body, body ? strlen(body) : 0, timeout_ms, out);
}

int h_request_len(const char *method, const char *url, const char *const *headers, const void *body,
                  size_t len, long timeout_ms, struct h_resp *out)
{
    CURL *c = curl_easy_init();
    struct curl_slist *hl = NULL;
    struct sink b = {0}, h = {0};
    CURLcode rc;

    memset(out, 0, sizeof(*out));
    if (c == NULL)
        return CURLE_OUT_OF_MEMORY;
    for (size_t i = 0; headers != NULL && headers[i] != NULL; i++)
        hl = curl_slist_append(hl, headers[i]);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    if (body != NULL) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms > 0 ? timeout_ms : 10000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
    if (rc != CURLE_OK && rc != CURLE_PARTIAL_FILE)
        out->status = 0;
    out->curl_code = (int)rc;
    out->body = b.data != NULL ? b.data : strdup("");
    out->len = b.len;
    out->headers = h.data != NULL ? h.data : strdup("");
    curl_slist_free_all(hl);
    curl_easy_cleanup(c);
    return (int)rc;
}

void h_resp_free(struct h_resp *r)
{
    free(r->body);
    free(r->headers);
    memset(r, 0, sizeof(*r));
}

const char *h_resp_header(const struct h_resp *r, const char *name)
{
    static char value[1024];
    size_t n = strlen(name);
    const char *p = r->headers;

    while (p != NULL && *p != '\0') {
        const char *eol = strchr(p, '\n');
        size_t len = eol != NULL ? (size_t)(eol - p) : strlen(p);
        if (len > n && strncasecmp(p, name, n) == 0 && p[n] == ':') {
            const char *v = p + n + 1;
            while (*v == ' ')
                v++;
            size_t vl = len - (size_t)(v - p);
            while (vl > 0 && (v[vl - 1] == '\r' || v[vl - 1] == ' '))
                vl--;
            if (vl >= sizeof(value))
                vl = sizeof(value) - 1;
            memcpy(value, v, vl);
            value[vl] = '\0';
            return value;
        }
        p = eol != NULL ? eol + 1 : NULL;
    }
    return NULL;
}

cJSON *h_json(const struct h_resp *r)
{
    return r->body != NULL ? cJSON_Parse(r->body) : NULL;
}

/* One request to p: its admin token on /__admin/ paths, and content_type when non-NULL. */
static int proc_request(const struct h_proc *p, const char *method, const char *path,
                        const char *content_type, const char *body, struct h_resp *out)
{
    char url[2048], auth[192], ct[128];
    const char *hdr[3];
    int n = 0;

    snprintf(url, sizeof(url), "%s%s", p->base, path);
    if (p->admin_token[0] != '\0' && strncmp(path, "/__admin", 8) == 0) {
        snprintf(auth, sizeof(auth), "Authorization: Bearer %s", p->admin_token);
        hdr[n++] = auth;
    }
    if (content_type != NULL) {
        snprintf(ct, sizeof(ct), "Content-Type: %s", content_type);
        hdr[n++] = ct;
    }
    hdr[n] = NULL;
    return h_request(method, url, hdr, body, 0, out);
}

int h_get(const struct h_proc *p, const char *path, struct h_resp *out)
{
    return proc_request(p, "GET", path, NULL, NULL, out);
}

int h_post_json(const struct h_proc *p, const char *path, const char *json, struct h_resp *out)
{
    return proc_request(p, "POST", path, "application/json", json, out);
}

int h_delete(const struct h_proc *p, const char *path, struct h_resp *out)
{
    return proc_request(p, "DELETE", path, NULL, NULL, out);
}

int h_suite_start(struct h_proc *p, const char *program, const char *const *args)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return h_start(p, program, args);
}

int h_suite_stop(struct h_proc *p)
{
    int rc = h_stop(p);

    curl_global_cleanup();
    return rc == 0 ? 0 : -1;
}

int h_admin_reset(const struct h_proc *p)
{
    struct h_resp r;
    long status;

    h_post_json(p, "/__admin/reset", "", &r);
    status = r.status;
    h_resp_free(&r);
    return status == 200 ? 0 : -1;
}
