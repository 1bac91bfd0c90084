/* scenario.h: scenario documents (docs/DESIGN.md "Scenario documents").
 *
 * One document drives one fake ({"name", "faults", "rate_limits", "state"}) or all three
 * ({"name", "twilio": {...}, "livekit": {...}, "supabase": {...}}); a fake given the whole
 * document takes its own section. Unknown keys are errors with their path. Loading a
 * scenario is all or none: state back to the seed, then the scenario's state, faults and
 * rate limits replace the current ones; the journal is kept. */
#ifndef FK_SCENARIO_H
#define FK_SCENARIO_H

#include <cjson/cJSON.h>

#include "fakekit/app.h"
#include "fakekit/err.h"

/* Parse doc for app's service and apply it. On error nothing changed and err says why
 * ("twilio.faults[2].match.method: expected a string"). *summary (may be NULL) receives
 * {"scenario": name, "faults": N, "rate_limits": N, "applied": true} (caller deletes). */
int fk_scenario_apply(struct fk_app *app, const cJSON *doc, cJSON **summary,
                      struct fk_error *err) FK_MUST_CHECK;

/* Everything fk_scenario_apply checks, the state load included, without changing anything:
 * the state is rebuilt in a transaction that is rolled back. *summary as above, with
 * "applied": false. POST /__admin/scenario?dry_run=true. */
int fk_scenario_check(struct fk_app *app, const cJSON *doc, cJSON **summary,
                      struct fk_error *err) FK_MUST_CHECK;

/* Read and apply a scenario file (--scenario). */
int fk_scenario_load_file(struct fk_app *app, const char *path, struct fk_error *err) FK_MUST_CHECK;

#endif
