/* gui/png.h: writing PNG images, with no library.
 *
 * Enough of PNG (RFC 2083) and zlib/deflate (RFC 1950, 1951) for
 * screenshots: 8-bit RGB, one IDAT, each row filtered (None, Sub or Up,
 * whichever looks smallest) and compressed with fixed Huffman codes and
 * LZ77 matches found through a hash chain.  Pictures of boxes and flat
 * colours shrink tenfold or more; nothing here aims at a better ratio. */
#ifndef VH_GUI_PNG_H
#define VH_GUI_PNG_H 1

#include <stddef.h>
#include <stdint.h>

/* CRC-32 (ISO-HDLC, as PNG uses it) of 'n' bytes, continuing from 'crc'
 * (start with 0). */
uint32_t gui_crc32(uint32_t crc, const uint8_t *p, size_t n);

/* Adler-32 (zlib) of 'n' bytes, continuing from 'adler' (start with 1). */
uint32_t gui_adler32(uint32_t adler, const uint8_t *p, size_t n);

/* Compresses 'n' bytes into a zlib stream.  'level' 0 writes stored
 * blocks, anything else fixed-Huffman blocks with matches.  Returns a
 * malloc'ed buffer and its length in '*out_len'. */
uint8_t *gui_zlib_compress(const uint8_t *p, size_t n, int level,
                           size_t *out_len);

/* Writes a 'w' x 'h' RGB image (rows 'stride' bytes apart) to 'path',
 * through a temporary file renamed into place, so a reader never sees half
 * a picture.  Returns 0, or -1 with a message in 'err'. */
int gui_png_write(const char *path, const uint8_t *rgb, int w, int h,
                  size_t stride, char *err, size_t errlen);

#endif /* gui/png.h */
