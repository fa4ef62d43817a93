/* cli/sweep_plot.c: 'vhsim sweep --plot', the sweep drawn by gnuplot.
 *
 * Three panels side by side, as ns-3's sweeps draw them: throughput, p50
 * latency and cycles per packet against the first --set key, one line per
 * series, error bars the 95% confidence half-widths.  A series is a
 * variant, a value of each further key, and a flow.  The data goes inline
 * in the script (gnuplot's datablocks), so nothing but the figure is left
 * behind; gnuplot draws into a temporary directory, and the figure is
 * copied to its file, published as every output is (sim/outfile.h), only
 * once gnuplot has succeeded, so a failed plot leaves no half of one. */
#include "cli/sweep.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/compare.h"
#include "sim/outfile.h"
#include "sim/xmalloc.h"

static const char *
extension(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash : path, '.');
    return dot ? dot + 1 : "";
}

bool
sweep_plot_format_ok(const char *path)
{
    return !strcasecmp(extension(path), "png")
           || !strcasecmp(extension(path), "svg");
}

bool
sweep_have_gnuplot(void)
{
    const char *path = getenv("PATH");
    if (!path) {
        return false;
    }
    for (const char *p = path;;) {
        size_t len = strcspn(p, ":");
        char file[4096];
        snprintf(file, sizeof file, "%.*s%sgnuplot", (int) len, p,
                 len ? "/" : "./");
        if (!access(file, X_OK)) {
            return true;
        }
        if (!p[len]) {
            return false;
        }
        p += len + 1;
    }
}

/* A gnuplot single-quoted string: quotes doubled, nothing else special. */
static void
put_quoted(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'') {
            fputc('\'', f);
        }
        fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
    }
    fputc('\'', f);
}

static void
put_num(FILE *f, double v)
{
    if (isnan(v)) {
        fputs(" NaN", f);
    } else {
        fprintf(f, " %.17g", v);
    }
}

/* Whether the x axis is numeric: every value a number, and more than one
 * (gnuplot cannot scale an axis to a single point). */
static bool
numeric_axis(const struct sweep *s)
{
    return s->keys[0].numeric && s->keys[0].n > 1;
}

/* Whether points p and q differ only in the first key's value (the x
 * axis): they then belong to one series. */
static bool
same_series(const struct sweep *s, size_t p, size_t q)
{
    const struct sweep_point *a = &s->points[p], *b = &s->points[q];
    if (strcmp(a->variant, b->variant)) {
        return false;
    }
    for (size_t k = 1; k < s->n_keys; k++) {
        if (a->idx[k] != b->idx[k]) {
            return false;
        }
    }
    return true;
}

/* Writes the datablocks, one per (series, flow), and returns how many;
 * their titles go to titles[]. */
static size_t
write_data(FILE *f, const struct sweep *s, char ***titles)
{
    size_t n = 0;
    *titles = NULL;
    for (size_t p = 0; p < s->n_points; p++) {
        if (s->points[p].idx[0] != 0) {
            continue;           /* Not a series' first point. */
        }
        const cJSON *fl;
        cJSON_ArrayForEach(fl, sweep_flows(s, p)) {
            const char *flow = compare_str(fl, "name");
            char title[1024];
            int len = snprintf(title, sizeof title, "%s", s->points[p].variant);
            for (size_t k = 1; k < s->n_keys && len < (int) sizeof title;
                 k++) {
                len += snprintf(title + len, sizeof title - (size_t) len,
                                " %s=%s", s->keys[k].key,
                                s->keys[k].label[s->points[p].idx[k]]);
            }
            if (len < (int) sizeof title) {
                snprintf(title + len, sizeof title - (size_t) len, " %s",
                         flow);
            }
            *titles = vh_xrealloc(*titles, (n + 1) * sizeof **titles);
            (*titles)[n] = vh_xstrdup(title);
            fprintf(f, "$d%zu << EOD\n", n);
            for (size_t q = p; q < s->n_points; q++) {
                if (!same_series(s, p, q)) {
                    continue;
                }
                const struct sweep_key *x = &s->keys[0];
                if (numeric_axis(s)) {
                    fputs(x->json[s->points[q].idx[0]], f);
                } else {
                    fprintf(f, "%zu", s->points[q].idx[0]);
                }
                static const enum sweep_metric ms[] = {
                    SM_GBPS, SM_P50, SM_CPP,
                };
                static const double scale[] = { 1, 1e-3, 1 };
                for (size_t m = 0; m < 3; m++) {
                    struct sweep_stat st = sweep_point_stat(s, q, flow,
                                                            ms[m]);
                    put_num(f, st.mean * scale[m]);
                    put_num(f, isnan(st.ci) ? 0 : st.ci * scale[m]);
                }
                fputc('\n', f);
            }
            fputs("EOD\n", f);
            n++;
        }
    }
    return n;
}

