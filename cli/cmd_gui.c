/* cli/cmd_gui.c: 'vhsim gui': the window, compare mode, replay of a
 * recording, and headless screenshots and frame sequences. */
#include "cli/cmd_gui.h"

#include <SDL.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "cli/scene.h"
#include "gui/app.h"
#include "gui/history.h"
#include "models/core/config.h"
#include "models/core/world.h"
#include "record/record.h"
#include "sim/units.h"

/* The most pictures --frames writes: 55 minutes of video at 30 frames
 * per second.  More is almost surely a --speed or --fps mistake. */
#define GUI_MAX_FRAMES 100000

static const char gui_usage[] =
    "usage: vhsim gui [options] SCENARIO|RECORDING\n"
    "\n"
    "Animates the packets of a run hop by hop: each packet a dot in its\n"
    "flow's colour moving between devices, queues filling, drops flashing\n"
    "with their reason, each host's cores busy by cycle category.  Press h\n"
    "in the window for the keys.  A file written by 'vhsim run --record'\n"
    "is replayed without running the model.\n"
    "\n"
    "  --variant NAME        show that variant of the scenario\n"
    "  --variants A,B[,C,D]  two to four variants on one clock, at one\n"
    "                        scale, each with its live counters ('base'\n"
    "                        is the scenario as written)\n"
    "  -s, --seed N          use seed N instead of the scenario's\n"
    "  --speed TIME          simulated time per second of animation\n"
    "                        (default 1us: a trip through a host takes a\n"
    "                        few seconds)\n"
    "  --at TIME             start at this simulated time (after the\n"
    "                        run ended: at its end, with a note)\n"
    "  --select FLOW[:N]     select packet N (default 0) of the flow\n"
    "  --inspect PATH        select the device at PATH\n"
    "  --follow              follow the selected packet\n"
    "  --size WxH            window or picture size (default 1280x720\n"
    "                        for the window, 1600x900 headless)\n"
    "  --lang zh|en          the language of the labels (default: the\n"
    "                        locale's, LC_ALL, LC_MESSAGES or LANG)\n"
    "\n"
    "Headless, with no display:\n"
    "  --screenshot FILE     write the frame at --at as a PNG and exit\n"
    "  --frames DIR          write frames from --from to --to as\n"
    "                        DIR/frame-00001.png... (--fps N, default 30)\n"
    "\n"
    "  -h, --help            print this\n"
    "\n"
    "Without a display and without --screenshot or --frames it says so\n"
    "and exits 1.\n";

/* A scenario variant run live: the simulation goes forward in slices as
 * the animation needs, writing a spool recording the viewer reads. */
struct cli_gui_live {
    struct cfg_scenario *cfg;
    struct world *w;
    FILE *spool;
    struct gui_rec_writer *wr;
    bool done;
};

static bool
live_advance(void *ctx, vh_time_t until)
{
    struct cli_gui_live *l = ctx;
    if (l->done) {
        return true;
    }
    vh_time_t to = until < l->w->end ? until : l->w->end;
    vh_sim_run(&l->w->sim, to);
    if (to >= l->w->end || !vh_sim_live(&l->w->sim)) {
        char err[256];
        if (gui_rec_finish(l->wr, err, sizeof err)) {
            fprintf(stderr, "vhsim: %s\n", err);
        }
        l->wr = NULL;
        l->done = true;
        return true;
    }
    gui_rec_flush(l->wr);
    return false;
}

static void
live_free(struct cli_gui_live *l)
{
    if (l->wr) {
        char err[256];
        gui_rec_finish(l->wr, err, sizeof err);
    }
    if (l->spool) {
        fclose(l->spool);
    }
    if (l->w) {
        world_free(l->w);
    }
    if (l->cfg) {
        cfg_free(l->cfg);
    }
    free(l);
}

