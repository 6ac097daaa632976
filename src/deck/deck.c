/* The deck (deck.h): files read on rank 0 and broadcast, split into
 * statements (lines joined over '&', comments stripped), block openers
 * paired with their branches and ends; then, on every rank in step, each
 * statement substituted (restart.c records and replays the substitution),
 * split into words, and run: for, if/elif/else/end, include here, other
 * commands looked up in the registry (registry.c) and dispatched with
 * restart.c's replay around them. Also the argument helpers every command
 * uses, each failing with "file:line: command: what was expected" through
 * the collective route. Communication: the broadcast of each file's text. */
#include "deck/deck.h"
#include "deck/restart.h"
#include "core/error.h"
#include "core/memory.h"
#include "core/numbers.h"
#include "parallel/parallel.h"

#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <sys/stat.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* v_NAME thermo columns: the deck's variable now. */
static double thermo_variable(void *ctx, const char *name) { return deck_var_value(ctx, name); }

/* The outputs' entry of the fix list, and their v_NAME callback. */
static void wire(deck *dk)
{
    dk->out->thermo.variable = thermo_variable;
    dk->out->thermo.variable_ctx = dk;
    if (fixes_add(dk->fixes, dk->s, outputs_fix(dk->out)) != 0)
        mg_fail_all("internal: the fix list is full");
}

void deck_init(deck *dk, md *s, outputs *out, fix_list *fixes)
{
    memset(dk, 0, sizeof *dk);
    dk->s = s;
    dk->out = out;
    dk->fixes = fixes;
    snprintf(dk->dir, sizeof dk->dir, ".");
    if (deck_registry_duplicates())
        mg_fail_all("internal: a command name is registered twice in deck/registry.c");
    wire(dk);
    /* Restored in this order: atoms in place, regions, groups, schedules,
     * then the fixes that follow them, then outputs and observers, and the
     * files `print` writes. */
    const ckpt_section sec[] = {md_decomposition_section(s), regions_section(&s->regions), groups_section(s),
                                schedules_section(&fixes->schedules), fixes_section(fixes), outputs_section(out),
                                deck_prints_section(dk)};
    for (size_t k = 0; k < sizeof sec / sizeof sec[0]; k++)
        if (ckpt_sections_add(&dk->sections, &sec[k]) != 0)
            mg_fail_all("internal: checkpoint section '%s' registered twice", sec[k].name);
    restart_init(dk);
}

void deck_clear(deck *dk)
{
    double progress = restart_progress_interval(dk);
    outputs_close(dk->out, dk->s);
    fixes_destroy(dk->fixes, dk->s);
    md_destroy(dk->s);
    md_init(dk->s);
    outputs_init(dk->out, dk->s);
    fixes_init(dk->fixes);
    wire(dk);
    restart_readd_fixes(dk, progress);
}

void deck_free(deck *dk)
{
    free(dk->text);
    dk->text = NULL;
    restart_free(dk);
}

void deck_fail(const deck *dk, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    mg_fail_all("%s:%d: %s\n  in: %s", dk->path, dk->line, msg, dk->cmdline);
}

/* Split dk->expanded into words; "double" or 'single' quotes group words
 * (one kind inside the other, as LAMMPS). */
