/* loader/scenario_replay.c: the frames a flow replays from a capture
 * ("pcap" in traffic[]).
 *
 * A replay re-sends a capture's datagrams from the flow's source to its
 * destination, as tcpreplay would after tcprewrite had put the two
 * endpoints' addresses in: each frame keeps its protocol's ports (UDP),
 * its payload bytes and its length, and takes the source's MAC and IPv4
 * address and the destination's address; the source's stack resolves the
 * next hop and may fragment, as for generated packets.  Only what the
 * flow's 'proto' sends can be replayed: unfragmented IPv4 UDP datagrams
 * (proto udp) or ICMP echo requests (proto icmp), untagged or in one
 * 802.1Q tag; every other frame (ARP, TCP, IPv6, fragments...) is
 * skipped and counted, and the report says how many.
 *
 * The capture is read here, at load, with libpcap (pcap and pcapng
 * alike, nanosecond timestamps), so a missing file, a capture of another
 * link type or one with nothing to replay fails 'vhsim check' with the
 * flow's path.  A relative path is taken from the current directory, and
 * if nothing is there, from the scenario file's directory. */
#include "loader/scenario_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/frame.h"
#include "sim/pcaplib.h"

#define ETH_MIN_WIRE 64         /* Ethernet's minimum frame, FCS included. */
#define ETH_MAX_WIRE 1518       /* A flow's largest frame ('size'). */

/* The file to read for 'name': as given, or beside the scenario. */
static char *
replay_path(const struct cfg_scenario *sc, const char *name)
{
    if (name[0] == '/' || access(name, F_OK) == 0 || !sc->file) {
        return ld_strdup(name);
    }
    const char *slash = strrchr(sc->file, '/');
    if (!slash) {
        return ld_strdup(name);
    }
    size_t dir = (size_t) (slash - sc->file);
    char *path = ld_calloc(1, dir + strlen(name) + 2);
    memcpy(path, sc->file, dir);
    path[dir] = '/';
    strcpy(path + dir + 1, name);
    if (access(path, F_OK) != 0) {
        free(path);
        return ld_strdup(name);
    }
    return path;
}

/* The replayable datagram in captured frame 'data' ('caplen' bytes of
 * 'len'), for protocol 'proto': fills 'rf' and returns true, or false if
 * the frame is to be skipped. */
static bool
replay_frame(const uint8_t *data, uint32_t caplen, uint32_t len,
             enum cfg_proto proto, struct cfg_replay_frame *rf)
{
    uint32_t l3 = VH_ETH_HLEN;
    if (caplen < l3 + 20) {
        return false;
    }
    uint16_t type = vh_get_be16(data + 12);
    if (type == VH_ETHERTYPE_VLAN) {
        l3 += 4;
        if (caplen < l3 + 20) {
            return false;
        }
        type = vh_get_be16(data + 16);
    }
    const uint8_t *ip = data + l3;
    if (type != VH_ETHERTYPE_IPV4 || (ip[0] >> 4) != 4) {
        return false;
    }
    uint32_t ihl = (ip[0] & 0x0fu) * 4;
    uint32_t total = vh_get_be16(ip + 2);
    uint16_t frag = vh_get_be16(ip + 6);
    if (ihl < 20 || total < ihl + 8 || (frag & 0x3fff)
        || l3 + total > len) {
        return false;           /* Malformed, or a fragment. */
    }
    const uint8_t *l4 = ip + ihl;
    uint32_t l4_len = total - ihl;
    uint32_t have = caplen > l3 + ihl ? caplen - l3 - ihl : 0;
    if (have < 8) {
        return false;
    }
    if (proto == CFG_PROTO_UDP && ip[9] == VH_IPPROTO_UDP) {
        rf->sport = vh_get_be16(l4);
        rf->dport = vh_get_be16(l4 + 2);
    } else if (proto == CFG_PROTO_ICMP && ip[9] == VH_IPPROTO_ICMP
               && l4[0] == VH_ICMP_ECHO_REQUEST) {
        rf->sport = rf->dport = 0;
    } else {
        return false;
    }
    /* The datagram again, behind a plain Ethernet and 20-byte IPv4
     * header, with the FCS.  In a frame under Ethernet's minimum the
     * payload grows with zeros to fill it, where the capture had padding
     * after the datagram. */
    rf->size = VH_ETH_HLEN + 20 + l4_len + 4;
    if (rf->size < ETH_MIN_WIRE) {
        rf->size = ETH_MIN_WIRE;
    }
    rf->payload_len = rf->size - 4 - VH_ETH_HLEN - 20 - 8;
    uint32_t kept = l4_len - 8;
    if (have - 8 < kept) {
        kept = have - 8;        /* Cut off by the capture's snap length. */
    }
    rf->payload = ld_calloc(1, rf->payload_len ? rf->payload_len : 1);
    memcpy(rf->payload, l4 + 8, kept);
    return true;
}

