/* rls.h: row-level security from the schema's policies, as PostgreSQL applies them.
 *
 * Each table of the schema cache gets a mode:
 *   - SB_RLS_OWNER: the schema declares no policy and enables RLS on no table (a legacy
 *     SQLite schema, or migrations without any RLS): the fallback rule of postgrest.h, where
 *     a user_id column (or one referencing auth.users) ties rows to their owner;
 *   - SB_RLS_OFF: the schema uses RLS but not on this table: Supabase's default grants give
 *     anon and authenticated every privilege on public tables, so every row is open;
 *   - SB_RLS_ON: `alter table t enable row level security`: the policies decide.
 * service_role bypasses RLS (it has BYPASSRLS on Supabase).
 *
 * For SB_RLS_ON, as PostgreSQL's rewrite/rowsecurity.c does for permissive policies: the
 * policies that apply are those for the command (or ALL) whose "to" list holds the caller's
 * role (public: every role); their expressions are OR-ed, restrictive ones AND-ed on top; no
 * applicable permissive policy means no row and every write refused. USING filters existing
 * rows (reads; update and delete together with the SELECT policies, since PostgREST's WHERE
 * reads columns); WITH CHECK (else USING) must hold for new rows of insert and update, and
 * the SELECT policies' USING too when the row is returned (return=representation), or the
 * write fails with 42501 "new row violates row-level security policy for table".
 *
 * Policy expressions understood: and, or, not, parentheses, = <> != < <= > >=, is [not]
 * null/true/false, [not] in (...), columns of the table, literals, casts (dropped),
 * auth.uid(), (select auth.uid()), auth.role(), auth.jwt() ->> 'sub' / 'role', true, false.
 * A policy using anything else is compiled to false (it never grants) and warned about. */
#ifndef SB_RLS_H
#define SB_RLS_H

#include <stdbool.h>
#include <stddef.h>

#include "fake_supabase/ddl.h"
#include "fake_supabase/filter.h"
#include "fake_supabase/gotrue.h"
#include "fake_supabase/schema_cache.h"

enum sb_rls_mode { SB_RLS_OWNER = 0, SB_RLS_OFF, SB_RLS_ON };

/* Set every table's mode and compile d's policies onto the tables of s. Policies that cannot
 * be evaluated add a warning line to d->warnings. 0 or FK_ENOMEM. */
int sb_rls_attach(struct sb_schema *s, struct ddl_result *d) FK_MUST_CHECK;

/* The policies of t apply to who. */
bool sb_rls_applies(const struct sb_table *t, const struct sb_caller *who);
/* Append "(predicate)": the USING of the policies for cmd (SELECT, UPDATE or DELETE). */
int sb_rls_using(struct sb_sql *sql, const struct sb_table *t, enum ddl_cmd cmd,
                 const struct sb_caller *who) FK_MUST_CHECK;
/* Append "(predicate)": the WITH CHECK (else USING) of the policies for cmd (INSERT or
 * UPDATE). */
int sb_rls_check(struct sb_sql *sql, const struct sb_table *t, enum ddl_cmd cmd,
                 const struct sb_caller *who) FK_MUST_CHECK;

/* Compile one policy expression (PostgreSQL text) for table t into SQL text in which ?1
 * stands for auth.uid() and ?2 for auth.role() (for tests). 0, 1 when it cannot be evaluated
 * (why says what), FK_ENOMEM. Caller frees *out. */
int sb_rls_compile_text(const struct sb_table *t, const char *expr, char **out, char *why,
                        size_t whylen) FK_MUST_CHECK;

/* The SQL function sb_auth_uid(): the user id of the request this thread serves (set by
 * sb_auth_uid_set; NULL for anon and service_role, as auth.uid() reads the JWT's sub), so
 * that a column declared "default auth.uid()" gets it (ddl.c emits DEFAULT (sb_auth_uid())).
 * Registered on every connection opened after sb_schema_from_ddl. sub is borrowed until the
 * next call; NULL clears it. */
void sb_auth_uid_set(const char *sub);

#endif
