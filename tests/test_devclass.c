/* tests/test_devclass.c: the table of device classes is coherent.
 *
 * Every class the world can be asked to build has the hook that builds
 * it; no scenario value or attach type is claimed twice; what has no
 * model is found by nobody; and every device a world registers carries
 * its class, whose kind and role the registry reports. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/container/veth.h"
#include "models/core/devclass.h"
#include "models/core/port.h"
#include "models/guest/virtio_net.h"
#include "models/core/world.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

START_TEST(test_every_class_has_what_its_family_needs)
{
    for (size_t i = 0; i < n_dev_classes; i++) {
        const struct dev_class *c = dev_classes[i];
        ck_assert_msg(c->kind && *c->kind, "class %zu has no kind", i);
        ck_assert_msg(c->role < VH_ROLE_N, "%s: role", c->kind);
        switch (c->family) {
        case DEV_FAM_HOST:
        case DEV_FAM_NIC:
        case DEV_FAM_BRIDGE:
        case DEV_FAM_SWITCH:
            ck_assert_msg(c->build, "%s: no build", c->kind);
            break;
        case DEV_FAM_VNIC:
            ck_assert_msg(c->build_vnic && c->accepts, "%s: no build_vnic",
                          c->kind);
            break;
        case DEV_FAM_GUEST:
        case DEV_FAM_PART:
        case DEV_FAM_N:
            break;
        }
        if (c->family != DEV_FAM_PART && c->family != DEV_FAM_HOST
            && c->family != DEV_FAM_GUEST) {
            ck_assert_msg(c->accepts && c->accepts[0], "%s: accepts nothing",
                          c->kind);
        }
        if (c->attach_type) {
            ck_assert_msg(c->assigned ? c->build_vnic != NULL
                                      : c->attach != NULL,
                          "%s: attach type '%s' without its hook", c->kind,
                          c->attach_type);
        }
        if (c->keys) {
            ck_assert_msg(c->parse && c->described && c->free_priv,
                          "%s: keys without parse, described or free_priv",
                          c->kind);
        }
        if (c->host_section) {
            ck_assert_msg(c->report, "%s: a report section without report",
                          c->kind);
        }
        if (c->migrate_move) {
            ck_assert_msg(c->migrate_stop && c->migrate_announce,
                          "%s: half a migration", c->kind);
        }
        if (c->has_link) {
            ck_assert_msg(c->set_link, "%s: has_link without set_link",
                          c->kind);
        }
    }
}
END_TEST

START_TEST(test_no_value_is_claimed_twice)
{
    for (size_t i = 0; i < n_dev_classes; i++) {
        const struct dev_class *a = dev_classes[i];
        ck_assert_msg(dev_class_find(a->family, "no-such-value") == NULL,
                      "%s", a->kind);
        for (size_t j = i + 1; j < n_dev_classes; j++) {
            const struct dev_class *b = dev_classes[j];
            ck_assert_msg(strcmp(a->kind, b->kind), "kind '%s' twice",
                          a->kind);
            if (a->attach_type && b->attach_type
                && (a->family != DEV_FAM_BRIDGE
                    || b->family != DEV_FAM_BRIDGE)) {
                /* Bridges may share one (both OVS datapaths take "ovs"):
                 * the bridge a NIC names picks the class.  Others may
                 * when each takes its own attach mode (a VIF's). */
                ck_assert_msg(strcmp(a->attach_type, b->attach_type)
                              || (a->attach_mode && b->attach_mode
                                  && strcmp(a->attach_mode, b->attach_mode)),
                              "attach type '%s' twice", a->attach_type);
            }
            if (a->family != b->family || !a->accepts || !b->accepts) {
                continue;
            }
            for (const char *const *x = a->accepts; *x; x++) {
                for (const char *const *y = b->accepts; *y; y++) {
                    ck_assert_msg(strcmp(*x, *y), "'%s' built by %s and %s",
                                  *x, a->kind, b->kind);
                }
            }
        }
        /* Each value a class accepts finds that class. */
        for (const char *const *x = a->accepts; x && *x; x++) {
            ck_assert_ptr_eq(dev_class_find(a->family, *x), a);
        }
        if (a->attach_type && a->family != DEV_FAM_BRIDGE) {
            ck_assert_ptr_eq(dev_class_for_attach_mode(a->attach_type,
                                                       a->attach_mode), a);
        }
    }
}
END_TEST

START_TEST(test_what_has_no_model_has_no_class)
{
    ck_assert_ptr_null(dev_class_find(DEV_FAM_SWITCH, "hub"));
    ck_assert_ptr_nonnull(dev_class_find(DEV_FAM_BRIDGE, "ovs/kernel"));
    ck_assert_ptr_nonnull(dev_class_find(DEV_FAM_NIC, "vic"));
    ck_assert_ptr_nonnull(dev_class_for_attach_mode("vif", "standard"));
    ck_assert_ptr_nonnull(dev_class_for_attach_mode("vif", "passthrough"));
    ck_assert_ptr_null(dev_class_for_attach_mode("vif", "vepa"));
    ck_assert_ptr_nonnull(dev_class_find(DEV_FAM_SWITCH, "vepa"));
    ck_assert_ptr_nonnull(dev_class_find(DEV_FAM_BRIDGE, "ovs/dpdk"));
    ck_assert_ptr_nonnull(dev_class_for_attach("passthrough"));
}
END_TEST

