/* Checkpoints, restarts, scheduler signals and wall time (restart.h;
 * docs/checkpoints.md). One job per study: the series' lock PREFIX.lock is
 * taken at `restart`, `checkpoint` and the first periodic checkpoint
 * (io/claim.h); a stop with a checkpoint leaves the note PREFIX.stopped for
 * the job script, removed when the deck finishes. Communication: the
 * stop flag's max-reduction per step, broadcasts of rank 0's file listing
 * and verdicts, the checkpoint's collective I/O.
 *
 *   checkpoint every N [file PREFIX] [keep K] [walltime T]
 *   write_checkpoint [FILE]
 *   restart PREFIX|FILE [optional]
 *   progress every T | progress off                                       */
#include "deck/restart.h"
#include "core/error.h"
#include "core/signals.h"
#include "io/checkpoint.h"
#include "io/claim.h"
#include "io/funnel.h"
#include "io/progress.h"
#include "parallel/parallel.h"

#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Steps a checkpoint may wait for a natural rebuild before one is forced. */
#define CKPT_MAX_DEFER 100
/* Wall seconds a SIGTERM waits for that rebuild. */
#define CKPT_TERM_GRACE 5.0

typedef struct restart_state {
    /* settings */
    int every;                 /* steps between checkpoints; 0 none        */
    char prefix[1024];         /* files PREFIX.NNNNNN.h5                   */
    int keep;                  /* checkpoints kept; 0 all                  */
    double walltime;           /* s after start to stop; 0 none            */
    double wall_start;
    fix *progress;             /* the progress entry of the fix list       */
    /* bookkeeping */
    int64_t seq;               /* checkpoints written so far               */
    int64_t next_due;          /* step from which a periodic one is due    */
    int64_t due_since;         /* run step n when it fell due; -1 none     */
    int64_t stop_since;        /* run step n when a stop was agreed; -1    */
    double stop_wall;          /* ... and this rank's clock then (s)       */
    char last_path[1100];
    /* position (the stage within the command: dk->pos) */
    int64_t ncmd;              /* current statement's index                */
    textbuf commands;          /* every statement so far, substituted       */
    textbuf sources;           /* ... and as written, "FILE:LINE: text"     */
    textbuf decisions;         /* every if/elif decided: '0' or '1'         */
    /* replay of a checkpoint */
    ckpt_file *ck;
    ckpt_position target;
    char *stored;              /* the checkpoint's statements (copies)     */
    char *stored_sources;
    char *stored_decisions;
    size_t decisions_used;     /* of stored_decisions, replayed so far      */
    const char *stored_at;     /* the next statement of stored ...          */
    const char *sources_at;    /* ... and of stored_sources                 */
} restart_state;

static fix *checkpoint_fix(deck *dk);

void restart_init(deck *dk)
{
    restart_state *rs = mg_calloc(1, sizeof *rs);
    rs->keep = 3;
    rs->due_since = rs->stop_since = -1;
    rs->wall_start = par_wtime();
    rs->ncmd = -1;
    dk->rs = rs;
    restart_readd_fixes(dk, 60.0);
    signals_install();
}

/* `clear` empties the fix list; the checkpoint and progress entries come
 * back (with the progress interval the deck set). */
void restart_readd_fixes(deck *dk, double progress_interval)
{
    restart_state *rs = dk->rs;
    rs->progress = progress_fix(progress_interval);
    if (fixes_add(dk->fixes, dk->s, checkpoint_fix(dk)) != 0 || fixes_add(dk->fixes, dk->s, rs->progress) != 0)
        mg_fail_all("internal: the fix list is full");
}

double restart_progress_interval(const deck *dk) { return progress_every(dk->rs->progress); }

void restart_free(deck *dk)
{
    restart_state *rs = dk->rs;
    if (!rs)
        return;
    ckpt_close(rs->ck);
    free(rs->stored);
    free(rs->stored_sources);
    free(rs->stored_decisions);
    tb_free(&rs->commands);
    tb_free(&rs->sources);
    tb_free(&rs->decisions);
    free(rs);
    dk->rs = NULL;
}

/* ---- writing ------------------------------------------------------------- */

static void default_prefix(deck *dk)
{
    restart_state *rs = dk->rs;
    if (rs->prefix[0])
        return;
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "%s", dk->main_path[0] ? dk->main_path : "mgmd");
    snprintf(rs->prefix, sizeof rs->prefix, "%s.ckpt", basename(tmp));
}

/* One job per study: PREFIX.lock, held for the life of the process
 * (io/claim.h). A second mgmd on the series is refused here, before it has
 * written anything; it names the holder. A new holder also removes the
 * last job's PREFIX.stopped (below): that note was for the job script that
 * ran it. Collective (rank 0 locks, every rank learns the verdict). */
