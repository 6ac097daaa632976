/* The deck (deck.h): reading the file on rank 0 and broadcasting it, then
 * on every rank in step: lines joined over '&', comments stripped, ${name}
 * substituted, words split (double quotes group), the command looked up in
 * the registry (registry.c) and dispatched, with restart.c's replay around
 * it. Also the argument helpers every command uses, each failing with
 * "file:line: command: what was expected" through the collective route.
 * Communication: the broadcast of the deck text. */
#include "deck/deck.h"
#include "deck/restart.h"
#include "core/error.h"
#include "parallel/parallel.h"

#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void deck_init(deck *dk, md *s, outputs *out, fix_list *fixes)
{
    memset(dk, 0, sizeof *dk);
    dk->s = s;
    dk->out = out;
    dk->fixes = fixes;
    snprintf(dk->dir, sizeof dk->dir, ".");
    if (deck_registry_duplicates())
        mg_fail_all("internal: a command name is registered twice in deck/registry.c");
    if (fixes_add(fixes, s, outputs_fix(out)) != 0)
        mg_fail_all("internal: the fix list is full");
    /* Restored in this order: atoms in place, regions, groups, schedules,
     * then the fixes that follow them, then outputs and observers. */
    const ckpt_section sec[] = {md_decomposition_section(s), regions_section(&s->regions), groups_section(s),
                                schedules_section(&fixes->schedules), fixes_section(fixes), outputs_section(out)};
    for (size_t k = 0; k < sizeof sec / sizeof sec[0]; k++)
        if (ckpt_sections_add(&dk->sections, &sec[k]) != 0)
            mg_fail_all("internal: checkpoint section '%s' registered twice", sec[k].name);
    restart_init(dk);
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

static int valid_name(const char *n)
{
    if (!isalpha((unsigned char)*n) && *n != '_')
        return 0;
    for (; *n; n++)
        if (!isalnum((unsigned char)*n) && *n != '_')
            return 0;
    return 1;
}

int deck_set_var(deck *dk, const char *name, const char *value, int from_command_line)
{
    if (!valid_name(name) || strlen(name) >= sizeof dk->vars[0].name || strlen(value) >= sizeof dk->vars[0].value)
        return -1;
    for (int k = 0; k < dk->nvars; k++)
        if (strcmp(dk->vars[k].name, name) == 0) {
            if (dk->vars[k].from_command_line && !from_command_line)
                return 0;
            snprintf(dk->vars[k].value, sizeof dk->vars[k].value, "%s", value);
            dk->vars[k].from_command_line = from_command_line;
            return 0;
        }
    if (dk->nvars == DECK_MAX_VARS)
        return -1;
    deck_var *v = &dk->vars[dk->nvars++];
    snprintf(v->name, sizeof v->name, "%s", name);
    snprintf(v->value, sizeof v->value, "%s", value);
    v->from_command_line = from_command_line;
    return 0;
}

static const char *get_var(const deck *dk, const char *name)
{
    for (int k = 0; k < dk->nvars; k++)
        if (strcmp(dk->vars[k].name, name) == 0)
            return dk->vars[k].value;
    return NULL;
}

/* Substitute ${name} into dk->expanded from src. */
static void substitute(deck *dk, const char *src)
{
    size_t n = 0, cap = sizeof dk->expanded;
    for (const char *p = src; *p;) {
        if (p[0] == '$' && p[1] == '{') {
            const char *end = strchr(p, '}');
            if (!end)
                deck_fail(dk, "unterminated '${' (expected ${name})");
            char name[64];
            size_t len = (size_t)(end - p - 2);
            if (len == 0 || len >= sizeof name)
                deck_fail(dk, "bad variable reference '%.*s'", (int)(end - p + 1), p);
            memcpy(name, p + 2, len);
            name[len] = '\0';
            const char *v = get_var(dk, name);
            if (!v)
                deck_fail(dk, "variable '%s' is not defined (define it with 'variable %s = VALUE' or -var %s VALUE)",
                          name, name, name);
            size_t vl = strlen(v);
            if (n + vl + 1 >= cap)
                deck_fail(dk, "line too long after substitution");
            memcpy(dk->expanded + n, v, vl);
            n += vl;
            p = end + 1;
        } else {
            if (n + 2 >= cap)
                deck_fail(dk, "line too long");
            dk->expanded[n++] = *p++;
        }
    }
    dk->expanded[n] = '\0';
}

/* Split dk->cmdline into words, honouring double quotes. */
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
        if (*p == '"') {
            char *q = strchr(p + 1, '"');
            if (!q)
                deck_fail(dk, "unterminated quote");
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
    int q = 0;
    for (; *s; s++) {
        if (*s == '"')
            q = !q;
        else if (*s == '#' && !q) {
            *s = '\0';
            return;
        }
    }
}

void deck_run_file(deck *dk, const char *path)
{
    long len = 0;
    char errmsg[512] = "";
    char *text = NULL;
    if (par_rank() == 0) {
        FILE *f = fopen(path, "rb");
        if (!f) {
            snprintf(errmsg, sizeof errmsg, "cannot open deck %s: %s", path, strerror(errno));
        } else {
            fseek(f, 0, SEEK_END);
            len = ftell(f);
            fseek(f, 0, SEEK_SET);
            text = mg_malloc((size_t)len + 1);
            if (len < 0 || fread(text, 1, (size_t)len, f) != (size_t)len)
                snprintf(errmsg, sizeof errmsg, "cannot read deck %s", path);
            fclose(f);
        }
    }
    par_bcast_bytes(errmsg, sizeof errmsg, 0);
    if (errmsg[0])
        mg_fail_all("%s", errmsg);
    par_bcast_bytes(&len, sizeof len, 0);
    if (par_rank() != 0)
        text = mg_malloc((size_t)len + 1);
    par_bcast_bytes(text, (size_t)len, 0);
    text[len] = '\0';
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "%s", path);
    deck_run_text(dk, path, dirname(tmp), text);
    free(text);
}