/* Loads 'variant' of 'file' and opens a history over its live run. */
static struct gui_history *
open_live(const char *file, const char *variant, bool has_seed,
          unsigned long long seed, struct cli_gui_live **out)
{
    struct vh_diag diag;
    vh_diag_init(&diag);
    const char *v = variant && strcmp(variant, "base") ? variant : NULL;
    struct cli_gui_live *l = gui_xcalloc(1, sizeof *l);
    l->cfg = cli_cfg_load(file, v, &diag);
    if (!l->cfg) {
        cli_error(VH_EXIT_USAGE, "%s: %s", file, diag.msg);
        live_free(l);
        return NULL;
    }
    if (has_seed) {
        l->cfg->seed = seed;
    }
    l->w = world_build(l->cfg, &diag);
    if (!l->w) {
        cli_error(VH_EXIT_USAGE, "%s: %s", file, diag.msg);
        live_free(l);
        return NULL;
    }
    const char *dir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/vhsim-gui-XXXXXX", dir && *dir ? dir
                                                                   : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0 || !(l->spool = fdopen(fd, "w+b"))) {
        cli_error(VH_EXIT_FAIL, "cannot create a spool file in %s",
                  dir && *dir ? dir : "/tmp");
        if (fd >= 0) {
            close(fd);
            unlink(path);
        }
        live_free(l);
        return NULL;
    }
    struct gui_scene sc;
    cli_gui_scene(&sc, l->w, l->cfg, variant);
    l->wr = gui_rec_writer_new(l->spool, &sc, &l->w->sim.now);
    gui_scene_free(&sc);
    gui_rec_watch_counters(l->wr, &l->w->devs);
    vh_trace_subscribe(&l->w->trace, VH_HOP_ALL, gui_rec_hop, l->wr);
    gui_rec_flush(l->wr);
    char err[512];
    struct gui_history *h = gui_history_open(path, live_advance, l, 0, err,
                                             sizeof err);
    /* The reader holds the file open; nothing is left behind on exit. */
    unlink(path);
    if (!h) {
        cli_error(VH_EXIT_FAIL, "%s", err);
        live_free(l);
        return NULL;
    }
    *out = l;
    return h;
}

struct gui_opts {
    const char *input;
    const char *variant;
    const char *variants;
    const char *screenshot;
    const char *frames;
    const char *select;
    const char *inspect;
    bool follow;
    bool has_seed;
    unsigned long long seed;
    double speed;
    vh_time_t at, from, to;
    bool has_to;
    double fps;
    int w, h;
};

/* Whether the environment variable 'name' is set to something. */
static bool
env_set(const char *name)
{
    const char *v = getenv(name);
    return v && *v;
}

static int
parse_time_opt(const char *name, const char *val, vh_time_t *out)
{
    char why[128];
    if (vh_parse_time(val, out, why, sizeof why)) {
        return cli_error(VH_EXIT_USAGE, "%s: %s", name, why);
    }
    return 0;
}

enum {
    OPT_VARIANT = CLI_LONG_ONLY, OPT_VARIANTS, OPT_SPEED, OPT_AT, OPT_SELECT,
    OPT_INSPECT, OPT_SIZE, OPT_SCREENSHOT, OPT_FRAMES, OPT_FROM, OPT_TO,
    OPT_FPS, OPT_FOLLOW,
};

static int
on_gui_opt(void *ctx, int key, const char *v)
{
    struct gui_opts *o = ctx;
    int rc = 0;
    switch (key) {
    case OPT_FOLLOW:
        o->follow = true;
        break;
    case OPT_VARIANT:
        o->variant = v;
        break;
    case OPT_VARIANTS:
        o->variants = v;
        break;
    case OPT_SELECT:
        o->select = v;
        break;
    case OPT_INSPECT:
        o->inspect = v;
        break;
    case OPT_SCREENSHOT:
        o->screenshot = v;
        break;
    case OPT_FRAMES:
        o->frames = v;
        break;
    case 's':
        o->has_seed = true;
        rc = cli_opt_u64("--seed", v, &o->seed);
        break;
    case OPT_SPEED: {
        vh_time_t s;
        rc = parse_time_opt("--speed", v, &s);
        if (!rc && !s) {
            rc = cli_error(VH_EXIT_USAGE, "--speed must be more than 0");
        }
        o->speed = (double) s;
        break;
    }
    case OPT_AT:
        rc = parse_time_opt("--at", v, &o->at);
        break;
    case OPT_FROM:
        rc = parse_time_opt("--from", v, &o->from);
        break;
    case OPT_TO:
        rc = parse_time_opt("--to", v, &o->to);
        o->has_to = true;
        break;
    case OPT_FPS: {
        char *end;
        o->fps = strtod(v, &end);
        if (*end || !(o->fps > 0 && o->fps <= 1000)) {
            rc = cli_error(VH_EXIT_USAGE, "--fps takes a number of frames "
                           "per second (1 to 1000), not '%s'", v);
        }
        break;
    }
    case OPT_SIZE:
        if (sscanf(v, "%dx%d", &o->w, &o->h) != 2 || o->w < 320
            || o->h < 200 || o->w > 8192 || o->h > 8192) {
            rc = cli_error(VH_EXIT_USAGE, "--size takes WIDTHxHEIGHT "
                           "between 320x200 and 8192x8192, not '%s'", v);
        }
        break;
    }
    return rc;
}

