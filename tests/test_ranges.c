/* tests/test_ranges.c: every numeric field of a scenario has a range the
 * models can represent (issue 14, item 1).  For each field, a value just
 * inside its range loads, and one just outside is refused with the
 * field's JSON path at the start of the message; the same values through
 * a variant, a timed set event and 'sweep --set' are refused the same way
 * with exit status 2, since they load through the same getters; and the
 * limits on how much one scenario may hold (hosts, VMs, containers, flows,
 * switches, cores, NICs) are refused at the entry that crosses them. */
#include <check.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/config.h"
#include "sim/diag.h"
#include "tests/testutil.h"

/* One host with an OVS bridge and a VM on it, a remote host, a switch and
 * a UDP flow: every field below has an object to live in. */
static const char base_json[] =
    "{ \"duration\": \"10ms\", \"seed\": 1,"
    "  \"hosts\": ["
    "   { \"name\": \"h\", \"cpu\": { \"cores\": 4, \"ghz\": 2.6 },"
    "     \"iommu\": { \"enabled\": true },"
    "     \"nics\": [ { \"name\": \"eth0\", \"model\": \"82599\","
    "                   \"speed\": \"10G\", \"link\": \"sw/p1\" } ],"
    "     \"bridges\": [ { \"name\": \"br0\", \"type\": \"ovs\","
    "                      \"ports\": [ \"eth0\" ] } ],"
    "     \"vms\": [ { \"name\": \"vm1\", \"vcpus\": 1,"
    "       \"nics\": [ { \"name\": \"eth0\", \"ip\": \"10.0.0.1/24\","
    "                     \"model\": \"virtio\", \"backend\": \"vhost-net\","
    "                     \"attach\": { \"type\": \"ovs\","
    "                                   \"to\": \"br0\" } } ] } ] },"
    "   { \"name\": \"r\", \"nics\": [ { \"name\": \"eth0\","
    "       \"ip\": \"10.0.0.2/24\", \"link\": \"sw/p2\" } ] } ],"
    "  \"switches\": [ { \"name\": \"sw\", \"ports\": 4 } ],"
    "  \"traffic\": [ { \"name\": \"f\", \"from\": \"h/vm1\", \"to\": \"r\","
    "    \"proto\": \"udp\", \"size\": 64, \"rate\": \"1kpps\","
    "    \"count\": 5 } ] }";

/* A field at JSON path 'path' (as the loader's messages write it), a
 * value just inside its range and one just outside, both as JSON text.
 * 'at' is the path the refusal names when it is not 'path' itself. */
struct range_case {
    const char *path;
    const char *inside;
    const char *outside;
    const char *at;
};

