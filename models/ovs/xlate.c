/* models/ovs/xlate.c: translating a flow through the OpenFlow tables into
 * datapath actions and the megaflow mask that covers them.
 *
 * Two copies of the flow are kept: 'flow', as the OpenFlow actions have
 * rewritten it so far (what later lookups and NORMAL see), and 'base',
 * what the frame looks like after the datapath actions emitted so far.
 * Before each output, commit() emits the set and VLAN actions that turn
 * 'base' into 'flow', so rewrites that no output needs cost nothing.
 *
 * The wildcards must cover every bit of the arriving key that the result
 * depends on, or the datapath would give a frame another frame's actions.
 * Lookups add the masks they visited; the rest is added here, where an
 * action's effect depends on the key: its type (whether the frame has the
 * header a rewrite needs), a field that is rewritten (commit compares it
 * with the frame's own value, as OVS's commit does, so that value is
 * pinned), the tag (push, pop or rewrite), the TTL. */
#include "models/ovs/xlate.h"

#include <stdlib.h>
#include <string.h>

#include "sim/frame.h"
#include "sim/xmalloc.h"

struct xlate_ctx {
    const struct xlate_in *in;
    struct xlate_out *out;
    struct ofkey flow;          /* As rewritten by the actions so far. */
    struct ofkey base;          /* As the datapath frame is by now. */
    uint8_t table;              /* The table being run (resubmit's 255). */
    unsigned depth;             /* Resubmits nested. */
    unsigned n_resubmits;       /* Resubmits in all. */
    bool exit;                  /* Stop translating altogether. */
    bool missed;                /* A table miss that ends a pipeline. */
    bool too_deep;
    bool ttl_expired;
};

/* Appends a datapath action; 'port' and 'value' as its type uses them. */
static void
emit(struct xlate_ctx *ctx, enum odp_act_type type, uint32_t port,
     uint64_t value)
{
    struct odp_action a = { .type = type, .port = port, .value = value };
    odp_actions_add(&ctx->out->acts, &a);
}

static void
emit_set(struct xlate_ctx *ctx, enum of_field field, uint64_t value)
{
    struct odp_action a = {
        .type = ODP_SET_FIELD, .field = field, .value = value,
    };
    odp_actions_add(&ctx->out->acts, &a);
}

/* Commit. */

static uint64_t
mac_to_u64(const uint8_t *mac)
{
    uint64_t v = 0;
    for (int i = 0; i < VH_ETH_ALEN; i++) {
        v = v << 8 | mac[i];
    }
    return v;
}

static void
mac_from_u64(uint8_t *mac, uint64_t v)
{
    for (int i = VH_ETH_ALEN - 1; i >= 0; i--) {
        mac[i] = (uint8_t) v;
        v >>= 8;
    }
}

static void
commit_field(struct xlate_ctx *ctx, enum of_field field, uint64_t now,
             uint64_t before)
{
    if (now != before) {
        emit_set(ctx, field, now);
    }
}

static void
commit_vlan(struct xlate_ctx *ctx, uint16_t now, uint16_t before)
{
    bool tagged = now & OFKEY_VLAN_CFI;
    bool was_tagged = before & OFKEY_VLAN_CFI;

    if (now == before) {
        return;
    } else if (tagged && was_tagged) {
        emit(ctx, ODP_SET_VLAN, 0, now);
    } else if (tagged) {
        emit(ctx, ODP_PUSH_VLAN, 0, now);
    } else {
        emit(ctx, ODP_POP_VLAN, 0, 0);
    }
}

/* Emits what turns the frame as it is ('base') into the flow as the
 * actions made it, so that the next output sends the rewritten frame. */
static void
commit(struct xlate_ctx *ctx)
{
    const struct ofkey *f = &ctx->flow;
    const struct ofkey *b = &ctx->base;

    commit_field(ctx, OFF_DL_SRC, mac_to_u64(f->dl_src),
                 mac_to_u64(b->dl_src));
    commit_field(ctx, OFF_DL_DST, mac_to_u64(f->dl_dst),
                 mac_to_u64(b->dl_dst));
    commit_vlan(ctx, f->vlan_tci, b->vlan_tci);
    commit_field(ctx, OFF_NW_SRC, f->nw_src, b->nw_src);
    commit_field(ctx, OFF_NW_DST, f->nw_dst, b->nw_dst);
    commit_field(ctx, OFF_NW_TOS, f->nw_tos, b->nw_tos);
    commit_field(ctx, OFF_NW_TTL, f->nw_ttl, b->nw_ttl);
    commit_field(ctx, OFF_TP_SRC, f->tp_src, b->tp_src);
    commit_field(ctx, OFF_TP_DST, f->tp_dst, b->tp_dst);
    commit_field(ctx, OFF_TUN_ID, f->tun_id, b->tun_id);
    commit_field(ctx, OFF_PKT_MARK, f->pkt_mark, b->pkt_mark);
    ctx->base = ctx->flow;
}

