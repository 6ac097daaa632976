/* Scheduler signal handlers (signals.h). The handler is async-signal-safe:
 * it only stores into volatile sig_atomic_t flags, the request level only
 * ever rising (SIGTERM after SIGUSR1 upgrades it, never the reverse; nothing
 * clears it), plus the last signal's number for the log. SA_RESTART lets
 * system calls the signal interrupts resume instead of failing with EINTR.
 * No communication: each rank sees only its own flag; the run loop
 * (deck/restart.c) combines the ranks' flags with one max-reduction. */
#include "core/signals.h"

#include <signal.h>
#include <string.h>

static volatile sig_atomic_t requested = SIG_NONE;
static volatile sig_atomic_t which = 0;

static void on_signal(int sig)
{
    int level = sig == SIGTERM ? SIG_NOW : SIG_SOON;
    if (level > requested)
        requested = level;
    which = sig;
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
}

int signals_pending(void) { return requested; }

const char *signals_name(void)
{
    return which == SIGTERM ? "SIGTERM" : which == SIGUSR1 ? "SIGUSR1" : "none";
}
