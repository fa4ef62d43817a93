/* models/switch/evbtag.c: one tag, two wire formats. */
#include "models/switch/evbtag.h"

#include <string.h>

#include "models/core/world.h"
#include "models/switch/etag.h"
#include "models/switch/vntag.h"
#include "sim/packet.h"

const char *
evb_tag_name(enum evb_tag_kind kind)
{
    return kind == EVB_TAG_VNTAG ? "VN-Tag"
           : kind == EVB_TAG_ETAG ? "E-Tag" : "none";
}

static struct vntag
to_vntag(const struct evb_tag *t)
{
    return (struct vntag) {
        .dir = t->down, .ptr = t->down && t->group,
        .dst = t->down ? t->dst : 0, .looped = t->down && t->looped,
        .src = t->src,
    };
}

static struct etag
to_etag(const struct evb_tag *t)
{
    struct etag e;
    memset(&e, 0, sizeof e);
    if (t->down) {
        etag_set_ecid(&e, t->dst);
        e.grp = t->group ? 1 : 0;
        etag_set_in_ecid(&e, t->looped ? t->src : 0);
    } else {
        etag_set_ecid(&e, t->src);
    }
    return e;
}

void
evbtag_push(struct vh_packet *p, enum evb_tag_kind kind,
            const struct evb_tag *t)
{
    if (kind == EVB_TAG_VNTAG) {
        struct vntag v = to_vntag(t);
        vntag_push(p, &v);
    } else if (kind == EVB_TAG_ETAG) {
        struct etag e = to_etag(t);
        etag_push(p, &e);
    }
}

/* What a tag of 'kind' read off a frame says.  An E-Tag does not say
 * which way it goes: the reader knows ('down' is left false here and the
 * E-CID given as both 'src' and 'dst'; a reader coming down uses 'dst',
 * one going up 'src'). */
bool
evbtag_read(const struct vh_packet *p, enum evb_tag_kind kind,
            struct evb_tag *out)
{
    struct evb_tag t;
    memset(&t, 0, sizeof t);
    if (kind == EVB_TAG_VNTAG) {
        struct vntag v;
        if (!vntag_read(p->data, p->len, &v)) {
            return false;
        }
        t = (struct evb_tag) { .down = v.dir, .group = v.ptr, .dst = v.dst,
                               .src = v.src, .looped = v.looped };
    } else if (kind == EVB_TAG_ETAG) {
        struct etag e;
        if (!etag_read(p->data, p->len, &e)) {
            return false;
        }
        uint32_t in = etag_in_ecid(&e);
        t.group = e.grp != 0;
        t.dst = (uint16_t) etag_ecid(&e);
        t.src = in ? (uint16_t) in : t.dst;
        t.looped = in != 0;
    } else {
        return false;
    }
    if (out) {
        *out = t;
    }
    return true;
}

bool
evbtag_pop(struct vh_packet *p, enum evb_tag_kind kind, struct evb_tag *out)
{
    if (!evbtag_read(p, kind, out)) {
        return false;
    }
    if (kind == EVB_TAG_VNTAG) {
        vntag_pop(p, NULL);
    } else {
        etag_pop(p, NULL);
    }
    return true;
}

int
evb_vif_alloc(struct world *w, int n)
{
    if (!w->next_vif) {
        w->next_vif = 1;        /* VIF 0 is nobody's. */
    }
    if (n < 0 || w->next_vif + n - 1 > EVB_VIF_MAX) {
        return -1;
    }
    int first = w->next_vif;
    w->next_vif += n;
    return first;
}
