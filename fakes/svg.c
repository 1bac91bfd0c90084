/* svg.c: draw a timeline as SVG; wrap it in an HTML page with a table of the requests.
 *
 * Rows have fixed heights rather than heights proportional to time: a run is milliseconds
 * of requests separated by seconds of Retry-After, and a proportional axis would be one long
 * blank page. Waits longer than FX_GAP_US are drawn as a labelled break instead. Text
 * widths are not measured (no font metrics without a browser): labels start near the
 * provisioner and run right, over a white halo so crossing lifelines never hide them. */
#include "fakes/svg.h"

#include <stdint.h>
#include <string.h>

#include "fakes/sequence.h"

#define FX_GAP_US 200000 /* a pause longer than this gets a "later" break */
#define AXIS_W    130    /* the time axis column */
#define COL_W     250    /* distance between lifelines */
#define COL0      (AXIS_W + 125)
#define WIDTH     (COL0 + 3 * COL_W + 210) /* room for a fault name right of livekit */
#define NOTE_HALF 118                      /* half the width of a step note */
#define NOTE_MAX  36                       /* characters that fit in it */
#define HEAD_Y    64
#define BOX_W     140
#define BOX_H     34
#define ROWS_Y    (HEAD_Y + BOX_H + 18)
#define H_REQUEST 64
#define H_NOTE    38
#define H_CLIENT  44
#define H_GAP     30
#define C_TEXT    "#1f2937"
#define C_FAULT   "#dc2626"
#define C_LIMITED "#ea580c"
#define C_ERROR   "#7c3aed"
#define C_GREY    "#6b7280"
#define C_NOTE    "#fef9c3"
#define C_NOTE_LN "#ca8a04"

void fx_xml_escape(FILE *out, const char *s)
{
    for (; s != NULL && *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '&')
            fputs("&amp;", out);
        else if (c == '<')
            fputs("&lt;", out);
        else if (c == '>')
            fputs("&gt;", out);
        else if (c == '"')
            fputs("&quot;", out);
        else if (c == '\'')
            fputs("&#39;", out);
        else if (c >= 0x20 || c == '\t' || c == '\n')
            fputc(c, out);
    }
}

static int col_x(const char *service)
{
    return COL0 + fx_participant_col(service) * COL_W;
}

static const char *reply_colour(const struct fx_row *r)
{
    if (r->fault != NULL)
        return C_FAULT;
    if (r->rate_limited)
        return C_LIMITED;
    if (r->status == 0 || r->status >= 400)
        return C_ERROR;
    return C_TEXT;
}

static const char *marker_of(const char *colour)
{
    if (strcmp(colour, C_FAULT) == 0)
        return "fault";
    if (strcmp(colour, C_LIMITED) == 0)
        return "limited";
    if (strcmp(colour, C_ERROR) == 0)
        return "error";
    if (strcmp(colour, C_GREY) == 0)
        return "grey";
    return "ok";
}

/* Pause before row i worth a break, in microseconds (0 when none). */
static int64_t gap_before(const struct fx_timeline *t, size_t i)
{
    const struct fx_row *r = &t->rows[i];

    if (r->kind != FX_ROW_REQUEST)
        return 0;
    for (size_t j = i; j-- > 0;) {
        const struct fx_row *p = &t->rows[j];
        if (p->kind == FX_ROW_REQUEST) {
            int64_t end = p->time_us + (int64_t)(p->ms * 1000);
            return r->time_us - end > FX_GAP_US ? r->time_us - end : 0;
        }
    }
    return 0;
}

static int row_height(const struct fx_row *r)
{
    return r->kind == FX_ROW_NOTE ? H_NOTE : r->kind == FX_ROW_CLIENT ? H_CLIENT : H_REQUEST;
}

static void fmt_span(char *buf, size_t len, int64_t us)
{
    if (us < 1000000)
        snprintf(buf, len, "%.1f ms", (double)us / 1000.0);
    else
        snprintf(buf, len, "%.2f s", (double)us / 1e6);
}

