/* Memory checks (memory.h): read the node's and the cgroup's figures once
 * per check (cheap: a few small files), divide among the node's ranks.
 * No communication. */
#include "core/memory.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double user_limit;

void mem_set_limit(double bytes) { user_limit = bytes; }
double mem_limit(void) { return user_limit; }

/* A number from the first line of a file (0 if absent or "max"). */
static double file_number(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char buf[64] = "";
    double v = 0;
    if (fgets(buf, sizeof buf, f) && strncmp(buf, "max", 3) != 0)
        v = strtod(buf, NULL);
    fclose(f);
    return v;
}

static double meminfo_available(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    if (!f)
        return 0;
    char line[256];
    double kb = 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "MemAvailable: %lf kB", &kb) == 1)
            break;
    fclose(f);
    return kb * 1024.0;
}

double mem_available_per_rank(int nranks)
{
    double avail = meminfo_available();
    double max = file_number("/sys/fs/cgroup/memory.max");
    if (max > 0) {
        double room = max - file_number("/sys/fs/cgroup/memory.current");
        if (avail <= 0 || room < avail)
            avail = room > 0 ? room : 0;
    }
    const char *local = getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
    int ranks = local ? atoi(local) : nranks;
    if (ranks < 1)
        ranks = 1;
    avail /= ranks;
    if (user_limit > 0 && (avail <= 0 || user_limit < avail))
        avail = user_limit;
    return avail;
}

int mem_check(double bytes, int nranks, const char *what, char *err, size_t errlen)
{
    double avail = mem_available_per_rank(nranks);
    if (avail <= 0 || bytes <= avail)
        return 0; /* no figure to compare with: let the allocation decide */
    snprintf(err, errlen,
             "%s: about %.3g GB per rank needed, %.3g GB available to each (%s); use more ranks or nodes, or a "
             "smaller system",
             what, bytes / 1e9, avail / 1e9,
             user_limit > 0 && avail == user_limit ? "the deck's 'memory limit'"
                                                   : "the node's available memory shared by its ranks");
    return -1;
}
