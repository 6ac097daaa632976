/* Groups: named sets of atoms, one bit each of the per-atom mask (atoms.h),
 * so membership migrates, sorts, dumps and checkpoints with its atom.
 *
 * Group 0 is `all`: every atom, always. Up to GROUP_MAX groups in all. A
 * group is defined by a selection:
 *
 *   region R                   atoms in region R (system/region.h)
 *   type T...                  of these types (ranges A:B)
 *   id A[:B[:S]]...            with these ids (ranges, optional stride)
 *   union G1 G2...             in any of the groups
 *   intersect G1 G2...         in all of them
 *   subtract G1 G2...          in G1 and in none of the others
 *   empty                      no atom (`group NAME clear`)
 *
 * optionally restricted to the atoms of a parent group (LAMMPS' `group NAME
 * dynamic PARENT region R`).
 *
 * A static group is evaluated when it is defined; defining a static group
 * that exists adds the newly selected atoms to it (LAMMPS' rule). A dynamic
 * group is evaluated again at every neighbour-list rebuild, after the atoms
 * have migrated and before ghosts are made (md_reneighbor), so ghosts carry
 * current masks; dynamic groups are re-evaluated in the order they were
 * defined.
 *
 * Communication: evaluating groups costs one reduction (the global counts
 * of every group at once); membership itself is decided by each rank for
 * its own atoms, so it does not depend on the rank count. */
#ifndef MGMD_GROUP_H
#define MGMD_GROUP_H

#include <stdint.h>

#define GROUP_MAX 64
#define GROUP_NAME_LEN 32
#define GROUP_MAX_ITEMS 32
#define GROUP_ALL 0

struct md;

enum group_select {
    GROUP_SELECT_ALL,
    GROUP_SELECT_EMPTY,
    GROUP_SELECT_REGION,
    GROUP_SELECT_TYPE,
    GROUP_SELECT_ID,
    GROUP_SELECT_UNION,
    GROUP_SELECT_INTERSECT,
    GROUP_SELECT_SUBTRACT,
};

typedef struct group_selection {
    enum group_select how;
    int region;                          /* region index                    */
    int nrange;                          /* type or id ranges lo..hi step   */
    int64_t lo[GROUP_MAX_ITEMS], hi[GROUP_MAX_ITEMS], stride[GROUP_MAX_ITEMS];
    int nop;                             /* groups combined                 */
    int op[GROUP_MAX_ITEMS];
    int parent;                          /* and only atoms of this group    */
                                         /* (GROUP_ALL: no restriction)     */
} group_selection;

typedef struct group {
    char name[GROUP_NAME_LEN];           /* "" when the bit is free         */
    int dynamic;
    int64_t seq;                         /* definition order                */
    group_selection sel;                 /* how a dynamic group is made     */
    int64_t count;                       /* atoms in it (global), as of the */
                                         /* last evaluation                 */
} group;

typedef struct group_table {
    group g[GROUP_MAX];
    int64_t next_seq;
} group_table;

static inline uint64_t group_bit(int g) { return (uint64_t)1 << g; }

/* Make `all` exist (md_init). */
void groups_init(group_table *t);
/* Index of the group named `name`, or -1. */
int group_find(const group_table *t, const char *name);
/* Number of groups defined (all included). */
int groups_defined(const group_table *t);
/* Define group `name` (or add to an existing static one) and evaluate it
 * on the owned atoms (collective: the counts). Returns its index, or -1
 * with a message in err (no free bit, a static/dynamic mismatch, a group
 * combined with itself while dynamic). */
int group_define(struct md *s, const char *name, const group_selection *sel, int dynamic, char *err, int errlen);
/* Forget group g: its bit is cleared on every atom and becomes free. */
void group_delete(struct md *s, int g);
/* Re-evaluate every dynamic group on the owned atoms (collective if there
 * is any dynamic group). */
void groups_update_dynamic(struct md *s);
/* Recount every group after atoms were added or removed (collective). */
void groups_recount(struct md *s);
/* Does the selection refer to group g (union/intersect/subtract, parent)? */
int group_selection_uses(const group_selection *sel, int g);

#endif