static const struct range_case cases[] = {
    /* The run. */
    { "duration", "\"86400s\"", "\"86400000000000001ps\"", NULL },
    { "duration", "\"1ps\"", "\"0ps\"", NULL },
    { "seed", "9007199254740992", "-1", NULL },
    { "seed", "0", "1e16", NULL },
    /* Hosts. */
    { "hosts[0].cpu.cores", "1024", "1025", NULL },
    { "hosts[0].cpu.cores", "1", "0", NULL },
    { "hosts[0].cpu.ghz", "0.1", "0.0999", NULL },
    { "hosts[0].cpu.ghz", "10", "10.001", NULL },
    { "hosts[0].cpu.ghz", "2.6", "1e-10", NULL },
    { "hosts[0].halt_poll_ns", "1000000000", "1000000001", NULL },
    { "hosts[0].halt_poll_ns", "0", "-1", NULL },
    { "hosts[0].iommu.iotlb_entries", "4096", "4097", NULL },
    { "hosts[0].iommu.iotlb_entries", "1", "0", NULL },
    /* NICs. */
    { "hosts[0].nics[0].queues", "64", "65", NULL },
    { "hosts[0].nics[0].queues", "1", "0", NULL },
    { "hosts[0].nics[0].rx_ring", "4096", "4097", NULL },
    { "hosts[0].nics[0].tx_ring", "64", "63", NULL },
    { "hosts[0].nics[0].mtu", "9000", "9001", NULL },
    { "hosts[0].nics[0].mtu", "576", "575", NULL },
    { "hosts[0].nics[0].sriov.vfs", "0", "-1", NULL },
    { "hosts[0].nics[0].sriov.vfs", "4", "257", NULL },
    { "hosts[0].nics[0].coalesce[\"rx-usecs\"]", "1022", "1023", NULL },
    { "hosts[0].nics[0].coalesce[\"rx-usecs\"]", "0", "-1", NULL },
    { "hosts[0].nics[0].speed", "\"1G\"", "\"0G\"", NULL },
    /* VMs and their NICs. */
    { "hosts[0].vms[0].vcpus", "256", "257", NULL },
    { "hosts[0].vms[0].vcpus", "1", "0", NULL },
    { "hosts[0].vms[0].vcpus", "1", "4294967297", NULL },
    { "hosts[0].vms[0].nics[0].queues", "64", "65", NULL },
    { "hosts[0].vms[0].nics[0].ring", "1024", "1025", NULL },
    { "hosts[0].vms[0].nics[0].ring", "64", "63", NULL },
    { "hosts[0].vms[0].nics[0].mtu", "9000", "9001", NULL },
    { "hosts[0].vms[0].nics[0].attach.ingress_policing_rate", "1000000000",
      "1000000001", NULL },
    { "hosts[0].vms[0].nics[0].attach.ingress_policing_burst", "0", "-1",
      NULL },
    /* Switches. */
    { "switches[0].ports", "1024", "1025", NULL },
    { "switches[0].ports", "2", "0", NULL },
    { "switches[0].port_buffer", "1000000", "1000001", NULL },
    { "switches[0].speed", "\"1K\"", "\"999bps\"", NULL },
    { "switches[0].speed", "\"10T\"", "\"10.001T\"", NULL },
    { "switches[0].speed", "\"10G\"", "\"999999999999999999T\"", NULL },
    /* Traffic. */
    { "traffic[0].size", "64", "63", NULL },
    { "traffic[0].size", "1518", "1519", NULL },
    { "traffic[0].rate", "\"0.001pps\"", "\"0.0009pps\"", NULL },
    { "traffic[0].rate", "\"10Gpps\"", "\"10.001Gpps\"", NULL },
    { "traffic[0].rate", "\"1bps\"", "\"0.1bps\"", NULL },
    { "traffic[0].rate", "\"1kpps\"", "\"0pps\"", NULL },
    { "traffic[0].count", "9007199254740992", "0", NULL },
    { "traffic[0].count", "1", "1e308", NULL },
    { "traffic[0].start", "\"9.999999999ms\"", "\"10ms\"", NULL },
    { "traffic[0].sport", "65535", "65536", NULL },
    { "traffic[0].dport", "1", "0", NULL },
    { "traffic[0].concurrent_flows", "1000000", "1000001", NULL },
    /* Costs: what 32-bit cycles and 64-bit picoseconds hold. */
    { "costs.ipi", "\"1000000000cyc\"", "\"1000000001cyc\"", NULL },
    { "costs.ipi", "\"1cyc\"", "\"5000000000cyc\"", NULL },
    { "costs.pcie_latency", "\"100ms\"", "\"100.001ms\"", NULL },
    { "costs.pcie_latency", "\"500ns\"", "\"999999999s\"", NULL },
    { "costs.napi_budget", "\"4294967295\"", "\"4294967296\"", NULL },
    { "costs.napi_budget", "\"1\"", "\"0\"", NULL },
    /* Timed events. */
    { "events", "[ { \"at\": \"9ms\", \"action\": \"link-down\","
      " \"target\": \"h/eth0\" } ]",
      "[ { \"at\": \"10ms\", \"action\": \"link-down\","
      " \"target\": \"h/eth0\" } ]", "events[0].at" },
};

/* The node named by one step of a path ("name", "[3]", "[\"key\"]") in
 * 'parent', created as an object if 'create' and absent. */
static cJSON *
step(cJSON *parent, const char **p, bool last, cJSON *value)
{
    char key[128];
    const char *s = *p;
    if (*s == '.') {
        s++;
    }
    if (s[0] == '[' && s[1] != '"') {
        long i = strtol(s + 1, (char **) &s, 10);
        ck_assert_int_eq(*s, ']');
        *p = s + 1;
        cJSON *c = cJSON_GetArrayItem(parent, (int) i);
        ck_assert_ptr_nonnull(c);
        ck_assert_msg(!last, "a test path ends in an index");
        return c;
    }
    size_t n;
    if (s[0] == '[') {
        n = strcspn(s + 2, "\"");
        memcpy(key, s + 2, n);
        *p = s + 2 + n + 2;
    } else {
        n = strcspn(s, ".[");
        memcpy(key, s, n);
        *p = s + n;
    }
    key[n] = '\0';
    if (last) {
        cJSON_DeleteItemFromObjectCaseSensitive(parent, key);
        cJSON_AddItemToObject(parent, key, value);
        return value;
    }
    cJSON *c = cJSON_GetObjectItemCaseSensitive(parent, key);
    if (!c) {
        c = cJSON_AddObjectToObject(parent, key);
    }
    return c;
}

