/* pgrun.h: run SQL on a private, throw-away PostgreSQL 15 cluster, for the differential tests
 * (tests/integration/test_pg_diff.c, test_pg_flow.c).
 *
 * The cluster is tests/pgdiff/pg-run.sh's: initdb in a temporary folder, a Unix socket there
 * only, the en_US.UTF-8 locale and TimeZone UTC, stopped and removed when the script ends.
 * psql runs the SQL as postgres with ON_ERROR_STOP, unaligned and tuples-only: one output
 * line per row of one column. PostgreSQL missing, or any statement failing, is an error the
 * caller turns into a failure (never a skip). */
#ifndef H_PGRUN_H
#define H_PGRUN_H

#include <stddef.h>
#include <stdio.h>

/* Run sql (len bytes) and set *lines to psql's output lines (each and the array malloc'd;
 * pgrun_free releases them). Returns the number of lines, or -1 after saying why on stderr
 * (pg-run.sh exited non-zero: no PostgreSQL, or a statement failed -- psql's error is on
 * stderr above). Runs from the repository's root (the script's path is relative). */
long pgrun(const char *sql, size_t len, char ***lines);
void pgrun_free(char **lines, size_t n);
/* Write s to f as an SQL string literal: quoted, each ' doubled. */
void pgrun_put_literal(FILE *f, const char *s);

#endif
