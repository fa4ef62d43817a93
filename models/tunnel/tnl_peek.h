/* models/tunnel/tnl_peek.h: what tunnel a frame is in, from its bytes.
 *
 * For whoever shows a frame to a student (vhsim explain, the GUI's
 * inspector): an IPv4 frame whose payload is a VXLAN (UDP 4789), Geneve
 * (UDP 6081) or GRE-with-Ethernet frame is read as a tunnelled frame:
 * which encapsulation, its key, the outer addresses and ports, and where
 * the inner frame starts.  Only the well-known ports are recognized, as
 * Wireshark does. */
#ifndef VH_MODELS_TUNNEL_PEEK_H
#define VH_MODELS_TUNNEL_PEEK_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tnl_view {
    const char *name;           /* "VXLAN", "Geneve" or "GRE" (an NVGRE
                                 * frame is GRE with a key: nothing on
                                 * the wire tells them apart). */
    uint32_t key;               /* VNI, GRE key. */
    bool has_key;
    uint32_t src, dst;          /* Outer IPv4 addresses, host order. */
    uint16_t sport, dport;      /* Outer UDP ports; 0 for GRE. */
    uint32_t inner_off;         /* Where the inner frame starts. */
    uint32_t inner_len;
};

/* Reads 'frame' as a tunnelled frame; false if it is not one. */
bool tnl_peek(const uint8_t *frame, uint32_t len, struct tnl_view *v);

/* "VXLAN VNI 5001, 192.168.0.1 -> 192.168.0.2, UDP 45021 -> 4789" into
 * 'out'; "" if 'frame' is not a tunnelled frame. */
void tnl_describe(const uint8_t *frame, uint32_t len, char *out, size_t n);

#endif /* models/tunnel/tnl_peek.h */
