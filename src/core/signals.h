/* Scheduler signals. Slurm (`--signal=USR1@300`) and PBS warn a job before
 * its wall-time limit; at the limit they send SIGTERM, then SIGKILL.
 *
 *   SIGUSR1  checkpoint at the next neighbour-list rebuild (at most 100
 *            steps later), so the continued run is bitwise the one that
 *            never stopped, then exit with MG_EXIT_RESUBMIT
 *   SIGTERM  the same, but waiting at most 5 s of wall time for the
 *            rebuild (SIGKILL follows soon), then forcing one (the
 *            continuation then agrees to round-off); exit MG_EXIT_RESUBMIT
 *   SIGUSR2  as SIGTERM (what examples/slurm/mgmd-job.sh passes to an
 *            mpirun that would kill the ranks on SIGTERM itself)
 *   SIGPIPE  ignored: output to a launcher that already quit is lost, the
 *            checkpoint is still written (after SIGTERM, stdout and stderr
 *            also turn non-blocking, for a launcher that stopped reading)
 *
 * The handlers only set a flag; the run loop turns the flags of all ranks
 * into one decision with a reduction (docs/checkpoints.md). */
#ifndef MGMD_SIGNALS_H
#define MGMD_SIGNALS_H

enum { SIG_NONE = 0, SIG_SOON = 1, SIG_NOW = 2 };

void signals_install(void);
/* This rank's pending request: SIG_NONE, SIG_SOON (USR1) or SIG_NOW (TERM, USR2). */
int signals_pending(void);
/* Name of the signal that was received, for the log. */
const char *signals_name(void);

#endif
