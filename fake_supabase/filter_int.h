/* filter_int.h: error helpers shared by filter.c (filter grammar) and filter_query.c
 * (structural fields). Private to the filter module. */
#ifndef SB_FILTER_INT_H
#define SB_FILTER_INT_H

#include "fake_supabase/filter.h"

/* Fill e (NULL-safe): status, code, details ("" or NULL for null) and a formatted message. */
void sb_qerr_set(struct sb_qerr *e, unsigned status, const char *code, const char *details,
                 const char *fmt, ...) FK_PRINTF(5, 6);
/* PGRST100 '"failed to parse WHAT (TEXT)" (line 1, column POS+1)'; returns FK_EINVAL. */
int sb_qerr_parse(struct sb_qerr *e, const char *what, const char *text, size_t pos,
                  const char *details);
/* 42703 "column t.name does not exist"; returns FK_EINVAL. */
int sb_qerr_column(struct sb_qerr *e, const struct sb_table *t, const char *name);

#endif
