/* gui/png.h: writing PNG images, through libpng.
 *
 * Screenshots and frame sequences are 8-bit RGB pictures of boxes and
 * flat colours; libpng writes them with its adaptive row filters and
 * zlib, which a hand-written encoder matched only in part. */
#ifndef VH_GUI_PNG_H
#define VH_GUI_PNG_H 1

#include <stddef.h>
#include <stdint.h>

/* Writes a 'w' x 'h' RGB image (rows 'stride' bytes apart) to 'path' as
 * an output of sim/outfile.h (a temporary renamed into place, so a reader
 * never sees half a picture).  Returns 0, or -1 with a message in
 * 'err'. */
int gui_png_write(const char *path, const uint8_t *rgb, int w, int h,
                  size_t stride, char *err, size_t errlen);

#endif /* gui/png.h */
