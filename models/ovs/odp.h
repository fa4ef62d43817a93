/* models/ovs/odp.h: datapath actions, and executing them on a frame.
 *
 * Translation (models/ovs/xlate.h) turns the OpenFlow actions a frame
 * collects across tables into a flat list of datapath actions, as
 * ovs-vswitchd hands the kernel module or the user-space datapath: set a
 * header field, push or pop a VLAN tag, output to a datapath port, send
 * to user space.  The megaflow cache stores this list, and every later
 * frame of the flow runs it without looking at the tables.
 *
 * Executing rewrites the frame's bytes (with the IPv4 header checksum and
 * the UDP/TCP checksum kept right, incrementally as the kernel's
 * csum_replace does) and hands a copy to 'output' at each output action,
 * the frame itself at the last. */
#ifndef VH_MODELS_OVS_ODP_H
#define VH_MODELS_OVS_ODP_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/ovs/ofrule.h"

struct vh_packet;
struct world;

enum odp_act_type {
    ODP_OUTPUT,                 /* 'port': an OpenFlow port number. */
    ODP_SET_FIELD,              /* 'field' = 'value' (not the VLAN). */
    ODP_PUSH_VLAN,              /* 'value': the TCI, with CFI set. */
    ODP_POP_VLAN,
    ODP_SET_VLAN,               /* Rewrites the existing tag's TCI. */
    ODP_USERSPACE,              /* To the controller: counted, dropped. */
    ODP_SET_QUEUE,              /* 'value': the egress queue for the next
                                 * outputs (skb->priority). */
};

struct odp_action {
    enum odp_act_type type;
    enum of_field field;
    uint32_t port;
    uint64_t value;
};

struct odp_actions {
    struct odp_action *a;
    size_t n, cap;
};

void odp_actions_init(struct odp_actions *);
void odp_actions_destroy(struct odp_actions *);
void odp_actions_clear(struct odp_actions *);
void odp_actions_add(struct odp_actions *, const struct odp_action *);
/* Replaces the actions of 'dst', which must have been initialized. */
void odp_actions_copy(struct odp_actions *dst, const struct odp_actions *);
bool odp_actions_eq(const struct odp_actions *, const struct odp_actions *);

/* Writes the list as ovs-dpctl shows it: "push_vlan(vid=10,pcp=0),2,3",
 * "drop" for an empty one.  Returns 'buf'. */
char *odp_actions_format(const struct odp_actions *, char *buf, size_t size);

/* Called for each output action with the frame to send (a copy but for
 * the last) and the egress queue set so far (0 by default). */
typedef void (*odp_output_fn)(void *ctx, uint32_t port, uint32_t queue,
                              struct vh_packet *p);

/* Makes a copy of 'p' for one more output (the caller's accounting of
 * copies: models/core/acct.h). */
typedef struct vh_packet *(*odp_clone_fn)(void *ctx, struct vh_packet *p);

/* Runs 'acts' on 'p'.  Returns the number of outputs, having taken 'p'
 * if there was at least one.  A list without outputs returns 0 and
 * leaves 'p' with the caller, who drops it with its reason (every frame
 * lost is counted with a reason, models/core/acct.h).  '*to_controller'
 * (may be NULL) is set if a userspace action ran.  A NULL 'clone'
 * copies with vh_packet_clone(). */
size_t odp_execute(const struct odp_actions *, struct vh_packet *p,
                   odp_output_fn output, odp_clone_fn clone, void *ctx,
                   bool *to_controller);

#endif /* models/ovs/odp.h */
