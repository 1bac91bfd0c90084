/* rest_ctx.h: one /rest/v1 request's context and the helpers that build rows and
 * answers (postgrest_json.c, postgrest_range.c, postgrest_rls.c), below both the request
 * dispatcher (postgrest.c) and the writes (postgrest_write.h), which include it; values go
 * through the type layer below it (pgtype.h). Private to fake_supabase's REST half. */
#ifndef SB_REST_CTX_H
#define SB_REST_CTX_H

#include <stdbool.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "fake_supabase/filter.h"
#include "fake_supabase/gotrue.h"

enum sb_return { SB_RET_DEFAULT, SB_RET_MINIMAL, SB_RET_REPR, SB_RET_HEADERS };
enum sb_resolution { SB_RES_NONE, SB_RES_MERGE, SB_RES_IGNORE };

enum sb_count_kind { SB_COUNT_NONE, SB_COUNT_EXACT, SB_COUNT_PLANNED, SB_COUNT_ESTIMATED };
enum sb_handling { SB_HANDLING_NONE, SB_HANDLING_STRICT, SB_HANDLING_LENIENT };
enum sb_missing { SB_MISSING_NONE, SB_MISSING_DEFAULT, SB_MISSING_NULL };

/* The Prefer headers as PostgREST 12 reads them (ApiRequest/Preferences.hs fromHeaders): items
 * split on ',' and trimmed; in each family the first item PostgREST knows wins. count is set
 * for every count= the fake answers with a total (it counts exactly for all three; on writes
 * PostgREST's shouldCount leaves count=planned without one, and so does the fake); invalid
 * holds the items PostgREST would not accept, joined by ", ", for handling=strict's PGRST122. */
struct sb_prefer {
    enum sb_return ret;
    bool count;
    enum sb_count_kind count_kind;
    enum sb_resolution resolution;
    bool missing_default;
    enum sb_missing missing;
    enum sb_handling handling;
    char invalid[256];
    bool tx_rollback;
};

/* One embedding of select= (postgrest_embed.c): key name, the embedded table, the row's column
 * and the embedded table's column that match, an object (to_one) or an array, !inner, and
 * the embedded select list. */
struct sb_embed {
    char *name;
    const struct sb_table *child;
    int parent_col;
    int child_col;
    bool to_one;
    bool inner;
    struct sb_query q;
};

struct sb_ctx {
    const struct fk_req *req;
    struct fk_resp *resp;
    const struct sb_svc *svc;
    const struct sb_table *t;
    sqlite3 *db;
    struct sb_caller caller;
    struct sb_query q;
    struct sb_prefer pref;
    bool want_object;       /* Accept: application/vnd.pgrst.object+json */
    bool want_csv;          /* Accept: text/csv (reads) */
    bool rls_check;         /* writes: RETURNING ends with the policies' check (rls.h) */
    bool rls_upsert_update; /* this upsert row conflicts: it takes the update path */
    struct sb_embed *embeds;
    size_t nembeds;
};

/* text/csv (postgrest_csv.c): the header line (without '\n') and one row of st (every column
 * of c->t in order) as PostgREST's asCsvF writes them. */
int sb_csv_header(const struct sb_ctx *c, struct fk_buf *out) FK_MUST_CHECK;
int sb_csv_row(const struct sb_ctx *c, sqlite3_stmt *st, struct fk_buf *out) FK_MUST_CHECK;

/* Resource embedding (postgrest_embed.c). Resolve c->q's embeddings against the schema's
 * foreign keys: 0, FK_ANSWERED (400 PGRST200 written), FK_ENOMEM. */
int sb_embed_resolve(struct sb_ctx *c) FK_MUST_CHECK;
void sb_embed_cleanup(struct sb_ctx *c);
/* Append " AND EXISTS (...)" for every !inner embedding. */
int sb_embed_where(struct sb_ctx *c, struct sb_sql *sql) FK_MUST_CHECK;
/* Append ,"name":value for every embedding of the current row of st (every column of c->t in
 * order); first: no comma before the first one. */
int sb_embed_text(const struct sb_ctx *c, sqlite3_stmt *st, bool first,
                  struct fk_buf *out) FK_MUST_CHECK;
/* The same for a written row (full: sb_rest_row's object), added to row. */
int sb_embed_json(const struct sb_ctx *c, const cJSON *full, cJSON *row) FK_MUST_CHECK;

/* Parse a Prefer header (NULL: defaults) into p (postgrest_prefer.c). Unknown items are kept in
 * p->invalid and otherwise ignored, as PostgREST's default (lenient) handling does. */
void sb_prefer_parse(const char *header, struct sb_prefer *p);
/* 400 PGRST122 when handling=strict and p->invalid is not empty (PostgREST 12's Plan.hs checks
 * it after the query string): FK_ANSWERED when the error answer was written, else 0. */
int sb_prefer_strict(struct sb_ctx *c) FK_MUST_CHECK;
/* Preference-Applied: the preferences PostgREST 12's Response.hs echoes for c's method, in
 * prefAppliedHeader's order (resolution, missing, return, count, handling); none: no header. */
