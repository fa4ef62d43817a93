/* sim/pcapng.h: writing pcapng capture files, by hand.
 *
 * Classic pcap (sim/pcapw.h) holds one interface and no per-packet
 * metadata.  pcapng holds several interfaces in one file, each with its
 * name, and per packet its direction and a comment, so a whole-host
 * capture keeps eth0 and eth1 apart and the two copies of a hairpinned
 * frame (in, then out of the same port) are told apart.  libpcap 1.10
 * cannot write pcapng, so this writer does, from the format's
 * specification (draft-ietf-opsawg-pcapng):
 *
 *   - a Section Header Block (byte-order magic 0x1A2B3C4D, version 1.0,
 *     section length unknown, shb_userappl "vhsim");
 *   - one Interface Description Block per interface: linktype Ethernet,
 *     snaplen, if_name (the scenario path), if_tsresol 9 (nanoseconds);
 *   - one Enhanced Packet Block per frame: the interface, a 64-bit
 *     nanosecond timestamp, the bytes padded to 4, epb_flags (direction:
 *     1 inbound, 2 outbound) and opt_comment.
 * Every block is {type, total length, body, total length}, lengths
 * multiples of 4, written little-endian (the magic says so).
 *
 * The file is an output of sim/outfile.h: a temporary renamed into place
 * by a successful commit. */
#ifndef VH_PCAPNG_H
#define VH_PCAPNG_H 1

#include <stddef.h>
#include <stdint.h>

struct vh_pcapng;

enum vh_pcapng_dir {
    VH_PCAPNG_DIR_NONE = 0,
    VH_PCAPNG_IN = 1,
    VH_PCAPNG_OUT = 2,
};

/* Starts a file that will become 'path' on commit, with its section
 * header.  Returns the writer, or NULL with a message in 'err'. */
struct vh_pcapng *vh_pcapng_open(const char *path, char *err, size_t errlen);

/* Adds an interface named 'name' and returns its id (0, 1, ...). */
uint32_t vh_pcapng_add_interface(struct vh_pcapng *, const char *name);

/* Appends one Ethernet frame of 'len' bytes (no FCS) seen on interface
 * 'ifid' at 'time_ps' (truncated to the nanosecond), going 'dir', with
 * 'comment' (NULL: none).  Returns 0, or -1 after a write error (then the
 * commit fails too). */
int vh_pcapng_write(struct vh_pcapng *, uint32_t ifid, uint64_t time_ps,
                    const uint8_t *frame, uint32_t len,
                    enum vh_pcapng_dir dir, const char *comment);

/* Publishes the file, or removes it and fills 'err'.  Frees the writer. */
int vh_pcapng_commit(struct vh_pcapng *, char *err, size_t errlen);

/* Removes the temporary and frees the writer; NULL is allowed. */
void vh_pcapng_abort(struct vh_pcapng *);

#endif /* sim/pcapng.h */
