/* ddl.h: a user's PostgreSQL migrations as the fake's SQLite schema.
 *
 * --schema names a file or a folder whose *.sql files are read in name order, as the
 * Supabase CLI applies supabase/migrations/. The reader keeps a model of the public tables
 * (columns, constraints, indexes, row-level security, policies), applying each statement in
 * order, and at the end writes SQLite DDL for the model:
 *   - every column declared with its PostgreSQL type as format_type() prints it
 *     ("timestamp with time zone", "character varying(20)", "text ARRAY" for text[]), so
 *     the schema cache and the type layer read it back from SQLite's pragmas;
 *   - defaults in their storage form (now() -> strftime('%Y-%m-%dT%H:%M:%f000Z','now'),
 *     gen_random_uuid() -> a lower-case v4 uuid expression, literals converted);
 *   - primary key, unique, not null, check (comparisons, in, and/or/not, length(), = any
 *     (array[...])), references (auth.users -> the fake's auth_users) with on delete/update
 *     actions; identity and serial columns that are the primary key become SQLite's rowid
 *     ("integer PRIMARY KEY"; bigint ones "INTEGER PRIMARY KEY", which reads as bigint);
 *   - create [unique] index [if not exists] ... [where ...].
 * Understood statements: create table, create [unique] index, create type ... as enum (a
 * text column with a check), alter table (add column, add constraint, drop column, alter
 * column set/drop default, set/drop not null, type, rename, enable/disable row level
 * security), drop table/index/policy/type, create policy. begin/commit are ignored. Every
 * other statement (functions, triggers, grants, extensions, comments, views, inserts...)
 * and anything on a schema other than public is skipped with one warning
 * "FILE:LINE: skipped: <first words>". A syntax error in an understood statement, or a
 * construct it cannot honour there (an unknown column type, a default it cannot compute),
 * fails with "FILE:LINE:COL: why". A check it cannot translate is dropped with a warning.
 *
 * A file whose first line is "-- fake_supabase: sqlite" is SQLite DDL of earlier versions
 * and is used unchanged (no policies; the owner-column fallback of postgrest.h applies). */
#ifndef SB_DDL_H
#define SB_DDL_H

#include <stdbool.h>
#include <stddef.h>

#include "fakekit/err.h"

enum ddl_cmd { DDL_CMD_ALL, DDL_CMD_SELECT, DDL_CMD_INSERT, DDL_CMD_UPDATE, DDL_CMD_DELETE };

/* Roles a policy applies to ("to" list; none given = public = every role). */
#define DDL_ROLE_ANON          1u
#define DDL_ROLE_AUTHENTICATED 2u
#define DDL_ROLE_SERVICE       4u
#define DDL_ROLE_PUBLIC        (DDL_ROLE_ANON | DDL_ROLE_AUTHENTICATED | DDL_ROLE_SERVICE)

struct ddl_policy {
    char *name;
    char *table;
    enum ddl_cmd cmd;
    unsigned roles;
    bool restrictive;
    char *using_expr; /* PostgreSQL text of using (...), NULL when absent */
    char *check_expr; /* PostgreSQL text of with check (...), NULL when absent */
    char *where;      /* "FILE:LINE" of the create policy, for warnings */
};

/* A column's declared type as PostgreSQL spells it. SQLite's pragmas upper-case the names
 * of its own types (INT INTEGER REAL TEXT BLOB ANY: "integer" reads back as "INTEGER", like
 * the legacy spelling that means bigint), so sb_schema_from_ddl() puts these back. */
struct ddl_coltype {
    char *table, *column, *type;
};

struct ddl_result {
    char *sqlite; /* SQLite DDL: every table, then every index */
    bool legacy;  /* a "-- fake_supabase: sqlite" file, used as given */
    bool any_rls; /* some table enables RLS or some policy exists */
    char **rls_tables;
    size_t nrls_tables;
    struct ddl_policy *policies;
    size_t npolicies;
    char **warnings; /* "FILE:LINE: skipped: create function public.x" */
    size_t nwarnings;
    struct ddl_coltype *types; /* every column of every table (none for a legacy file) */
    size_t ntypes;
};

struct ddl_reader;

struct ddl_reader *ddl_reader_new(void); /* NULL on ENOMEM */
void ddl_reader_free(struct ddl_reader *r);
/* Apply the statements of one file (text NUL-terminated, name for messages). 0, FK_EINVAL
 * with err "NAME:LINE:COL: why", FK_ENOMEM. After a failure the reader is unusable. */
int ddl_reader_add(struct ddl_reader *r, const char *name, const char *text,
                   struct fk_error *err) FK_MUST_CHECK;
/* The SQLite DDL of everything applied, the policies and the warnings. The caller frees out
 * with ddl_result_free. 0 or FK_ENOMEM. */
int ddl_reader_finish(struct ddl_reader *r, struct ddl_result *out,
                      struct fk_error *err) FK_MUST_CHECK;
void ddl_result_free(struct ddl_result *out); /* NULL-safe */

/* Read path: a file, or a folder whose *.sql files are applied in name order (strcmp). A
 * legacy SQLite file is recognised by its first line. 0, FK_EIO / FK_EINVAL / FK_ENOMEM with
 * err set. */
int ddl_read_path(const char *path, struct ddl_result *out, struct fk_error *err) FK_MUST_CHECK;
/* The same for one text already in memory (name for messages). */
int ddl_read_text(const char *name, const char *text, struct ddl_result *out,
                  struct fk_error *err) FK_MUST_CHECK;

#endif