static void tokenize(deck *dk)
{
    snprintf(dk->argbuf, sizeof dk->argbuf, "%s", dk->expanded);
    dk->nargs = 0;
    char *p = dk->argbuf;
    while (*p) {
        while (*p && isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
        if (dk->nargs == DECK_MAX_ARGS)
            deck_fail(dk, "more than %d words on one line", DECK_MAX_ARGS);
        if (*p == '"' || *p == '\'') {
            char *q = strchr(p + 1, *p);
            if (!q)
                deck_fail(dk, "unterminated quote (%c)", *p);
            *q = '\0';
            dk->args[dk->nargs++] = p + 1;
            p = q + 1;
        } else {
            dk->args[dk->nargs++] = p;
            while (*p && !isspace((unsigned char)*p))
                p++;
            if (*p)
                *p++ = '\0';
        }
    }
}

/* Strip a comment that is not inside quotes. */
static void strip_comment(char *s)
{
    char q = 0;
    for (; *s; s++) {
        if (!q && (*s == '"' || *s == '\''))
            q = *s;
        else if (q && *s == q)
            q = 0;
        else if (*s == '#' && !q) {
            *s = '\0';
            return;
        }
    }
}

/* ---- the program: statements of a file, blocks, includes ----------------- */

/* Rank 0 reads a file and every rank gets its text (NULL and a message in
 * err if it cannot be read). */
static char *read_text(const char *path, char *err, size_t errlen)
{
    long len = 0;
    char msg[1200] = "";
    char *text = NULL;
    if (par_rank() == 0) {
        struct stat sb;
        FILE *f = NULL;
        if (stat(path, &sb) != 0)
            snprintf(msg, sizeof msg, "cannot open %s: %s", path, strerror(errno));
        else if (!S_ISREG(sb.st_mode))
            snprintf(msg, sizeof msg, "%s is not a regular file (%s)", path,
                     S_ISDIR(sb.st_mode)    ? "a directory"
                     : S_ISFIFO(sb.st_mode) ? "a FIFO: a restart reads the deck again, so it must be a file"
                                            : "a device or socket");
        else if (!(f = fopen(path, "rb")))
            snprintf(msg, sizeof msg, "cannot open %s: %s", path, strerror(errno));
        else {
            fseek(f, 0, SEEK_END);
            len = ftell(f);
            fseek(f, 0, SEEK_SET);
            text = mg_malloc((size_t)(len > 0 ? len : 0) + 1);
            if (len < 0 || fread(text, 1, (size_t)len, f) != (size_t)len)
                snprintf(msg, sizeof msg, "cannot read %s", path);
            fclose(f);
        }
    }
    par_bcast_bytes(msg, sizeof msg, 0);
    if (msg[0]) {
        free(text);
        snprintf(err, errlen, "%s", msg);
        return NULL;
    }
    par_bcast_bytes(&len, sizeof len, 0);
    if (par_rank() != 0)
        text = mg_malloc((size_t)len + 1);
    par_bcast_bytes(text, (size_t)len, 0);
    text[len] = '\0';
    /* A deck is text: a NUL byte would end it silently where it stands,
     * and bytes that are not UTF-8 are a binary or a mangled file. */
    int line = 1;
    for (long k = 0; k < len; k++) {
        unsigned char c = (unsigned char)text[k];
        int extra = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
        int ok = c != 0 && extra >= 0 && !(c == 0xC0 || c == 0xC1 || c > 0xF4);
        for (int e = 1; ok && e <= extra; e++)
            ok = k + e < len && ((unsigned char)text[k + e] & 0xC0) == 0x80;
        if (!ok) {
            snprintf(err, errlen, "%s:%d: %s (byte %ld); a deck must be UTF-8 text", path, line,
                     c == 0 ? "holds a NUL byte" : "holds a byte sequence that is not UTF-8", k + 1);
            free(text);
            return NULL;
        }
        if (c == '\n')
            line++;
        k += extra;
    }
    return text;
}

/* First and last word of a raw line (no substitution): what shapes blocks. */
static void edge_words(const char *raw, char *first, char *last, size_t len)
{
    first[0] = last[0] = '\0';
    const char *p = raw;
    while (*p) {
        while (*p && isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
        const char *q = p;
        if (*p == '"' || *p == '\'') {
            q = strchr(p + 1, *p);
            q = q ? q + 1 : p + strlen(p);
        } else {
            while (*q && !isspace((unsigned char)*q))
                q++;
        }
        if (!first[0])
            snprintf(first, len, "%.*s", (int)(q - p), p);
        snprintf(last, len, "%.*s", (int)(q - p), p);
        p = q;
    }
}

static void src_fail(deck *dk, const deck_src *f, int k, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void src_fail(deck *dk, const deck_src *f, int k, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(dk->path, sizeof dk->path, "%s", f->path);
    dk->line = f->st[k].line;
    snprintf(dk->cmdline, sizeof dk->cmdline, "%s", f->st[k].raw);
    deck_fail(dk, "%s", msg);
}

/* Split text into statements (lines joined over '&', comments stripped)
 * and pair block openers with their branches and ends. */
static void load_src(deck *dk, deck_src *f, const char *path, const char *dir, const char *text)
{
    memset(f, 0, sizeof *f);
    snprintf(f->path, sizeof f->path, "%s", path);
    snprintf(f->dir, sizeof f->dir, "%s", dir);
    int cap = 0;
    const char *p = text;
    int lineno = 0;
    char joined[4096];
    while (*p) {
        joined[0] = '\0';
        int first_line = lineno + 1;
        for (;;) {
            const char *nl = strchr(p, '\n');
            size_t l = nl ? (size_t)(nl - p) : strlen(p);
            lineno++;
            char one[4096];
            if (l >= sizeof one) {
                snprintf(dk->path, sizeof dk->path, "%s", path);
                dk->line = lineno;
                snprintf(dk->cmdline, sizeof dk->cmdline, "%.60s...", p);
                deck_fail(dk, "line longer than %zu characters", sizeof one - 1);
            }
            memcpy(one, p, l);
            one[l] = '\0';
            p = nl ? nl + 1 : p + l;
            if (l && one[l - 1] == '\r')
                one[--l] = '\0';
            strip_comment(one);
            size_t ol = strlen(one);
            while (ol && isspace((unsigned char)one[ol - 1]))
                one[--ol] = '\0';
            int cont = ol && one[ol - 1] == '&';
            if (cont)
                one[--ol] = '\0';
            if (strlen(joined) + ol + 2 >= sizeof joined) {
                snprintf(dk->path, sizeof dk->path, "%s", path);
                dk->line = first_line;
                deck_fail(dk, "continued command too long");
            }
            strcat(joined, one);
            strcat(joined, " ");
            if (!cont || !*p)
                break;
        }
        const char *q = joined;
        while (isspace((unsigned char)*q))
            q++;
        if (!*q)
            continue;
        if (f->n == cap) {
            cap = cap ? 2 * cap : 64;
            f->st = mg_realloc(f->st, (size_t)cap * sizeof *f->st);
        }
        deck_stmt *st = &f->st[f->n++];
        st->line = first_line;
        /* Without the indentation (and the blank a join leaves at the end):
         * a restart compares statements, not their layout. */
        size_t jl = strlen(q);
        while (jl && isspace((unsigned char)q[jl - 1]))
            jl--;
        st->raw = strndup(q, jl);
        st->match = st->end = -1;
    }
    /* Blocks: for ... end; if ... then / elif ... then / else / end. The
     * stack holds each open block's current branch and its first line. */
    int stack[64], heads[64], depth = 0;
    for (int k = 0; k < f->n; k++) {
        char first[64], last[64];
        edge_words(f->st[k].raw, first, last, sizeof first);
        int opener = !strcmp(first, "for") || (!strcmp(first, "if") && !strcmp(last, "then"));
        int branch = (!strcmp(first, "elif") && !strcmp(last, "then")) || !strcmp(first, "else");
        if (!strcmp(first, "elif") && strcmp(last, "then"))
            src_fail(dk, f, k, "elif: the block form ends the line with 'then' (elif FORMULA then)");
        if (opener) {
            if (depth == 64)
                src_fail(dk, f, k, "blocks nested more than 64 deep");
            stack[depth] = heads[depth] = k;
            depth++;
        } else if (branch || !strcmp(first, "end")) {
            if (!depth)
                src_fail(dk, f, k, "'%s' without a 'for' or 'if ... then' before it", first);
            int top = stack[depth - 1];
            char tf[64], tl[64];
            edge_words(f->st[top].raw, tf, tl, sizeof tf);
            if (branch && !strcmp(tf, "for"))
                src_fail(dk, f, k, "'%s' inside a 'for' block (it belongs to an 'if')", first);
            if (branch && !strcmp(tf, "else"))
                src_fail(dk, f, k, "'%s' after 'else'", first);
            f->st[top].match = k;
            if (branch) {
                stack[depth - 1] = k;
            } else {
                for (int j = heads[depth - 1]; j != k; j = f->st[j].match)
                    f->st[j].end = k;
                depth--;
            }
        }
    }
    if (depth)
        src_fail(dk, f, stack[depth - 1], "this block has no 'end'");
}

static void free_src(deck_src *f)
{
    for (int k = 0; k < f->n; k++)
        free(f->st[k].raw);
    free(f->st);
    memset(f, 0, sizeof *f);
}

static void run_range(deck *dk, deck_src *f, int from, int to);

static int push_frame(deck *dk)
{
    if (dk->nframes == DECK_MAX_FRAMES)
        deck_fail(dk, "loops and includes nested more than %d deep", DECK_MAX_FRAMES);
    dk->frames[dk->nframes][0] = '\0';
    return dk->nframes++;
}

int deck_choice(deck *dk, int *i, const char *what, const char *choices)
{
    const char *w = deck_word(dk, i, what);
    size_t n = strlen(w);
    int k = 0, count = 0;
    for (const char *c = choices; *c; k++) {
        const char *e = strchr(c, ' ');
        size_t l = e ? (size_t)(e - c) : strlen(c);
        if (l == n && !strncmp(c, w, n))
            return k;
        c += l + (e != NULL);
    }
    count = k;
    char list[512] = "";
    k = 0;
    for (const char *c = choices; *c; k++) {
        const char *e = strchr(c, ' ');
        int l = e ? (int)(e - c) : (int)strlen(c);
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s%.*s", k == 0 ? "" : k == count - 1 ? " or " : ", ", l, c);
        c += l + (e != NULL);
    }
    deck_fail(dk, "%s: %s must be %s, got '%s'", dk->args[0], what, list, w);
}

void deck_location(const deck *dk, char *out, size_t len)
{
    snprintf(out, len, "%.200s:%d", dk->path, dk->line);
}

void deck_where(const deck *dk, char *out, size_t len)
{
    out[0] = '\0';
    for (int k = 0; k < dk->nframes; k++) {
        size_t n = strlen(out);
        snprintf(out + n, len - n, "%*s%s\n", 4 + 2 * k, "", dk->frames[k]);
    }
}

/* A command (registry), after its words are in dk->args. */
static void dispatch(deck *dk)
{
    if (dk->echo && par_rank() == 0) {
        printf("%s\n", dk->expanded);
        fflush(stdout);
    }
    const deck_command *c = deck_find_command(dk->args[0]);
    char habit[1024];
    if (deck_lammps_habit(dk, habit, sizeof habit))
        deck_fail(dk, "%s", habit);
    if (!c)
        deck_fail(dk, "unknown command '%s' (commands: %s; and the language: for, if, elif, else, end, include)",
                  dk->args[0], deck_command_list());
    if (restart_before_command(dk, c))
        c->fn(dk);
    dk->replaying = 0;
}

/* The formula between `if`/`elif` and `then` (words 1 .. nargs-2 or up to
 * `then`), decided now or, while a restart replays, as it was decided. */
static int decide(deck *dk, int from, int to)
{
    char formula[4096] = "";
    for (int i = from; i < to; i++) {
        strncat(formula, dk->args[i], sizeof formula - strlen(formula) - 2);
        if (i + 1 < to)
            strcat(formula, " ");
    }
    if (!formula[0])
        deck_fail(dk, "%s: missing the condition (%s FORMULA then)", dk->args[0], dk->args[0]);
    int recorded;
    if (restart_decision(dk, &recorded))
        return recorded;
    double v;
    char err[600];
    if (deck_eval(dk, formula, &v, err, sizeof err) != 0)
        deck_fail(dk, "%s: in the condition '%s': %s", dk->args[0], formula, err);
    restart_record_decision(dk, v != 0.0);
    return v != 0.0;
}

/* Run one line of text as a statement of file f at statement k's line (the
 * quoted commands of a one-line if). */
static void exec_text(deck *dk, deck_src *f, int k, const char *text)
{
    deck_src one;
    memset(&one, 0, sizeof one);
    snprintf(one.path, sizeof one.path, "%s", f->path);
    snprintf(one.dir, sizeof one.dir, "%s", f->dir);
    deck_stmt st = {f->st[k].line, (char *)text, -1, -1};
    char first[64], last[64];
    edge_words(text, first, last, sizeof first);
    if (!strcmp(first, "for") || !strcmp(first, "end") || !strcmp(first, "else") || !strcmp(first, "elif") ||
        (!strcmp(first, "if") && !strcmp(last, "then")))
        deck_fail(dk, "if: a quoted command cannot open or close a block ('%s'); use the block form", first);
    one.n = 1;
    one.st = &st;
    run_range(dk, &one, 0, 1);
}

static double in_range(deck *dk, enum quantity q, const char *what, double metal, const char *given);

/* for NAME in W1 W2 ... [UNIT] | for NAME from A to B [step C] */
static int run_for(deck *dk, deck_src *f, int k)
{
    int i = 1;
    char name[64];
    snprintf(name, sizeof name, "%s", deck_word(dk, &i, "loop variable name"));
    const char *how = deck_word(dk, &i, "'in' or 'from'");
    char values[256][128];
    int n = 0;
    if (!strcmp(how, "in")) {
        int last = dk->nargs;
        const char *unit = NULL;
        enum quantity q;
        double factor = 1.0;
        /* A unit after numbers belongs to each and converts it to metal
         * units: `for T in 300 400 500 K`, `for t in 1 2 5 ns` (ps); the
         * variable holds the bare number (a file name can carry it).
         * Words that are not all numbers are taken as they are, so a list
         * of names ending in a word such as 's' or 'A' is not a quantity. */
        int numbers = last - i >= 2;
        for (int j = i; numbers && j < last - 1; j++) {
            double v;
            numbers = num_real(dk->args[j], &v) == NUM_OK;
        }
        if (numbers && units_is_any(dk->args[last - 1], &q) && !isdigit((unsigned char)dk->args[last - 1][0])) {
            unit = dk->args[--last];
            units_factor(q, unit, &factor);
        }
        for (; i < last; i++) {
            if (n == 256)
                deck_fail(dk, "for: at most 256 values");
            if (unit) {
                double v = 0;
                num_real(dk->args[i], &v);
                in_range(dk, q, name, v * factor, dk->args[i]);
                snprintf(values[n++], sizeof values[0], "%.15g", v * factor);
            } else {
                snprintf(values[n++], sizeof values[0], "%s", dk->args[i]);
            }
        }
        if (!n)
            deck_fail(dk, "for %s in: needs at least one value", name);
    } else if (!strcmp(how, "from")) {
        double a = deck_real(dk, &i, "first value");
        const char *to = deck_word(dk, &i, "'to'");
        if (strcmp(to, "to"))
            deck_fail(dk, "for: expected 'for %s from A to B [step C]', got '%s'", name, to);
        double b = deck_real(dk, &i, "last value"), c = 1;
        if (i < dk->nargs) {
            const char *st = deck_word(dk, &i, "'step'");
            if (strcmp(st, "step"))
                deck_fail(dk, "for: expected 'step C' after the last value, got '%s'", st);
            c = deck_real(dk, &i, "step");
        }
        deck_done(dk, i);
        if (!(c != 0) || !isfinite(a) || !isfinite(b) || !isfinite(c))
            deck_fail(dk, "for: the values and the step must be finite and the step non-zero");
        double span = (b - a) / c;
        if (span < -1e-9)
            deck_fail(dk, "for %s from %g to %g step %g: the step goes away from the end", name, a, b, c);
        long m = (long)floor(span + 1e-9) + 1;
        if (m > 256)
            deck_fail(dk, "for: at most 256 values (this gives %ld)", m);
        for (long j = 0; j < m; j++)
            snprintf(values[n++], sizeof values[0], "%.15g", a + (double)j * c);
    } else {
        deck_fail(dk, "for: expected 'for %s in VALUES...' or 'for %s from A to B [step C]', got '%s'", name, name,
                  how);
    }
    int frame = push_frame(dk);
    for (int j = 0; j < n; j++) {
        snprintf(dk->frames[frame], sizeof dk->frames[0], "for %.40s (%.120s:%d): pass %d of %d, %.40s = %.60s", name,
                 f->path, f->st[k].line, j + 1, n, name, values[j]);
        deck_set_loop_var(dk, name, values[j]);
        run_range(dk, f, k + 1, f->st[k].end);
    }
    dk->nframes--;
    return f->st[k].end + 1;
}

/* include FILE: relative to the including file's folder. */
static void run_include(deck *dk, deck_src *f)
{
    int i = 1;
    const char *name = deck_word(dk, &i, "file to include");
    deck_done(dk, i);
    char path[2048];
    if (name[0] == '/')
        snprintf(path, sizeof path, "%s", name);
    else
        snprintf(path, sizeof path, "%s/%s", f->dir, name);
    if (dk->include_depth >= 16)
        deck_fail(dk, "include: nested more than 16 deep (does %s include itself?)", name);
    char err[1300];
    char *text = read_text(path, err, sizeof err);
    if (!text)
        deck_fail(dk, "include: %s", err);
    char tmp[2048];
    snprintf(tmp, sizeof tmp, "%s", path);
    deck_src inc;
    load_src(dk, &inc, path, dirname(tmp), text);
    free(text);
    char saved_dir[1024];
    snprintf(saved_dir, sizeof saved_dir, "%s", dk->dir);
    snprintf(dk->dir, sizeof dk->dir, "%s", inc.dir);
    int frame = push_frame(dk);
    snprintf(dk->frames[frame], sizeof dk->frames[0], "include %.150s (%.120s:%d)", path, f->path,
             dk->line);
    dk->include_depth++;
    run_range(dk, &inc, 0, inc.n);
    dk->include_depth--;
    dk->nframes--;
    snprintf(dk->dir, sizeof dk->dir, "%s", saved_dir);
    free_src(&inc);
}

/* Statement k of f; returns the next one to run. */
static int exec_stmt(deck *dk, deck_src *f, int k)
{
    deck_stmt *st = &f->st[k];
    snprintf(dk->path, sizeof dk->path, "%s", f->path);
    dk->line = st->line;
    snprintf(dk->cmdline, sizeof dk->cmdline, "%s", st->raw);
    restart_statement(dk, st->raw); /* fills dk->expanded */
    tokenize(dk);
    int next = k + 1;
    if (dk->nargs == 0) {
        restart_after_command(dk);
        return next;
    }
    const char *w = dk->args[0];
    /* Blocks are paired as written; a block word that a substitution made
     * has no partner (and would restart the file from its top). */
    if ((!strcmp(w, "for") || !strcmp(w, "else")) && st->end < 0)
        deck_fail(dk, "%s: the words that shape blocks (for, if ... then, elif, else, end) must be written in the "
                  "deck, not made by a substitution", w);
    if (!strcmp(w, "for")) {
        next = run_for(dk, f, k);
    } else if ((!strcmp(w, "if") || !strcmp(w, "elif")) && st->match >= 0) {
        if (decide(dk, 1, dk->nargs - 1)) {
            run_range(dk, f, k + 1, st->match);
            next = st->end + 1;
        } else {
            next = st->match; /* the next branch, or the end */
        }
    } else if (!strcmp(w, "else")) {
        deck_done(dk, 1);
        run_range(dk, f, k + 1, st->end);
        next = st->end + 1;
    } else if (!strcmp(w, "end")) {
        deck_done(dk, 1);
    } else if (!strcmp(w, "if")) {
        /* LAMMPS' one-line form: if COND then "c1" "c2" [elif COND "c3" ...] [else "c4" ...] */
        int t = 1;
        while (t < dk->nargs && strcmp(dk->args[t], "then"))
            t++;
        if (t == dk->nargs)
            deck_fail(dk, "if: expected 'if FORMULA then' (a block ending in 'end') or LAMMPS' 'if FORMULA then "
                      "\"command\" ...'");
        char cmds[32][1024];
        int ncmd = 0, taken = decide(dk, 1, t);
        int i = t + 1;
        for (;;) {
            int j = i;
            while (j < dk->nargs && strcmp(dk->args[j], "elif") && strcmp(dk->args[j], "else"))
                j++;
            if (taken) {
                if (j - i > 32)
                    deck_fail(dk, "if: at most 32 quoted commands in a branch (use the block form)");
                for (int q = i; q < j; q++)
                    snprintf(cmds[ncmd++], sizeof cmds[0], "%s", dk->args[q]);
                break;
            }
            if (j == dk->nargs)
                break;
            if (!strcmp(dk->args[j], "else")) {
                taken = 1;
                i = j + 1;
                continue;
            }
            /* elif COND "c" ...: the condition is the word after elif */
            if (j + 1 >= dk->nargs)
                deck_fail(dk, "if: 'elif' needs a condition");
            taken = decide(dk, j + 1, j + 2);
            i = j + 2;
        }
        restart_after_command(dk);
        for (int q = 0; q < ncmd; q++)
            exec_text(dk, f, k, cmds[q]);
        return next;
    } else if (!strcmp(w, "include")) {
        restart_after_command(dk);
        run_include(dk, f);
        return next;
    } else {
        dispatch(dk);
    }
    restart_after_command(dk);
    return next;
}

static void run_range(deck *dk, deck_src *f, int from, int to)
{
    for (int k = from; k < to;)
        k = exec_stmt(dk, f, k);
}

void deck_run_file(deck *dk, const char *path)
{
    char err[1300];
    char *text = read_text(path, err, sizeof err);
    if (!text)
        mg_fail_all("deck: %s", err);
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "%s", path);
    deck_run_text(dk, path, dirname(tmp), text);
    free(text);
}

void deck_run_text(deck *dk, const char *path, const char *dir, const char *text)
{
    snprintf(dk->main_path, sizeof dk->main_path, "%s", path);
    snprintf(dk->main_dir, sizeof dk->main_dir, "%s", dir);
    snprintf(dk->path, sizeof dk->path, "%s", path);
    snprintf(dk->dir, sizeof dk->dir, "%s", dir);
    free(dk->text);
    dk->text = strdup(text);
    deck_src main;
    load_src(dk, &main, path, dir, dk->text);
    run_range(dk, &main, 0, main.n);
    free_src(&main);
    restart_end_of_deck(dk);
}

const char *deck_word(deck *dk, int *i, const char *what)
{
    if (*i >= dk->nargs)
        deck_fail(dk, "%s: missing %s", dk->args[0], what);
    return dk->args[(*i)++];
}

void deck_check_memory(deck *dk, double bytes_per_rank, const char *what)
{
    char err[600] = "";
    int bad = mem_check(bytes_per_rank, par_size(), what, err, sizeof err) != 0;
    if (!par_max_int(bad))
        return;
    /* Nodes may differ: the lowest failing rank's figures are quoted. */
    int root = par_min_int(bad ? par_rank() : par_size());
    par_bcast_bytes(err, sizeof err, root);
    deck_fail(dk, "%s: %s", dk->args[0], err);
}

int64_t deck_int(deck *dk, int *i, const char *what, int64_t min, int64_t max)
{
    const char *w = deck_word(dk, i, what);
    int64_t v = 0;
    enum num_status st = num_int(w, &v);
    if (st == NUM_SYNTAX) {
        double x;
        if (num_real(w, &x) == NUM_OK)
            deck_fail(dk, "%s: %s must be an integer, got '%s' (expected %lld to %lld)", dk->args[0], what, w,
                      (long long)min, (long long)max);
        deck_fail(dk, "%s: %s must be an integer, got '%s'", dk->args[0], what, w);
    }
    if (st != NUM_OK || v < min || v > max)
        deck_fail(dk, "%s: %s must be between %lld and %lld, got %s", dk->args[0], what, (long long)min,
                  (long long)max, w);
    return v;
}

double deck_real(deck *dk, int *i, const char *what)
{
    const char *w = deck_word(dk, i, what);
    double v = 0;
    enum num_status st = num_real(w, &v);
    if (st != NUM_OK)
        deck_fail(dk, "%s: %s must be a %snumber, got '%s'%s", dk->args[0], what, st == NUM_NONFINITE ? "finite " : "",
                  w, st == NUM_NONFINITE ? " (inf, nan and values beyond 1.8e308 are refused)" : "");
    return v;
}

double deck_real_in(deck *dk, int *i, const char *what, double lo, double hi)
{
    double v = deck_real(dk, i, what);
    if (!(v >= lo && v <= hi))
        deck_fail(dk, "%s: %s must be between %g and %g, got %s", dk->args[0], what, lo, hi, dk->args[*i - 1]);
    return v;
}

static int is_keyword(const char *w, const char *keywords)
{
    if (!keywords)
        return 0;
    size_t n = strlen(w);
    for (const char *k = keywords; *k;) {
        const char *e = strchr(k, ' ');
        size_t l = e ? (size_t)(e - k) : strlen(k);
        if (l == n && strncmp(k, w, n) == 0)
            return 1;
        k += l;
        while (*k == ' ')
            k++;
    }
    return 0;
}

/* A rate's bare number is ambiguous (1e13 is K/s in papers, K/ps would
 * be metal): it must carry its unit. */
static void need_rate_unit(deck *dk, enum quantity q, const char *what, double v)
{
    if (q == Q_TEMPERATURE_RATE)
        deck_fail(dk, "%s: the %s needs a unit: %g K/ps or %g K/s (quench rates are quoted in K/s, mgmd's metal "
                  "unit is K/ps; accepted: %s)", dk->args[0], what, v, v, units_accepted(q));
    if (q == Q_STRAIN_RATE)
        deck_fail(dk, "%s: the %s needs a unit: %g 1/s or %g 1/ps (strain rates are quoted per second, mgmd's "
                  "metal unit is 1/ps; accepted: %s)", dk->args[0], what, v, v, units_accepted(q));
}

/* A value in metal units against the physical range of its quantity. */
static double in_range(deck *dk, enum quantity q, const char *what, double metal, const char *given)
{
    double lo, hi;
    units_range(q, &lo, &hi);
    if (!(metal >= lo && metal <= hi))
        deck_fail(dk, "%s: %s must be between %g and %g %s, got %s (the physical range of a %s; docs/errors.md "
                  "lists them)", dk->args[0], what, lo, hi, units_base(q), given, units_quantity_name(q));
    return metal;
}

static double quantity_value(deck *dk, int *i, enum quantity q, const char *what, const char *keywords);

double deck_quantity(deck *dk, int *i, enum quantity q, const char *what, const char *keywords)
{
    int first = *i;
    double v = quantity_value(dk, i, q, what, keywords);
    char given[160];
    if (*i - first == 2)
        snprintf(given, sizeof given, "%s %s", dk->args[first], dk->args[first + 1]);
    else
        snprintf(given, sizeof given, "%s", dk->args[first]);
    return in_range(dk, q, what, v, given);
}

static double quantity_value(deck *dk, int *i, enum quantity q, const char *what, const char *keywords)
{
    double v = deck_real(dk, i, what);
    if (*i >= dk->nargs) {
        need_rate_unit(dk, q, what, v);
        return v;
    }
    const char *u = dk->args[*i];
    if (is_keyword(u, keywords)) {
        need_rate_unit(dk, q, what, v);
        return v;
    }
    double f;
    if (units_factor(q, u, &f)) {
        (*i)++;
        return v * f;
    }
    enum quantity other;
    if (units_is_any(u, &other))
        deck_fail(dk, "%s: %s is %s %s, but '%s' is a unit of %s (expected %s)", dk->args[0], what,
                  strchr("aeiou", units_quantity_name(q)[0]) ? "an" : "a", units_quantity_name(q), u,
                  units_quantity_name(other), units_accepted(q));
    if (keywords && !strcmp(keywords, "*")) {
        need_rate_unit(dk, q, what, v);
        return v;
    }
    if (isalpha((unsigned char)u[0]) || u[0] == '/' || (q == Q_STRAIN_RATE && !strncmp(u, "1/", 2)))
        deck_fail(dk, "%s: unknown %s unit '%s' for %s (expected %s%s%s)", dk->args[0], units_quantity_name(q), u,
                  what, units_accepted(q), keywords ? ", or one of: " : "", keywords ? keywords : "");
    need_rate_unit(dk, q, what, v);
    return v;
}

int deck_bool(deck *dk, int *i, const char *what)
{
    const char *w = deck_word(dk, i, what);
    if (!strcmp(w, "yes") || !strcmp(w, "on"))
        return 1;
    if (!strcmp(w, "no") || !strcmp(w, "off"))
        return 0;
    deck_fail(dk, "%s: %s must be yes or no, got '%s'", dk->args[0], what, w);
}

int deck_null(deck *dk, int *i)
{
    if (*i < dk->nargs && !strcmp(dk->args[*i], "NULL")) {
        (*i)++;
        return 1;
    }
    return 0;
}

void deck_components(deck *dk, int *i, enum quantity q, const char *what, const char *keywords, double v[3],
                     int set[3])
{
    char kw[512];
    snprintf(kw, sizeof kw, "NULL%s%s", keywords ? " " : "", keywords ? keywords : "");
    for (int d = 0; d < 3; d++) {
        char w[96];
        snprintf(w, sizeof w, "%s %c (or NULL)", what, 'x' + d);
        set[d] = !deck_null(dk, i);
        v[d] = set[d] ? deck_quantity(dk, i, q, w, kw) : 0.0;
        if (!isfinite(v[d]))
            deck_fail(dk, "%s: %s must be a finite number", dk->args[0], w);
    }
}

void deck_path(const deck *dk, const char *name, char *out, int outlen)
{
    if (name[0] == '/' || access(name, F_OK) == 0) {
        snprintf(out, (size_t)outlen, "%s", name);
        return;
    }
    char cand[2048];
    snprintf(cand, sizeof cand, "%s/%s", dk->dir, name);
    if (access(cand, F_OK) == 0) {
        snprintf(out, (size_t)outlen, "%s", cand);
        return;
    }
    snprintf(out, (size_t)outlen, "%s", name);
}

void deck_need_no_system(deck *dk)
{
    if (dk->s->have_box)
        deck_fail(dk, "%s must come before the system is created (read_data, read_checkpoint, create_lattice, "
                  "create_alloy)", dk->args[0]);
}

void deck_need_system(deck *dk)
{
    if (!dk->s->have_box)
        deck_fail(dk, "%s: no system yet (use read_data, read_checkpoint, create_lattice or create_alloy first)",
                  dk->args[0]);
}

int deck_group(deck *dk, int *i)
{
    const char *name = deck_word(dk, i, "group name");
    int g = group_find(&dk->s->groups, name);
    if (g < 0)
        deck_fail(dk, "%s: no group named '%s' (define it with the group command; 'all' always exists)", dk->args[0],
                  name);
    return g;
}

int deck_trailing_group(deck *dk, int *i)
{
    int g = GROUP_ALL;
    while (*i < dk->nargs) {
        const char *k = deck_word(dk, i, "keyword");
        if (strcmp(k, "group"))
            deck_fail(dk, "%s: unknown keyword '%s' (expected group)", dk->args[0], k);
        g = deck_group(dk, i);
    }
    return g;
}

double deck_finite_quantity(deck *dk, int *i, enum quantity q, const char *what, const char *keywords)
{
    double v = deck_quantity(dk, i, q, what, keywords);
    if (!isfinite(v))
        deck_fail(dk, "%s: %s must be a finite %s (%s)", dk->args[0], what, units_quantity_name(q), units_base(q));
    return v;
}

void deck_done(deck *dk, int i)
{
    if (i < dk->nargs)
        deck_fail(dk, "%s: unexpected '%s' after the command's arguments", dk->args[0], dk->args[i]);
}
