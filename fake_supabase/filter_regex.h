/* filter_regex.h: match and imatch (PostgreSQL's ~ and ~*) for the filters (filter_regex.c says
 * how close POSIX regular expressions come to PostgreSQL's). */
#ifndef SB_FILTER_REGEX_H
#define SB_FILTER_REGEX_H

#include <stdbool.h>
#include <stddef.h>

#include <sqlite3.h>

/* 0 when pattern compiles; 1 with why ("invalid regular expression: ...") when it does not;
 * -1 on ENOMEM. */
int sb_regex_check(const char *pattern, bool icase, char *why, size_t size);
/* Register pgrst_regex(text, pattern, icase) on db; sb_regex_auto on every later connection. */
int sb_regex_register(sqlite3 *db);
void sb_regex_auto(void);

#endif
