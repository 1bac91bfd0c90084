/* schemas_embed.h: the files of schemas/, compiled into the program.
 *
 * The definition is generated at build time by scripts/embed-files.sh from
 * schemas/NAME.schema.json (the Makefile's $(B)/gen/schemas_embed.c), so the program and the
 * files an editor or ajv reads can never differ. */
#ifndef FX_SCHEMAS_EMBED_H
#define FX_SCHEMAS_EMBED_H

struct fx_embedded_file {
    const char *name; /* the file name, "scenario.schema.json" */
    const char *text; /* its whole content */
};

/* Terminated by an entry whose name is NULL. */
extern const struct fx_embedded_file fx_embedded_schemas[];

#endif
