/* models/core/lldp.h: LLDP and CDP frames, byte-exact.
 *
 * Link discovery lets each end of a cable learn who is at the other end:
 * every so often a device sends, out of each port, a frame naming itself
 * (its chassis, the port, its system name and capabilities, an address to
 * manage it by) and saying how long to believe it (the TTL); the device
 * at the other end keeps that as its neighbour on that port, until the
 * TTL runs out.  The frames go to addresses no bridge forwards, so they
 * never travel beyond the next device.
 *
 * LLDP (IEEE 802.1AB), what lldpd sends from Linux hosts and most
 * switches send: to 01:80:c2:00:00:0e, the nearest-bridge group address
 * (802.1D's reserved range), EtherType 0x88cc.  The LLDPDU is a list of
 * TLVs, each a 16-bit header (type in the top 7 bits, length in the low
 * 9) and its value: Chassis ID (1), Port ID (2) and TTL (3) first, in
 * that order, then optional ones: here Port Description (4), System Name
 * (5), System Description (6), System Capabilities (7) and Management
 * Address (8); End (0) last.
 * lldpd's defaults: an interval of 30 s and a TTL of four times that
 * (tx-hold 4): 120 s.
 *
 * CDP (Cisco Discovery Protocol, version 2), what Cisco switches send:
 * an 802.3 frame with a length instead of an EtherType, an LLC/SNAP
 * header (AA AA 03, OUI 00:00:0c, protocol 0x2000) to
 * 01:00:0c:cc:cc:cc, then version, TTL (180 s) and an IP-style checksum
 * over the whole PDU, and TLVs of 16-bit type and 16-bit length (the
 * header included): Device ID (1), Addresses (2), Port ID (3),
 * Capabilities (4), Platform (6), Native VLAN (10), Duplex (11).  Sent
 * every 60 s. */
#ifndef VH_MODELS_CORE_LLDP_H
#define VH_MODELS_CORE_LLDP_H 1

#include <stdbool.h>
#include <stdint.h>

#include "sim/frame.h"

#define LLDP_ETHERTYPE 0x88cc
#define LLDP_INTERVAL_S 30          /* lldpd's tx-interval. */
#define LLDP_TX_HOLD 4              /* lldpd's tx-hold: TTL = 4 x 30. */
#define CDP_INTERVAL_S 60
#define CDP_TTL_S 180
#define CDP_VERSION 2

extern const struct vh_mac lldp_dst;    /* 01:80:c2:00:00:0e */
extern const struct vh_mac cdp_dst;     /* 01:00:0c:cc:cc:cc */

/* System capabilities (LLDP's bits). */
#define LLDP_CAP_BRIDGE 0x0004
#define LLDP_CAP_ROUTER 0x0010
#define LLDP_CAP_STATION 0x0080
/* CDP's. */
#define CDP_CAP_ROUTER 0x01
#define CDP_CAP_SWITCH 0x08
#define CDP_CAP_HOST 0x10

/* The longest frame either builder writes. */
#define LLDP_FRAME_MAX 512

/* What a device says of itself on one port. */
struct lldp_local {
    struct vh_mac chassis;      /* Chassis ID (a MAC: lldpd's choice). */
    const char *system_name;    /* "host1", "tor1". */
    struct vh_mac port_mac;     /* The frame's source. */
    const char *port_name;      /* "eth0", "p1". */
    bool port_id_name;          /* Port ID by name (switches), else by
                                 * MAC, the port name in Port Description
                                 * (lldpd's default on Linux). */
    uint16_t ttl;               /* Seconds. */
    uint16_t caps;              /* LLDP_CAP_* it has... */
    uint16_t caps_enabled;      /* ...and those enabled. */
    uint32_t mgmt_ip;           /* Host order; 0: none. */
    uint32_t ifindex;           /* Of the management address's port. */
    uint16_t native_vlan;       /* CDP; 0: none. */
    const char *platform;       /* CDP's Platform, LLDP's System
                                 * Description. */
};

/* Builds an LLDPDU from 'l' into 'buf' (LLDP_FRAME_MAX bytes), padded
 * to the minimum frame.  Returns the frame length. */
uint32_t lldp_build(uint8_t *buf, const struct lldp_local *l);

/* Builds a CDP frame from 'l' into 'buf' (LLDP_FRAME_MAX bytes), with
 * CDP's capabilities 'cdp_caps'.  Returns the frame length. */
uint32_t cdp_build(uint8_t *buf, const struct lldp_local *l,
                   uint32_t cdp_caps);

/* A neighbour as a received frame describes it, in lldpctl's words. */
enum lldp_proto { LLDP_PROTO_LLDP, LLDP_PROTO_CDP };
struct lldp_neighbor {
    enum lldp_proto proto;
    char chassis_id[40];        /* "mac 52:54:00:..." or CDP's device. */
    char system_name[64];       /* Or CDP's Device ID. */
    char port_id[40];           /* "ifname p1", "mac ...", CDP's port. */
    char port_descr[64];
    uint16_t ttl;               /* Seconds. */
    uint32_t mgmt_ip;           /* 0: none. */
    uint16_t native_vlan;       /* CDP; 0: none. */
    char platform[64];          /* CDP's Platform, LLDP's System
                                 * Description. */
};

/* Whether 'frame' is an LLDPDU or a CDP frame. */
bool lldp_is_lldp(const uint8_t *frame, uint32_t len);
bool lldp_is_cdp(const uint8_t *frame, uint32_t len);

/* Reads an LLDP or CDP frame.  Returns false if it is malformed (a
 * mandatory TLV missing or out of order, a length beyond the frame, a
 * bad CDP checksum). */
bool lldp_parse(const uint8_t *frame, uint32_t len, struct lldp_neighbor *);

#endif /* models/core/lldp.h */