bool
ld_replay(struct ld *ld, const char *fp, struct cfg_flow *f)
{
    char path[JP_LEN], err[PCAP_ERRBUF_SIZE];
    jp_key(path, fp, "pcap");
    struct cfg_replay *r = ld_calloc(1, sizeof *r);
    f->replay = r;
    r->file = replay_path(ld->sc, f->pcap);
    const struct vh_pcaplib *pcap = vh_pcaplib(err, sizeof err);
    if (!pcap) {
        return vh_diag_fail(ld->diag, path, "cannot replay '%s': %s",
                            f->pcap, err);
    }
    pcap_t *pc = pcap->open_offline_with_tstamp_precision(
        r->file, PCAP_TSTAMP_PRECISION_NANO, err);
    if (!pc) {
        return vh_diag_fail(ld->diag, path, "cannot replay '%s': %s",
                            f->pcap, err);
    }
    int link = pcap->datalink(pc);
    if (link != DLT_EN10MB) {
        pcap->close(pc);
        return vh_diag_fail(ld->diag, path, "'%s' is a capture of link "
                            "type %d; only Ethernet captures (link type 1) "
                            "can be replayed", f->pcap, link);
    }
    struct pcap_pkthdr *hdr;
    const u_char *data;
    size_t cap = 0, n_read = 0;
    vh_time_t first = 0, last = 0;
    int rc;
    bool ok = true;
    while ((rc = pcap->next_ex(pc, &hdr, &data)) == 1) {
        n_read++;
        struct cfg_replay_frame rf;
        memset(&rf, 0, sizeof rf);
        if (!replay_frame(data, hdr->caplen, hdr->len, f->proto, &rf)) {
            r->skipped++;
            continue;
        }
        if (rf.size > ETH_MAX_WIRE) {
            free(rf.payload);
            ok = vh_diag_fail(ld->diag, path, "frame %zu of '%s' would be "
                              "%u bytes on the wire; a flow's frames are at "
                              "most %u, as its 'size'", n_read, f->pcap,
                              rf.size, ETH_MAX_WIRE);
            break;
        }
        /* tv_usec holds nanoseconds: the capture was opened so. */
        vh_time_t t = (vh_time_t) hdr->ts.tv_sec * VH_SEC
                      + (vh_time_t) hdr->ts.tv_usec * VH_NS;
        if (!r->n) {
            first = last = t;
        }
        last = t > last ? t : last;     /* Never backwards. */
        rf.at = last - first;
        if (r->n == cap) {
            cap = cap ? 2 * cap : 64;
            struct cfg_replay_frame *more = realloc(r->frames,
                                                    cap * sizeof *more);
            if (!more) {
                free(rf.payload);
                pcap->close(pc);
                return vh_diag_fail(ld->diag, path, "'%s' is too large to "
                                    "replay", f->pcap);
            }
            r->frames = more;
        }
        r->frames[r->n++] = rf;
    }
    if (ok && rc == PCAP_ERROR) {
        ok = vh_diag_fail(ld->diag, path, "cannot read '%s': %s", f->pcap,
                          pcap->geterr(pc));
    }
    pcap->close(pc);
    if (!ok) {
        return false;
    }
    if (!r->n) {
        return vh_diag_fail(ld->diag, path, "'%s' has nothing this flow "
                            "can replay: none of its %zu frames is %s",
                            f->pcap, n_read, f->proto == CFG_PROTO_ICMP
                            ? "an ICMP echo request over IPv4"
                            : "an unfragmented IPv4 UDP datagram");
    }
    /* The flow's size, as the report gives it: the frames' mean. */
    uint64_t bytes = 0;
    for (size_t i = 0; i < r->n; i++) {
        bytes += r->frames[i].size;
    }
    f->size = (uint32_t) ((bytes + r->n / 2) / r->n);
    return true;
}

void
cfg_replay_free(struct cfg_replay *r)
{
    if (!r) {
        return;
    }
    for (size_t i = 0; i < r->n; i++) {
        free(r->frames[i].payload);
    }
    free(r->frames);
    free(r->file);
    free(r);
}
