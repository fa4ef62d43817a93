/* tests/bench_gui.c: how fast the GUI draws, with SDL's software renderer.
 *
 * A made-up recording on the demo's topology puts 10,000 packets in
 * flight at once, each crossing the host and the switch; the viewer then
 * animates them at 1600x900 as the window would, frame after frame (clock
 * tick, reading the recording, placing the dots, drawing, presenting).
 * Two references are measured in the same run: clearing and presenting an
 * empty frame, and drawing the topology with no packets, so the figures
 * read as ratios on any machine.  The target is 60 frames per second. */
#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/scene.h"
#include "gui/app.h"
#include "models/core/config.h"
#include "models/core/world.h"
#include "record/record.h"
#include "sim/frame.h"

#define W 1600
#define H 900
#define PACKETS 10000

static double
now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

struct ev {
    vh_time_t time;
    uint32_t pkt;
    uint8_t stop;
    uint8_t kind;
};

static int
ev_cmp(const void *a_, const void *b_)
{
    const struct ev *a = a_, *b = b_;
    if (a->time != b->time) {
        return a->time < b->time ? -1 : 1;
    }
    if (a->pkt != b->pkt) {
        return a->pkt < b->pkt ? -1 : 1;
    }
    if (a->stop != b->stop) {
        return a->stop - b->stop;
    }
    return a->kind - b->kind;
}

/* Writes the recording: every packet takes the demo's path from vm1 to
 * remote, 20us per hop in hardware work that carries it on, so that all
 * are moving at any time; they start 8ns apart, and between the last
 * start and the first arrival all 10,000 are under way. */
static vh_time_t
write_recording(const char *path, vh_time_t *mid)
{
    struct vh_diag diag;
    vh_diag_init(&diag);
    struct cfg_scenario *cfg = cfg_load("scenarios/demo.json", NULL, &diag);
    if (!cfg) {
        fprintf(stderr, "bench_gui: %s\n", diag.msg);
        exit(1);
    }
    struct world *w = world_build(cfg, &diag);
    if (!w) {
        fprintf(stderr, "bench_gui: %s\n", diag.msg);
        exit(1);
    }
    static const char *const path_devs[] = {
        "host1/vm1/eth0", "host1/br0", "host1/eth0", "tor1/p1", "tor1",
        "tor1/p2", "remote/eth0",
    };
    enum { STOPS = sizeof path_devs / sizeof *path_devs };
    const struct vh_device *devs[STOPS];
    for (int i = 0; i < STOPS; i++) {
        devs[i] = vh_devtab_find(&w->devs, path_devs[i]);
        if (!devs[i]) {
            fprintf(stderr, "bench_gui: the demo has no %s\n", path_devs[i]);
            exit(1);
        }
    }
    struct gui_scene sc;
    cli_gui_scene(&sc, w, cfg, NULL);
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        exit(1);
    }
    vh_time_t clock = 0;
    struct gui_rec_writer *wr = gui_rec_writer_new(f, &sc, &clock);
    gui_scene_free(&sc);

    const vh_time_t stop_time = 20 * VH_US, gap = 8 * VH_NS;
    size_t n = (size_t) PACKETS * (STOPS * 2 + 1);
    struct ev *v = malloc(n * sizeof *v);
    size_t k = 0;
    for (uint32_t p = 0; p < PACKETS; p++) {
        vh_time_t t0 = (vh_time_t) p * gap;
        for (int s = 0; s < STOPS; s++) {
            vh_time_t t = t0 + (vh_time_t) s * stop_time;
            v[k++] = (struct ev) { t, p, (uint8_t) s, VH_HOP_ARRIVE };
            v[k++] = (struct ev) { t, p, (uint8_t) s,
                                   s + 1 < STOPS ? VH_HOP_SERVICE
                                                 : VH_HOP_DELIVER };
        }
    }
    qsort(v, k, sizeof *v, ev_cmp);

    struct vh_pool pool;
    vh_pool_init(&pool);
    struct vh_packet *pk = vh_packet_alloc(&pool);
    struct vh_ip_hdr_spec spec = {
        .dst_mac = { { 2, 0, 0, 0, 0, 0x64 } },
        .src_mac = { { 0x52, 0x54, 0, 0, 0, 1 } },
        .ip_src = 0x0a000001, .ip_dst = 0x0a000064,
    };
    pk->len = vh_build_udp(pk->data, &spec, 10000, 9, NULL, 18);
    pk->flow = 0;
    pk->counted = 1;
    for (size_t i = 0; i < k; i++) {
        clock = v[i].time;
        pk->id = v[i].pkt;
        pk->seq = v[i].pkt;
        pk->born = (vh_time_t) v[i].pkt * gap;
        struct vh_hop h = {
            .kind = (enum vh_hop_kind) v[i].kind, .time = v[i].time,
            .pkt = pk, .dev = devs[v[i].stop],
        };
        if (h.kind == VH_HOP_SERVICE) {
            h.end = h.time + stop_time;
        }
        gui_rec_hop(wr, &h);
    }
    char err[256];
    if (gui_rec_finish(wr, err, sizeof err) || fclose(f)) {
        fprintf(stderr, "bench_gui: %s\n", err);
        exit(1);
    }
    vh_pool_destroy(&pool);
    free(v);
    world_free(w);
    cfg_free(cfg);
    /* All packets are under way between the last start and the first
     * end. */
    *mid = (vh_time_t) PACKETS * gap + stop_time;
    return (vh_time_t) (STOPS - 1) * stop_time;
}