/* The base scenario with 'value' (JSON text) at 'path', as text. */
static char *
scenario_with(const char *path, const char *value)
{
    cJSON *root = cJSON_Parse(base_json);
    cJSON *v = cJSON_Parse(value);
    ck_assert_ptr_nonnull(root);
    ck_assert_msg(v != NULL, "bad test value %s", value);
    cJSON *node = root;
    const char *p = path;
    while (*p) {
        const char *q = p;
        /* Whether this step is the last: nothing follows it. */
        const char *end = q + (*q == '.');
        if (*end == '[' && end[1] == '"') {
            end = strchr(end + 2, '"') + 2;
        } else if (*end == '[') {
            end = strchr(end, ']') + 1;
        } else {
            end += strcspn(end, ".[");
        }
        node = step(node, &p, *end == '\0', v);
    }
    char *text = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return text;
}

static struct cfg_scenario *
load(const char *text, struct vh_diag *d)
{
    vh_diag_init(d);
    return cfg_load_string(text, "t.json", NULL, d);
}

START_TEST(test_base_loads)
{
    struct vh_diag d;
    struct cfg_scenario *sc = load(base_json, &d);
    ck_assert_msg(sc != NULL, "%s", d.msg);
    cfg_free(sc);
}
END_TEST

START_TEST(test_inside_loads)
{
    const struct range_case *c = &cases[_i];
    char *text = scenario_with(c->path, c->inside);
    struct vh_diag d;
    struct cfg_scenario *sc = load(text, &d);
    ck_assert_msg(sc != NULL, "%s = %s: %s", c->path, c->inside, d.msg);
    cfg_free(sc);
    free(text);
}
END_TEST

START_TEST(test_outside_refused_at_path)
{
    const struct range_case *c = &cases[_i];
    const char *at = c->at ? c->at : c->path;
    char *text = scenario_with(c->path, c->outside);
    struct vh_diag d;
    struct cfg_scenario *sc = load(text, &d);
    ck_assert_msg(sc == NULL, "%s = %s loaded", c->path, c->outside);
    ck_assert_msg(!strncmp(d.msg, at, strlen(at))
                  && d.msg[strlen(at)] == ':',
                  "%s = %s: got '%s', want it at '%s'", c->path,
                  c->outside, d.msg, at);
    free(text);
}
END_TEST

/* A number too large for a double: cJSON reads it as infinity (and would
 * write it back as null, so the table above cannot carry it). */
START_TEST(test_infinity_refused)
{
    static const struct {
        const char *from, *to, *at;
    } subs[] = {
        { "\"ghz\": 2.6", "\"ghz\": 1e999", "hosts[0].cpu.ghz" },
        { "\"cores\": 4", "\"cores\": -1e999", "hosts[0].cpu.cores" },
        { "\"count\": 5", "\"count\": 1e999", "traffic[0].count" },
    };
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
        const char *at = strstr(base_json, subs[i].from);
        ck_assert_ptr_nonnull(at);
        size_t head = (size_t) (at - base_json);
        char *text = malloc(sizeof base_json + 64);
        sprintf(text, "%.*s%s%s", (int) head, base_json, subs[i].to,
                at + strlen(subs[i].from));
        struct vh_diag d;
        struct cfg_scenario *sc = load(text, &d);
        ck_assert_msg(sc == NULL, "%s loaded", subs[i].to);
        size_t n = strlen(subs[i].at);
        ck_assert_msg(!strncmp(d.msg, subs[i].at, n) && d.msg[n] == ':',
                      "%s: got '%s'", subs[i].to, d.msg);
        free(text);
    }
}
END_TEST

/* ---- The same values through the other ways of setting a field. ---- */

/* Runs the vhsim binary on 'text' (written to a fresh directory as s.json)
 * with 'args' around it ("check %s"); returns its exit status, its output
 * in '*out'. */
