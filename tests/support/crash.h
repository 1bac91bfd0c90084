/* crash.h: tools for the crash-consistency test: kill the provisioner mid-flow, then see
 * what one user holds across the three fakes.
 *
 * A crash run is the provisioner started with `--trace json --trace-file /dev/fd/N`, N being
 * the write end of a pipe the test reads, so the test learns where the run is from the trace
 * itself (synchronisation by data) and can SIGKILL it right after any line. crash_state_get
 * reads one user's job row, phone_numbers row, profile, Twilio numbers, LiveKit trunks and
 * dispatch rules through the services' public APIs; crash_state_ok says whether that is
 * exactly "one number bought, stored, registered and nothing else tagged for the user".
 * Failures inside these helpers fail the running cmocka test. */
#ifndef H_CRASH_H
#define H_CRASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "tests/support/flowkit.h"
#include "tests/support/proc.h"

/* One user's state across the services. Strings are "" when absent. */
struct crash_state {
    char job_id[64], job_status[32], job_step[32];
    long rows; /* active phone_numbers rows of the user */
    char number[32], sid[64], trunk_id[64], rule_id[64];
    char profile_number[32];
    long sid_owned;          /* IncomingPhoneNumbers with the row's SID (owned by the account) */
    long tagged;             /* IncomingPhoneNumbers with FriendlyName prov:<job> */
    long tagged_other;       /* ... of which are not the row's number */
    long trunks;             /* inbound trunks named prov-<job> */
    long trunks_with_number; /* inbound trunks holding the row's number */
    long trunk_is_row;       /* 1 when the trunk named for the job is the row's trunk */
    long rules;              /* dispatch rules named prov-<job> */
    long rules_for_trunk;    /* dispatch rules whose trunk_ids hold the row's trunk */
    long rule_is_row;        /* 1 when the rule named for the job is the row's rule */
};

/* Reads through the services' public APIs (a failure fails the test): PostgREST rows of a
 * table (query after '?'), a LiveKit list's answer ({"items": [...]}), Twilio's
 * {"incoming_phone_numbers": [...]}. Caller cJSON_Delete()s. */
cJSON *crash_sb_rows(struct h_flow *fl, const char *table, const char *query);
cJSON *crash_lk_list(struct h_flow *fl, const char *method);
/* "Authorization: Bearer JWT" for the fakes' LiveKit key (devkey/secret, sip admin, 10 min). */
void crash_lk_auth(char *out, size_t len);
cJSON *crash_tw_numbers(struct h_flow *fl);

/* Read user_id's state from the three fakes (fl from flow_start). */
void crash_state_get(struct h_flow *fl, const char *user_id, struct crash_state *s);
/* true when the user holds exactly one number, bought, stored and registered, and nothing
 * else tagged for its job (and, with job_done, the job row is completed); otherwise false
 * with what was found written into why. */
bool crash_state_ok(const struct crash_state *s, bool job_done, char *why, size_t len);
/* One line describing s (for messages). */
void crash_state_describe(const struct crash_state *s, char *out, size_t len);

/* The id of crash user n ("c0000000-0000-4000-8000-<n, 12 digits>"; out has 37 bytes). */
void crash_user_id(int n, char *out);
/* Add users 1..n to fake_supabase in one request. */
void crash_seed_users(struct h_flow *fl, int n);
/* Make crash user n the current one: fl->user_id and an access token in fl->token, signed
 * the way GoTrue signs them (HS256 with the project's JWT secret, no session; GoTrue's
 * /user accepts that) so that no kill point pays for a password hash. */
void crash_use_user(struct h_flow *fl, int n);
/* Purchase requests (POST IncomingPhoneNumbers) in fake_twilio's journal whose body names
 * job_id (its FriendlyName tag). A request still held by a fault is journaled only once
 * answered. */
long crash_purchases_for(struct h_flow *fl, const char *job_id);

struct crash_run {
    struct h_run run;
    FILE *trace;      /* read end of the trace pipe, NULL once drained */
    long lines;       /* trace lines read so far */
    char job_id[64];  /* from the first trace line naming the job */
    char last[200];   /* label of the last trace line read, "start" before any */
    int64_t start_us; /* monotonic start */
    bool reaped;
};

/* Start `provisioner ARGS --trace json --trace-file /dev/fd/N` with fl's environment plus
 * extra_env ("KEY=value", NULL-terminated, may be NULL). 0 or -1. */
int crash_run_start(struct crash_run *cr, struct h_flow *fl, const char *const *args,
                    const char *const *extra_env);
/* Read the next trace line (blocking); *line gets it parsed (caller cJSON_Delete()s; may be
 * NULL for a line that is not JSON). false at end of trace (the process is gone). */
bool crash_run_line(struct crash_run *cr, cJSON **line);
/* SIGKILL the run (a no-op when it already exited), read the rest of its trace, reap it.
 * Returns its status (137 when the kill landed, its exit code when it finished first). */
int crash_run_kill(struct crash_run *cr);
/* Let the run finish: read the rest of its trace, reap it. Returns its exit status. */
int crash_run_wait(struct crash_run *cr);
void crash_run_free(struct crash_run *cr);

/* Run the provisioner to completion with fl's environment plus extra_env; *out gets its
 * stdout (caller frees). Returns the exit status. */
int crash_prov(struct h_flow *fl, const char *const *args, const char *const *extra_env,
               char **out);

#endif