int sb_prefer_applied(struct sb_ctx *c) FK_MUST_CHECK;

/* Append the WHERE condition of c: the request's filters, plus the role's row rule. */
int sb_rest_where(struct sb_ctx *c, struct sb_sql *sql) FK_MUST_CHECK;
/* The SELECT list of every column of t, in table order (for RETURNING). */
int sb_rest_all_columns(struct sb_sql *sql, const struct sb_table *t) FK_MUST_CHECK;
/* The current row of st, whose columns are every column of t in order, as a JSON object
 * typed by the schema (booleans, JSON columns, numbers). NULL on ENOMEM. */
cJSON *sb_rest_row(const struct sb_table *t, sqlite3_stmt *st);
/* A state document's row for t with every typed column's value in its storage form
 * (pgtype.h), as a POST would store it; NULL with err set ("rows.t[0].id: invalid input
 * syntax for type uuid: \"x\" (22P02)") or on ENOMEM. Caller cJSON_Delete()s it. */
cJSON *sb_rest_row_storage(const struct sb_table *t, const cJSON *row, const char *path,
                           struct fk_error *err);
/* The request's select list applied to a full row (aliases, order). NULL on ENOMEM. */
cJSON *sb_rest_project(const struct sb_ctx *c, const cJSON *full);
/* Append the select list of the current row of st (every column of t in order) as a JSON
 * object: the bytes cJSON_PrintUnformatted gives for sb_rest_project(c, sb_rest_row()), with
 * no tree built. 0 or FK_ENOMEM. */
int sb_rest_row_text(const struct sb_ctx *c, sqlite3_stmt *st, struct fk_buf *out) FK_MUST_CHECK;
/* Reply with rows (an array, taken even on failure): the object itself when want_object
 * (406 PGRST116 unless exactly one row), else the array. */
int sb_rest_reply_rows(struct sb_ctx *c, unsigned status, cJSON *rows) FK_MUST_CHECK;
/* 406 PGRST116 for n rows. */
int sb_rest_not_single(struct sb_ctx *c, size_t n) FK_MUST_CHECK;
/* The rows a read returns (postgrest_range.c): its LIMIT (-1: ALL) and OFFSET, which is also
 * the lower bound Content-Range reports. */
struct sb_window {
    long long offset;
    long long limit;
};
/* c's window from limit=, offset= and, on GET, the Range header, as PostgREST works it out.
 * FK_OK, FK_ANSWERED when an error answer was written (416 PGRST103, 400 22003), or FK_ENOMEM. */
int sb_rest_window(struct sb_ctx *c, struct sb_window *w) FK_MUST_CHECK;
/* Content-Location of a read: "/table?" and the query PostgREST 12 canonicalizes (sorted by
 * name, URL-encoded, repeated names joined with ','); left out past 8 KiB. */
int sb_rest_content_location(struct sb_ctx *c) FK_MUST_CHECK;
/* Content-Range for n rows starting at lower, of total (-1: unknown "*"). */
int sb_rest_content_range(struct fk_resp *resp, long long lower, long long n,
                          long long total) FK_MUST_CHECK;

/* Row-level security on writes (postgrest_rls.c, rls.h): append ", coalesce(check, 0)" to
 * a RETURNING list and set c->rls_check when the policies apply; append " WHERE ..." to an
 * upsert's DO UPDATE (the UPDATE policies' USING on the existing row); answer 42501 "new row
 * violates row-level security policy [(USING expression) ]for table". */
int sb_rest_rls_returning(struct sb_ctx *c, struct sb_sql *sql, bool updating) FK_MUST_CHECK;
int sb_rest_rls_conflict_where(struct sb_ctx *c, struct sb_sql *sql) FK_MUST_CHECK;
int sb_rest_rls_error(struct sb_ctx *c, bool using_expr) FK_MUST_CHECK;
/* For a merge upsert under RLS: whether row conflicts on keys (the update path, whose new row
 * the UPDATE policies check) into c->rls_upsert_update. FK_ANSWERED when an error answer was
 * written. */
int sb_rest_rls_upsert_path(struct sb_ctx *c, const cJSON *row, const int *keys,
                            size_t nkeys) FK_MUST_CHECK;
/* PostgreSQL checks the policies before the table's constraints: the new rows built from the
 * request's values (over the rows an update touches; NULL for an insert's missing columns,
 * which then only a false that does not depend on them refuses) must pass. FK_ANSWERED when an
 * error answer was written. */
int sb_rest_rls_precheck(struct sb_ctx *c, const cJSON *vals, bool updating) FK_MUST_CHECK;
/* Bind JSON value v for column col as a parameter of sql (postgrest_write.c). FK_ANSWERED when an
 * error answer was written, 0 on success, FK_ENOMEM. */
int sb_rest_json_param(struct sb_ctx *c, struct sb_sql *sql, const struct sb_column *col,
                       const cJSON *v) FK_MUST_CHECK;

#endif
