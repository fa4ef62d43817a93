/* loader/scenario_swlinks.c: cables between switches.
 *
 *   links   (extension) an object from this switch's ports to the ports
 *           of other switches at the other end of their cables:
 *           { "p7": "spine1/p1", "p8": "spine2/p1" }.  A NIC names its
 *           switch port with its own "link"; switches cabled to each
 *           other (a leaf to its spines, a ToR to a router) need this.
 *           Two switches may each name the other's port: that is one
 *           cable, counted once.
 *
 * Here each key is checked to be a port of the switch and each value a
 * string; where it leads is checked with every other cable, once all
 * switches are loaded (loader/scenario_refs.c). */
#include "loader/scenario_priv.h"

#include <stdio.h>
#include <string.h>

bool
ld_switch_links(struct ld *ld, const cJSON *o, const char *sp,
                struct cfg_switch *sw)
{
    char path[JP_LEN];
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "links");
    if (!v || cJSON_IsNull(v)) {
        return true;
    }
    jp_key(path, sp, "links");
    if (!cJSON_IsObject(v)) {
        return vh_diag_fail(ld->diag, path, "expected an object from this "
                            "switch's ports to other switches' ports, such "
                            "as {\"p7\": \"spine1/p1\"}, got %s",
                            ld_type_name(v));
    }
    sw->n_links = (size_t) cJSON_GetArraySize(v);
    sw->links = ld_calloc(sw->n_links ? sw->n_links : 1, sizeof *sw->links);
    size_t i = 0;
    for (const cJSON *c = v->child; c; c = c->next, i++) {
        char kp[JP_LEN];
        cJSON key = { .type = cJSON_String, .valuestring = c->string };
        jp_key(kp, path, c->string);
        struct cfg_swlink *l = &sw->links[i];
        if (!ld_switch_port(ld, &key, kp, sw->ports, &l->port)) {
            return false;
        }
        for (size_t k = 0; k < i; k++) {
            if (sw->links[k].port == l->port) {
                return vh_diag_fail(ld->diag, kp, "port p%d is given twice",
                                    l->port);
            }
        }
        if (!cJSON_IsString(c)) {
            return vh_diag_fail(ld->diag, kp, "expected the port at the "
                                "other end of the cable, such as "
                                "\"spine1/p1\", got %s", ld_type_name(c));
        }
        l->to = ld_strdup(c->valuestring);
    }
    return true;
}