/* Outputs. */

static void
output(struct xlate_ctx *ctx, uint32_t port)
{
    commit(ctx);
    emit(ctx, ODP_OUTPUT, port, 0);
}

/* Output to one port as OpenFlow's output action does: never back to
 * the port the frame came in by (the in_port action is for that), and
 * not to a port that does not exist. */
static void
output_port(struct xlate_ctx *ctx, uint32_t port)
{
    if (port == OFPP_IN_PORT) {
        output(ctx, ctx->flow.in_port);
    } else if (port == ctx->flow.in_port) {
        return;
    } else if (port == OFPP_LOCAL
               || (port >= 1 && port <= ctx->in->n_ports)) {
        output(ctx, port);
    }
}

static void
output_flood(struct xlate_ctx *ctx, bool all)
{
    const struct xlate_in *in = ctx->in;

    for (uint32_t port = 1; port <= in->n_ports; port++) {
        if (port == ctx->flow.in_port
            || (!all && in->port_floods && !in->port_floods(in->aux, port))) {
            continue;
        }
        output(ctx, port);
    }
}

void
xlate_output_vlan(struct xlate_ctx *ctx, uint32_t port, int vid)
{
    uint16_t tci = ctx->flow.vlan_tci;

    /* Whether and how the tag changes depends on the tag the frame has,
     * priority bits included (they are kept). */
    ctx->out->wc.vlan_tci = UINT16_MAX;
    ctx->flow.vlan_tci = vid < 0 ? 0 : (uint16_t) (OFKEY_VLAN_CFI
                                                   | (tci & 0xe000)
                                                   | (vid & 0xfff));
    output(ctx, port);
    /* Only this output has that tag; the next commit puts the flow's
     * back if another output needs it. */
    ctx->flow.vlan_tci = tci;
}

const struct ofkey *
xlate_flow(const struct xlate_ctx *ctx)
{
    return &ctx->flow;
}

struct ofkey *
xlate_wc(struct xlate_ctx *ctx)
{
    return &ctx->out->wc;
}

/* Rewrites. */

static bool
flow_is_ipv4(const struct ofkey *flow)
{
    return flow->dl_type == VH_ETHERTYPE_IPV4;
}

/* Whether the flow has ports a rewrite may change: UDP or TCP, and not a
 * later fragment, whose ports are absent. */
static bool
flow_has_ports(struct xlate_ctx *ctx)
{
    if (!flow_is_ipv4(&ctx->flow) || ctx->flow.nw_frag) {
        return false;
    }
    ctx->out->wc.nw_proto = UINT8_MAX;
    return ctx->flow.nw_proto == VH_IPPROTO_UDP
           || ctx->flow.nw_proto == VH_IPPROTO_TCP;
}

/* Sets the VID or PCP bits of the tag, pushing one (the other bits zero)
 * on an untagged frame, as mod_vlan_vid and mod_vlan_pcp do. */
static void
set_tci_bits(struct xlate_ctx *ctx, uint16_t bits, uint16_t value)
{
    uint16_t tci = ctx->flow.vlan_tci;

    ctx->out->wc.vlan_tci = UINT16_MAX;
    if (!(tci & OFKEY_VLAN_CFI)) {
        tci = OFKEY_VLAN_CFI;
    }
    ctx->flow.vlan_tci = (uint16_t) ((tci & ~bits) | (value & bits));
}