static void lock_series(const char *prefix)
{
    char err[2600] = "";
    if (par_rank() == 0 && claim_study(prefix, err, sizeof err) == 0) {
        char note[1100];
        snprintf(note, sizeof note, "%s.stopped", prefix);
        unlink(note);
    }
    claim_verdict(err);
}

/* PREFIX.stopped (rank 0): the note a job script reads when the launcher's
 * exit code cannot be trusted (mpirun reports 1 when a signal reached it,
 * though every rank exited 75): "exit 75", the step, the checkpoint, the
 * reason. Written to a temporary name and renamed, so it is whole or
 * absent; removed when the deck finishes. */
static void write_stopped_note(const restart_state *rs, int64_t step, const char *why)
{
    char tmp[1100], path[1100];
    snprintf(path, sizeof path, "%s.stopped", rs->prefix);
    snprintf(tmp, sizeof tmp, "%s.stopped.tmp", rs->prefix);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return;
    fprintf(f, "exit %d\nstep %lld\ncheckpoint %s\nreason %s\n", MG_EXIT_RESUBMIT, (long long)step, rs->last_path,
            why);
    if (fflush(f) == 0 && fsync(fileno(f)) == 0 && fclose(f) == 0)
        rename(tmp, path);
    else
        unlink(tmp);
}

static char *cmdline_vars(const deck *dk)
{
    textbuf t = {NULL, 0, 0};
    tb_printf(&t, "%s", "");
    for (int k = 0; k < dk->nvars; k++)
        if (dk->vars[k].from_command_line)
            tb_printf(&t, "%s=%s\n", dk->vars[k].name, dk->vars[k].value);
    return t.s;
}

static void write_at(deck *dk, const char *explicit_path, ckpt_position pos)
{
    restart_state *rs = dk->rs;
    md *s = dk->s;
    if (!s->have_box)
        deck_fail(dk, "no system to checkpoint yet");
    default_prefix(dk);
    if (!explicit_path)
        lock_series(rs->prefix);
    rs->seq++;
    char path[1100];
    if (explicit_path)
        snprintf(path, sizeof path, "%s", explicit_path);
    else
        snprintf(path, sizeof path, "%s.%06lld.h5", rs->prefix, (long long)rs->seq);
    if (par_rank() == 0)
        claim_make_folder(path);
    ckpt_meta m;
    memset(&m, 0, sizeof m);
    m.pos = pos;
    m.seq = rs->seq;
    m.deck_path = dk->main_path;
    m.deck_dir = dk->main_dir;
    m.deck_text = dk->text ? dk->text : "";
    m.commands = rs->commands.s ? rs->commands.s : "";
    m.sources = rs->sources.s ? rs->sources.s : "";
    m.decisions = rs->decisions.s ? rs->decisions.s : "";
    char where[4096];
    deck_where(dk, where, sizeof where);
    m.where = where;
    m.cmdline_vars = cmdline_vars(dk);
    /* Onto no file another output writes (io/claim.h; checkpoint.c opens
     * it through HDF5 on every rank, writes and closes it). */
    claim_check_all("checkpoint", path);
    double t0 = par_wtime();
    ckpt_write(path, s, &dk->sections, &m);
    double took = par_wtime() - t0;
    free(m.cmdline_vars);
    snprintf(rs->last_path, sizeof rs->last_path, "%s", path);
    if (par_rank() == 0) {
        struct stat sb;
        double mb = stat(path, &sb) == 0 ? (double)sb.st_size / 1e6 : 0.0;
        printf("checkpoint: %s (step %lld, %.3g MB in %.3g s, %.3g MB/s)\n", path, (long long)s->step, mb, took,
               took > 0 ? mb / took : 0.0);
        /* Keep the newest `keep` of the numbered series. */
        if (!explicit_path && rs->keep > 0 && rs->seq > rs->keep) {
            char old[1100];
            snprintf(old, sizeof old, "%s.%06lld.h5", rs->prefix, (long long)(rs->seq - rs->keep));
            unlink(old);
        }
        fflush(stdout);
    }
}

static _Noreturn void stop_and_exit(deck *dk, const char *why)
{
    restart_state *rs = dk->rs;
    if (par_rank() == 0) {
        printf("mgmd: stopped (%s) at step %lld after writing %s; exit code %d: run again with "
               "'-restart %s' to continue\n",
               why, (long long)dk->s->step, rs->last_path, MG_EXIT_RESUBMIT, rs->prefix);
        fflush(stdout);
        write_stopped_note(rs, dk->s->step, why);
    }
    outputs_close(dk->out, dk->s);
    par_finalize();
    exit(MG_EXIT_RESUBMIT);
}

