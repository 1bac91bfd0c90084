/* benchtool.c: the small measurements of `make bench` that wrk cannot make.
 *
 *   benchtool jwt SECRET CLAIMS_JSON          print an HS256 JWT (LiveKit access token)
 *   benchtool startup RUNS PROGRAM ARGS...    median ms from fork to the first 200 on
 *                                             /__admin/health (PROGRAM gets --port 0)
 *   benchtool exec RUNS PROGRAM ARGS...       median ms from fork to exit (output discarded):
 *                                             the floor start-up stands on
 *   benchtool signin URL ANON_KEY N PASSWORD  sign in bench-user-I@example.com (I < N) with the
 *                                             password grant; one access token a line
 *   benchtool flows URL TOKENS CONCURRENCY [TYPE]
 *                                             POST /api/twilio/purchase_phone_number once per
 *                                             token, CONCURRENCY at a time, buying US numbers of
 *                                             TYPE (default local); flows/s and counts
 *   benchtool ceiling FLOWS CONCURRENCY TWILIO_URL LIVEKIT_URL SUPABASE_URL
 *                                             the flows/s no flow of 18 calls can beat here:
 *                                             each "flow" is the provisioner's 18 calls, in
 *                                             its order and to its services, replaced by
 *                                             GET /__admin/health on kept-alive connections
 *                                             (no SQL, no JSON, no front end)
 *
 * Built by bench/run.sh with cc and pkg-config (it is not part of the Makefile's programs).
 * Measurements, not tests: every failure is printed and counted, never asserted. */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* base64url without padding of n bytes into out (room for 4*n/3+4). */
static void b64url(const unsigned char *in, size_t n, char *out)
{
    int len = EVP_EncodeBlock((unsigned char *)out, in, (int)n);
    while (len > 0 && out[len - 1] == '=')
        len--;
    out[len] = '\0';
    for (char *p = out; *p; p++)
        *p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
}

static int cmd_jwt(const char *secret, const char *claims)
{
    static const char header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
    size_t cl = strlen(claims);
    char *buf = malloc(2 * cl + 256);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned maclen = 0;
    char sig[128];

    if (buf == NULL)
        return 1;
    b64url((const unsigned char *)header, sizeof(header) - 1, buf);
    size_t h = strlen(buf);
    buf[h] = '.';
    b64url((const unsigned char *)claims, cl, buf + h + 1);
    HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)buf, strlen(buf), mac,
         &maclen);
    b64url(mac, maclen, sig);
    printf("%s.%s\n", buf, sig);
    free(buf);
    return 0;
}

static size_t sink(char *p, size_t size, size_t n, void *cls)
{
    (void)p;
    (void)cls;
    return size * n;
}

struct grow {
    char *p;
    size_t n;
};

static size_t collect(char *p, size_t size, size_t n, void *cls)
{
    struct grow *g = cls;
    char *q = realloc(g->p, g->n + size * n + 1);
    if (q == NULL)
        return 0;
    memcpy(q + g->n, p, size * n);
    g->n += size * n;
    q[g->n] = '\0';
    g->p = q;
    return size * n;
}

/* One start: fork PROGRAM --port 0, read its "listening on URL" line, poll health until 200. */
static double start_once(char **argv, int argc)
{
    int fds[2];
    char line[256];
    double t0 = now_ms(), t = -1;
    pid_t pid;

    if (pipe(fds) != 0)
        return -1;
    t0 = now_ms();
    if ((pid = fork()) == 0) {
        char **args = calloc((size_t)argc + 4, sizeof(*args));
        if (args == NULL)
            _exit(127);
        for (int i = 0; i < argc; i++)
            args[i] = argv[i];
        args[argc] = "--port";
        args[argc + 1] = "0";
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execv(argv[0], args);
        _exit(127);
    }
    close(fds[1]);
    FILE *f = fdopen(fds[0], "r");
    if (f != NULL && fgets(line, sizeof(line), f) != NULL &&
        strncmp(line, "listening on ", 13) == 0) {
        char url[300];
        line[strcspn(line, "\n")] = '\0';
        snprintf(url, sizeof(url), "%s/__admin/health", line + 13);
        CURL *c = curl_easy_init();
        const char *ca = getenv("BENCH_CA_FILE"); /* a fake started with --tls-cert */
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
        if (ca != NULL)
            curl_easy_setopt(c, CURLOPT_CAINFO, ca);
        for (int i = 0; i < 1000 && t < 0; i++) {
            long code = 0;
            if (curl_easy_perform(c) == CURLE_OK &&
                curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code) == CURLE_OK && code == 200)
                t = now_ms() - t0;
        }
        curl_easy_cleanup(c);
    }
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    if (f != NULL)
        fclose(f);
    else
        close(fds[0]);
    return t;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One run of PROGRAM ARGS to its exit, stdout and stderr to /dev/null; -1 if it failed. */