void deck_run_text(deck *dk, const char *path, const char *dir, const char *text)
{
    snprintf(dk->path, sizeof dk->path, "%s", path);
    snprintf(dk->dir, sizeof dk->dir, "%s", dir);
    free(dk->text);
    dk->text = strdup(text);

    /* Walk the lines; a command may continue over lines ending in '&'. */
    char *p = dk->text;
    int lineno = 0;
    char joined[4096];
    while (*p) {
        joined[0] = '\0';
        int first_line = lineno + 1;
        for (;;) {
            char *nl = strchr(p, '\n');
            size_t l = nl ? (size_t)(nl - p) : strlen(p);
            lineno++;
            char one[4096];
            if (l >= sizeof one) {
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
                dk->line = first_line;
                deck_fail(dk, "continued command too long");
            }
            strcat(joined, one);
            strcat(joined, " ");
            if (!cont || !*p)
                break;
        }
        dk->line = first_line;
        snprintf(dk->cmdline, sizeof dk->cmdline, "%s", joined);
        substitute(dk, joined);
        tokenize(dk);
        if (dk->nargs == 0)
            continue;
        if (dk->echo && par_rank() == 0) {
            printf("%s\n", dk->expanded);
            fflush(stdout);
        }
        const deck_command *c = deck_find_command(dk->args[0]);
        char habit[1024];
        if (deck_lammps_habit(dk, habit, sizeof habit))
            deck_fail(dk, "%s", habit);
        if (!c)
            deck_fail(dk, "unknown command '%s' (commands: %s)", dk->args[0], deck_command_list());
        if (restart_before_command(dk, c))
            c->fn(dk);
        dk->replaying = 0;
        restart_after_command(dk);
    }
    restart_end_of_deck(dk);
}

const char *deck_word(deck *dk, int *i, const char *what)
{
    if (*i >= dk->nargs)
        deck_fail(dk, "%s: missing %s", dk->args[0], what);
    return dk->args[(*i)++];
}

int64_t deck_int(deck *dk, int *i, const char *what, int64_t min, int64_t max)
{
    const char *w = deck_word(dk, i, what);
    char *end;
    errno = 0;
    long long v = strtoll(w, &end, 10);
    if (*end || end == w || errno)
        deck_fail(dk, "%s: %s must be an integer, got '%s'", dk->args[0], what, w);
    if (v < min || v > max)
        deck_fail(dk, "%s: %s must be between %lld and %lld, got %lld", dk->args[0], what, (long long)min,
                  (long long)max, v);
    return v;
}

double deck_real(deck *dk, int *i, const char *what)
{
    const char *w = deck_word(dk, i, what);
    char *end;
    errno = 0;
    double v = strtod(w, &end);
    if (*end || end == w || errno)
        deck_fail(dk, "%s: %s must be a number, got '%s'", dk->args[0], what, w);
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

double deck_quantity(deck *dk, int *i, enum quantity q, const char *what, const char *keywords)
{
    double v = deck_real(dk, i, what);
    if (*i >= dk->nargs)
        return v;
    const char *u = dk->args[*i];
    if (is_keyword(u, keywords))
        return v;
    double f;
    if (units_factor(q, u, &f)) {
        (*i)++;
        return v * f;
    }
    enum quantity other;
    if (units_is_any(u, &other))
        deck_fail(dk, "%s: %s is a %s, but '%s' is a unit of %s (expected %s)", dk->args[0], what,
                  units_quantity_name(q), u, units_quantity_name(other), units_accepted(q));
    if (keywords && !strcmp(keywords, "*"))
        return v;
    if (isalpha((unsigned char)u[0]) || u[0] == '/')
        deck_fail(dk, "%s: unknown %s unit '%s' for %s (expected %s%s%s)", dk->args[0], units_quantity_name(q), u,
                  what, units_accepted(q), keywords ? ", or one of: " : "", keywords ? keywords : "");
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
