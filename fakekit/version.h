/* version.h: the project's version, printed by every program's --version and in each fake's
 * GET /__admin/health. One number for the whole tree: the fakes, the provisioner and the
 * launcher are released together. */
#ifndef FK_VERSION_H
#define FK_VERSION_H

#define FK_VERSION "1.1.0"

#endif
