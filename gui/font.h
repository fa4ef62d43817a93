/* gui/font.h: text, drawn with SDL2_ttf and cached as textures.
 *
 * Labels are redrawn every frame but rarely change, so each rendered
 * string is kept as a texture keyed by its text, size, style, colour and
 * the width it had to fit in; strings not drawn for a while are freed.
 * The fonts are DejaVu Sans and DejaVu Sans Mono from the Debian package
 * fonts-dejavu-core, found through fontconfig (or in $VHSIM_FONT_DIR). */
#ifndef VH_GUI_FONT_H
#define VH_GUI_FONT_H 1

#include <SDL.h>
#include <stdbool.h>

enum gui_font_style {
    GUI_SANS,
    GUI_BOLD,
    GUI_MONO,
    GUI_N_STYLES
};

enum gui_align {
    GUI_LEFT,
    GUI_CENTER,
    GUI_RIGHT
};

struct gui_font;

/* Loads the fonts for drawing on 'r'.  Returns NULL with a message in
 * 'err' if a font file is missing or SDL2_ttf fails. */
struct gui_font *gui_font_new(SDL_Renderer *r, char *err, size_t errlen);
void gui_font_free(struct gui_font *);

/* Draws 's' at pixel size 'px' with its top at 'y'; 'x' is the left edge,
 * centre or right edge by 'align'.  If 'max_w' > 0 the string is cut with
 * an ellipsis to fit.  Sizes below 6 pixels draw nothing.  Returns the
 * drawn width. */
int gui_text(struct gui_font *, enum gui_font_style, int px, SDL_Color c,
             float x, float y, enum gui_align align, float max_w,
             const char *s);

/* Width and height of 's' at size 'px' without drawing it. */
void gui_text_size(struct gui_font *, enum gui_font_style, int px,
                   const char *s, int *w, int *h);

/* Frees the textures of strings not drawn in the last few hundred frames.
 * Call once per frame. */
void gui_font_end_frame(struct gui_font *);

#endif /* gui/font.h */
