/* gui/png.c: PNG files through libpng. */
#include "gui/png.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include "sim/outfile.h"

/* libpng reports errors by longjmp; the message is kept for the caller. */
struct png_ctx {
    char *err;
    size_t errlen;
    const char *path;
};

static void
on_png_error(png_structp png, png_const_charp msg)
{
    struct png_ctx *c = png_get_error_ptr(png);
    snprintf(c->err, c->errlen, "cannot write '%s': %s", c->path, msg);
    png_longjmp(png, 1);
}

static void
on_png_warning(png_structp png, png_const_charp msg)
{
    (void) png;
    (void) msg;                 /* Nothing a screenshot can act on. */
}

int
gui_png_write(const char *path, const uint8_t *rgb, int w, int h,
              size_t stride, char *err, size_t errlen)
{
    struct vh_outfile *o = vh_outfile_open(path, "wb", err, errlen);
    if (!o) {
        return -1;
    }
    struct png_ctx ctx = { err, errlen, path };
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &ctx,
                                              on_png_error, on_png_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info) {
        snprintf(err, errlen, "cannot write '%s': out of memory", path);
        png_destroy_write_struct(&png, &info);
        vh_outfile_abort(o);
        return -1;
    }
    /* Volatile: read after a longjmp out of libpng. */
    const uint8_t *volatile rows = rgb;
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        vh_outfile_abort(o);
        return -1;
    }
    png_init_io(png, vh_outfile_stream(o));
    png_set_IHDR(png, info, (png_uint_32) w, (png_uint_32) h, 8,
                 PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    /* Speed over size: frame sequences write thousands of pictures. */
    png_set_compression_level(png, 1);
    png_write_info(png, info);
    for (int y = 0; y < h; y++) {
        png_write_row(png, rows + (size_t) y * stride);
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    return vh_outfile_commit(o, err, errlen);
}