int
main(void)
{
    char path[] = "/tmp/vhsim-bench-gui-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) {
        perror("mkstemp");
        return 1;
    }
    close(fd);
    vh_time_t mid;
    write_recording(path, &mid);

    SDL_SetHint(SDL_HINT_VIDEODRIVER, "dummy");
    if (SDL_Init(SDL_INIT_VIDEO) < 0) {
        fprintf(stderr, "bench_gui: SDL: %s\n", SDL_GetError());
        return 1;
    }
    SDL_Window *win = SDL_CreateWindow("bench", 0, 0, W, H, 0);
    SDL_Renderer *r = win ? SDL_CreateRenderer(win, -1,
                                               SDL_RENDERER_SOFTWARE) : NULL;
    if (!r) {
        fprintf(stderr, "bench_gui: SDL: %s\n", SDL_GetError());
        return 1;
    }
    char err[256];
    struct gui_font *font = gui_font_new(r, err, sizeof err);
    if (!font) {
        fprintf(stderr, "bench_gui: %s\n", err);
        return 1;
    }

    /* Reference: an empty frame. */
    double t0 = now_s();
    int frames = 0;
    while (now_s() - t0 < 1.0) {
        SDL_SetRenderDrawColor(r, 0xfa, 0xfa, 0xf7, 255);
        SDL_RenderClear(r);
        SDL_RenderPresent(r);
        frames++;
    }
    double empty = frames / (now_s() - t0);

    struct gui_app *app = calloc(1, sizeof *app);
    gui_app_init(app, r, font, W, H);
    struct gui_history *h = gui_history_open(path, NULL, NULL, 0, err,
                                             sizeof err);
    if (!h) {
        fprintf(stderr, "bench_gui: %s\n", err);
        return 1;
    }
    gui_app_add_side(app, h, NULL);
    app->skip_idle = false;

    /* Reference: the picture with no packets. */
    app->hidden_flows = ~0u;
    gui_app_set_time(app, mid);
    t0 = now_s();
    frames = 0;
    while (now_s() - t0 < 1.0) {
        gui_app_set_time(app, mid);
        gui_app_draw(app);
        SDL_RenderPresent(r);
        frames++;
    }
    double still = frames / (now_s() - t0);

    /* The packets, animated: a tick of a 60th of a second each frame. */
    app->hidden_flows = 0;
    app->paused = false;
    gui_app_set_time(app, mid);
    size_t moving = app->side[0].frame.moving;
    size_t shown = app->side[0].frame.n_dots;
    t0 = now_s();
    frames = 0;
    while (now_s() - t0 < 2.0) {
        gui_app_tick(app, 1.0 / 60);
        gui_app_draw(app);
        SDL_RenderPresent(r);
        frames++;
    }
    double anim = frames / (now_s() - t0);
    size_t moving_end = app->side[0].frame.moving;

    printf("gui: software renderer, %dx%d\n", W, H);
    printf("  empty frame (clear + present):       %7.0f fps  "
           "(reference)\n", empty);
    printf("  demo topology, no packets:           %7.0f fps  (%.3f of "
           "the empty frame)\n", still, still / empty);
    printf("  %zu packets in flight, %zu moving:  %7.1f fps  (%.3f of "
           "the empty frame; target 60: %s)\n", shown, moving, anim,
           anim / empty, anim >= 60 ? "met" : "NOT met");
    printf("  (%zu still moving after %d frames)\n", moving_end, frames);

    gui_app_free(app);
    free(app);
    gui_font_free(font);
    SDL_DestroyRenderer(r);
    SDL_DestroyWindow(win);
    SDL_Quit();
    unlink(path);
    return 0;
}
