/* svg.h: a timeline drawn as an SVG sequence diagram, alone or in a standalone HTML page.
 *
 * Drawn here, not by Mermaid, so the page opens offline with nothing installed: no script,
 * no external font or stylesheet. Layout: a time axis on the left (time since the first
 * request, with a "later" break where the run waited), one lifeline per participant
 * (fx_participants), per request a solid arrow out and a dashed reply with its status.
 * Colours: faults red (with a marker on the service's lifeline), rate limits orange, other
 * error statuses purple, requests no fake saw grey and ending in a cross; trace steps are
 * yellow notes. Every exchange carries a <title> tooltip with the full path and query. */
#ifndef FX_SVG_H
#define FX_SVG_H

#include <stdio.h>

#include "fakes/timeline.h"

/* Write s as XML character data / attribute text: & < > " ' escaped, control characters
 * other than tab and newline dropped (they are not allowed in XML 1.0). */
void fx_xml_escape(FILE *out, const char *s);

/* The <svg> element (with its own width, height and viewBox). */
void fx_svg_write(const struct fx_timeline *t, FILE *out);

/* A complete HTML document: heading, counts, the SVG, and a table of every request. title is
 * escaped. */
void fx_html_write(const struct fx_timeline *t, const char *title, FILE *out);

#endif
