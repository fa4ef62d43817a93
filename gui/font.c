/* gui/font.c: TrueType text with a texture cache. */
#include "gui/font.h"

#include <SDL_ttf.h>
#include <fontconfig/fontconfig.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record/scene.h"

#define MIN_PX 6
#define MAX_PX 160
#define CACHE_SLOTS 4096        /* Power of two. */
#define KEEP_FRAMES 240

static const char *const font_files[GUI_N_STYLES] = {
    "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSansMono.ttf",
};

/* What fontconfig is asked for each style: the DejaVu faces the picture
 * is laid out with, or what the system substitutes for them. */
static const char *const font_patterns[GUI_N_STYLES] = {
    "DejaVu Sans:style=Book", "DejaVu Sans:style=Bold",
    "DejaVu Sans Mono:style=Book",
};

/* The face for Chinese: a file of that name in VHSIM_FONT_DIR, else what
 * fontconfig has for the language. */
#define CJK_FILE "wqy-microhei.ttc"
#define CJK_PATTERN ":lang=zh-cn"

struct entry {
    char *text;                 /* NULL = empty slot. */
    uint32_t key;               /* Style, size, colour, width bucket. */
    uint32_t rgba;
    SDL_Texture *tex;
    int w, h;
    uint64_t used;              /* Frame it was last drawn in. */
};

struct gui_font {
    SDL_Renderer *r;
    char paths[GUI_N_STYLES][512];
    TTF_Font *fonts[GUI_N_STYLES][MAX_PX + 1];   /* Opened on demand. */
    /* A face with Chinese glyphs, for text that has any ("" if none is
     * installed: such text then shows DejaVu's empty boxes). */
    char cjk_path[512];
    TTF_Font *cjk[MAX_PX + 1];
    struct entry *cache;
    size_t n_cache;
    uint64_t frame;
};

static bool
file_exists(const char *p)
{
    FILE *f = fopen(p, "rb");
    if (f) {
        fclose(f);
    }
    return f != NULL;
}

/* The file fontconfig gives for 'pattern', into 'out'; false if none. */
static bool
fc_find(const char *pattern, char *out, size_t len)
{
    if (!FcInit()) {
        return false;
    }
    FcPattern *pat = FcNameParse((const FcChar8 *) pattern);
    if (!pat) {
        return false;
    }
    FcConfigSubstitute(NULL, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    FcResult res;
    FcPattern *m = FcFontMatch(NULL, pat, &res);
    FcChar8 *file = NULL;
    bool ok = m && FcPatternGetString(m, FC_FILE, 0, &file) == FcResultMatch
              && file;
    if (ok) {
        snprintf(out, len, "%s", (const char *) file);
        ok = file_exists(out);
    }
    if (m) {
        FcPatternDestroy(m);
    }
    FcPatternDestroy(pat);
    return ok;
}

struct gui_font *
gui_font_new(SDL_Renderer *r, char *err, size_t errlen)
{
    /* SDL2_ttf counts its users: each font set initialises it once and
     * quits once. */
    if (TTF_Init() < 0) {
        snprintf(err, errlen, "SDL2_ttf: %s", TTF_GetError());
        return NULL;
    }
    struct gui_font *f = gui_xcalloc(1, sizeof *f);
    f->r = r;
    const char *env = getenv("VHSIM_FONT_DIR");
    for (int s = 0; s < GUI_N_STYLES; s++) {
        bool found = false;
        if (env && *env) {
            snprintf(f->paths[s], sizeof f->paths[s], "%s/%s", env,
                     font_files[s]);
            found = file_exists(f->paths[s]);
        }
        if (!found) {
            found = fc_find(font_patterns[s], f->paths[s],
                            sizeof f->paths[s]);
        }
        if (!found) {
            snprintf(err, errlen, "font %s not found (install the Debian "
                     "package fonts-dejavu-core, or set VHSIM_FONT_DIR)",
                     font_files[s]);
            FcFini();
            free(f);
            TTF_Quit();
            return NULL;
        }
    }
    /* DejaVu has no Chinese: labels in Chinese take a face that has
     * (fonts-wqy-microhei or fonts-noto-cjk), found by the language it
     * covers rather than by name. */
    if (env && *env) {
        snprintf(f->cjk_path, sizeof f->cjk_path, "%s/%s", env, CJK_FILE);
        if (!file_exists(f->cjk_path)) {
            f->cjk_path[0] = '\0';
        }
    }
    if (!f->cjk_path[0] && !fc_find(CJK_PATTERN, f->cjk_path,
                                    sizeof f->cjk_path)) {
        f->cjk_path[0] = '\0';
    }
    /* The files are known; fontconfig's caches are no longer needed. */
    FcFini();
    f->cache = gui_xcalloc(CACHE_SLOTS, sizeof *f->cache);
    return f;
}

static void
drop_entry(struct entry *e)
{
    free(e->text);
    if (e->tex) {
        SDL_DestroyTexture(e->tex);
    }
    memset(e, 0, sizeof *e);
}

void
gui_font_free(struct gui_font *f)
{
    if (!f) {
        return;
    }
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        if (f->cache[i].text) {
            drop_entry(&f->cache[i]);
        }
    }
    free(f->cache);
    for (int px = 0; px <= MAX_PX; px++) {
        if (f->cjk[px]) {
            TTF_CloseFont(f->cjk[px]);
        }
    }
    for (int s = 0; s < GUI_N_STYLES; s++) {
        for (int px = 0; px <= MAX_PX; px++) {
            if (f->fonts[s][px]) {
                TTF_CloseFont(f->fonts[s][px]);
            }
        }
    }
    free(f);
    TTF_Quit();
}