static double exec_once(char **argv)
{
    double t0 = now_ms();
    int status = 0;
    pid_t pid = fork();

    if (pid == 0) {
        FILE *null = freopen("/dev/null", "w", stdout);
        if (null == NULL || dup2(fileno(stdout), 2) < 0)
            _exit(127);
        execv(argv[0], argv);
        _exit(127);
    }
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
        WEXITSTATUS(status) == 127)
        return -1;
    return now_ms() - t0;
}

static int cmd_exec(int runs, char **argv)
{
    double *v = calloc((size_t)(runs > 0 ? runs : 1), sizeof(*v));
    int ok = 0;

    if (v == NULL)
        return 1;
    for (int i = 0; i < runs; i++) {
        double t = exec_once(argv);
        if (t >= 0)
            v[ok++] = t;
    }
    if (ok == 0) {
        fprintf(stderr, "exec: %s failed\n", argv[0]);
        free(v);
        return 1;
    }
    qsort(v, (size_t)ok, sizeof(*v), cmp_double);
    printf("%.2f %.2f %.2f\n", v[ok / 2], v[0], v[ok - 1]); /* median min max */
    free(v);
    return 0;
}

static int cmd_startup(int runs, char **argv, int argc)
{
    double *v = calloc((size_t)runs, sizeof(*v));
    int ok = 0;

    if (v == NULL)
        return 1;
    for (int i = 0; i < runs; i++) {
        double t = start_once(argv, argc);
        if (t >= 0)
            v[ok++] = t;
    }
    if (ok == 0) {
        fprintf(stderr, "startup: %s never answered\n", argv[0]);
        free(v);
        return 1;
    }
    qsort(v, (size_t)ok, sizeof(*v), cmp_double);
    printf("%.2f %.2f %.2f\n", v[ok / 2], v[0], v[ok - 1]); /* median min max */
    free(v);
    return 0;
}

static int cmd_signin(const char *base, const char *anon, long n, const char *password)
{
    char url[512], hdr[1024], body[256];
    struct curl_slist *h = NULL;
    CURL *c = curl_easy_init();
    int failed = 0;

    snprintf(url, sizeof(url), "%s/auth/v1/token?grant_type=password", base);
    snprintf(hdr, sizeof(hdr), "apikey: %s", anon);
    h = curl_slist_append(h, hdr);
    h = curl_slist_append(h, "Content-Type: application/json");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    for (long i = 0; i < n; i++) {
        struct grow g = {NULL, 0};
        snprintf(body, sizeof(body),
                 "{\"email\":\"bench-user-%ld@example.com\",\"password\":\"%s\"}", i, password);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &g);
        cJSON *j = NULL;
        const cJSON *tok = NULL;
        if (curl_easy_perform(c) == CURLE_OK && g.p != NULL && (j = cJSON_Parse(g.p)) != NULL)
            tok = cJSON_GetObjectItemCaseSensitive(j, "access_token");
        if (cJSON_IsString(tok))
            printf("%s\n", tok->valuestring);
        else
            failed++;
        cJSON_Delete(j);
        free(g.p);
    }
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    if (failed)
        fprintf(stderr, "signin: %d of %ld sign-ins failed\n", failed, n);
    return failed ? 1 : 0;
}

struct flows {
    const char *url;
    char **tokens;
    long n;
    atomic_long next;
    atomic_long status[6]; /* 2xx 3xx 4xx 5xx, transport error, other */
    atomic_int told;       /* the first failure's answer has been printed */
};

/* Run fn(arg) on conc threads (at most 256) at once; the wall time in ms until all end. */
static double run_threads(int conc, void *(*fn)(void *), void *arg)
{
    pthread_t th[256];
    double t0 = now_ms();

    for (int i = 0; i < conc; i++)
        pthread_create(&th[i], NULL, fn, arg);
    for (int i = 0; i < conc; i++)
        pthread_join(th[i], NULL);
    return now_ms() - t0;
}

static void *flow_worker(void *arg)
{
    struct flows *fl = arg;
    CURL *c = curl_easy_init();
    char hdr[2048];

    curl_easy_setopt(c, CURLOPT_URL, fl->url);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    for (;;) {
        long i = atomic_fetch_add(&fl->next, 1), code = 0;
        struct grow g = {NULL, 0};
        if (i >= fl->n)
            break;
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &g);
        struct curl_slist *h = NULL;
        snprintf(hdr, sizeof(hdr), "Authorization: Bearer %s", fl->tokens[i]);
        h = curl_slist_append(h, hdr);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
        if (curl_easy_perform(c) != CURLE_OK)
            atomic_fetch_add(&fl->status[4], 1);
        else if (curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code) == CURLE_OK && code >= 200 &&
                 code < 600)
            atomic_fetch_add(&fl->status[code / 100 - 2], 1);
        else
            atomic_fetch_add(&fl->status[5], 1);
        if ((code < 200 || code > 299) && atomic_exchange(&fl->told, 1) == 0)
            fprintf(stderr, "flows: first failure: HTTP %ld %s\n", code, g.p ? g.p : "");
        free(g.p);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
        curl_slist_free_all(h);
    }
    curl_easy_cleanup(c);
    return NULL;
}