static void
set_field(struct xlate_ctx *ctx, enum of_field field, uint64_t v)
{
    struct ofkey *f = &ctx->flow;
    struct ofkey *wc = &ctx->out->wc;

    switch (field) {
    case OFF_DL_SRC:
        memset(wc->dl_src, 0xff, sizeof wc->dl_src);
        mac_from_u64(f->dl_src, v);
        break;
    case OFF_DL_DST:
        memset(wc->dl_dst, 0xff, sizeof wc->dl_dst);
        mac_from_u64(f->dl_dst, v);
        break;
    case OFF_VLAN_VID:
        set_tci_bits(ctx, 0x0fff, (uint16_t) (v & 0xfff));
        break;
    case OFF_VLAN_PCP:
        set_tci_bits(ctx, 0xe000, (uint16_t) ((v & 7) << 13));
        break;
    case OFF_NW_SRC:
    case OFF_NW_DST:
    case OFF_NW_TOS:
    case OFF_NW_TTL:
        if (!flow_is_ipv4(f)) {
            break;              /* No IPv4 header to rewrite. */
        }
        if (field == OFF_NW_SRC) {
            wc->nw_src = UINT32_MAX;
            f->nw_src = (uint32_t) v;
        } else if (field == OFF_NW_DST) {
            wc->nw_dst = UINT32_MAX;
            f->nw_dst = (uint32_t) v;
        } else if (field == OFF_NW_TOS) {
            /* nw_tos is the DSCP: the ECN bits are the frame's own. */
            wc->nw_tos = UINT8_MAX;
            f->nw_tos = (uint8_t) ((f->nw_tos & 0x03) | (v & 0xfc));
        } else {
            wc->nw_ttl = UINT8_MAX;
            f->nw_ttl = (uint8_t) v;
        }
        break;
    case OFF_TP_SRC:
        if (flow_has_ports(ctx)) {
            wc->tp_src = UINT16_MAX;
            f->tp_src = (uint16_t) v;
        }
        break;
    case OFF_TP_DST:
        if (flow_has_ports(ctx)) {
            wc->tp_dst = UINT16_MAX;
            f->tp_dst = (uint16_t) v;
        }
        break;
    case OFF_TUN_ID:
        wc->tun_id = UINT32_MAX;
        f->tun_id = (uint32_t) v;
        break;
    case OFF_PKT_MARK:
        wc->pkt_mark = UINT32_MAX;
        f->pkt_mark = (uint32_t) v;
        break;
    }
}

/* Tables. */

static void xlate_table(struct xlate_ctx *, uint8_t table, bool honor_miss);

static void
dec_ttl(struct xlate_ctx *ctx)
{
    if (!flow_is_ipv4(&ctx->flow)) {
        return;                 /* No TTL to decrement. */
    }
    ctx->out->wc.nw_ttl = UINT8_MAX;
    if (ctx->flow.nw_ttl <= 1) {
        ctx->ttl_expired = true;
        ctx->exit = true;
    } else {
        ctx->flow.nw_ttl--;
    }
}

/* Runs table 'table' (255: the current one) as if the frame had come in
 * by 'port' (OFPP_NONE: the port it has), then returns to the actions
 * after the resubmit. */
static void
resubmit(struct xlate_ctx *ctx, uint32_t port, uint8_t table)
{
    if (ctx->depth >= XLATE_MAX_DEPTH
        || ctx->n_resubmits >= XLATE_MAX_RESUBMITS) {
        ctx->too_deep = true;
        ctx->exit = true;
        return;
    }
    uint32_t in_port = ctx->flow.in_port;
    uint8_t cur = ctx->table;

    if (port != OFPP_NONE && port != OFPP_IN_PORT) {
        ctx->flow.in_port = port;
    }
    ctx->depth++;
    ctx->n_resubmits++;
    xlate_table(ctx, table == UINT8_MAX ? cur : table, false);
    ctx->depth--;
    ctx->flow.in_port = in_port;
    ctx->table = cur;
}

/* Runs 'rule''s actions; returns the table its goto_table names, or -1. */
static int
xlate_actions(struct xlate_ctx *ctx, const struct of_rule *rule)
{
    int next = -1;

    for (size_t i = 0; i < rule->n_acts && !ctx->exit; i++) {
        const struct of_action *a = &rule->acts[i];
        switch (a->type) {
        case OFA_OUTPUT:
            output_port(ctx, a->port);
            break;
        case OFA_NORMAL:
            ctx->out->normal = true;
            if (ctx->in->normal) {
                ctx->in->normal(ctx, ctx->in->aux);
            }
            break;
        case OFA_FLOOD:
        case OFA_ALL:
            output_flood(ctx, a->type == OFA_ALL);
            break;
        case OFA_IN_PORT:
            output(ctx, ctx->flow.in_port);
            break;
        case OFA_LOCAL:
            output_port(ctx, OFPP_LOCAL);
            break;
        case OFA_CONTROLLER:
            commit(ctx);
            emit(ctx, ODP_USERSPACE, 0, 0);
            ctx->out->controller = true;
            break;
        case OFA_SET_FIELD:
            set_field(ctx, a->field, a->value);
            break;
        case OFA_STRIP_VLAN:
            /* Whether a pop is emitted, or a later tag is a push or a
             * rewrite, depends on the tag the frame came with. */
            ctx->out->wc.vlan_tci = UINT16_MAX;
            ctx->flow.vlan_tci = 0;
            break;
        case OFA_PUSH_VLAN:
            /* One tag is all the key holds: a tagged frame keeps its
             * tag (802.1ad stacking is not modelled). */
            ctx->out->wc.vlan_tci = UINT16_MAX;
            if (!(ctx->flow.vlan_tci & OFKEY_VLAN_CFI)) {
                ctx->flow.vlan_tci = OFKEY_VLAN_CFI;
            }
            break;
        case OFA_DEC_TTL:
            dec_ttl(ctx);
            break;
        case OFA_RESUBMIT:
            resubmit(ctx, a->port, a->table);
            break;
        case OFA_GOTO_TABLE:
            /* OpenFlow only goes forward; an earlier table would loop. */
            if (a->table > ctx->table && a->table < OF_N_TABLES) {
                next = a->table;
            }
            break;
        case OFA_SET_QUEUE:
            emit(ctx, ODP_SET_QUEUE, 0, a->value);
            break;
        }
    }
    return next;
}

