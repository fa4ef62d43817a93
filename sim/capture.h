/* sim/capture.h: capture points, as trace-bus subscribers.
 *
 * A capture names a device path; every frame that crosses that device's
 * capture point (VH_HOP_RX and VH_HOP_TX) is written, as its bytes are at
 * that moment, to a pcap file.  A point that is a container of interfaces
 * stands for them: a host for its NICs, a VM for its vNICs ("vm" devices'
 * children), a switch for what enters its ports.  A file is classic pcap
 * or pcapng (several points, directions and comments in one file).
 *
 * Files are written under temporary names and renamed only by
 * vh_capture_commit(), so an error or an interrupted run never leaves a
 * truncated capture behind. */
#ifndef VH_CAPTURE_H
#define VH_CAPTURE_H 1

#include <stdbool.h>
#include <stddef.h>

#include "sim/device.h"
#include "sim/trace.h"

struct vh_capture;

/* Opens one capture per (points[i], files[i]), classic pcap, and
 * subscribes them to 'bus'.  On failure returns NULL with 'failed' set to
 * the index of the capture at fault and a message in 'err'; nothing is
 * left on disk. */
struct vh_capture *vh_capture_open(struct vh_trace_bus *,
                                   const struct vh_devtab *,
                                   const char *const *points,
                                   const char *const *files, size_t n,
                                   size_t *failed, char *err, size_t errlen);

/* One capture of a scenario. */
struct vh_capture_spec {
    const char *point;
    const char *file;
    bool pcapng;                /* Else classic pcap. */
};

/* Like vh_capture_open(), for captures in either format.  Captures in
 * pcapng (sim/pcapng.h) that name the same file share it: each point is
 * an interface of the file named by its device path (a container point,
 * one per interface it stands for), every packet carries its direction
 * (in for a frame received, out for one sent) and a comment naming its
 * flow ('flow_names', by traffic[] index; NULL entries and frames of no
 * flow are named by their packet id). */
struct vh_capture *vh_capture_open_specs(struct vh_trace_bus *,
                                         const struct vh_devtab *,
                                         const struct vh_capture_spec *specs,
                                         size_t n,
                                         const char *const *flow_names,
                                         size_t n_flows, size_t *failed,
                                         char *err, size_t errlen);

/* Finishes every file and publishes it under its name.  Returns 0, or -1
 * with 'err' set (the remaining temporaries are removed).  Frees 'c'. */
int vh_capture_commit(struct vh_capture *c, char *err, size_t errlen);

/* Removes every temporary file and frees 'c'. */
void vh_capture_abort(struct vh_capture *c);

#endif /* sim/capture.h */