static int cmd_flows(const char *base, const char *path, int conc, const char *type)
{
    FILE *f = fopen(path, "r");
    char line[2048], url[512];
    struct flows fl = {.url = url};
    long cap = 0;

    if (f == NULL || conc < 1 || conc > 256) {
        fprintf(stderr, "flows: cannot read %s (or bad concurrency)\n", path);
        if (f != NULL)
            fclose(f);
        return 1;
    }
    while (fgets(line, sizeof(line), f) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        if (fl.n == cap) {
            cap = cap ? cap * 2 : 1024;
            char **t = realloc(fl.tokens, (size_t)cap * sizeof(*t));
            if (t == NULL)
                break;
            fl.tokens = t;
        }
        fl.tokens[fl.n++] = strdup(line);
    }
    fclose(f);
    snprintf(url, sizeof(url), "%s/api/twilio/purchase_phone_number?country_code=US&number_type=%s",
             base, type);
    double ms = run_threads(conc, flow_worker, &fl);
    /* flows/s ok 4xx 5xx errors */
    printf("%.1f %ld %ld %ld %ld %.0f\n", (double)fl.n * 1000.0 / ms, (long)fl.status[0],
           (long)fl.status[2], (long)fl.status[3],
           (long)(fl.status[4] + fl.status[5] + fl.status[1]), ms);
    for (long i = 0; i < fl.n; i++)
        free(fl.tokens[i]);
    free(fl.tokens);
    return 0;
}

/* The services of one provisioning flow's 18 calls, in order (a run's trace): s = Supabase,
 * t = Twilio, l = LiveKit. */
static const char FLOW_CALLS[] = "ssstststssllssllss";

struct ceiling {
    const char *url[3]; /* twilio, livekit, supabase */
    long n;
    atomic_long next, failed;
};

static void *ceiling_worker(void *arg)
{
    struct ceiling *cl = arg;
    CURL *c = curl_easy_init();

    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    while (atomic_fetch_add(&cl->next, 1) < cl->n) {
        for (const char *p = FLOW_CALLS; *p != '\0'; p++) {
            long code = 0;
            curl_easy_setopt(c, CURLOPT_URL, cl->url[*p == 't' ? 0 : *p == 'l' ? 1 : 2]);
            if (curl_easy_perform(c) != CURLE_OK ||
                curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code) != CURLE_OK || code != 200)
                atomic_fetch_add(&cl->failed, 1);
        }
    }
    curl_easy_cleanup(c);
    return NULL;
}

static int cmd_ceiling(long n, int conc, char **bases)
{
    char url[3][512];
    struct ceiling cl = {.n = n};

    if (n < 1 || conc < 1 || conc > 256) {
        fprintf(stderr, "ceiling: bad flow count or concurrency\n");
        return 1;
    }
    for (int i = 0; i < 3; i++) {
        snprintf(url[i], sizeof(url[i]), "%s/__admin/health", bases[i]);
        cl.url[i] = url[i];
    }
    double ms = run_threads(conc, ceiling_worker, &cl);
    /* flows/s failed-calls */
    printf("%.1f %ld\n", (double)n * 1000.0 / ms, (long)cl.failed);
    return 0;
}

int main(int argc, char **argv)
{
    int rc = 2;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (argc == 4 && strcmp(argv[1], "jwt") == 0)
        rc = cmd_jwt(argv[2], argv[3]);
    else if (argc >= 4 && strcmp(argv[1], "startup") == 0)
        rc = cmd_startup((int)strtol(argv[2], NULL, 10), argv + 3, argc - 3);
    else if (argc >= 4 && strcmp(argv[1], "exec") == 0)
        rc = cmd_exec((int)strtol(argv[2], NULL, 10), argv + 3);
    else if (argc == 6 && strcmp(argv[1], "signin") == 0)
        rc = cmd_signin(argv[2], argv[3], strtol(argv[4], NULL, 10), argv[5]);
    else if ((argc == 5 || argc == 6) && strcmp(argv[1], "flows") == 0)
        rc = cmd_flows(argv[2], argv[3], (int)strtol(argv[4], NULL, 10),
                       argc == 6 ? argv[5] : "local");
    else if (argc == 7 && strcmp(argv[1], "ceiling") == 0)
        rc = cmd_ceiling(strtol(argv[2], NULL, 10), (int)strtol(argv[3], NULL, 10), argv + 4);
    else
        fprintf(stderr, "usage: benchtool jwt|startup|exec|signin|flows|ceiling ... (see "
                        "bench/benchtool.c)\n");
    curl_global_cleanup();
    return rc;
}