/* Every rank's signal flag and wall clock, combined. The flag rides on
 * the neighbour list's rebuild check (neighbor.h): each step leaves this
 * rank's level there, and when the check ran in this step its maximum over
 * ranks (the levels of the step before: a request is seen one step later)
 * is the answer, with no reduction of its own. Steps without a check (a
 * list checked every few steps, set-up, minimisers) and the calls between
 * commands (s NULL) reduce here. */
static int agreed_stop(restart_state *rs, md *s)
{
    int level = signals_pending();
    if (rs->walltime > 0 && par_wtime() - rs->wall_start > rs->walltime && level < SIG_SOON)
        level = SIG_SOON;
    neighbor *nb = s ? &s->nb : NULL;
    if (nb)
        nb->rider = level;
    if (nb && nb->rider_step == s->step) {
        nb->rider_step = INT64_MIN; /* used once */
        return (int)nb->rider_max;
    }
    return par_max_int(level);
}

static const char *stop_reason(restart_state *rs)
{
    return signals_pending() ? signals_name() : "wall-time limit of the checkpoint command";
}

/* The checkpoint entry of the fix list: periodic checkpoints and stops
 * within a run, at set-up (n = the steps already done) and at the end of
 * every step, after the outputs. */
static void checkpoint_at(deck *dk, md *s, const step_info *si, int64_t n, int rebuilt)
{
    restart_state *rs = dk->rs;
    int level = agreed_stop(rs, s);
    if (level && rs->stop_since < 0) {
        rs->stop_since = n;
        rs->stop_wall = par_wtime();
    }
    if (rs->every > 0 && s->step >= rs->next_due && rs->due_since < 0)
        rs->due_since = n;
    int want = level || rs->due_since >= 0;
    if (!want)
        return;
    /* Only right after a rebuild is the state one a restart reproduces
     * exactly; wait for one a little (at most CKPT_MAX_DEFER steps), then
     * make one. SIGTERM (SIGKILL follows, after 30 s by Slurm's default)
     * waits at most CKPT_TERM_GRACE seconds of wall time besides. */
    int64_t waited = n - (level ? rs->stop_since : rs->due_since);
    if (!rebuilt && waited < CKPT_MAX_DEFER) {
        if (level != SIG_NOW)
            return;
        if (!par_max_int(par_wtime() - rs->stop_wall > CKPT_TERM_GRACE))
            return;
    }
    if (!rebuilt) {
        fixes_reneighbor(dk->fixes, s, si);
        fixes_force(dk->fixes, s, FIX_WANTS_ENERGY, si);
    }
    ckpt_position pos = {rs->ncmd, dk->line, dk->pos.stage - 1, n, si->nsteps, dk->pos.run_t0};
    write_at(dk, NULL, pos);
    rs->due_since = -1;
    if (rs->every > 0)
        rs->next_due = (s->step / rs->every + 1) * rs->every;
    if (level)
        stop_and_exit(dk, stop_reason(rs));
}

static void ck_setup(fix *f, md *s, const step_info *si)
{
    deck *dk = f->data;
    restart_state *rs = dk->rs;
    if (rs->every > 0 && rs->next_due <= 0)
        rs->next_due = (s->step / rs->every + 1) * rs->every;
    checkpoint_at(dk, s, si, si->first, 1);
}

static int ck_end_of_step(fix *f, md *s, const step_info *si)
{
    checkpoint_at(f->data, s, si, si->n, si->rebuilt);
    return 0;
}

static const fix_ops checkpoint_ops = {
    .kind = "checkpoint",
    .order = FIX_ORDER_CHECKPOINT,
    .setup = ck_setup,
    .end_of_step = ck_end_of_step,
};

static fix *checkpoint_fix(deck *dk)
{
    fix *f = fix_new(&checkpoint_ops, "checkpoint", GROUP_ALL);
    f->data = dk;
    return f;
}

/* ---- replay -------------------------------------------------------------- */

/* The next line of a record read in order (NULL at its end): the replay
 * reads the statements one after another, so a long loop costs linear
 * time, not quadratic. */
static const char *take_line(const char **cursor, size_t *len)
{
    const char *p = *cursor;
    if (!p || !*p)
        return NULL;
    const char *e = strchr(p, '\n');
    *len = e ? (size_t)(e - p) : strlen(p);
    *cursor = e ? e + 1 : p + *len;
    return p;
}