/* Whether 'text' has a character of the CJK blocks (U+2E80 to U+9FFF,
 * and the full-width forms U+FF00 to U+FFEF): lead bytes 0xE2 0xBA and
 * above up to 0xE9, or 0xEF 0xBC to 0xBF. */
static bool
has_cjk(const char *text)
{
    for (const uint8_t *p = (const uint8_t *) text; *p; p++) {
        if ((p[0] >= 0xe3 && p[0] <= 0xe9)
            || (p[0] == 0xe2 && p[1] >= 0xba)
            || (p[0] == 0xef && p[1] >= 0xbc && p[1] <= 0xbf)) {
            return true;
        }
    }
    return false;
}

static TTF_Font *
font_at(struct gui_font *f, enum gui_font_style s, int px, const char *text)
{
    if (px > MAX_PX) {
        px = MAX_PX;
    }
    if (f->cjk_path[0] && has_cjk(text)) {
        if (!f->cjk[px]) {
            f->cjk[px] = TTF_OpenFont(f->cjk_path, px);
        }
        if (f->cjk[px]) {
            TTF_SetFontStyle(f->cjk[px], s == GUI_BOLD ? TTF_STYLE_BOLD
                                                       : TTF_STYLE_NORMAL);
            return f->cjk[px];
        }
    }
    if (!f->fonts[s][px]) {
        f->fonts[s][px] = TTF_OpenFont(f->paths[s], px);
        if (f->fonts[s][px]) {
            TTF_SetFontHinting(f->fonts[s][px], TTF_HINTING_LIGHT);
        }
    }
    return f->fonts[s][px];
}

void
gui_text_size(struct gui_font *f, enum gui_font_style s, int px,
              const char *text, int *w, int *h)
{
    *w = *h = 0;
    if (px < MIN_PX || !*text) {
        return;
    }
    TTF_Font *font = font_at(f, s, px, text);
    if (font) {
        TTF_SizeUTF8(font, text, w, h);
    }
}

static uint32_t
hash_str(const char *s, uint32_t h)
{
    for (; *s; s++) {
        h ^= (uint8_t) *s;
        h *= 16777619u;
    }
    return h;
}

/* The longest prefix of 'text' that fits in 'max_w' with an ellipsis,
 * written to 'out'. */