static int64_t first_time(const struct fx_timeline *t)
{
    for (size_t i = 0; i < t->n; i++) {
        if (t->rows[i].kind == FX_ROW_REQUEST)
            return t->rows[i].time_us;
    }
    return 0;
}

static void text_at(FILE *out, int x, int y, const char *cls, const char *colour, const char *s)
{
    fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"%s\" fill=\"%s\">", x, y, cls, colour);
    fx_xml_escape(out, s);
    fputs("</text>\n", out);
}

static void boxes(FILE *out, int y)
{
    for (int i = 0; i < FX_NPARTICIPANTS; i++) {
        int cx = COL0 + i * COL_W;
        fprintf(out,
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"6\" fill=\"#eef2ff\" "
                "stroke=\"#4f46e5\"/>\n<text x=\"%d\" y=\"%d\" class=\"who\">%s</text>\n",
                cx - BOX_W / 2, y, BOX_W, BOX_H, cx, y + 22, fx_participants[i]);
    }
}

static void title_block(FILE *out, const struct fx_row *r, int64_t t0)
{
    char span[32];

    fputs("<g><title>", out);
    if (r->time != NULL) {
        fmt_span(span, sizeof(span), r->time_us - t0);
        fprintf(out, "%s (+%s)\n", r->time, span);
    }
    fx_xml_escape(out, r->method);
    fputc(' ', out);
    fx_xml_escape(out, r->path);
    if (r->query != NULL && *r->query) {
        fputc('?', out);
        fx_xml_escape(out, r->query);
    }
    fprintf(out, "\nstatus %ld, %.1f ms", r->status, r->ms);
    if (r->fault != NULL) {
        fputs(", fault ", out);
        fx_xml_escape(out, r->fault);
    }
    if (r->rate_limited)
        fputs(", rate limited", out);
    if (r->step != NULL) {
        fputs("\nstep ", out);
        fx_xml_escape(out, r->step);
        fprintf(out, ", attempt %ld: ", r->attempt);
        fx_xml_escape(out, r->outcome);
    }
    fputs("</title>\n", out);
}

static void step_tag(FILE *out, const struct fx_row *r, int y)
{
    char tag[96];

    if (r->step == NULL)
        return;
    if (r->attempt > 1)
        snprintf(tag, sizeof(tag), "%.60s #%ld", r->step, r->attempt);
    else
        snprintf(tag, sizeof(tag), "%.60s", r->step);
    text_at(out, COL0 - 12, y, "step", C_GREY, tag);
}

static void request_label(FILE *out, const struct fx_row *r, int x, int y, const char *colour)
{
    char p[160], label[200];

    snprintf(label, sizeof(label), "%s %s", r->method, fx_short_path(r->path, 60, p, sizeof(p)));
    text_at(out, x, y, "msg", colour, label);
}

