/* Scheduler signal handlers (signals.h). The handler is async-signal-safe:
 * it only stores into volatile sig_atomic_t flags, the request level only
 * ever rising (SIGTERM after SIGUSR1 upgrades it, never the reverse; nothing
 * clears it), plus the last signal's number for the log. SA_RESTART lets
 * system calls the signal interrupts resume instead of failing with EINTR.
 * SIGUSR2 is SIGTERM under another name, for job scripts: Open MPI's mpirun
 * does not pass SIGTERM on (it starts killing the job: SIGCONT, SIGTERM a
 * second later, SIGKILL a second after that, odls_base_sigkill_timeout)
 * but forwards SIGUSR1 and SIGUSR2 at once; SIGPIPE is ignored (below).
 * No communication: each rank sees only its own flag; the run loop
 * (deck/restart.c) combines the ranks' flags with one max-reduction. */
#include "core/signals.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>

static volatile sig_atomic_t requested = SIG_NONE;
static volatile sig_atomic_t which = 0;

static void on_signal(int sig)
{
    int level = sig == SIGTERM || sig == SIGUSR2 ? SIG_NOW : SIG_SOON;
    if (level > requested)
        requested = level;
    which = sig;
    if (sig == SIGTERM) {
        /* The job is being killed. A launcher doing so may have stopped
         * reading our output (mpirun does from its SIGCONT on): a write
         * blocked on that full pipe would hold this rank, and with it every
         * rank, until SIGKILL. Non-blocking, the write (restarted after this
         * handler) fails with EAGAIN; output is lost, not the checkpoint.
         * fcntl is async-signal-safe; regular files ignore the flag. */
        for (int fd = 1; fd <= 2; fd++) {
            int fl = fcntl(fd, F_GETFL);
            if (fl != -1)
                fcntl(fd, F_SETFL, fl | O_NONBLOCK);
        }
    }
}

void signals_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGUSR2, &sa, NULL);
    /* A launcher that is stopping the job (Open MPI's mpirun on SIGTERM)
     * closes the pipe our output goes through before it signals the ranks:
     * writing there must fail (EPIPE), not kill the rank on its way to the
     * checkpoint. */
    signal(SIGPIPE, SIG_IGN);
}

int signals_pending(void) { return requested; }

const char *signals_name(void)
{
    return which == SIGTERM ? "SIGTERM" : which == SIGUSR1 ? "SIGUSR1" : which == SIGUSR2 ? "SIGUSR2" : "none";
}
