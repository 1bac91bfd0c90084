/* files.h: small file helpers of the integration tests (temporary folders, whole files). */
#ifndef H_FILES_H
#define H_FILES_H

/* The whole file (caller frees); "" when it cannot be read. Never NULL. */
char *h_slurp(const char *path);
/* Write text to path, replacing it; fails the running test when it cannot. */
void h_write_file(const char *path, const char *text);
/* rm -r: the folder and everything below it (links are removed, not followed). */
void h_rm_tree(const char *dir);

#endif
