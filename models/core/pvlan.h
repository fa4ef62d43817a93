/* models/core/pvlan.h: private VLANs (RFC 5517), the rules every
 * switching device applies alike (the L2 core of bridges and physical
 * switches, Open vSwitch's NORMAL).
 *
 * A primary VLAN is split into secondaries, isolated or community.  A host
 * port is an access port of a secondary; a promiscuous port is an access
 * port of the primary that also takes every secondary's frames (a router,
 * a gateway, a firewall); trunks carry frames tagged with the VLAN they
 * were classified into, so the next switch applies the same rules:
 *
 *   frame from         may leave by
 *   isolated port      promiscuous ports, trunks
 *   community C port   promiscuous ports, trunks, ports of community C
 *   promiscuous port   every port of the domain
 *
 * All VLANs of a domain learn into one table, under the primary, so a
 * reply from a promiscuous port finds a host in any secondary. */
#ifndef VH_MODELS_PVLAN_H
#define VH_MODELS_PVLAN_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/core/port.h"

enum pvlan_type { PVLAN_ISOLATED, PVLAN_COMMUNITY };

/* One domain: its primary and the bitmaps of its secondaries. */
struct pvlan_domain {
    uint16_t primary;
    uint64_t isolated[PORT_VLAN_WORDS];
    uint64_t community[PORT_VLAN_WORDS];
};

/* A device's domains; zero-initialized is empty. */
struct pvlan_set {
    struct pvlan_domain *d;
    size_t n;
};

/* Declares 'secondary' an isolated or community VLAN of the domain of
 * 'primary' (created by its first secondary).  A VID belongs to at most
 * one domain; the loader has checked it. */
void pvlan_add(struct pvlan_set *, uint16_t primary, uint16_t secondary,
               enum pvlan_type);
void pvlan_set_destroy(struct pvlan_set *);

/* The domain 'vid' is the primary or a secondary of, or NULL. */
const struct pvlan_domain *pvlan_of(const struct pvlan_set *, uint16_t vid);

/* The VLAN a frame of 'vid' is learned and looked up in: its domain's
 * primary, or 'vid' itself outside any domain. */
uint16_t pvlan_learn_vid(const struct pvlan_set *, uint16_t vid);

/* Whether a port with VLAN membership 'pv' may send a frame classified
 * into 'vid': plain membership outside a domain and on trunks; the table
 * above inside one. */
bool pvlan_permits(const struct pvlan_set *, const struct port_vlan *pv,
                   uint16_t vid);

#endif /* models/core/pvlan.h */