/* Line k (0-based) of a record (one entry a line), or NULL. */
static const char *record_line(const char *rec, int64_t k, size_t *len)
{
    const char *p = rec;
    for (int64_t i = 0; p && *p && i < k; i++) {
        p = strchr(p, '\n');
        p = p ? p + 1 : NULL;
    }
    if (!p || !*p)
        return NULL;
    const char *e = strchr(p, '\n');
    *len = e ? (size_t)(e - p) : strlen(p);
    return p;
}

/* The text of a source record line after its "FILE:LINE: ". */
static const char *source_text(const char *line, size_t len, size_t *tlen)
{
    const char *colon = memchr(line, ':', len);
    if (colon)
        colon = memchr(colon + 1, ':', len - (size_t)(colon + 1 - line));
    const char *t = colon && (size_t)(colon + 2 - line) <= len ? colon + 2 : line;
    *tlen = len - (size_t)(t - line);
    return t;
}

/* Where the checkpoint was taken, for messages: "at FILE:LINE (TEXT)" or
 * "after FILE:LINE (TEXT)" from the record of statements. */
static void target_place(const restart_state *rs, char *out, size_t outlen)
{
    size_t len = 0;
    int64_t k = rs->target.command;
    const char *at = record_line(rs->stored_sources, k, &len);
    const char *how = "at";
    if (!at && k > 0) {
        at = record_line(rs->stored_sources, k - 1, &len);
        how = "after";
    }
    if (!at) {
        snprintf(out, outlen, "at line %d", rs->target.line);
        return;
    }
    size_t tl;
    const char *t = source_text(at, len, &tl);
    size_t pl = (size_t)(t - at) >= 2 ? (size_t)(t - at) - 2 : 0;
    while (tl && t[tl - 1] == ' ')
        tl--;
    snprintf(out, outlen, "%s %.*s (%.*s)", how, (int)pl, at, (int)(tl < 120 ? tl : 120), t);
}

/* The checkpoint's command: the whole state, then carry on. */
static void load_state_here(deck *dk)
{
    restart_state *rs = dk->rs;
    char where[4096];
    deck_where(dk, where, sizeof where);
    const ckpt_meta *m = ckpt_meta_of(rs->ck);
    if (strcmp(where, m->where) != 0)
        deck_fail(dk, "restart: the deck reached statement %lld in another place than the run that wrote the "
                  "checkpoint (then:\n%s  now:\n%s)", (long long)rs->target.command + 1,
                  m->where[0] ? m->where : "    the top level of the deck\n", where[0] ? where : "    the top level of "
                  "the deck\n");
    dk->replaying = 0;
    double t0 = par_wtime();
    ckpt_load_state(rs->ck, dk->s, &dk->sections);
    double took = par_wtime() - t0;
    if (par_rank() == 0) {
        printf("restart: state of step %lld (%.6g ps) loaded from %s in %.3g s\n", (long long)dk->s->step,
               dk->s->time, rs->last_path, took);
        if (where[0])
            printf("restart: resuming inside\n%s", where);
        fflush(stdout);
    }
    run_position *p = &dk->pos;
    p->resume = rs->target.done >= 0;
    p->resume_stage = rs->target.stage;
    p->resume_done = rs->target.done;
    p->resume_steps = rs->target.run_steps;
    p->resume_t0 = rs->target.run_t0;
    rs->seq = m->seq;
    if (rs->every > 0)
        rs->next_due = (dk->s->step / rs->every + 1) * rs->every;
    ckpt_close(rs->ck);
    rs->ck = NULL;
}

/* A statement's words: `restart` is not part of the position (a deck run
 * with and without -restart counts alike). */
static int counted(const char *raw)
{
    while (*raw == ' ' || *raw == '\t')
        raw++;
    return !(strncmp(raw, "restart", 7) == 0 && (raw[7] == '\0' || raw[7] == ' ' || raw[7] == '\t'));
}

void restart_statement(deck *dk, const char *raw)
{
    restart_state *rs = dk->rs;
    claim_set_place(dk->path, dk->line, raw); /* for the outputs' messages */
    if (!counted(raw)) {
        deck_substitute(dk, raw);
        return;
    }
    rs->ncmd++;
    run_next_command(&dk->pos);
    size_t len = 0, slen = 0;
    const char *was = take_line(&rs->stored_at, &len);
    const char *src = was ? take_line(&rs->sources_at, &slen) : NULL;
    if (rs->ck && src) {
        /* Replaying: the statements up to the checkpoint must be those it ran. */
        size_t tl;
        const char *t = source_text(src, slen, &tl);
        if (tl != strlen(raw) || strncmp(t, raw, tl) != 0) {
            char place[400];
            target_place(rs, place, sizeof place);
            deck_fail(dk, "restart: this statement differs from the one the checkpoint's run executed here "
                      "(%.*s); the deck and the files it includes must be the same up to where the checkpoint "
                      "was taken, %s", (int)slen, src, place);
        }
    }
    if (rs->ck && rs->ncmd == rs->target.command)
        load_state_here(dk);
    if (was && rs->ncmd <= rs->target.command) {
        /* As it was substituted then: a formula of thermo quantities has
         * no value before the state is loaded. */
        snprintf(dk->expanded, sizeof dk->expanded, "%.*s", (int)len, was);
    } else {
        deck_substitute(dk, raw);
    }
    tb_printf(&rs->sources, "%s:%d: %s\n", dk->path, dk->line, raw);
    tb_printf(&rs->commands, "%s\n", dk->expanded);
}

