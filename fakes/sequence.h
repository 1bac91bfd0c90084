/* sequence.h: a timeline as a Mermaid sequenceDiagram (text for docs, PRs and mermaid.live).
 *
 * Participants are always provisioner, twilio, supabase, livekit, in that order. Each
 * request is an arrow from the provisioner and a reply arrow with its status; a fault rule
 * or a rate limit wraps the exchange in a coloured `rect` (red, orange) with a `Note`
 * naming the rule; a reply that never came is a `--x` arrow; trace steps are notes across
 * every lifeline. The drawing itself (SVG/HTML) is in svg.h. */
#ifndef FX_SEQUENCE_H
#define FX_SEQUENCE_H

#include <stddef.h>
#include <stdio.h>

#include "fakes/timeline.h"

/* The participants, in column order. */
extern const char *const fx_participants[4];
#define FX_NPARTICIPANTS 4

/* Column of a service in fx_participants (1..3), or 0 for the provisioner/unknown. */
int fx_participant_col(const char *service);

/* Write s into out so Mermaid shows it literally in a message or note: ';' '#' '<' '>'
 * and '"' become entity codes (#59; ...), line breaks become spaces. */
void fx_mermaid_escape(FILE *out, const char *s);

/* Shorten a path to at most max characters by replacing leading segments with "/…":
 * "/2010-04-01/Accounts/AC…/IncomingPhoneNumbers.json" -> "/…/IncomingPhoneNumbers.json".
 * The last segment is always kept whole. Writes into buf (NUL-terminated, truncated to len). */
const char *fx_short_path(const char *path, size_t max, char *buf, size_t len);

/* The whole diagram, starting "sequenceDiagram". */
/* title (may be NULL) becomes the diagram's title line. */
void fx_mermaid_write(const struct fx_timeline *t, const char *title, FILE *out);

#endif