static void
write_script(FILE *f, const struct sweep *s, const char *out, bool svg)
{
    fputs(svg ? "set terminal svg size 1500,500 noenhanced "
                "font 'sans,11' background rgb 'white'\n"
              : "set terminal png size 1500,500 noenhanced\n", f);
    fputs("set output ", f);
    put_quoted(f, out);
    fputs("\nset datafile missing 'NaN'\n", f);
    char **titles;
    size_t n = write_data(f, s, &titles);
    const struct sweep_key *x = &s->keys[0];
    if (!numeric_axis(s)) {
        fputs("set xtics (", f);
        for (size_t i = 0; i < x->n; i++) {
            fprintf(f, "%s", i ? ", " : "");
            put_quoted(f, x->label[i]);
            fprintf(f, " %zu", i);
        }
        fprintf(f, ")\nset xrange [-0.5:%zu.5]\n", x->n - 1);
    } else {
        fputs("set offsets graph 0.03, graph 0.03, 0, 0\n", f);
    }
    fputs("set multiplot layout 1,3 title ", f);
    char head[512];
    snprintf(head, sizeof head, "%s: sweep of %s (%zu seed%s)", s->file,
             x->key, s->n_seeds, s->n_seeds == 1 ? "" : "s");
    put_quoted(f, head);
    fputs("\nset key top left\nset grid\nset xlabel ", f);
    put_quoted(f, x->key);
    fputc('\n', f);
    static const char *const ylabel[] = {
        "throughput (Gbps)", "latency p50 (us)", "cycles per packet",
    };
    for (int panel = 0; panel < 3; panel++) {
        fputs("set ylabel ", f);
        put_quoted(f, ylabel[panel]);
        fputs("\nplot", f);
        for (size_t i = 0; i < n; i++) {
            fprintf(f, "%s $d%zu using 1:%d:%d with yerrorlines title ",
                    i ? ", \\\n    " : "", i, 2 + 2 * panel, 3 + 2 * panel);
            put_quoted(f, titles[i]);
        }
        fputc('\n', f);
    }
    fputs("unset multiplot\nset output\n", f);
    for (size_t i = 0; i < n; i++) {
        free(titles[i]);
    }
    free(titles);
}

/* Copies the figure gnuplot drew into the output 'path', which is
 * published like every other output (sim/outfile.h). */
static int
publish(const char *drawn, const char *path)
{
    char err[512];
    FILE *in = fopen(drawn, "rb");
    if (!in) {
        return cli_error(VH_EXIT_FAIL, "--plot %s: gnuplot drew nothing",
                         path);
    }
    struct vh_outfile *out = vh_outfile_open(path, "wb", err, sizeof err);
    if (!out) {
        fclose(in);
        return cli_error(VH_EXIT_FAIL, "%s", err);
    }
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
        fwrite(buf, 1, n, vh_outfile_stream(out));
    }
    bool bad = ferror(in);
    fclose(in);
    if (bad) {
        vh_outfile_abort(out);
        return cli_error(VH_EXIT_FAIL, "--plot %s: cannot read what "
                         "gnuplot drew", path);
    }
    if (vh_outfile_commit(out, err, sizeof err)) {
        return cli_error(VH_EXIT_FAIL, "%s", err);
    }
    return VH_EXIT_OK;
}

int
sweep_plot(const struct sweep *s, const char *path)
{
    if (!sweep_have_gnuplot()) {
        return cli_error(VH_EXIT_FAIL, "--plot %s: gnuplot is not installed "
                         "(Debian: apt-get install gnuplot-nox); the other "
                         "outputs were written", path);
    }
    bool svg = !strcasecmp(extension(path), "svg");
    /* gnuplot draws into a private directory; the figure reaches 'path'
     * only once gnuplot has succeeded. */
    const char *tmpdir = getenv("TMPDIR");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/vhsim-plot.XXXXXX",
             tmpdir && *tmpdir ? tmpdir : "/tmp");
    if (!mkdtemp(dir)) {
        return cli_error(VH_EXIT_FAIL, "--plot %s: cannot make a temporary "
                         "directory in %s: %s", path,
                         tmpdir && *tmpdir ? tmpdir : "/tmp",
                         strerror(errno));
    }
    char drawn[4200];
    snprintf(drawn, sizeof drawn, "%s/plot.%s", dir, svg ? "svg" : "png");
    /* A gnuplot that stops reading must fail the plot, not kill vhsim. */
    void (*old_pipe)(int) = signal(SIGPIPE, SIG_IGN);
    FILE *g = popen("gnuplot", "w");
    int rc = VH_EXIT_OK;
    if (!g) {
        rc = cli_error(VH_EXIT_FAIL, "--plot %s: cannot start gnuplot",
                       path);
    } else {
        write_script(g, s, drawn, svg);
        int st = pclose(g);
        if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st)) {
            rc = cli_error(VH_EXIT_FAIL, "--plot %s: gnuplot failed", path);
        }
    }
    signal(SIGPIPE, old_pipe);
    if (rc == VH_EXIT_OK) {
        rc = publish(drawn, path);
    }
    unlink(drawn);
    rmdir(dir);
    return rc;
}