int restart_decision(deck *dk, int *value)
{
    restart_state *rs = dk->rs;
    const char *d = rs->stored_decisions;
    if (!d || rs->decisions_used >= strlen(d))
        return 0;
    *value = d[rs->decisions_used++] == '1';
    tb_printf(&rs->decisions, "%c", *value ? '1' : '0');
    return 1;
}

void restart_record_decision(deck *dk, int value)
{
    tb_printf(&dk->rs->decisions, "%c", value ? '1' : '0');
}

int restart_before_command(deck *dk, const deck_command *c)
{
    restart_state *rs = dk->rs;
    if (!rs->ck || c->fn == cmd_restart)
        return 1;
    /* Before the checkpoint's statement (which loaded the state). */
    dk->replaying = 1;
    if (c->kind == CMD_SETTING)
        return 1;
    /* The checkpoint's atoms stand in for the created system (again after
     * each `clear`: a loop whose passes each read a glass). */
    if (c->kind == CMD_CREATE && !dk->s->have_box)
        ckpt_load_system(rs->ck, dk->s);
    return 0;
}

void restart_after_command(deck *dk)
{
    restart_state *rs = dk->rs;
    if (rs->ck)
        return;
    if (!dk->s->have_box)
        return;
    int level = agreed_stop(rs, NULL);
    if (!level)
        return;
    ckpt_position pos = {rs->ncmd + 1, dk->line, 0, -1, 0, 0.0};
    write_at(dk, NULL, pos);
    stop_and_exit(dk, stop_reason(rs));
}

/* A command without dynamics between two of its stages (restart.h): the
 * position is (this statement, `done` stages finished, step 0 of a run of
 * 0 steps begun now), so the restart's replay resumes the command with
 * dk->pos.resume set and resume_stage = done. `checkpoint every N` counts
 * the steps the command advanced (minimiser iterations), as in runs. */
int restart_between_stages(deck *dk, int done, int due)
{
    restart_state *rs = dk->rs;
    md *s = dk->s;
    int level = agreed_stop(rs, NULL);
    if (rs->every > 0 && rs->next_due <= 0)
        rs->next_due = (s->step / rs->every + 1) * rs->every;
    int periodic = rs->every > 0 && s->step >= rs->next_due;
    if (!level && !due && !periodic)
        return 0;
    ckpt_position pos = {rs->ncmd, dk->line, done, 0, 0, s->time};
    write_at(dk, NULL, pos);
    if (rs->every > 0)
        rs->next_due = (s->step / rs->every + 1) * rs->every;
    if (level)
        stop_and_exit(dk, stop_reason(rs));
    return 1;
}

/* The deck is done: no job script should resubmit it (write_stopped_note). */
static void remove_stopped_note(const restart_state *rs)
{
    if (par_rank() != 0 || !rs->prefix[0])
        return;
    char note[1100];
    snprintf(note, sizeof note, "%s.stopped", rs->prefix);
    unlink(note);
}

void restart_end_of_deck(deck *dk)
{
    restart_state *rs = dk->rs;
    remove_stopped_note(rs);
    if (rs->ck && rs->target.command == rs->ncmd + 1 && rs->target.done < 0) {
        /* Taken after the last command: load it (a check that it is whole),
         * nothing is left to run. */
        double t0 = par_wtime();
        ckpt_load_state(rs->ck, dk->s, &dk->sections);
        if (par_rank() == 0)
            printf("restart: state of step %lld loaded from %s in %.3g s; the checkpoint was taken at the end "
                   "of the deck: nothing left to run\n", (long long)dk->s->step, rs->last_path, par_wtime() - t0);
        ckpt_close(rs->ck);
        rs->ck = NULL;
        return;
    }
    if (rs->ck) {
        char place[400];
        target_place(rs, place, sizeof place);
        mg_fail_all("restart: the deck ended before statement %lld, where the checkpoint was taken (%s): is "
                    "this the deck that wrote it?", (long long)rs->target.command + 1, place);
    }
}