static int
vhsim(const char *text, const char *args, char **out)
{
    char *dir = vh_test_tmpdir();
    char path[4096], cmd[8192];
    snprintf(path, sizeof path, "%s/s.json", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    snprintf(cmd, sizeof cmd, args, path);
    char *bin = realpath(vh_test_bin(), NULL);
    ck_assert_ptr_nonnull(bin);
    int st = vh_test_sh(out, "cd '%s' && '%s' %s 2>&1", dir, bin, cmd);
    free(bin);
    free(dir);
    return st;
}

/* A variant, a timed set event and sweep --set that make a field
 * unrepresentable: each is the field's own message, exit status 2. */
static const struct {
    const char *key;            /* As a variant writes it. */
    const char *value;          /* JSON text. */
    const char *at;             /* The field's JSON path. */
} indirect[] = {
    { "h.cpu.ghz", "1e-10", "hosts[0].cpu.ghz" },
    { "f.rate", "\"0.0000001pps\"", "traffic[0].rate" },
    { "f.rate", "\"999999999999999999Gpps\"", "traffic[0].rate" },
    { "sw.speed", "\"0.5K\"", "switches[0].speed" },
};

static char *
with_top(const char *member)
{
    size_t n = strlen(base_json);
    char *s = malloc(n + strlen(member) + 4);
    memcpy(s, base_json, n - 1);        /* Without its closing brace. */
    sprintf(s + n - 1, ", %s }", member);
    return s;
}

START_TEST(test_variant_refused)
{
    char member[512], *out = NULL;
    snprintf(member, sizeof member, "\"variants\": [ { \"name\": \"v\", "
             "\"set\": { \"%s\": %s } } ]", indirect[_i].key,
             indirect[_i].value);
    char *text = with_top(member);
    ck_assert_int_eq(vhsim(text, "check %s", &out), 2);
    ck_assert_msg(strstr(out, "variants[0]") && strstr(out, indirect[_i].at),
                  "%s", out);
    free(out);
    /* compare runs the base and shows the variant refused, with why. */
    ck_assert_int_eq(vhsim(text, "compare %s", &out), 0);
    ck_assert_msg(strstr(out, "refused") && strstr(out, indirect[_i].at),
                  "%s", out);
    free(out);
    free(text);
}
END_TEST

START_TEST(test_timed_set_refused)
{
    char member[512], *out = NULL;
    snprintf(member, sizeof member, "\"events\": [ { \"at\": \"1ms\", "
             "\"action\": \"set\", \"set\": { \"%s\": %s } } ]",
             indirect[_i].key, indirect[_i].value);
    char *text = with_top(member);
    ck_assert_int_eq(vhsim(text, "run %s", &out), 2);
    ck_assert_msg(strstr(out, "events[0].set") && strstr(out,
                                                         indirect[_i].at),
                  "%s", out);
    free(out);
    free(text);
}
END_TEST

START_TEST(test_sweep_set_refused)
{
    char args[512], *out = NULL;
    /* sweep --set takes the value as text: a JSON string's quotes go. */
    char value[128];
    snprintf(value, sizeof value, "%s", indirect[_i].value);
    if (value[0] == '"') {
        memmove(value, value + 1, strlen(value));
        value[strlen(value) - 1] = '\0';
    }
    snprintf(args, sizeof args, "sweep %%s --set '%s=%s' --seeds 1..1",
             indirect[_i].key, value);
    ck_assert_int_eq(vhsim(base_json, args, &out), 2);
    ck_assert_msg(strstr(out, indirect[_i].at), "%s", out);
    free(out);
}
END_TEST

/* ---- How much one scenario may hold. ---- */

/* The base scenario with 'n' more objects made by 'fmt' appended to the
 * array at 'path'; 'fmt' takes the entry's number (%zu), and may take two
 * more for the last two bytes of an address of its own. */
static char *
scenario_grown(const char *path, size_t n, const char *fmt)
{
    cJSON *root = cJSON_Parse(base_json);
    cJSON *arr = root;
    char buf[256];
    for (const char *p = path; *p;) {
        cJSON *next;
        if (*p == '[') {
            long i = strtol(p + 1, (char **) &p, 10);
            p++;
            next = cJSON_GetArrayItem(arr, (int) i);
        } else {
            size_t k = strcspn(p, ".[");
            memcpy(buf, p, k);
            buf[k] = '\0';
            p += k;
            next = cJSON_GetObjectItemCaseSensitive(arr, buf);
            if (!next) {
                next = cJSON_AddArrayToObject(arr, buf);
            }
        }
        if (*p == '.') {
            p++;
        }
        ck_assert_ptr_nonnull(next);
        arr = next;
    }
    for (size_t i = 0; i < n; i++) {
        /* The entry's number, then two bytes of an address for it. */
        snprintf(buf, sizeof buf, fmt, i, 100 + i / 250, i % 250 + 1);
        cJSON *o = cJSON_Parse(buf);
        ck_assert_msg(o != NULL, "%s", buf);
        cJSON_AddItemToArray(arr, o);
    }
    char *text = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return text;
}

static const struct {
    const char *path;           /* The array to grow. */
    size_t fits;                /* Entries to add that still load. */
    const char *fmt;            /* One more entry, %zu its number. */
    const char *at;             /* Where one more is refused. */
} lists[] = {
    { "hosts", 1022, "{ \"name\": \"x%zu\" }", "hosts" },
    { "hosts[0].vms", 4095, "{ \"name\": \"v%zu\" }",
      "hosts[0].vms[4096]" },
    { "hosts[1].vms", 4095, "{ \"name\": \"v%zu\" }",
      "hosts[1].vms[4095]" },
    { "traffic", 8191, "{ \"name\": \"g%zu\", \"from\": \"h/vm1\", "
      "\"to\": \"r\", \"rate\": \"1pps\", \"count\": 1 }", "traffic" },
    { "switches", 1023, "{ \"name\": \"s%zu\", \"ports\": 1 }",
      "switches" },
    { "hosts[1].containers", 4096, "{ \"name\": \"c%zu\" }",
      "hosts[1].containers[4096]" },
    { "hosts", 63, "{ \"name\": \"x%zu\", \"cpu\": { \"cores\": 1024 } }",
      "hosts[65].cpu" },
    { "hosts[1].nics", 16382, "{ \"name\": \"e%zu\" }",
      "hosts[1].nics[16383]" },
    { "hosts[0].vms[0].nics", 16383, "{ \"name\": \"n%zu\", "
      "\"ip\": \"10.1.%zu.%zu/16\", \"attach\": { \"type\": \"ovs\", "
      "\"to\": \"br0\" } }",
      "hosts[0].vms[0].nics[16384]" },
    { "capture", 65536, "{ \"point\": \"h/eth0\", \"file\": \"c%zu.pcap\" }",
      "capture" },
};

START_TEST(test_list_limit)
{
    struct vh_diag d;
    char *text = scenario_grown(lists[_i].path, lists[_i].fits,
                                lists[_i].fmt);
    struct cfg_scenario *sc = load(text, &d);
    /* A capture list this long is refused for its files' count in the
     * directory, not its own length: only that entry checks less. */
    if (strcmp(lists[_i].path, "capture")) {
        ck_assert_msg(sc != NULL, "%zu more in %s: %s", lists[_i].fits,
                      lists[_i].path, d.msg);
    }
    cfg_free(sc);
    free(text);

    text = scenario_grown(lists[_i].path, lists[_i].fits + 1,
                          lists[_i].fmt);
    sc = load(text, &d);
    ck_assert_ptr_null(sc);
    size_t n = strlen(lists[_i].at);
    ck_assert_msg(!strncmp(d.msg, lists[_i].at, n) && d.msg[n] == ':',
                  "got '%s', want it at '%s'", d.msg, lists[_i].at);
    ck_assert_msg(strstr(d.msg, "may hold"), "%s", d.msg);
    free(text);
}
END_TEST

static Suite *
ranges_suite(void)
{
    Suite *s = suite_create("ranges");
    TCase *tc = tcase_create("fields");
    tcase_add_test(tc, test_base_loads);
    tcase_add_test(tc, test_infinity_refused);
    tcase_add_loop_test(tc, test_inside_loads, 0,
                        sizeof cases / sizeof cases[0]);
    tcase_add_loop_test(tc, test_outside_refused_at_path, 0,
                        sizeof cases / sizeof cases[0]);
    suite_add_tcase(s, tc);

    tc = tcase_create("indirect");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_variant_refused, 0,
                        sizeof indirect / sizeof indirect[0]);
    tcase_add_loop_test(tc, test_timed_set_refused, 0,
                        sizeof indirect / sizeof indirect[0]);
    tcase_add_loop_test(tc, test_sweep_set_refused, 0,
                        sizeof indirect / sizeof indirect[0]);
    suite_add_tcase(s, tc);

    tc = tcase_create("lists");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_list_limit, 0,
                        sizeof lists / sizeof lists[0]);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(ranges_suite)
