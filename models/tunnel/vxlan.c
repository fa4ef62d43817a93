/* models/tunnel/vxlan.c: the VXLAN header. */
#include "models/tunnel/vxlan.h"

#include <string.h>

#include "models/tunnel/tnl_outer.h"
#include "sim/frame.h"
#include "sim/packet.h"

void
vxlan_push(struct vh_packet *p, uint32_t vni)
{
    tnl_reserve(p, VXLAN_HLEN);
    uint8_t *h = vh_packet_push(p, VXLAN_HLEN);
    memset(h, 0, VXLAN_HLEN);
    h[0] = VXLAN_FLAG_I;
    /* The VNI takes bytes 4-6; byte 7 stays reserved. */
    vh_put_be32(h + 4, (vni & VXLAN_VNI_MAX) << 8);
}

bool
vxlan_parse(const uint8_t *h, uint32_t len, uint32_t *vni)
{
    if (len < VXLAN_HLEN || !(h[0] & VXLAN_FLAG_I)) {
        return false;
    }
    *vni = vh_get_be32(h + 4) >> 8;
    return true;
}