/* ---- finding a checkpoint -------------------------------------------------- */

typedef struct cand {
    int64_t seq;
    char path[1100];
} cand;

static int by_seq_desc(const void *a, const void *b)
{
    int64_t x = ((const cand *)a)->seq, y = ((const cand *)b)->seq;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* Numbered checkpoints PREFIX.NNNNNN.h5, newest first (rank 0 lists). */
static int list_series(const char *prefix, cand **out)
{
    char dirbuf[1024], basebuf[1024];
    snprintf(dirbuf, sizeof dirbuf, "%s", prefix);
    snprintf(basebuf, sizeof basebuf, "%s", prefix);
    const char *dir = dirname(dirbuf), *base = basename(basebuf);
    int n = 0, cap = 0;
    cand *c = NULL;
    if (par_rank() == 0) {
        DIR *d = opendir(dir);
        struct dirent *e;
        size_t bl = strlen(base);
        while (d && (e = readdir(d))) {
            const char *nm = e->d_name;
            if (strncmp(nm, base, bl) != 0 || nm[bl] != '.')
                continue;
            char *end;
            long long q = strtoll(nm + bl + 1, &end, 10);
            if (end == nm + bl + 1 || strcmp(end, ".h5") != 0)
                continue;
            if (n == cap) {
                cap = cap ? 2 * cap : 16;
                c = mg_realloc(c, (size_t)cap * sizeof *c);
            }
            c[n].seq = q;
            snprintf(c[n].path, sizeof c[n].path, "%s/%s", dir, nm);
            n++;
        }
        if (d)
            closedir(d);
        if (n > 1)
            qsort(c, (size_t)n, sizeof *c, by_seq_desc);
    }
    par_bcast_ints(&n, 1, 0);
    if (par_rank() != 0 && n > 0)
        c = mg_malloc((size_t)n * sizeof *c);
    if (n > 0)
        par_bcast_bytes(c, (size_t)n * sizeof *c, 0);
    *out = c;
    return n;
}

/* NAME as a file (validated: NULL and the reason in why if it is damaged),
 * or the newest valid checkpoint NAME.NNNNNN.h5 with damaged ones skipped
 * (NULL if none; *nseries says how many there were). The file taken goes to
 * chosen. `cmd` names the command in messages. */
static ckpt_file *open_file_or_newest(const char *cmd, const char *name, int *is_file, int *nseries,
                                      char *chosen, size_t len, char *why, size_t whylen)
{
    ckpt_file *f = NULL;
    struct stat sb;
    *is_file = 0;
    *nseries = 0;
    if (par_rank() == 0)
        *is_file = stat(name, &sb) == 0 && S_ISREG(sb.st_mode);
    par_bcast_ints(is_file, 1, 0);
    if (*is_file) {
        double t0 = par_wtime();
        f = ckpt_open(name, why, whylen);
        if (!f)
            return NULL;
        if (par_rank() == 0)
            printf("%s: %s validated (its digest, every checksum, its records consistent) in %.3g s\n", cmd, name, par_wtime() - t0);
        snprintf(chosen, len, "%s", name);
        return f;
    }
    cand *c = NULL;
    int n = list_series(name, &c);
    for (int k = 0; k < n && !f; k++) {
        f = ckpt_open(c[k].path, why, whylen);
        if (!f)
            mg_warn("%s: skipping %s", cmd, why);
        else
            snprintf(chosen, len, "%s", c[k].path);
    }
    free(c);
    *nseries = n;
    return f;
}

int restart_from(deck *dk, const char *prefix, int optional)
{
    restart_state *rs = dk->rs;
    if (rs->ck || dk->s->have_box)
        mg_fail_all("restart: only once, and before the system is created");
    int is_file, n;
    char why[1400];
    ckpt_file *f =
        open_file_or_newest("restart", prefix, &is_file, &n, rs->last_path, sizeof rs->last_path, why, sizeof why);
    if (is_file && !f)
        mg_fail_all("restart: %s", why);
    if (is_file) {
        char tmp[1024];
        snprintf(tmp, sizeof tmp, "%s", prefix);
        /* Continue the numbered series the file belongs to. */
        char *dot = strrchr(tmp, '.');
        if (dot && !strcmp(dot, ".h5")) {
            *dot = '\0';
            dot = strrchr(tmp, '.');
            if (dot) {
                *dot = '\0';
                snprintf(rs->prefix, sizeof rs->prefix, "%s", tmp);
            }
        }
    } else {
        if (!f) {
            lock_series(prefix);
            if (optional)
                return 0;
            mg_fail_all("restart: no usable checkpoint %s.NNNNNN.h5%s", prefix,
                        n ? " (all damaged: see the warnings above)" : "");
        }
        snprintf(rs->prefix, sizeof rs->prefix, "%s", prefix);
    }
    if (rs->prefix[0]) /* a file outside a series has no study to lock */
        lock_series(rs->prefix);
    rs->ck = f;
    const ckpt_meta *m = ckpt_meta_of(f);
    rs->target = m->pos;
    rs->stored = strdup(m->commands);
    rs->stored_sources = strdup(m->sources);
    rs->stored_decisions = strdup(m->decisions);
    /* A `restart` statement in the deck may follow statements (and
     * decisions) that ran already: the replay continues after them. */
    rs->decisions_used = rs->decisions.s ? strlen(rs->decisions.s) : 0;
    rs->stored_at = rs->stored;
    rs->sources_at = rs->stored_sources;
    for (int64_t k = 0; k <= rs->ncmd; k++) {
        size_t len;
        take_line(&rs->stored_at, &len);
        take_line(&rs->sources_at, &len);
    }
    /* -var values of the run that wrote it, unless given again now. */
    const char *p = m->cmdline_vars;
    while (p && *p) {
        const char *nl = strchr(p, '\n');
        size_t l = nl ? (size_t)(nl - p) : strlen(p);
        char line[1200];
        snprintf(line, sizeof line, "%.*s", (int)l, p);
        char *eq = strchr(line, '=');
        if (eq) {
            *eq = '\0';
            int given = 0;
            for (int k = 0; k < dk->nvars; k++)
                given |= !strcmp(dk->vars[k].name, line) && dk->vars[k].from_command_line;
            if (!given)
                deck_set_var(dk, line, eq + 1, 1);
        }
        p = nl ? nl + 1 : p + l;
    }
    if (m->nranks != par_size() && par_rank() == 0)
        printf("restart: the checkpoint was written on %d rank%s, this run has %d: results agree to round-off, "
               "not bitwise\n", m->nranks, m->nranks > 1 ? "s" : "", par_size());
    if (par_rank() == 0) {
        char place[400];
        target_place(rs, place, sizeof place);
        printf("restart: from %s (checkpoint %lld), resuming %s\n", rs->last_path, (long long)m->seq, place);
        fflush(stdout);
    }
    return 1;
}

const char *restart_deck_text(const deck *dk, const char **path, const char **dir)
{
    const restart_state *rs = dk->rs;
    if (!rs->ck)
        return NULL;
    const ckpt_meta *m = ckpt_meta_of(rs->ck);
    *path = m->deck_path;
    *dir = m->deck_dir;
    return m->deck_text;
}

/* ---- commands ------------------------------------------------------------ */

/* Wall time: seconds, "N s|min|h", or H:MM:SS. */
static double wall_seconds(deck *dk, int *i)
{
    const char *w = deck_word(dk, i, "wall time (H:MM:SS or N s|min|h)");
    int h, m, sec;
    char tail;
    if (sscanf(w, "%d:%d:%d%c", &h, &m, &sec, &tail) == 3 && h >= 0 && m >= 0 && sec >= 0)
        return h * 3600.0 + m * 60.0 + sec;
    char *end;
    double v = strtod(w, &end);
    if (*end || end == w || !(v > 0))
        deck_fail(dk, "%s: wall time must be H:MM:SS or a positive number with s, min or h, got '%s'", dk->args[0],
                  w);
    double f = 1.0;
    if (*i < dk->nargs) {
        const char *u = dk->args[*i];
        if (!strcmp(u, "s")) f = 1.0, (*i)++;
        else if (!strcmp(u, "min")) f = 60.0, (*i)++;
        else if (!strcmp(u, "h")) f = 3600.0, (*i)++;
    }
    return v * f;
}

void cmd_checkpoint(deck *dk)
{
    restart_state *rs = dk->rs;
    int i = 1;
    while (i < dk->nargs) {
        const char *k = deck_word(dk, &i, "keyword");
        if (!strcmp(k, "every"))
            rs->every = (int)deck_int(dk, &i, "checkpoint interval (steps, 0 = none)", 0, 1000000000);
        else if (!strcmp(k, "file")) {
            const char *p = deck_word(dk, &i, "file prefix");
            if (strlen(p) > 900)
                deck_fail(dk, "checkpoint: file prefix too long");
            snprintf(rs->prefix, sizeof rs->prefix, "%s", p);
        } else if (!strcmp(k, "keep"))
            rs->keep = (int)deck_int(dk, &i, "checkpoints kept (0 = all)", 0, 1000000);
        else if (!strcmp(k, "walltime"))
            rs->walltime = wall_seconds(dk, &i);
        else
            deck_fail(dk, "checkpoint: unknown keyword '%s' (expected every, file, keep, walltime)", k);
    }
    rs->next_due = 0;
    rs->due_since = -1;
    /* The series is this job's from now on (a second job is refused here). */
    if (rs->every > 0 || rs->prefix[0]) {
        default_prefix(dk);
        lock_series(rs->prefix);
    }
}

void deck_clock_changed(deck *dk)
{
    dk->rs->next_due = 0;
    dk->rs->due_since = -1;
}

void cmd_write_checkpoint(deck *dk)
{
    int i = 1;
    const char *path = i < dk->nargs ? deck_word(dk, &i, "file") : NULL;
    deck_done(dk, i);
    ckpt_position pos = {dk->rs->ncmd + 1, dk->line, 0, -1, 0, 0.0};
    write_at(dk, path, pos);
}

void cmd_restart(deck *dk)
{
    int i = 1;
    const char *prefix = deck_word(dk, &i, "checkpoint file or prefix");
    int optional = 0;
    if (i < dk->nargs) {
        const char *w = deck_word(dk, &i, "'optional'");
        if (strcmp(w, "optional") != 0)
            deck_fail(dk, "restart: expected 'optional' after the prefix, got '%s'", w);
        optional = 1;
    }
    deck_done(dk, i);
    if (dk->rs->ck)
        return; /* -restart on the command line wins */
    if (dk->s->have_box)
        deck_fail(dk, "restart must come before the system is created (it replays the deck up to its checkpoint)");
    if (!restart_from(dk, prefix, optional) && par_rank() == 0) {
        printf("restart: no checkpoint %s.NNNNNN.h5 yet: starting from the beginning\n", prefix);
        fflush(stdout);
    }
}

/* A new run from a checkpoint's configuration (a glass made by another
 * deck): box, boundaries, types, atoms, velocities, image flags. The clock,
 * fixes, groups, outputs and deck of the checkpoint are not taken. */
void cmd_read_checkpoint(deck *dk)
{
    int i = 1;
    char name[2048], chosen[1024] = "";
    deck_path(dk, deck_word(dk, &i, "checkpoint file or prefix"), name, sizeof name);
    deck_done(dk, i);
    if (dk->s->have_box)
        deck_fail(dk, "read_checkpoint must come before the system is created (read_data, read_checkpoint, "
                  "create_lattice, create_alloy)");
    int is_file, n;
    char why[1400];
    ckpt_file *f = open_file_or_newest("read_checkpoint", name, &is_file, &n, chosen, sizeof chosen, why, sizeof why);
    if (!f && !is_file && !n && name[0] != '/') {
        /* A prefix relative to the deck's folder (deck_path found no file). */
        char in_dir[3200];
        snprintf(in_dir, sizeof in_dir, "%s/%s", dk->dir, name);
        f = open_file_or_newest("read_checkpoint", in_dir, &is_file, &n, chosen, sizeof chosen, why, sizeof why);
    }
    if (is_file && !f)
        deck_fail(dk, "read_checkpoint: %s", why);
    if (!f)
        deck_fail(dk, "read_checkpoint: %s is not a file and there is no usable checkpoint %s.NNNNNN.h5%s", name,
                  name, n ? " (all damaged: see the warnings above)" : "");
    long long line = (long long)ckpt_meta_of(f)->pos.line;
    ckpt_load_system(f, dk->s);
    /* The decomposition comes along (on as many ranks): a grid and cuts
     * that `balance` chose stay balanced. Nothing else of the old deck. */
    ckpt_sections only = {0};
    const ckpt_section dsec = md_decomposition_section(dk->s);
    ckpt_sections_add(&only, &dsec);
    ckpt_load_sections(f, &only);
    ckpt_close(f);
    /* The old deck's groups mean nothing here: every atom in `all` only. */
    for (int k = 0; k < dk->s->atoms.nlocal; k++)
        dk->s->atoms.mask[k] = group_bit(GROUP_ALL);
    if (par_rank() == 0)
        printf("read_checkpoint: %lld atoms, %d types from %s (written at line %lld of its deck); the clock "
               "starts at 0\n", (long long)dk->s->atoms.natoms, dk->s->atoms.ntypes, chosen, line);
}

void cmd_progress(deck *dk)
{
    int i = 1;
    const char *k = deck_word(dk, &i, "'every' or 'off'");
    if (!strcmp(k, "off"))
        progress_set_every(dk->rs->progress, 0);
    else if (!strcmp(k, "every"))
        progress_set_every(dk->rs->progress, wall_seconds(dk, &i));
    else
        deck_fail(dk, "progress: expected 'every T' (wall time, e.g. 60 s) or 'off', got '%s'", k);
    deck_done(dk, i);
}