static void draw_request(FILE *out, const struct fx_row *r, int y, int64_t t0)
{
    int x0 = COL0, x1 = col_x(r->service), yq = y + 20, yr = y + 50;
    const char *c = reply_colour(r);
    char label[200], span[32];

    title_block(out, r, t0);
    fmt_span(span, sizeof(span), r->time_us - t0);
    fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"tick\"/>\n", AXIS_W - 16,
            yq, AXIS_W - 8, yq);
    snprintf(label, sizeof(label), "+%s", span);
    text_at(out, AXIS_W - 20, yq + 4, "time", C_GREY, label);
    step_tag(out, r, yq + 4);
    fprintf(out,
            "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"%d\" fill=\"#f3f4f6\" stroke=\"%s\"/>\n",
            x1 - 6, yq, yr - yq, c);
    fprintf(out,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"1.5\" "
            "marker-end=\"url(#m-ok)\"/>\n",
            x0 + 2, yq, x1 - 8, yq, C_TEXT);
    request_label(out, r, x0 + 10, yq - 6, C_TEXT);
    if (r->status == 0) {
        /* No answer at all: a dashed stub that ends in a cross by the service. */
        fprintf(out,
                "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"1.5\" "
                "stroke-dasharray=\"5 4\"/>\n<path d=\"M%d,%d l10,10 m0,-10 l-10,10\" "
                "stroke=\"%s\" stroke-width=\"2\"/>\n",
                x1 - 8, yr, x0 + 60, yr, c, x0 + 50, yr - 5, c);
        snprintf(label, sizeof(label), "no answer \u00b7 %.1f ms", r->ms);
    } else {
        fprintf(out,
                "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"1.5\" "
                "stroke-dasharray=\"5 4\" marker-end=\"url(#m-%s)\"/>\n",
                x1 - 8, yr, x0 + 2, yr, c, marker_of(c));
        snprintf(label, sizeof(label), "%ld \u00b7 %.1f ms", r->status, r->ms);
    }
    text_at(out, x0 + 10, yr - 6, r->fault || r->rate_limited ? "msg bold" : "msg", c, label);
    if (r->fault != NULL || r->rate_limited) {
        /* The rule beside the service's lifeline, where it fired; the reply label stays
         * short so it never runs into this marker. */
        fprintf(out,
                "<circle cx=\"%d\" cy=\"%d\" r=\"8\" fill=\"%s\"/>\n<text x=\"%d\" y=\"%d\" "
                "class=\"bang\">!</text>\n",
                x1 + 20, (yq + yr) / 2, c, x1 + 20, (yq + yr) / 2 + 4);
        snprintf(label, sizeof(label), "%s%.80s", r->fault ? "fault " : "rate limited",
                 r->fault ? r->fault : "");
        text_at(out, x1 + 32, (yq + yr) / 2 + 4, "msg bold", c, label);
    }
    fputs("</g>\n", out);
}

static void draw_note(FILE *out, const struct fx_row *r, int y)
{
    /* Over the provisioner's lifeline only: a step is the client's, and a box across every
     * lifeline is noise the eye has to cross on every arrow. */
    int x0 = COL0 - NOTE_HALF, x1 = COL0 + NOTE_HALF;

    fprintf(out,
            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"24\" rx=\"3\" fill=\"%s\" "
            "stroke=\"%s\"/>\n",
            x0, y + 7, x1 - x0, C_NOTE, C_NOTE_LN);
    /* About NOTE_MAX characters fit the box; the whole text is in the tooltip. */
    fputs("<g><title>", out);
    fx_xml_escape(out, r->outcome);
    fprintf(out, "</title>\n<text x=\"%d\" y=\"%d\" class=\"note\">", (x0 + x1) / 2, y + 23);
    if (r->outcome != NULL && strlen(r->outcome) > NOTE_MAX) {
        char cut[NOTE_MAX + 8];
        size_t n = NOTE_MAX;
        while (n > 0 && ((unsigned char)r->outcome[n] & 0xC0) == 0x80)
            n--; /* never split a UTF-8 sequence */
        snprintf(cut, sizeof(cut), "%.*s\u2026", (int)n, r->outcome);
        fx_xml_escape(out, cut);
    } else {
        fx_xml_escape(out, r->outcome);
    }
    fputs("</text></g>\n", out);
}

static void draw_client(FILE *out, const struct fx_row *r, int y)
{
    int x0 = COL0, x1 = col_x(r->service), yq = y + 26;
    char label[200];

    step_tag(out, r, yq + 4);
    fprintf(out,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"1.5\" "
            "stroke-dasharray=\"2 3\"/>\n<path d=\"M%d,%d l10,10 m0,-10 l-10,10\" stroke=\"%s\" "
            "stroke-width=\"2\"/>\n",
            x0 + 2, yq, x1 - 22, yq, C_GREY, x1 - 22, yq - 5, C_GREY);
    request_label(out, r, x0 + 10, yq - 6, C_GREY);
    snprintf(label, sizeof(label), "never reached %s%s%s", r->service, r->outcome ? ": " : "",
             r->outcome ? r->outcome : "");
    text_at(out, x0 + 10, yq + 14, "small", C_GREY, label);
}