START_TEST(test_registered_devices_carry_their_class)
{
    struct wt_run r = wt_run_json(
        "{ \"duration\": \"100us\", \"hosts\": ["
        "  { \"name\": \"h\", \"cpu\": { \"cores\": 4 },"
        "    \"iommu\": { \"enabled\": true },"
        "    \"nics\": [ { \"name\": \"eth0\", \"model\": \"82599\","
        "                  \"sriov\": { \"vfs\": 2 }, \"link\": \"sw/p1\" } ],"
        "    \"bridges\": [ { \"name\": \"br0\", \"ports\": [\"eth0\"] } ],"
        "    \"vms\": [ { \"name\": \"a\", \"nics\": [ { \"name\": \"eth0\","
        "      \"ip\": \"10.0.0.1/24\","
        "      \"attach\": { \"type\": \"bridge\", \"to\": \"br0\" } } ] },"
        "      { \"name\": \"b\", \"nics\": [ { \"name\": \"eth0\","
        "      \"ip\": \"10.0.0.2/24\","
        "      \"attach\": { \"type\": \"sriov-vf\", \"to\": \"eth0\" } } ] }"
        "    ] } ],"
        "  \"switches\": [ { \"name\": \"sw\", \"ports\": 2 } ] }",
        NULL, NULL, NULL);
    static const struct { const char *path, *kind; uint8_t role; } want[] = {
        { "h", "host", VH_ROLE_HOST },
        { "h/eth0", "nic", VH_ROLE_HW },
        { "h/eth0/vf0", "vf", VH_ROLE_HW },
        { "h/br0", "linux-bridge", VH_ROLE_SWITCHING },
        { "h/a", "vm", VH_ROLE_GUEST },
        { "h/a/eth0", "virtio-net", VH_ROLE_DEVICE },
        { "h/b/eth0", "vf-driver", VH_ROLE_DEVICE },
        { "sw", "switch", VH_ROLE_SWITCHING },
        { "sw/p2", "switch-port", VH_ROLE_DEVICE },
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        struct vh_device *d = wt_dev(r.w, want[i].path);
        ck_assert_ptr_nonnull(d->cls);
        ck_assert_str_eq(d->cls->kind, want[i].kind);
        ck_assert_str_eq(d->kind, want[i].kind);
        ck_assert_uint_eq(d->role, want[i].role);
    }
    for (size_t i = 0; i < r.w->devs.n; i++) {
        ck_assert_msg(r.w->devs.v[i]->cls != NULL, "%s has no class",
                      r.w->devs.v[i]->path);
    }
    wt_run_free(&r);
}
END_TEST

/* The steps port_warm() takes from 'p' before it says it has no more:
 * it must say so by VH_SIM_WARM_STEPS, and keep saying it. */
static int
warm_depth(const struct port *p)
{
    int depth = 0;
    while (depth < VH_SIM_WARM_STEPS && port_warm(p, depth)) {
        depth++;
    }
    for (int s = depth; s < VH_SIM_WARM_STEPS; s++) {
        ck_assert(!port_warm(p, s));
    }
    return depth;
}

/* Warming walks a packet's path device by device (port_warm(), the
 * classes' 'warm'): from a guest's virtio NIC through the NIC to the
 * bridge port behind its tap, which has no 'warm' of its own; from a
 * veth end through the pair to what is behind the other end; and no
 * further than a stack's port, which counts on its interface's device
 * but is no port of that device's class.  Each
 * device takes the steps it says: a port and its device 2, virtio-net 2
 * of its own before it hands on (with its thread's lines), a veth pair
 * 1. */
START_TEST(test_warm_walks_the_path)
{
    struct wt_run r = wt_run_json(
        "{ \"duration\": \"10us\", \"hosts\": ["
        "  { \"name\": \"h\", \"cpu\": { \"cores\": 4 },"
        "    \"bridges\": [ { \"name\": \"br0\" } ],"
        "    \"vms\": [ { \"name\": \"a\", \"nics\": [ { \"name\": \"eth0\","
        "      \"ip\": \"10.0.0.1/24\","
        "      \"attach\": { \"type\": \"bridge\", \"to\": \"br0\" } } ] } ],"
        "    \"containers\": [ { \"name\": \"c\" } ] } ] }",
        NULL, NULL, NULL);
    ck_assert(!port_warm(NULL, 0));

    struct vh_device *d = wt_dev(r.w, "h/a/eth0");
    ck_assert_ptr_eq(d->cls, &virtio_net_class);
    struct virtio_net *vn = (struct virtio_net *) (void *) d;
    /* The port and the NIC (2 + 2), the bridge port and its device. */
    ck_assert_int_eq(warm_depth(&vn->guest), 2 + 2 + 2);
    ck_assert_ptr_nonnull(vn->tap.peer);
    ck_assert_int_eq(warm_depth(vn->tap.peer), 2);
    /* The other way, to the guest's stack, whose port counts on the NIC's
     * device but is not the NIC's: its port and device, nothing more. */
    ck_assert_int_eq(warm_depth(&vn->tap), 2 + 2 + 2);

    size_t ends = 0;
    for (size_t i = 0; i < r.w->devs.n; i++) {
        struct vh_device *v = r.w->devs.v[i];
        if (v->cls == &veth_class) {
            struct veth_end *e = VH_CONTAINER_OF(v, struct veth_end, dev);
            /* The end and its device, the pair, and what is behind the
             * other end: a bridge port or the container's stack, neither
             * of which asks for more than its port and device. */
            ck_assert_int_eq(warm_depth(&e->port), 2 + 1 + 2);
            ends++;
        }
    }
    ck_assert_uint_eq(ends, 2);
    wt_run_free(&r);
}
END_TEST

