/* fuzz_ddl.c: the PostgreSQL DDL reader (fake_supabase/ddl*.c) and the policy compiler
 * (fake_supabase/rls.c).
 *
 * Input: the text of one migration file. The reader must accept it or fail with a message
 * naming the file ("m.sql:..."), never crash or leak. When SQLite accepts the DDL it wrote,
 * the schema cache is built with the policies compiled onto the tables, and every predicate
 * the policies give (USING and WITH CHECK, each command, each role) must prepare in SQLite
 * with as many placeholders as bound parameters: a policy is either compiled to valid SQL or
 * refused (denies), never spliced in half. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "fake_supabase/ddl.h"
#include "fake_supabase/rls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char auth_sql[] = "CREATE TABLE auth_users (id TEXT PRIMARY KEY);";

static void check_predicates(sqlite3 *db, const struct sb_table *t)
{
    static const enum sb_role roles[] = {SB_ROLE_ANON, SB_ROLE_AUTHENTICATED};
    static const enum ddl_cmd cmds[] = {DDL_CMD_SELECT, DDL_CMD_INSERT, DDL_CMD_UPDATE,
                                        DDL_CMD_DELETE};

    for (size_t r = 0; r < 2; r++) {
        for (size_t c = 0; c < 4; c++) {
            struct sb_caller who = {roles[r], "11111111-1111-4111-8111-111111111111"};
            struct sb_sql sql;
            sqlite3_stmt *st = NULL;
            int rc;
            sb_sql_init(&sql);
            rc = sb_sql_raw(&sql, "SELECT 1 FROM ");
            if (rc == 0)
                rc = sb_sql_ident(&sql, t->name);
            if (rc == 0)
                rc = sb_sql_raw(&sql, " WHERE ");
            if (rc == 0)
                rc = (c & 1) ? sb_rls_check(&sql, t, cmds[c], &who)
                             : sb_rls_using(&sql, t, cmds[c], &who);
            if (rc == 0) {
                if (sqlite3_prepare_v2(db, fk_buf_str(&sql.text), -1, &st, NULL) != SQLITE_OK ||
                    (size_t)sqlite3_bind_parameter_count(st) != sql.nparams ||
                    sb_sql_bind(&sql, st) != SQLITE_OK)
                    abort();
                while (sqlite3_step(st) == SQLITE_ROW)
                    ;
            }
            sqlite3_finalize(st);
            sb_sql_cleanup(&sql);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    struct ddl_result d;
    struct fk_error err = {{0}};
    struct sb_schema *schema = NULL;
    sqlite3 *db = NULL;
    int rc;

    if (text == NULL || memchr(data, '\0', size) != NULL) {
        free(text);
        return 0;
    }
    memcpy(text, data, size);
    text[size] = '\0';
    rc = ddl_read_text("m.sql", text, &d, &err);
    free(text);
    if (rc != 0) {
        if (rc != FK_ENOMEM && strncmp(err.msg, "m.sql:", 6) != 0)
            abort();
        return 0;
    }
    if (sqlite3_open(":memory:", &db) == SQLITE_OK &&
        sqlite3_exec(db, auth_sql, NULL, NULL, NULL) == SQLITE_OK &&
        sqlite3_exec(db, d.sqlite, NULL, NULL, NULL) == SQLITE_OK &&
        sb_schema_from_ddl(auth_sql, &d, &schema, &err) == 0) {
        for (size_t i = 0; i < schema->ntables; i++)
            check_predicates(db, &schema->tables[i]);
    }
    sb_schema_free(schema);
    sqlite3_close(db);
    ddl_result_free(&d);
    return 0;
}
