/* flowkit.h: the three fakes together, as the provisioner sees them, for flow-level tests.
 *
 * flow_start starts fake_twilio, fake_livekit and fake_supabase on free ports (harness.h) and
 * builds the provisioner's environment (base URLs, credentials, keys). flow_totals counts what
 * exists across the services through their public APIs (the QA runner's probes,
 * fakes/qa_probe.h), so invariants ("one number bought, stored and registered") are checked the
 * way a client would see them. Failures inside these helpers fail the running cmocka test. */
#ifndef H_FLOWKIT_H
#define H_FLOWKIT_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "fakes/state.h"
#include "tests/support/harness.h"

#define FLOW_TWILIO_SID   "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define FLOW_TWILIO_TOKEN "test-auth-token"
#define FLOW_JWT_SECRET   "super-secret-jwt-token-with-at-least-32-characters-long"
#define FLOW_ANON_KEY                                                                              \
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleH"  \
    "AiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0"
#define FLOW_SERVICE_KEY                                                                           \
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm"  \
    "9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU"

#define FLOW_MAX_ENV 48

/* The three fakes, by index (flow_restart). */
enum flow_fake { FLOW_TWILIO, FLOW_LIVEKIT, FLOW_SUPABASE, FLOW_NFAKES };

struct h_flow {
    struct h_proc twilio, livekit, supabase;
    char db_dir[200]; /* "" for :memory:, else each fake's --db is DIR/NAME.db */
    char token[4096];
    char user_id[64];
    char *env[FLOW_MAX_ENV]; /* "KEY=value", owned */
    size_t nenv;
    struct fx_running running[FX_NFAKES]; /* the same fakes, for fakes/qa_probe.h */
};

/* Start the three fakes with --seed seed. 0 or -1. */
int flow_start(struct h_flow *fl, int seed);
/* The same with each fake's state in a file under db_dir (so it survives a restart). */
int flow_start_db(struct h_flow *fl, int seed, const char *db_dir);
/* Stop fake `which` (SIGKILL when kill9, else SIGTERM) and start it again on the same port
 * and database with --seed seed. 0 or -1. */
int flow_restart(struct h_flow *fl, enum flow_fake which, int seed, bool kill9);
/* The fake by index. */
struct h_proc *flow_fake(struct h_flow *fl, enum flow_fake which);
/* Stop them; 0 when all three exited cleanly. Frees the environment. */
int flow_stop(struct h_flow *fl);
/* Remove every fault and rate limit from the three fakes (the network "recovers"). */
void flow_clear_faults(struct h_flow *fl);
/* NULL-terminated environment for h_run_start. */
const char *const *flow_env(struct h_flow *fl);

struct flow_totals {
    long twilio_numbers; /* IncomingPhoneNumbers owned by the account */
    long phone_numbers;  /* active rows in phone_numbers */
    long trunks;         /* LiveKit inbound trunks */
    long dispatch_rules; /* LiveKit dispatch rules */
};
void flow_totals(struct h_flow *fl, struct flow_totals *t);

#endif