/* 'vhsim check' of scenario 'json'; returns its output (caller frees)
 * after checking it exits with 'status'. */
static char *
check_json(const char *json, int status)
{
    char *out = NULL;
    int st = vh_test_sh(&out, "'%s' check /dev/stdin <<'EOF'\n%s\nEOF",
                        vh_test_bin(), json);
    ck_assert_msg(st == status, "exit %d: %s", st, out);
    return out;
}

/* One bridge of a 4-core host, with the keys 'keys' after its name. */
static char *
check_bridge(const char *keys, int status)
{
    char json[512];
    snprintf(json, sizeof json, "{ \"hosts\": [ { \"name\": \"h\", "
             "\"cpu\": { \"cores\": 4 }, \"bridges\": [ { \"name\": "
             "\"b\"%s } ] } ] }", keys);
    return check_json(json, status);
}

#define OVS_DPDK ", \"type\": \"ovs\", \"datapath\": \"dpdk\""

START_TEST(test_a_class_reads_its_own_keys)
{
    /* OVS-DPDK's pmd_cores belongs to its class: known there (with a
     * suggestion for a near miss), refused by name on a Linux bridge, and
     * read by the class with errors at the element's path. */
    static const struct {
        const char *keys;
        int status;
        const char *want;
    } cases[] = {
        { OVS_DPDK ", \"pmd_core\": [1]", 2, "hosts[0].bridges[0]: unknown "
          "key 'pmd_core'; did you mean 'pmd_cores'?" },
        { ", \"pmd_cores\": [1]", 2, "hosts[0].bridges[0].pmd_cores: "
          "'pmd_cores' applies only to bridges of type ovs with datapath "
          "dpdk" },
        { OVS_DPDK ", \"pmd_cores\": [1, 2, 2]", 2,
          "hosts[0].bridges[0].pmd_cores[2]: core 2 is listed twice" },
        { OVS_DPDK ", \"pmd_cores\": [3]", 0, "" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *out = check_bridge(cases[i].keys, cases[i].status);
        ck_assert_msg(strstr(out, cases[i].want), "case %zu: %s", i, out);
        free(out);
    }
}
END_TEST

START_TEST(test_every_contract_mode_has_a_class)
{
    /* The last mode the contract named without a model was "router";
     * every one is built now, so none is refused by its name. */
    for (size_t i = 0; i <= CFG_SW_ROUTER; i++) {
        ck_assert_msg(dev_class_find(DEV_FAM_SWITCH,
                                     cfg_switch_mode_names[i]) != NULL,
                      "%s", cfg_switch_mode_names[i]);
    }
}
END_TEST

START_TEST(test_contract_vic_and_vif_have_classes)
{
    /* The VN-Tag adapter of the scenario format and its VIFs, with keys
     * of their own, are checked and accepted. */
    char *out = check_json("{ \"hosts\": [ { \"name\": \"h\", \"nics\": "
        "[ { \"name\": \"eth0\", \"model\": \"vic\", \"vifs\": 16 } ], "
        "\"vms\": [ { \"name\": \"v\", \"nics\": [ { \"name\": \"eth0\", "
        "\"ip\": \"10.0.0.1/24\", \"attach\": { \"type\": \"vif\", "
        "\"to\": \"eth0\", \"mode\": \"standard\" } } ] } ] } ] }", 0);
    ck_assert_msg(strstr(out, "ok: 1 hosts, 1 VMs"), "%s", out);
    free(out);
}
END_TEST

static Suite *
devclass_suite(void)
{
    Suite *s = suite_create("devclass");
    TCase *tc = tcase_create("table");
    tcase_add_test(tc, test_every_class_has_what_its_family_needs);
    tcase_add_test(tc, test_no_value_is_claimed_twice);
    tcase_add_test(tc, test_what_has_no_model_has_no_class);
    tcase_add_test(tc, test_registered_devices_carry_their_class);
    tcase_add_test(tc, test_a_class_reads_its_own_keys);
    tcase_add_test(tc, test_every_contract_mode_has_a_class);
    tcase_add_test(tc, test_contract_vic_and_vif_have_classes);
    tcase_add_test(tc, test_warm_walks_the_path);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(devclass_suite)
