/* Shear transformation zones from a D2min sample (docs/analysis.md, "STZ
 * detection"), for the d2min observer.
 *
 * Atoms whose D2min is at or above a threshold are "active": the threshold
 * is absolute (`above D`, A^2), a multiple K of the thermal background
 * (`background K`: K times the mean D2min of the observer's first sample,
 * which the deck takes in an unstrained window at the same temperature),
 * or the top fraction F of the valid atoms (`top F`, an exact order
 * statistic over all ranks). Active atoms closer than `connect` (A, in
 * the current configuration) are one cluster: connected components by
 * label propagation (each active atom takes the smallest atom id among
 * itself and its active neighbours, the ghosts' labels refreshed through
 * the observer's shell halo, until no label changes on any rank), so a
 * cluster across periodic and rank boundaries is one. Each cluster of at
 * least `min_size` atoms is tabulated: size, centre (periodic: the mean
 * of the minimum-image offsets from one member), radius of gyration, mean
 * and maximum D2min, mean shear strain, and the cluster's mean
 * Green-Lagrange strain with its principal values e1 >= e2 >= e3 and the
 * plane of maximum shear (normal (v1 + v3)/sqrt 2 for the principal axes
 * v1, v3; shear gamma_max = e1 - e3).
 *
 * Events: a cluster continues the event of the previous sample that most
 * of its atoms belonged to (each atom carries its event id, NAME_stz, a
 * per-atom column that migrates and is checkpointed); the larger cluster
 * wins an event two clusters claim; the others start new events. An event
 * that no cluster continues has ended: one row in the events table
 * (first and last step, samples, largest size, peak mean D2min, centre
 * when first seen). Rank 0 builds the tables from the active atoms'
 * records (a small fraction of the atoms), and broadcasts the cluster ->
 * event map and the open events, so every rank holds the same state for
 * checkpoints. Communication per sample: a bisection of global counts
 * (`top`), one sum (`background`, once), the propagation's halo refreshes
 * and maxima, the records to rank 0, two broadcasts. */
#ifndef MGMD_STZ_H
#define MGMD_STZ_H

#include <stdint.h>
#include <stdio.h>

#include "analysis/eshelby.h"
#include "analysis/shell.h"
#include "system/system.h"

struct ckpt_state;

enum { STZ_OFF, STZ_ABOVE, STZ_TOP, STZ_BACKGROUND };

typedef struct stz_event {
    int64_t id, first_step, last_step;
    int64_t samples, max_size;
    double first_time;       /* ps                                       */
    double peak_d2min;       /* largest mean D2min of its cluster (A^2)  */
    double centre[3];        /* when first seen (A)                      */
} stz_event;

typedef struct stz {
    int mode;
    double value;            /* A^2 (above), fraction (top), multiple    */
    double connect;          /* A                                        */
    int64_t min_size;
    double background;       /* A^2; < 0 until measured                  */
    int64_t next_event;
    int nopen, capopen;
    stz_event *open;         /* replicated on every rank                 */
    char path_clusters[1100], path_events[1100];
    FILE *fc, *fe;           /* rank 0                                   */
    int header_c, header_e;
    /* The last sample, for the observer's table. */
    double threshold;
    int64_t nclusters, natoms_in, nnew;
    /* The events born at the last sample (on every rank), for the map of
     * their surroundings. */
    int nborn, capborn;
    stz_birth *born;
    eshelby esh;             /* on: the Eshelby map (analysis/eshelby.h) */
} stz;

/* Fresh state (mode STZ_OFF until the caller sets it). */
void stz_init(stz *z);
void stz_destroy(stz *z);
/* Collective: cluster and tabulate one sample. sh: the observer's shell
 * (copies of the owned atoms first, positions current, at least `connect`
 * wide); d2, valid: per owned atom (valid 0 for atoms outside the
 * analysed group too); E: per owned atom Green-Lagrange strain (xx yy zz
 * xy xz yz); w: per owned atom non-affine displacement (u - F u0, A);
 * Ebox: the box's strain over the same interval (zero with an affine
 * mapping), taken from the clusters' strain for the events' frames;
 * event: the per-atom NAME_stz column (read as the previous
 * sample's events, written with this one's). `empty`: no atom moved
 * non-affinely (the largest D2min is round-off, below 1e-20 A^2: a
 * window of no steps): no atom is active and the background is not
 * measured from it. */
void stz_sample(stz *z, const char *name, md *s, shell *sh, const double *d2, const int *valid,
                const double (*E)[6], const double *shear, const double (*w)[3], const double Ebox[6],
                double *event, int empty);
void stz_save(const stz *z, struct ckpt_state *c);
/* Fails collectively (naming the observer) on a missing or malformed
 * record. */
void stz_restore(stz *z, const char *name, struct ckpt_state *c, long long *pos_clusters, long long *pos_events);

#endif