static void draw_gap(FILE *out, int64_t us, int y)
{
    char span[32], label[64];

    fmt_span(span, sizeof(span), us);
    snprintf(label, sizeof(label), "\u22ef %s later \u22ef", span);
    fprintf(out,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#d1d5db\" "
            "stroke-dasharray=\"1 4\"/>\n",
            16, y + H_GAP / 2, WIDTH - 16, y + H_GAP / 2);
    text_at(out, COL0 + COL_W, y + H_GAP / 2 + 4, "gap", C_GREY, label);
}

static void defs(FILE *out)
{
    static const char *const names[] = {"ok", "fault", "limited", "error", "grey"};
    static const char *const colours[] = {C_TEXT, C_FAULT, C_LIMITED, C_ERROR, C_GREY};

    fputs("<defs>\n", out);
    for (size_t i = 0; i < 5; i++)
        fprintf(out,
                "<marker id=\"m-%s\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" "
                "markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 "
                "L0,10 z\" fill=\"%s\"/></marker>\n",
                names[i], colours[i]);
    fputs("</defs>\n<style>\ntext{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;"
          "font-size:12px}\n.msg{font-family:ui-monospace,'DejaVu Sans Mono',monospace;"
          "paint-order:stroke;stroke:#fff;stroke-width:4px;stroke-linejoin:round}\n"
          ".bold{font-weight:bold}\n.who{text-anchor:middle;font-size:14px;font-weight:600}\n"
          ".time{text-anchor:end;font-size:11px}\n.step{text-anchor:end;font-size:11px;"
          "font-style:italic}\n.note{text-anchor:middle}\n.small{font-size:11px}\n"
          ".gap{text-anchor:middle;paint-order:stroke;stroke:#fff;stroke-width:6px}\n"
          ".bang{text-anchor:middle;fill:#fff;font-weight:bold;font-size:12px}\n"
          ".tick{stroke:#9ca3af}\n.legend{font-size:12px}\n</style>\n",
          out);
}

static void legend(FILE *out)
{
    static const char *const labels[] = {"ok", "fault (rule fired)", "rate limited",
                                         "error status / no answer", "never reached a fake"};
    static const char *const colours[] = {C_TEXT, C_FAULT, C_LIMITED, C_ERROR, C_GREY};
    int x = 20;

    for (size_t i = 0; i < 5; i++) {
        fprintf(out,
                "<line x1=\"%d\" y1=\"26\" x2=\"%d\" y2=\"26\" stroke=\"%s\" "
                "stroke-width=\"3\"/>\n",
                x, x + 22, colours[i]);
        text_at(out, x + 28, 30, "legend", C_TEXT, labels[i]);
        x += 40 + (int)strlen(labels[i]) * 7;
    }
}

void fx_svg_write(const struct fx_timeline *t, FILE *out)
{
    int64_t t0 = first_time(t);
    int h = ROWS_Y, y;

    for (size_t i = 0; i < t->n; i++)
        h += row_height(&t->rows[i]) + (gap_before(t, i) ? H_GAP : 0);
    h += 20;
    fprintf(out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "viewBox=\"0 0 %d %d\" style=\"max-width:100%%;height:auto\" role=\"img\" "
            "aria-label=\"sequence diagram\">\n",
            WIDTH, h + BOX_H + 16, WIDTH, h + BOX_H + 16);
    defs(out);
    fprintf(out, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n", WIDTH, h + BOX_H + 16);
    legend(out);
    text_at(out, AXIS_W - 20, HEAD_Y + 22, "time", C_GREY, "time \u2193");
    fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#d1d5db\"/>\n",
            AXIS_W - 12, ROWS_Y, AXIS_W - 12, h);
    for (int i = 0; i < FX_NPARTICIPANTS; i++)
        fprintf(out,
                "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#9ca3af\" "
                "stroke-dasharray=\"4 4\"/>\n",
                COL0 + i * COL_W, HEAD_Y + BOX_H, COL0 + i * COL_W, h);
    boxes(out, HEAD_Y);
    boxes(out, h);
    y = ROWS_Y;
    for (size_t i = 0; i < t->n; i++) {
        const struct fx_row *r = &t->rows[i];
        int64_t gap = gap_before(t, i);
        if (gap) {
            draw_gap(out, gap, y);
            y += H_GAP;
        }
        if (r->kind == FX_ROW_NOTE)
            draw_note(out, r, y);
        else if (r->kind == FX_ROW_CLIENT)
            draw_client(out, r, y);
        else
            draw_request(out, r, y, t0);
        y += row_height(r);
    }
    fputs("</svg>\n", out);
}