static int
parse_gui_opts(int argc, char **argv, struct gui_opts *o)
{
    static const struct cli_opt opts[] = {
        { "variant", OPT_VARIANT, true }, { "variants", OPT_VARIANTS, true },
        { "seed", 's', true }, { "speed", OPT_SPEED, true },
        { "at", OPT_AT, true }, { "select", OPT_SELECT, true },
        { "inspect", OPT_INSPECT, true }, { "follow", OPT_FOLLOW, false },
        { "size", OPT_SIZE, true }, { "screenshot", OPT_SCREENSHOT, true },
        { "frames", OPT_FRAMES, true }, { "from", OPT_FROM, true },
        { "to", OPT_TO, true }, { "fps", OPT_FPS, true },
    };
    memset(o, 0, sizeof *o);
    o->speed = GUI_DEFAULT_SPEED;
    o->fps = 30;
    int rc = cli_parse_opts(argc, argv, gui_usage, opts,
                            sizeof opts / sizeof *opts, on_gui_opt, o,
                            &o->input);
    if (rc) {
        return rc;
    }
    if (o->variant && o->variants) {
        return cli_error(VH_EXIT_USAGE, "--variant and --variants do not go "
                         "together");
    }
    if (o->screenshot && o->frames) {
        return cli_error(VH_EXIT_USAGE, "--screenshot or --frames, not both");
    }
    if (o->frames && !o->has_to) {
        return cli_error(VH_EXIT_USAGE, "--frames needs --to (and --from, "
                         "default 0)");
    }
    if (o->frames && o->to < o->from) {
        return cli_error(VH_EXIT_USAGE, "--to is before --from");
    }
    if (o->frames) {
        /* As gui_app_frames() steps: one picture per 1/fps second of
         * animation, at least a picosecond apart. */
        double step = o->speed / o->fps < 1 ? 1 : o->speed / o->fps;
        double n = floor((double) (o->to - o->from) / step) + 1;
        if (n > GUI_MAX_FRAMES) {
            char span[32], speed[32];
            vh_format_time(o->to - o->from, span, sizeof span);
            vh_format_time((vh_time_t) o->speed, speed, sizeof speed);
            return cli_error(VH_EXIT_USAGE, "--frames would write %.0f "
                             "pictures (%s of simulated time at %s per "
                             "second, %g frames per second); at most %d: "
                             "raise --speed, lower --fps or narrow --from "
                             "and --to", n, span, speed, o->fps,
                             GUI_MAX_FRAMES);
        }
    }
    if (!o->w) {
        bool headless = o->screenshot || o->frames;
        o->w = headless ? 1600 : 1280;
        o->h = headless ? 900 : 720;
    }
    return 0;
}

/* Applies --select and --inspect. */
static int
apply_selection(struct gui_app *a, const struct gui_opts *o)
{
    const struct gui_scene *sc = gui_history_scene(a->side[0].h);
    if (o->select) {
        char name[256];
        unsigned long long n = 0;
        const char *colon = strrchr(o->select, ':');
        snprintf(name, sizeof name, "%.*s",
                 (int) (colon ? (size_t) (colon - o->select)
                              : strlen(o->select)), o->select);
        if (colon && !cli_parse_u64(colon + 1, &n)) {
            return cli_error(VH_EXIT_USAGE, "--select takes FLOW or FLOW:N, "
                             "not '%s'", o->select);
        }
        int fi = -1;
        for (size_t i = 0; i < sc->n_flows; i++) {
            if (!strcmp(sc->flows[i].name, name)) {
                fi = (int) i;
            }
        }
        if (fi < 0) {
            return cli_error(VH_EXIT_USAGE, "--select: no flow named '%s'",
                             name);
        }
        a->has_pkt = true;
        a->pkt_flow = fi;
        a->pkt_seq = n;
        a->pkt_reply = 0;
        a->follow = o->follow;
    }
    if (o->inspect) {
        bool found = false;
        for (size_t i = 0; i < sc->n_devs; i++) {
            found |= !strcmp(sc->devs[i].path, o->inspect);
        }
        if (!found) {
            return cli_error(VH_EXIT_USAGE, "--inspect: no device '%s'",
                             o->inspect);
        }
        snprintf(a->sel_path, sizeof a->sel_path, "%s", o->inspect);
    }
    return 0;
}

