/* sim/pcapw.h: writing capture files.
 *
 * A writer produces a classic pcap file (nanosecond timestamps, linktype
 * Ethernet, snaplen 262144) through libpcap, which Wireshark and tcpdump
 * read as is.  libpcap is loaded by the first open (sim/pcaplib.h); if it
 * cannot be, the open fails and says why.  Simulated time starts at 0, so the first frames of a run are
 * stamped in January 1970: the file is the same on every run.
 *
 * The file is an output of sim/outfile.h: written under a temporary name
 * and renamed to PATH only by a successful commit (through a symbolic
 * link to its target; a FIFO or device written in place), so an error, a
 * crash or an interrupted run never leaves a truncated capture under the
 * final name, and a signal handler removes the temporaries with
 * vh_outfile_abort_all_signal_safe().
 *
 * Writers are not thread-safe; the simulator writes from one thread. */
#ifndef VH_PCAPW_H
#define VH_PCAPW_H 1

#include <stddef.h>
#include <stdint.h>

#define VH_PCAPW_SNAPLEN 262144

struct vh_pcapw;

/* Starts a capture that will become 'path' on commit.  Does not create
 * missing directories.  Returns the writer, or NULL with a message naming
 * 'path' and the reason in 'err' (truncated to 'errlen'). */
struct vh_pcapw *vh_pcapw_open(const char *path, char *err, size_t errlen);

/* Appends one frame of 'len' bytes (no FCS) stamped 'time_ps' picoseconds
 * after the epoch, truncated to the nanosecond.  Returns 0, or -1 if the
 * frame is longer than VH_PCAPW_SNAPLEN or the file could not be written;
 * after a write error the commit fails too. */
int vh_pcapw_write(struct vh_pcapw *, uint64_t time_ps,
                   const uint8_t *frame, uint32_t len);

/* Flushes, checks for write errors, closes and renames the temporary file
 * to the final name, then frees the writer.  Returns 0, or -1 with a
 * message in 'err'; on failure the temporary is removed and nothing is
 * left under the final name that was not there before.  The writer is
 * freed either way. */
int vh_pcapw_commit(struct vh_pcapw *, char *err, size_t errlen);

/* Closes and removes the temporary file and frees the writer.  NULL is
 * allowed. */
void vh_pcapw_abort(struct vh_pcapw *);

/* Frames written so far. */
uint64_t vh_pcapw_frames(const struct vh_pcapw *);


#endif /* sim/pcapw.h */