static void table(const struct fx_timeline *t, FILE *out)
{
    fputs("<table>\n<tr><th>time</th><th>service</th><th>request</th><th>status</th>"
          "<th>fault</th><th>ms</th><th>step</th></tr>\n",
          out);
    for (size_t i = 0; i < t->n; i++) {
        const struct fx_row *r = &t->rows[i];
        if (r->kind != FX_ROW_REQUEST)
            continue;
        fprintf(out, "<tr class=\"%s\"><td class=\"mono\">",
                r->fault          ? "fault"
                : r->rate_limited ? "rl"
                                  : "");
        fx_xml_escape(out, r->time);
        fputs("</td><td>", out);
        fx_xml_escape(out, r->service);
        fputs("</td><td class=\"mono\">", out);
        fx_xml_escape(out, r->method);
        fputc(' ', out);
        fx_xml_escape(out, r->path);
        if (r->query != NULL && *r->query) {
            fputc('?', out);
            fx_xml_escape(out, r->query);
        }
        fprintf(out, "</td><td>%ld%s</td><td>", r->status, r->rate_limited ? " (limited)" : "");
        fx_xml_escape(out, r->fault ? r->fault : "");
        fprintf(out, "</td><td>%.1f</td><td>", r->ms);
        fx_xml_escape(out, r->step ? r->step : "");
        fputs("</td></tr>\n", out);
    }
    fputs("</table>\n", out);
}

void fx_html_write(const struct fx_timeline *t, const char *title, FILE *out)
{
    size_t req = 0, faults = 0, limited = 0, client = 0;
    const char *from = NULL, *to = NULL;

    for (size_t i = 0; i < t->n; i++) {
        const struct fx_row *r = &t->rows[i];
        if (r->kind == FX_ROW_REQUEST) {
            req++;
            from = from ? from : r->time;
            to = r->time;
        }
        client += r->kind == FX_ROW_CLIENT;
        faults += r->fault != NULL;
        limited += r->rate_limited;
    }
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>", out);
    fx_xml_escape(out, title);
    fputs("</title>\n<style>\nbody{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;"
          "margin:24px;color:#1f2937}\nh1{font-size:20px;margin:0 0 4px}\np.sub{color:#6b7280;"
          "margin:0 0 12px}\ntable{border-collapse:collapse;font-size:13px;margin-top:8px}\n"
          "th,td{padding:3px 10px;border-bottom:1px solid #e5e7eb;text-align:left}\n"
          ".mono{font-family:ui-monospace,'DejaVu Sans Mono',monospace}\n"
          "tr.fault{color:#dc2626}\ntr.rl{color:#ea580c}\n</style>\n</head>\n<body>\n<h1>",
          out);
    fx_xml_escape(out, title);
    fprintf(out, "</h1>\n<p class=\"sub\">%zu requests, %zu faulted, %zu rate limited", req, faults,
            limited);
    if (client)
        fprintf(out, ", %zu never reached a fake", client);
    if (from != NULL) {
        fputs(" &middot; ", out);
        fx_xml_escape(out, from);
        fputs(" to ", out);
        fx_xml_escape(out, to);
    }
    fputs(". Hover an arrow for the full request.</p>\n", out);
    fx_svg_write(t, out);
    fputs("<h2>Requests</h2>\n", out);
    table(t, out);
    fputs("</body>\n</html>\n", out);
}
