/* procs.h: start the fakes as detached daemons, recognise them later, and stop them.
 *
 * `fakes up` and `fakes down` are separate processes, so the fakes cannot be children that
 * `down` reaps: each fake runs in its own session (setsid), its stdout a pipe that `up`
 * reads the "listening on" line from and then closes, its stderr a log file. Later a pid is
 * trusted only if /proc/PID/cmdline still shows the program and the port file `up` gave it,
 * so a recycled pid is never signalled. Linux-only (/proc), like the CI it serves. */
#ifndef FX_PROCS_H
#define FX_PROCS_H

#include <stdbool.h>
#include <sys/types.h>

#include "fakekit/err.h"

#define FX_SPAWN_TIED 1u /* the child gets SIGTERM when the starting thread ends (fakes test) */
#define FX_STOP_MAX   64 /* pids one fx_stop_children call handles */

/* Start path (argv[0]) with args (argv[1..], NULL-terminated), stdin /dev/null, stderr
 * written to log_path, in a new session; flags: FX_SPAWN_TIED or 0 (a daemon). Waits up to
 * timeout_ms for its first stdout line, which must be "listening on http://HOST:PORT". Returns 0
 * with *pid and *port set; on any failure the child is killed and reaped, and err holds one line
 * (with the log's last line when the program wrote one): FK_EIO. */
int fx_spawn(const char *path, const char *const *args, const char *log_path, long timeout_ms,
             unsigned flags, pid_t *pid, unsigned *port, struct fk_error *err) FK_MUST_CHECK;

/* True while pid exists and is not a zombie. */
bool fx_pid_alive(pid_t pid);

/* True when pid runs a program whose file name is `program` and whose arguments include
 * `marker` (the port-file path): the process `up` started, not a stranger on a recycled
 * pid. */
bool fx_pid_is(pid_t pid, const char *program, const char *marker);

/* SIGTERM each pids[i] (entries <= 0 are skipped), wait up to grace_ms for all to end, then
 * SIGKILL the rest and wait a little more. Children of this process are reaped. Returns the
 * number still alive at the end (0 normally). */
int fx_stop_pids(const pid_t *pids, int n, long grace_ms);
/* The same, also giving each child's wait status in status[i] (-1 when it was not reaped
 * here: not our child, or still alive). At most FX_STOP_MAX pids. */
int fx_stop_children(const pid_t *pids, int n, long grace_ms, int *status);

#endif