static void
fit(TTF_Font *font, const char *text, int max_w, char *out, size_t outlen)
{
    snprintf(out, outlen, "%s", text);
    int w, h;
    if (TTF_SizeUTF8(font, out, &w, &h) || w <= max_w) {
        return;
    }
    size_t n = strlen(out);
    size_t lo = 0, hi = n;
    char buf[512];
    while (lo < hi) {
        size_t mid = (lo + hi + 1) / 2;
        /* Never cut inside a UTF-8 sequence. */
        size_t m = mid;
        while (m > 0 && ((uint8_t) text[m] & 0xc0) == 0x80) {
            m--;
        }
        snprintf(buf, sizeof buf, "%.*s\xe2\x80\xa6", (int) m, text);
        TTF_SizeUTF8(font, buf, &w, &h);
        if (w <= max_w) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    size_t m = lo;
    while (m > 0 && ((uint8_t) text[m] & 0xc0) == 0x80) {
        m--;
    }
    if (m == 0) {
        snprintf(out, outlen, "\xe2\x80\xa6");
    } else {
        snprintf(out, outlen, "%.*s\xe2\x80\xa6", (int) m, text);
    }
}

int
gui_text(struct gui_font *f, enum gui_font_style s, int px, SDL_Color c,
         float x, float y, enum gui_align align, float max_w, const char *text)
{
    if (px < MIN_PX || !text || !*text) {
        return 0;
    }
    if (px > MAX_PX) {
        px = MAX_PX;
    }
    int mw = max_w > 0 ? (int) max_w : 0;
    uint32_t key = (uint32_t) s | (uint32_t) px << 2 | (uint32_t) mw << 10;
    uint32_t rgba = (uint32_t) c.r << 24 | (uint32_t) c.g << 16
                    | (uint32_t) c.b << 8 | c.a;
    uint32_t hv = hash_str(text, 2166136261u ^ key ^ (rgba * 2654435761u));
    size_t i = hv & (CACHE_SLOTS - 1);
    struct entry *e = NULL;
    for (size_t probe = 0; probe < 8; probe++) {
        struct entry *c2 = &f->cache[(i + probe) & (CACHE_SLOTS - 1)];
        if (c2->text && c2->key == key && c2->rgba == rgba
            && !strcmp(c2->text, text)) {
            e = c2;
            break;
        }
    }
    if (!e) {
        /* Take an empty slot, or the least recently used of the probed. */
        struct entry *victim = NULL;
        for (size_t probe = 0; probe < 8; probe++) {
            struct entry *c2 = &f->cache[(i + probe) & (CACHE_SLOTS - 1)];
            if (!c2->text) {
                victim = c2;
                break;
            }
            if (!victim || c2->used < victim->used) {
                victim = c2;
            }
        }
        if (victim->text) {
            drop_entry(victim);
        }
        TTF_Font *font = font_at(f, s, px, text);
        if (!font) {
            return 0;
        }
        char shown[512];
        if (mw > 0) {
            fit(font, text, mw, shown, sizeof shown);
        } else {
            snprintf(shown, sizeof shown, "%s", text);
        }
        SDL_Surface *surf = TTF_RenderUTF8_Blended(font, shown, c);
        if (!surf) {
            return 0;
        }
        victim->tex = SDL_CreateTextureFromSurface(f->r, surf);
        victim->w = surf->w;
        victim->h = surf->h;
        SDL_FreeSurface(surf);
        if (!victim->tex) {
            return 0;
        }
        victim->text = gui_xstrdup(text);
        victim->key = key;
        victim->rgba = rgba;
        e = victim;
    }
    e->used = f->frame;
    float left = align == GUI_LEFT ? x
                 : align == GUI_CENTER ? x - (float) e->w / 2
                 : x - (float) e->w;
    SDL_Rect dst = { (int) (left + 0.5f), (int) (y + 0.5f), e->w, e->h };
    SDL_RenderCopy(f->r, e->tex, NULL, &dst);
    return e->w;
}

void
gui_font_end_frame(struct gui_font *f)
{
    f->frame++;
    if (f->frame % 64) {
        return;
    }
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        struct entry *e = &f->cache[i];
        if (e->text && f->frame - e->used > KEEP_FRAMES) {
            drop_entry(e);
        }
    }
}