static void
record_rule(struct xlate_out *out, struct of_rule *rule)
{
    if (out->n_rules == out->rules_cap) {
        out->rules_cap = out->rules_cap ? out->rules_cap * 2 : 16;
        out->rules = vh_xrealloc(out->rules,
                                 out->rules_cap * sizeof *out->rules);
    }
    out->rules[out->n_rules++] = rule;
}

/* Looks 'table' up and runs the rule found, then the tables its
 * goto_table leads to.  'honor_miss': a miss here ends the pipeline (in
 * table 0 and after goto_table, not after resubmit). */
static void
xlate_table(struct xlate_ctx *ctx, uint8_t table, bool honor_miss)
{
    struct xlate_out *out = ctx->out;

    for (;;) {
        ctx->table = table;
        out->n_lookups++;
        struct of_rule *rule = of_tables_lookup(ctx->in->tables, table,
                                                &ctx->flow, &out->wc,
                                                &out->n_subtables);
        if (!rule) {
            ctx->missed |= honor_miss;
            return;
        }
        record_rule(out, rule);
        int next = xlate_actions(ctx, rule);
        if (ctx->exit || next < 0) {
            return;
        }
        table = (uint8_t) next;
        honor_miss = true;
    }
}

/* Translation. */

void
xlate_out_init(struct xlate_out *out)
{
    memset(out, 0, sizeof *out);
    odp_actions_init(&out->acts);
}

void
xlate_out_destroy(struct xlate_out *out)
{
    odp_actions_destroy(&out->acts);
    free(out->rules);
}

static void
xlate_out_clear(struct xlate_out *out)
{
    struct odp_actions acts = out->acts;
    struct of_rule **rules = out->rules;
    size_t rules_cap = out->rules_cap;

    memset(out, 0, sizeof *out);
    out->acts = acts;
    out->rules = rules;
    out->rules_cap = rules_cap;
    odp_actions_clear(&out->acts);
}

static bool
has_output(const struct odp_actions *acts)
{
    for (size_t i = 0; i < acts->n; i++) {
        if (acts->a[i].type == ODP_OUTPUT) {
            return true;
        }
    }
    return false;
}

static enum xlate_drop
drop_reason(const struct xlate_ctx *ctx)
{
    if (has_output(&ctx->out->acts)) {
        return XLATE_OK;
    } else if (ctx->too_deep) {
        return XLATE_TOO_DEEP;
    } else if (ctx->ttl_expired) {
        return XLATE_TTL;
    } else if (ctx->out->controller) {
        return XLATE_CONTROLLER;
    } else if (ctx->missed) {
        return XLATE_NO_MATCH;
    }
    return XLATE_RULE_DROP;
}

void
xlate(const struct xlate_in *in, struct xlate_out *out)
{
    struct xlate_ctx ctx = {
        .in = in, .out = out, .flow = in->key, .base = in->key,
    };

    xlate_out_clear(out);
    /* What every translation depends on, as in OVS: the port the frame
     * came in by (output never goes back by it), its type (which headers
     * the actions may touch) and, for IPv4, whether it is a later
     * fragment (which has no ports). */
    out->wc.in_port = UINT32_MAX;
    out->wc.dl_type = UINT16_MAX;
    if (flow_is_ipv4(&in->key)) {
        out->wc.nw_frag = UINT8_MAX;
    }

    xlate_table(&ctx, 0, true);

    if (ctx.too_deep) {
        /* OVS drops the frame rather than run half a pipeline. */
        odp_actions_clear(&out->acts);
    }
    out->drop = drop_reason(&ctx);
}

const char *
xlate_drop_reason(enum xlate_drop drop)
{
    switch (drop) {
    case XLATE_OK:
        return "ok";
    case XLATE_NO_MATCH:
        return "no-rule-matched";
    case XLATE_RULE_DROP:
        return "rule-drop";
    case XLATE_CONTROLLER:
        return "no-controller";
    case XLATE_TOO_DEEP:
        return "resubmit-depth";
    case XLATE_TTL:
        return "ttl-expired";
    }
    return "unknown";
}