int
cmd_gui(int argc, char **argv)
{
    struct gui_opts o;
    int rc = parse_gui_opts(argc, argv, &o);
    if (rc) {
        return rc < 0 ? VH_EXIT_OK : rc;
    }
    const char *inputs[] = { o.input };
    const struct cli_output outs[] = {
        { "--screenshot", o.screenshot, false },
    };
    if (cli_check_outputs(inputs, 1, outs, 1)) {
        return VH_EXIT_USAGE;
    }
    bool headless = o.screenshot || o.frames;

    /* The sources: a recording, one variant, or two. */
    struct gui_history *hs[GUI_MAX_SIDES] = { NULL };
    struct cli_gui_live *lives[GUI_MAX_SIDES] = { NULL };
    char names[GUI_MAX_SIDES][128];
    int n = 0;
    if (gui_rec_is_recording(o.input)) {
        if (o.variant || o.variants || o.has_seed) {
            return cli_error(VH_EXIT_USAGE, "'%s' is a recording: --variant, "
                             "--variants and --seed do not apply", o.input);
        }
        char err[512];
        hs[0] = gui_history_open(o.input, NULL, NULL, 0, err, sizeof err);
        if (!hs[0]) {
            return cli_error(VH_EXIT_USAGE, "%s", err);
        }
        if (!gui_history_complete(hs[0])) {
            fprintf(stderr, "vhsim: warning: '%s' is incomplete: it has no "
                    "end record (the run that wrote it stopped early), so "
                    "the picture stops where the recording does\n",
                    o.input);
        }
        snprintf(names[0], sizeof names[0], "%s",
                 gui_history_scene(hs[0])->variant);
        n = 1;
    } else {
        char list[512];
        snprintf(list, sizeof list, "%s", o.variants ? o.variants
                 : o.variant ? o.variant : "base");
        char *save = NULL;
        for (char *tok = strtok_r(list, ",", &save); tok;
             tok = strtok_r(NULL, ",", &save)) {
            if (n == GUI_MAX_SIDES) {
                rc = cli_error(VH_EXIT_USAGE, "--variants takes at most %d "
                               "names", GUI_MAX_SIDES);
                goto out;
            }
            snprintf(names[n], sizeof names[n], "%s", tok);
            hs[n] = open_live(o.input, tok, o.has_seed, o.seed, &lives[n]);
            if (!hs[n]) {
                rc = VH_EXIT_USAGE;
                goto out;
            }
            n++;
        }
        if (o.variants && n < 2) {
            rc = cli_error(VH_EXIT_USAGE, "--variants takes two to four "
                           "names separated by commas, such as "
                           "base,vm1-on-e1000");
            goto out;
        }
    }

    if (headless) {
        SDL_SetHint(SDL_HINT_VIDEODRIVER, "dummy");
    } else if (!env_set("DISPLAY") && !env_set("WAYLAND_DISPLAY")
               && !env_set("SDL_VIDEODRIVER")) {
        /* Said before SDL starts: it would try each of its drivers, print
         * their complaints, and settle for one that shows nothing. */
        rc = cli_error(VH_EXIT_FAIL, "no display to open a window on "
                       "(neither DISPLAY nor WAYLAND_DISPLAY is set): run "
                       "it in a graphical session, under Xvfb (xvfb-run "
                       "vhsim gui ...), or write pictures with "
                       "--screenshot or --frames");
        goto out;
    }
    if (SDL_Init(headless ? 0 : SDL_INIT_VIDEO) < 0) {
        rc = cli_error(VH_EXIT_FAIL, "SDL: %s%s", SDL_GetError(),
                       headless ? "" : " (no display? try --screenshot)");
        goto out;
    }
    /* Without a display SDL falls back to a driver that opens no window
     * (offscreen, dummy), and the GUI would run unseen until killed;
     * unless the user chose that driver, say there is nothing to show
     * on. */
    const char *drv = SDL_GetCurrentVideoDriver();
    const char *asked = getenv("SDL_VIDEODRIVER");
    if (!headless && drv && (!strcmp(drv, "offscreen") || !strcmp(drv, "dummy"))
        && !(asked && !strcmp(asked, drv))) {
        rc = cli_error(VH_EXIT_FAIL, "no display to open a window on (SDL "
                       "found only its '%s' video driver): set DISPLAY, run "
                       "it under Xvfb (xvfb-run vhsim gui ...), or write "
                       "pictures with --screenshot or --frames", drv);
        SDL_Quit();
        goto out;
    }
    SDL_Window *win = NULL;
    SDL_Renderer *r = NULL;
    SDL_Surface *surf = NULL;
    if (headless) {
        surf = SDL_CreateRGBSurfaceWithFormat(0, o.w, o.h, 32,
                                              SDL_PIXELFORMAT_ARGB8888);
        r = surf ? SDL_CreateSoftwareRenderer(surf) : NULL;
    } else {
        char title[256];
        snprintf(title, sizeof title, "vhsim gui \xe2\x80\x94 %s",
                 gui_history_scene(hs[0])->name);
        win = SDL_CreateWindow(title, SDL_WINDOWPOS_CENTERED,
                               SDL_WINDOWPOS_CENTERED, o.w, o.h,
                               SDL_WINDOW_RESIZABLE);
        if (win) {
            r = SDL_CreateRenderer(win, -1, SDL_RENDERER_ACCELERATED
                                   | SDL_RENDERER_PRESENTVSYNC);
            if (!r) {
                r = SDL_CreateRenderer(win, -1, SDL_RENDERER_SOFTWARE);
            }
        }
    }
    if (!r) {
        rc = cli_error(VH_EXIT_FAIL, "SDL: %s", SDL_GetError());
        goto sdl_out;
    }
    char err[512];
    struct gui_font *font = gui_font_new(r, err, sizeof err);
    if (!font) {
        rc = cli_error(VH_EXIT_FAIL, "%s", err);
        goto sdl_out;
    }
    int rw = o.w, rh = o.h;
    if (win) {
        SDL_GetRendererOutputSize(r, &rw, &rh);
    }
    struct gui_app *app = gui_xcalloc(1, sizeof *app);
    gui_app_init(app, r, font, rw, rh);
    for (int i = 0; i < n; i++) {
        gui_app_add_side(app, hs[i], names[i]);
        hs[i] = NULL;           /* The app owns it now. */
    }
    app->speed = o.speed;
    rc = apply_selection(app, &o);
    if (!rc && headless) {
        /* A picture's timeline spans the whole run: a live run learns when
         * it ends by getting there. */
        if (gui_app_set_time(app, GUI_TIME_INF - 1)) {
            rc = cli_error(VH_EXIT_FAIL, "%s", app->err);
        }
    }
    if (!rc && o.at && !o.frames) {
        /* A time after the run ended shows the end, and says so. */
        if (gui_app_set_time(app, o.at)) {
            rc = cli_error(VH_EXIT_FAIL, "%s", app->err);
        } else if (o.at > gui_app_end(app)) {
            char a[32], b[32];
            fprintf(stderr, "vhsim: --at %s is after the run ended, at %s: "
                    "showing its end\n", vh_format_time(o.at, a, sizeof a),
                    vh_format_time(gui_app_end(app), b, sizeof b));
            o.at = gui_app_end(app);
        }
    }
    if (!rc) {
        if (o.screenshot) {
            if (gui_app_screenshot(app, o.at, o.screenshot)) {
                rc = cli_error(VH_EXIT_FAIL, "%s", app->err);
            }
        } else if (o.frames) {
            long k = gui_app_frames(app, o.frames, o.from, o.to, o.fps);
            if (k < 0) {
                rc = cli_error(VH_EXIT_FAIL, "%s", app->err);
            } else {
                fprintf(stderr, "vhsim: %ld frames in %s\n", k, o.frames);
            }
        } else {
            app->paused = false;
            if (gui_app_set_time(app, o.at)) {
                rc = cli_error(VH_EXIT_FAIL, "%s", app->err);
            } else {
                gui_app_loop(app, win);
            }
        }
    }
    gui_app_free(app);
    free(app);
    gui_font_free(font);
sdl_out:
    if (r) {
        SDL_DestroyRenderer(r);
    }
    if (surf) {
        SDL_FreeSurface(surf);
    }
    if (win) {
        SDL_DestroyWindow(win);
    }
    SDL_Quit();
out:
    for (int i = 0; i < GUI_MAX_SIDES; i++) {
        gui_history_free(hs[i]);
        if (lives[i]) {
            live_free(lives[i]);
        }
    }
    return rc;
}

struct gui_history *
cli_gui_live_open(const char *file, const char *variant,
                  struct cli_gui_live **live)
{
    return open_live(file, variant, false, 0, live);
}

void
cli_gui_live_free(struct cli_gui_live *l)
{
    if (l) {
        live_free(l);
    }
}
