/* tests/test_ipv6.c: IPv6 in endpoints.
 *
 * The address forms RFC 4291 reads and RFC 5952 writes; the derived
 * addresses (solicited-node groups, their 33:33 MACs, EUI-64 link-local
 * addresses); checksums over the IPv6 pseudo-header, checked by our
 * parser and by tshark; neighbour discovery messages; and dual-stack
 * endpoints at work: ND before the first packet, one advertisement per
 * solicitation from the neighbour asked only, ICMPv6 echo, UDP and TCP
 * over IPv6 through a bridge and a VF, as tshark decodes them; ND that
 * gets no answer; the loader's refusals at their JSON paths (exit 2);
 * and the same output for the same seed.  Across a router: the
 * solicitation and advertisement that give a VM its default router,
 * ping6 and UDP to another prefix with the hop limit one lower beyond
 * the router, and the refusal of a flow whose link has no router. */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "models/core/world.h"
#include "models/endpoint/endpoint.h"
#include "models/endpoint/igmp.h"
#include "models/endpoint/tcp.h"
#include "sim/ip6.h"
#include "sim/packet.h"
#include "sim/tcpframe.h"
#include "tests/testutil.h"
#include "tests/worldtest.h"

static struct vh_ip6
ip6(const char *s)
{
    struct vh_ip6 a;
    ck_assert_msg(vh_ip6_parse(s, &a, NULL), "cannot parse %s", s);
    return a;
}

START_TEST(test_ip6_text_forms)
{
    /* Input form -> RFC 5952's canonical text. */
    static const char *const pairs[][2] = {
        { "2001:db8::5", "2001:db8::5" },
        { "2001:0DB8:0000:0000:0000:0000:0000:0005", "2001:db8::5" },
        { "::", "::" },
        { "::1", "::1" },
        { "1::", "1::" },
        { "fe80::5054:ff:fe12:3456", "fe80::5054:ff:fe12:3456" },
        /* The longest run is shortened; the first of two equal ones. */
        { "2001:0:0:1:0:0:0:1", "2001:0:0:1::1" },
        { "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1" },
        /* A lone zero group stays. */
        { "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1" },
        { "::ffff:10.0.0.1", "::ffff:a00:1" },
        { "ff02::1:ff00:5", "ff02::1:ff00:5" },
    };
    char buf[VH_IP6_STRLEN];
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        struct vh_ip6 a = ip6(pairs[i][0]);
        ck_assert_str_eq(vh_ip6_format(&a, buf), pairs[i][1]);
    }
    static const char *const bad[] = {
        "", ":", ":::", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1::2::3",
        "12345::1", "1:", ":1", "g::1", "fe80::1%eth0", "1.2.3.4",
        "::1.2.3", "1:2:3:4:5:6:7:1.2.3.4",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct vh_ip6 a;
        ck_assert_msg(!vh_ip6_parse(bad[i], &a, NULL), "took '%s'", bad[i]);
    }
    struct vh_ip6 a;
    int prefix = 0;
    ck_assert(vh_ip6_parse("2001:db8::5/64", &a, &prefix));
    ck_assert_int_eq(prefix, 64);
    ck_assert(vh_ip6_parse("2001:db8::5", &a, &prefix));
    ck_assert_int_eq(prefix, 128);
    ck_assert(!vh_ip6_parse("2001:db8::5/129", &a, &prefix));
    ck_assert(!vh_ip6_parse("2001:db8::5/064", &a, &prefix));
    ck_assert(!vh_ip6_parse("2001:db8::5/", &a, &prefix));
    ck_assert(!vh_ip6_parse("2001:db8::5/64", &a, NULL));

    struct vh_ip6 b = ip6("2001:db8::ffff:1");
    ck_assert(vh_ip6_same_prefix(&a, &b, 64));
    ck_assert(vh_ip6_same_prefix(&a, &b, 96));
    ck_assert(!vh_ip6_same_prefix(&a, &b, 97));
    struct vh_ip6 c = ip6("2001:db9::5");
    ck_assert(!vh_ip6_same_prefix(&a, &c, 32));
    ck_assert(vh_ip6_same_prefix(&a, &c, 31));
}
END_TEST

START_TEST(test_ip6_derived_addresses)
{
    char buf[VH_IP6_STRLEN], mbuf[18];
    struct vh_ip6 a = ip6("2001:db8::12:3456");
    struct vh_ip6 sn = vh_ip6_solicited_node(&a);
    ck_assert_str_eq(vh_ip6_format(&sn, buf), "ff02::1:ff12:3456");
    struct vh_mac m = vh_ip6_multicast_mac(&sn);
    ck_assert_str_eq(vh_mac_format(&m, mbuf), "33:33:ff:12:34:56");
    struct vh_mac all = vh_ip6_multicast_mac(&vh_ip6_all_nodes);
    ck_assert_str_eq(vh_mac_format(&all, mbuf), "33:33:00:00:00:01");
    /* RFC 4291 appendix A: the universal/local bit flipped, ff:fe in the
     * middle. */
    struct vh_mac mac;
    ck_assert(vh_mac_parse("52:54:00:12:34:56", &mac));
    struct vh_ip6 ll = vh_ip6_link_local(&mac);
    ck_assert_str_eq(vh_ip6_format(&ll, buf), "fe80::5054:ff:fe12:3456");
    ck_assert(vh_ip6_is_link_local(&ll));
    ck_assert(!vh_ip6_is_link_local(&a));
    ck_assert(vh_ip6_is_multicast(&sn));
}
END_TEST

/* A frame built over IPv6 is parsed back with its checksum verified;
 * one byte changed in the payload, or in an address the pseudo-header
 * covers, fails it. */
static void
check_checksum_covers(uint8_t *f, uint32_t len, uint32_t payload_at)
{
    struct vh_frame_info fi;
    ck_assert_int_eq(vh_frame_parse(f, len, &fi, true), 0);
    f[payload_at] ^= 0x40;
    ck_assert_int_eq(vh_frame_parse(f, len, &fi, true), -1);
    f[payload_at] ^= 0x40;
    f[VH_ETH_HLEN + VH_IPV6_DST_OFF + 15] ^= 1;
    ck_assert_int_eq(vh_frame_parse(f, len, &fi, true), -1);
    f[VH_ETH_HLEN + VH_IPV6_DST_OFF + 15] ^= 1;
}

START_TEST(test_ip6_frames_and_pseudo_header)
{
    uint8_t f[2048];
    struct vh_ip_hdr_spec spec = {
        .v6 = true, .ip6_src = ip6("2001:db8::1"),
        .ip6_dst = ip6("2001:db8::2"),
    };
    vh_mac_parse("52:54:00:00:00:02", &spec.dst_mac);
    vh_mac_parse("52:54:00:00:00:01", &spec.src_mac);

    uint32_t len = vh_build_udp(f, &spec, 1000, 9, NULL, 100);
    ck_assert_uint_eq(len, VH_ETH_HLEN + VH_IPV6_HLEN + VH_UDP_HLEN + 100);
    struct vh_frame_info fi;
    ck_assert_int_eq(vh_frame_parse(f, len, &fi, true), 0);
    ck_assert(fi.is_ipv6 && !fi.is_ipv4);
    ck_assert_uint_eq(fi.ethertype, VH_ETHERTYPE_IPV6);
    ck_assert_uint_eq(fi.ip_proto, VH_IPPROTO_UDP);
    ck_assert_uint_eq(fi.ip_ttl, 64);
    ck_assert_uint_eq(fi.ip_total_len, VH_IPV6_HLEN + VH_UDP_HLEN + 100);
    ck_assert_uint_eq(fi.sport, 1000);
    ck_assert_uint_eq(fi.dport, 9);
    ck_assert(vh_ip6_eq(&fi.ip6_dst, &spec.ip6_dst));
    check_checksum_covers(f, len, fi.l4_off + VH_UDP_HLEN + 5);
    /* IPv6 has no checksum-less UDP: a zero checksum is wrong. */
    f[fi.l4_off + VH_UDP_CSUM_OFF] = f[fi.l4_off + VH_UDP_CSUM_OFF + 1] = 0;
    ck_assert_int_eq(vh_frame_parse(f, len, &fi, true), -1);

    len = vh_build_icmp_echo(f, &spec, VH_ICMP_ECHO_REQUEST, 7, 3, NULL, 56);
    ck_assert_int_eq(vh_frame_parse(f, len, &fi, true), 0);
    ck_assert_uint_eq(fi.ip_proto, VH_IPPROTO_ICMPV6);
    ck_assert_uint_eq(fi.icmp_type, VH_ICMP6_ECHO_REQUEST);
    ck_assert_uint_eq(fi.icmp_id, 7);
    ck_assert_uint_eq(fi.icmp_seq, 3);
    /* ICMPv6, unlike ICMP, sums the pseudo-header (RFC 4443 2.3). */
    check_checksum_covers(f, len, fi.l4_off + VH_ICMP_HLEN + 5);

    struct vh_tcp_hdr h = {
        .sport = 40000, .dport = 5201, .seq = 1, .ack = 1,
        .flags = VH_TCP_ACK, .win = 500, .wscale = -1, .payload_len = 1000,
    };
    len = vh_build_tcp(f, &spec, &h, 0);
    ck_assert_int_eq(vh_frame_parse(f, len, &fi, false), 0);
    struct vh_tcp_hdr got;
    ck_assert_int_eq(vh_tcp_parse(f, len, &fi, &got, true), 0);
    ck_assert_uint_eq(got.payload_len, 1000);
    f[VH_ETH_HLEN + VH_IPV6_SRC_OFF] ^= 1;
    ck_assert_int_eq(vh_frame_parse(f, len, &fi, false), 0);
    ck_assert_int_eq(vh_tcp_parse(f, len, &fi, &got, true), -1);

    /* The same frame size carries 20 bytes less over IPv6. */
    ck_assert_uint_eq(vh_udp_payload_for_size(128)
                      - vh_udp6_payload_for_size(128), 20);
    ck_assert_uint_eq(vh_tcp6_mss_for(1518, 1500), 1440);
    ck_assert_uint_eq(vh_tcp_mss_for(1518, 1500), 1460);
}
END_TEST

/* A TCP super-frame over IPv6 cut by GSO: every segment has IPv6's
 * payload length and a checksum that verifies. */
START_TEST(test_ip6_gso_segments)
{
    static uint8_t super[70000], seg[2048];
    struct vh_ip_hdr_spec spec = {
        .v6 = true, .ip6_src = ip6("2001:db8::1"),
        .ip6_dst = ip6("2001:db8::2"),
    };
    struct vh_tcp_hdr h = {
        .sport = 1, .dport = 2, .seq = 100, .flags = VH_TCP_ACK | VH_TCP_PSH,
        .win = 1, .wscale = -1, .payload_len = 4000,
    };
    uint32_t len = vh_build_tcp(super, &spec, &h, 0);
    struct vh_frame_info fi, sfi;
    struct vh_tcp_hdr sh, ph;
    ck_assert_int_eq(vh_frame_parse(super, len, &fi, false), 0);
    ck_assert_int_eq(vh_tcp_parse(super, len, &fi, &sh, true), 0);
    uint32_t total = 0;
    for (uint32_t i = 0; i < 3; i++) {
        uint32_t n = vh_tcp_gso_segment(seg, super, &fi, &sh, 1440, i);
        ck_assert_int_eq(vh_frame_parse(seg, n, &sfi, true), 0);
        ck_assert_int_eq(vh_tcp_parse(seg, n, &sfi, &ph, true), 0);
        ck_assert_uint_eq(sfi.ip_total_len - VH_IPV6_HLEN,
                          ph.hdr_len + ph.payload_len);
        ck_assert_uint_eq(ph.seq, 100 + total);
        ck_assert_uint_eq(!!(ph.flags & VH_TCP_PSH), i == 2);
        total += ph.payload_len;
    }
    ck_assert_uint_eq(total, 4000);
}
END_TEST

START_TEST(test_nd_messages)
{
    uint8_t f[256];
    struct vh_mac mac, dst;
    vh_mac_parse("52:54:00:00:00:01", &mac);
    struct vh_ip6 target = ip6("2001:db8::2");
    struct vh_ip6 group = vh_ip6_solicited_node(&target);
    dst = vh_ip6_multicast_mac(&group);
    struct vh_ip6 src = ip6("2001:db8::1");
    struct vh_nd ns = {
        .type = VH_ICMP6_NS, .target = target, .has_lladdr = true,
        .lladdr = mac,
    };
    uint32_t len = vh_build_nd(f, &dst, &mac, &src, &group, &ns);
    /* 14 + 40 + 24 + an 8-byte option. */
    ck_assert_uint_eq(len, 86);
    struct vh_frame_info fi;
    struct vh_nd got;
    ck_assert_int_eq(vh_frame_parse(f, len, &fi, true), 0);
    ck_assert_uint_eq(fi.ip_ttl, 255);
    ck_assert(vh_nd_parse(f, &fi, &got));
    ck_assert_uint_eq(got.type, VH_ICMP6_NS);
    ck_assert(vh_ip6_eq(&got.target, &target));
    ck_assert(got.has_lladdr && vh_mac_eq(&got.lladdr, &mac));

    /* A router advertisement with its prefix, read back. */
    struct vh_nd ra = {
        .type = VH_ICMP6_RA, .cur_hop_limit = 64, .router_lifetime = 1800,
        .has_lladdr = true, .lladdr = mac, .has_prefix = true,
        .prefix = ip6("2001:db8::99"), .prefix_len = 64,
        .prefix_flags = 0xc0, .valid_s = 2592000, .preferred_s = 604800,
    };
    struct vh_ip6 ll = vh_ip6_link_local(&mac);
    struct vh_mac all = vh_ip6_multicast_mac(&vh_ip6_all_nodes);
    len = vh_build_nd(f, &all, &mac, &ll, &vh_ip6_all_nodes, &ra);
    ck_assert_int_eq(vh_frame_parse(f, len, &fi, true), 0);
    ck_assert(vh_nd_parse(f, &fi, &got));
    ck_assert_uint_eq(got.router_lifetime, 1800);
    ck_assert(got.has_prefix && got.prefix_len == 64);
    struct vh_ip6 want = ip6("2001:db8::");
    ck_assert(vh_ip6_eq(&got.prefix, &want));
    ck_assert_uint_eq(got.valid_s, 2592000);

    /* A hop limit below 255 means it came through a router: refused
     * (RFC 4861 7.1.1). */
    f[VH_ETH_HLEN + VH_IPV6_HOPS_OFF] = 254;
    ck_assert_int_eq(vh_frame_parse(f, len, &fi, false), 0);
    ck_assert(!vh_nd_parse(f, &fi, &got));
}
END_TEST

/* The interface's multicast filter: all-nodes and the solicited-node
 * groups of its global and link-local addresses, no other IPv6 group;
 * none without IPv6. */
START_TEST(test_ipv6_multicast_filter)
{
    struct endpoint ep;
    memset(&ep, 0, sizeof ep);
    vh_mac_parse("52:54:00:12:34:56", &ep.mac);
    struct vh_mac all = vh_ip6_multicast_mac(&vh_ip6_all_nodes);
    struct vh_mac mine, ll, other, lldp;
    vh_mac_parse("33:33:ff:00:00:02", &mine);
    vh_mac_parse("33:33:ff:12:34:56", &ll);
    vh_mac_parse("33:33:ff:00:00:03", &other);
    vh_mac_parse("01:80:c2:00:00:0e", &lldp);
    ck_assert(!endpoint_mac_accepts(&ep, &all));
    ck_assert(!endpoint_mac_accepts(&ep, &mine));
    ck_assert(endpoint_mac_accepts(&ep, &lldp));
    ep.has_ip6 = true;
    ep.ip6 = ip6("2001:db8::2");
    ep.prefix6 = 64;
    ep.ll6 = vh_ip6_link_local(&ep.mac);
    ck_assert(endpoint_mac_accepts(&ep, &all));
    ck_assert(endpoint_mac_accepts(&ep, &mine));
    ck_assert(endpoint_mac_accepts(&ep, &ll));
    ck_assert(!endpoint_mac_accepts(&ep, &other));
    ck_assert(endpoint_mac_accepts(&ep, &ep.mac));
    ck_assert(endpoint_mac_accepts(&ep, &vh_mac_broadcast));
}
END_TEST

/* Two dual-stack VMs on a bridge and a third on a VF, and a bare-metal
 * host behind the switch, whose flows 'traffic' are: a ping6 between
 * the bridged VMs, UDP over IPv6 from one of them and from the VF to
 * the host, TCP over IPv6 to it, and UDP from it to the VF (its
 * solicitation from the cable through the NIC's embedded switch). */
static const char lab_fmt[] =
    "{'name': 't', 'duration': '%s', 'hosts': ["
    "{'name': 'h', 'cpu': {'cores': 8}, 'iommu': {'enabled': true},"
    " 'nics': [{'name': 'eth0', 'model': '82599', 'sriov': {'vfs': 2},"
    "  'link': 'tor/p1'}],"
    " 'bridges': [{'name': 'br0', 'type': '%s', 'ports': ['eth0']}],"
    " 'vms': ["
    "  {'name': 'a', 'nics': [{'name': 'eth0', 'ip': '10.0.0.1/24',"
    "   'ip6': '2001:db8::1/64', 'mac': '52:54:00:00:00:01',"
    "   'attach': {'type': '%s', 'to': 'br0'}}]},"
    "  {'name': 'b', 'nics': [{'name': 'eth0', 'ip': '10.0.0.2/24',"
    "   'ip6': '2001:db8::2/64', 'mac': '52:54:00:00:00:02',"
    "   'attach': {'type': '%s', 'to': 'br0'}}]},"
    "  {'name': 'v', 'nics': [{'name': 'eth0', 'ip': '10.0.0.3/24',"
    "   'ip6': '2001:db8::3/64', 'mac': '52:54:00:00:00:03',"
    "   'attach': {'type': 'sriov-vf', 'to': 'eth0'}}]}]},"
    "{'name': 'r', 'nics': [{'name': 'eth0', 'ip': '10.0.0.100/24',"
    " 'ip6': '2001:db8::100/64', 'mac': '02:00:00:00:00:64',"
    " 'link': 'tor/p2'}]}],"
    "'switches': [{'name': 'tor', 'mode': '802.1q', 'ports': 4}],"
    "'traffic': [%s],"
    "'capture': [{'point': 'h/a/eth0', 'file': 'a.pcap'},"
    " {'point': 'r/eth0', 'file': 'r.pcap'}]}";

static char *
lab(const char *duration, const char *bridge, const char *traffic)
{
    static char buf[8192];
    const char *attach = !strcmp(bridge, "ovs") ? "ovs" : "bridge";
    snprintf(buf, sizeof buf, lab_fmt, duration, bridge, attach, attach,
             traffic);
    return vh_test_dq(buf);
}

static const char lab_traffic[] =
    "{'name': 'ping6', 'from': 'h/a', 'to': 'h/b', 'proto': 'icmp6',"
    " 'rate': '10kpps', 'count': 3, 'start': '100us'},"
    "{'name': 'udp6', 'from': 'h/a', 'to': 'r', 'proto': 'udp',"
    " 'family': 6, 'rate': '20kpps', 'count': 10, 'start': '200us'},"
    "{'name': 'vf6', 'from': 'h/v', 'to': 'r', 'proto': 'udp',"
    " 'family': 6, 'size': 200, 'rate': '20kpps', 'count': 10,"
    " 'start': '200us'},"
    "{'name': 'tcp6', 'from': 'h/a', 'to': 'r', 'proto': 'tcp',"
    " 'family': 6, 'bytes': 100000, 'start': '400us'},"
    "{'name': 'tovf6', 'from': 'r', 'to': 'h/v', 'proto': 'udp',"
    " 'family': 6, 'rate': '20kpps', 'count': 10, 'start': '2ms'}";

/* Every frame of 'pcap' decodes without an error or warning (TCP's
 * notes on a connection opening and closing are not), its ICMPv6, UDP
 * and TCP checksums over IPv6 verified good. */
static void
assert_ipv6_clean(const char *pcap)
{
    char *out = vh_tshark_out(pcap, "-q -z expert");
    ck_assert_msg(!strstr(out, "Errors") && !strstr(out, "Warns")
                  && !strstr(out, "Malformed"), "expert:\n%s", out);
    free(out);
    ck_assert_int_eq(vh_tshark_count(pcap, "_ws.malformed || _ws.expert.severity "
                                  ">= 6291456"), 0);
    ck_assert_int_gt(vh_tshark_count(pcap, "ipv6"), 0);
    ck_assert_int_eq(vh_tshark_count(pcap, "icmpv6 && "
                                  "icmpv6.checksum.status != 1"), 0);
    ck_assert_int_eq(vh_tshark_count(pcap, "ipv6 && udp && "
                                  "udp.checksum.status != 1"), 0);
    ck_assert_int_eq(vh_tshark_count(pcap, "ipv6 && tcp && "
                                  "tcp.checksum.status != 1"), 0);
}

/* No UDP datagram or echo over IPv6 fits in 64 bytes (its header is 20
 * bytes longer than IPv4's): a flow asking for 64 sends the smallest, 66
 * on the wire, and its size and throughput say so; over IPv4 64 stays. */
START_TEST(test_ip6_smallest_frame_counted)
{
    char *json = vh_test_dq(
        "{ 'name': 'small6', 'duration': '1ms', 'hosts': ["
        "  { 'name': 'a', 'nics': [ { 'name': 'eth0', 'ip': '10.0.0.1/24',"
        "    'ip6': '2001:db8::1/64', 'link': 'b/eth0' } ] },"
        "  { 'name': 'b', 'nics': [ { 'name': 'eth0', 'ip': '10.0.0.2/24',"
        "    'ip6': '2001:db8::2/64' } ] } ],"
        "  'traffic': ["
        "  { 'name': 'u6', 'from': 'a', 'to': 'b', 'family': 6, 'size': 64,"
        "    'rate': '100kpps', 'count': 10 },"
        "  { 'name': 'e6', 'from': 'a', 'to': 'b', 'proto': 'icmp6',"
        "    'size': 64, 'rate': '100kpps', 'count': 10 },"
        "  { 'name': 'u4', 'from': 'a', 'to': 'b', 'size': 64,"
        "    'rate': '100kpps', 'count': 10 } ] }");
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    ck_assert_uint_eq(r.w->flows[0].cfg->size, 66);
    ck_assert_uint_eq(r.w->flows[1].cfg->size, 66);
    ck_assert_uint_eq(r.w->flows[2].cfg->size, 64);
    for (size_t i = 0; i < 3; i++) {
        ck_assert_uint_eq(r.w->flows[i].delivered, 10);
    }
    wt_run_free(&r);
    free(json);
}
END_TEST

/* Request/response over IPv6, UDP and TCP: every transaction completes,
 * the UDP replies are IPv6 datagrams of the response's size (196 bytes
 * captured for 200 on the wire), and nothing in the capture is amiss. */
START_TEST(test_ip6_request_response)
{
    vh_tshark_require();
    const char *json =
        "{ 'name': 'rr6', 'duration': '3ms', 'hosts': ["
        "  { 'name': 'a', 'nics': [ { 'name': 'eth0', 'ip': '10.0.0.1/24',"
        "    'ip6': '2001:db8::1/64', 'link': 'b/eth0' } ] },"
        "  { 'name': 'b', 'nics': [ { 'name': 'eth0', 'ip': '10.0.0.2/24',"
        "    'ip6': '2001:db8::2/64' } ] } ],"
        "  'traffic': ["
        "  { 'name': 'u', 'from': 'a', 'to': 'b', 'pattern': 'rr',"
        "    'family': 6, 'size': 100, 'response_size': 200, 'count': 20 },"
        "  { 'name': 't', 'from': 'a', 'to': 'b', 'proto': 'tcp',"
        "    'pattern': 'rr', 'family': 6, 'count': 20, 'start': '1ms' } ],"
        "  'capture': [ { 'point': 'b/eth0', 'file': 'r.pcap' } ] }";
    char *dq = vh_test_dq(json);
    struct wt_run r = wt_run_json(dq, NULL, NULL, NULL);
    for (size_t i = 0; i < 2; i++) {
        ck_assert_uint_eq(r.w->flows[i].delivered, 20);
        ck_assert_uint_eq(r.w->flows[i].xport->transactions, 20);
    }
    wt_run_free(&r);
    char *dir = vh_test_run_scenario(dq, "");
    char pcap[PATH_MAX + 16];
    snprintf(pcap, sizeof pcap, "%s/r.pcap", dir);
    assert_ipv6_clean(pcap);
    ck_assert_int_eq(vh_tshark_count(pcap, "ipv6.src == 2001:db8::2 && udp "
                                  "&& frame.len == 196"), 20);
    ck_assert_int_eq(vh_tshark_count(pcap, "ip && (udp || tcp)"), 0);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
    free(dq);
}
END_TEST

static void
check_lab(const char *bridge)
{
    vh_tshark_require();
    char *json = lab("3ms", bridge, lab_traffic);
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    for (size_t i = 0; i < r.w->n_flows; i++) {
        const struct flow_stats *fs = &r.w->flows[i];
        ck_assert_msg(fs->delivered > 0 && fs->drops.total == 0,
                      "%s over %s: delivered %llu of %llu, dropped %llu",
                      fs->cfg->name, bridge,
                      (unsigned long long) fs->delivered,
                      (unsigned long long) fs->sent,
                      (unsigned long long) fs->drops.total);
        if (fs->cfg->proto != CFG_PROTO_TCP) {
            ck_assert_uint_eq(fs->delivered, fs->sent);
        }
    }
    wt_assert_conserved(r.w, false);
    wt_run_free(&r);

    char *dir = vh_test_run_scenario(json, "");
    char a[PATH_MAX + 16], rp[PATH_MAX + 16];
    snprintf(a, sizeof a, "%s/a.pcap", dir);
    snprintf(rp, sizeof rp, "%s/r.pcap", dir);
    assert_ipv6_clean(a);
    assert_ipv6_clean(rp);
    /* No ARP for IPv6 flows: a's frames are ND, ICMPv6, UDP and TCP. */
    ck_assert_int_eq(vh_tshark_count(a, "arp"), 0);
    /* The DAD probe of a's address: from ::, to its solicited-node
     * group, no source link-layer option. */
    vh_tshark_expect(a, 1, "-e ipv6.src -e ipv6.dst -e eth.dst "
                     "-e icmpv6.type -e icmpv6.nd.ns.target_address "
                     "-e icmpv6.opt.type",
                     "::\tff02::1:ff00:1\t33:33:ff:00:00:01\t135\t"
                     "2001:db8::1\t\n");
    /* a asks for b before its first echo: a solicitation to b's group
     * with a's MAC, then b's solicited advertisement, then the echo. */
    char *out = vh_tshark_out(a, "-Y 'ipv6.src == 2001:db8::1 || "
                              "ipv6.dst == 2001:db8::1' -T fields "
                              "-e icmpv6.type -e eth.dst "
                              "-e icmpv6.nd.na.flag.s "
                              "-e icmpv6.opt.linkaddr | sed -n '1,3p' "
                              "| tr '\\t\\n' ' ;'");
    ck_assert_str_eq(out, "135 33:33:ff:00:00:02  52:54:00:00:00:01;"
                     "136 52:54:00:00:00:01 1 52:54:00:00:00:02;"
                     "128 52:54:00:00:00:02  ;");
    free(out);
    /* One advertisement per address asked about, each from its owner
     * only: the VMs not asked never answer. */
    ck_assert_int_eq(vh_tshark_count(a, "icmpv6.type == 136 && "
                                  "icmpv6.nd.na.target_address == "
                                  "2001:db8::2"), 1);
    ck_assert_int_eq(vh_tshark_count(rp, "icmpv6.type == 136"), 2);
    ck_assert_int_eq(vh_tshark_count(a, "icmpv6.type == 129"), 3);
    /* UDP over IPv6: 64-byte frames carry no payload; the VF's 200-byte
     * ones 134 bytes. */
    ck_assert_int_eq(vh_tshark_count(rp, "ipv6.src == 2001:db8::1 && "
                                  "udp.length == 8"), 10);
    ck_assert_int_eq(vh_tshark_count(rp, "ipv6.src == 2001:db8::3 && "
                                  "udp.length == 142"), 10);
    /* TCP over IPv6: MSS 1440 on both SYNs, full segments of 1428 (1440
     * less the timestamps), the stream complete. */
    ck_assert_int_eq(vh_tshark_count(rp, "tcp.options.mss_val == 1440"), 2);
    ck_assert_int_eq(vh_tshark_count(rp, "tcp.flags.syn == 1 && "
                                  "!(tcp.options.mss_val == 1440)"), 0);
    ck_assert_int_eq(vh_tshark_count(rp, "tcp.len > 1428"), 0);
    ck_assert_int_eq(vh_tshark_count(rp, "tcp.len == 1428"), 100000 / 1428);
    ck_assert_int_eq(vh_tshark_count(rp, "tcp.analysis.flags && "
                                  "!tcp.analysis.window_update"), 0);
    free(dir);
    free(json);
}

START_TEST(test_ipv6_through_linux_bridge)
{
    check_lab("linux-bridge");
}
END_TEST

START_TEST(test_ipv6_through_ovs)
{
    check_lab("ovs");
}
END_TEST

/* A neighbour that never answers (its port in another VLAN): three
 * solicitations a second apart, then the held packets fail as
 * "nd-failed"; past the queue, at once as "nd-queue-full". */
START_TEST(test_nd_fails)
{
    char *json = vh_test_dq(
        "{'name': 't', 'duration': '3500ms', 'hosts': [{'name': 'h',"
        " 'bridges': [{'name': 'br0', 'type': 'ovs'}], 'vms': ["
        "  {'name': 'a', 'nics': [{'name': 'eth0', 'ip': '10.0.0.1/24',"
        "   'ip6': '2001:db8::1/64',"
        "   'attach': {'type': 'ovs', 'to': 'br0', 'vlan': 10}}]},"
        "  {'name': 'b', 'nics': [{'name': 'eth0', 'ip': '10.0.0.2/24',"
        "   'ip6': '2001:db8::2/64',"
        "   'attach': {'type': 'ovs', 'to': 'br0', 'vlan': 20}}]}]}],"
        "'traffic': [{'name': 'f', 'from': 'h/a', 'to': 'h/b',"
        " 'proto': 'udp', 'family': 6, 'rate': '100kpps', 'count': 102}]}");
    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    const struct flow_stats *fs = &r.w->flows[0];
    /* 100 wait (the neighbour queue), the last two find it full; the
     * 100 fail once the third solicitation is unanswered. */
    ck_assert_uint_eq(fs->delivered, 0);
    ck_assert_uint_eq(fs->drops.total, 102);
    ck_assert_uint_eq(vh_drops_get(&fs->drops, "nd-queue-full"), 2);
    ck_assert_uint_eq(vh_drops_get(&fs->drops, "nd-failed"), 100);
    const struct endpoint *a = fs->src;
    /* The DAD probe and three solicitations for b. */
    ck_assert_uint_eq(a->nd_solicits, 4);
    ck_assert_uint_eq(a->arp_requests, 0);
    wt_assert_conserved(r.w, true);
    wt_run_free(&r);
    free(json);
}
END_TEST

/* What is not built, or makes no sense, refused at its path. */
START_TEST(test_ipv6_refusals)
{
    static const struct {
        const char *vm_a_extra;     /* Replaces a's ip6 key. */
        const char *traffic;
        const char *msg;
    } bad[] = {
        { "'ip6': '2001:db8::1/64'",
          "{'name': 'f', 'from': 'h/a', 'to': 'h/b', 'proto': 'udp', "
          "'family': 6, 'rate': '1kpps'}", NULL },
        { "'ip6': '2001:db8::1/64'",
          "{'name': 'f', 'from': 'h/a', 'to': 'h/c', 'proto': 'udp', "
          "'family': 6, 'rate': '1kpps'}",
          "traffic[0].family: 'h/c' has no IPv6 address" },
        { "'ip6': '2001:db8::1/64'",
          "{'name': 'f', 'from': 'h/a', 'to': 'h/b', 'proto': 'icmp6', "
          "'family': 4, 'rate': '1kpps'}",
          "traffic[0].family: proto 'icmp6' is ICMPv6" },
        { "'ip6': '2001:db8::1/64'",
          "{'name': 'f', 'from': 'h/a', 'to': 'h/b', 'proto': 'icmp', "
          "'family': 6, 'rate': '1kpps'}",
          "traffic[0].family: an echo over IPv6 is proto 'icmp6'" },
        { "'ip6': '2001:db8::1/64'",
          "{'name': 'f', 'from': 'h/a', 'to': 'h/b', 'proto': 'udp', "
          "'family': 5, 'rate': '1kpps'}",
          "traffic[0].family: 5 is no IP version" },
        { "'ip6': '2001:db8::1/64'",
          "{'name': 'f', 'from': 'h/a', 'to': 'h/b', 'proto': 'udp', "
          "'family': 6, 'pattern': 'rr'}", NULL },
        { "'ip6': '2001:db8:1::1/64'",
          "{'name': 'f', 'from': 'h/a', 'to': 'h/b', 'proto': 'udp', "
          "'family': 6, 'rate': '1kpps'}",
          "traffic[0].family: no IPv6 router on h/a's link" },
        { "'ip6': '2001:db8::1/64'",
          "{'name': 'f', 'from': 'h/a', 'to': 'h/b', 'proto': 'udp', "
          "'family': 6, 'size': 1518, 'rate': '1kpps'}", NULL },
        { "'ip6': '2001:db8::1/64', 'mtu': 1400",
          "{'name': 'f', 'from': 'h/a', 'to': 'h/b', 'proto': 'udp', "
          "'family': 6, 'size': 1518, 'rate': '1kpps'}",
          "traffic[0].size: not supported yet: IPv6 fragments" },
        { "'ip6': '2001:db8::1/200'", "",
          "hosts[0].vms[0].nics[0].ip6: malformed IPv6 address" },
        { "'ip6': '2001:db8:::1'", "",
          "hosts[0].vms[0].nics[0].ip6: malformed IPv6 address" },
        { "'ip6': 'fe80::1/64'", "",
          "hosts[0].vms[0].nics[0].ip6: 'fe80::1/64' is not an address" },
        { "'ip6': 'ff02::1'", "",
          "hosts[0].vms[0].nics[0].ip6: 'ff02::1' is not an address" },
        { "'ip6': '::1'", "",
          "hosts[0].vms[0].nics[0].ip6: '::1' is not an address" },
        { "'ip6': 6", "",
          "hosts[0].vms[0].nics[0].ip6: " },
        /* b's address again, written otherwise: both stacks would
         * answer for it.  Named at the later NIC, as an IPv4 one is. */
        { "'ip6': '2001:db8:0:0::2/64'", "",
          "hosts[0].vms[1].nics[0].ip6: IPv6 address 2001:db8::2 is also "
          "used by hosts[0].vms[0].nics[0]" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char s[4096];
        snprintf(s, sizeof s,
            "{'name': 't', 'duration': '1ms', 'hosts': [{'name': 'h',"
            " 'bridges': [{'name': 'br0', 'type': 'linux-bridge'}],"
            " 'vms': ["
            "  {'name': 'a', 'nics': [{'name': 'eth0', 'ip': '10.0.0.1/24',"
            "   %s, 'attach': {'type': 'bridge', 'to': 'br0'}}]},"
            "  {'name': 'b', 'nics': [{'name': 'eth0', 'ip': '10.0.0.2/24',"
            "   'ip6': '2001:db8::2/64',"
            "   'attach': {'type': 'bridge', 'to': 'br0'}}]},"
            "  {'name': 'c', 'nics': [{'name': 'eth0', 'ip': '10.0.0.3/24',"
            "   'attach': {'type': 'bridge', 'to': 'br0'}}]}]}],"
            "'traffic': [%s]}", bad[i].vm_a_extra, bad[i].traffic);
        char *json = vh_test_dq(s);
        wt_assert_refused(json, bad[i].msg, i);
        free(json);
    }
    /* A host NIC with IPv6 only. */
    char *json =
        vh_test_dq("{'name': 't', 'duration': '1ms', 'hosts': [{'name': "
                   "'h', 'nics': [{'name': 'eth0', 'ip6': "
                   "'2001:db8::1'}]}]}");
    char *msg = wt_refusal(json, NULL);
    ck_assert_msg(strstr(msg, "hosts[0].nics[0].ip6: an IPv6-only NIC is "
                         "not supported yet"), "%s", msg);
    free(msg);
    free(json);
}
END_TEST

/* The command line refuses with status 2 and writes nothing. */
START_TEST(test_ipv6_refusal_exit_status)
{
    char *dir = vh_test_tmpdir();
    char *out = NULL;
    char top[PATH_MAX];
    ck_assert(getcwd(top, sizeof top));
    int st = vh_test_sh(&out, "bin=$(realpath '%s') && cd '%s' && sed "
                        "'s/\"ip6\": \"2001:db8::1\\/64\",//' "
                        "'%s/scenarios/ipv6.json' > s.json && \"$bin\" run "
                        "s.json --json r.json; echo \"status $?\"; ls",
                        vh_test_bin(), dir, top);
    ck_assert_int_eq(st, 0);
    ck_assert_msg(strstr(out, "'host1/vm1' has no IPv6 address"), "%s", out);
    ck_assert_msg(strstr(out, "status 2\ns.json\n"), "%s", out);
    free(out);
    free(dir);
}
END_TEST

/* The shipped scenario: what its description says, twice the same. */
START_TEST(test_ipv6_scenario)
{
    vh_tshark_require();
    char top[PATH_MAX];
    ck_assert(getcwd(top, sizeof top));
    char *dir = vh_test_tmpdir();
    char *out = NULL;
    int st = vh_test_sh(&out, "bin=$(realpath '%s') && cd '%s' && \"$bin\" "
                        "run '%s/scenarios/ipv6.json' "
                        "--json r1.json -q && mv traces t1 && \"$bin\" run "
                        "'%s/scenarios/ipv6.json' --json r2.json -q && cmp "
                        "t1/ipv6-vm1.pcap traces/ipv6-vm1.pcap && python3 "
                        "-c \"import json; r=json.load(open('r1.json')); "
                        "s=json.load(open('r2.json')); r.pop('wall_s'); "
                        "s.pop('wall_s'); assert r == s, 'not the same'; "
                        "print(' '.join("
                        "'%%s=%%s/%%d/%%d' %% (f['name'], f['proto'], "
                        "f.get('family', 4), f['delivered']) for f in "
                        "r['flows'] if f['name'] != 'tcp6'))\"",
                        vh_test_bin(), dir, top, top);
    ck_assert_msg(st == 0, "%s", out);
    ck_assert_str_eq(out, "ping6=icmp6/6/4 ping4=icmp/4/4 udp6=udp/6/50 "
                     "udp4=udp/4/50 vf6=udp/6/20\n");
    free(out);
    char cap[PATH_MAX + 64];
    snprintf(cap, sizeof cap, "%s/traces/ipv6-vm1.pcap", dir);
    assert_ipv6_clean(cap);
    /* The same 128-byte frame: 62 payload bytes over IPv6, 82 over
     * IPv4. */
    ck_assert_int_eq(vh_tshark_count(cap, "ipv6 && udp && data.len == 62"),
                     50);
    ck_assert_int_eq(vh_tshark_count(cap, "ip && udp && data.len == 82"), 50);
    snprintf(cap, sizeof cap, "%s/traces/ipv6-remote.pcap", dir);
    assert_ipv6_clean(cap);
    free(dir);
}
END_TEST

/* --- Across a router. --- */

/* The lists an advertisement fills: only from a link-local source; a
 * router lifetime of 0 takes the router off, as a valid lifetime of 0
 * takes the prefix; a prefix without the L flag is not on link; an
 * infinite lifetime never ends. */
START_TEST(test_rdisc6_lists)
{
    struct rdisc6 rd;
    memset(&rd, 0, sizeof rd);
    struct vh_ip6 r1 = ip6("fe80::1"), r2 = ip6("fe80::2");
    struct vh_ip6 global = ip6("2001:db8::1");
    struct vh_ip6 in = ip6("2001:db8:5::7"), out = ip6("2001:db8:6::7");
    struct vh_nd ra = {
        .type = VH_ICMP6_RA, .router_lifetime = 30, .has_prefix = true,
        .prefix = ip6("2001:db8:5::"), .prefix_len = 64,
        .prefix_flags = 0x80, .valid_s = 60,
    };
    ck_assert(!rdisc6_take(&rd, &global, &ra, 0));
    ck_assert(!rd.heard && !rdisc6_router(&rd, 0));
    ck_assert(rdisc6_take(&rd, &r1, &ra, 0));
    ck_assert(rdisc6_take(&rd, &r2, &ra, VH_SEC));
    ck_assert(vh_ip6_eq(rdisc6_router(&rd, 0), &r1));
    ck_assert(rdisc6_on_link(&rd, &in, 59 * VH_SEC));
    ck_assert(!rdisc6_on_link(&rd, &out, 0));
    ck_assert(!rdisc6_on_link(&rd, &in, 62 * VH_SEC));
    /* r1 lapses at 30 s, r2 a second later. */
    ck_assert(vh_ip6_eq(rdisc6_router(&rd, 30 * VH_SEC), &r2));
    ck_assert(!rdisc6_router(&rd, 31 * VH_SEC));
    /* r2 says it is no default router any more. */
    ra.router_lifetime = 0;
    ra.valid_s = 0;
    ck_assert(rdisc6_take(&rd, &r2, &ra, 2 * VH_SEC));
    ck_assert_uint_eq(rd.n_routers, 1);
    ck_assert(vh_ip6_eq(rdisc6_router(&rd, 2 * VH_SEC), &r1));
    ck_assert(!rdisc6_on_link(&rd, &in, 2 * VH_SEC));
    /* Not on link without the L flag; forever with 0xffffffff. */
    ra.prefix_flags = 0x40;
    ra.valid_s = 0xffffffffu;
    ck_assert(rdisc6_take(&rd, &r1, &ra, 3 * VH_SEC));
    ck_assert(!rdisc6_on_link(&rd, &in, 3 * VH_SEC));
    ra.prefix_flags = 0x80;
    ck_assert(rdisc6_take(&rd, &r1, &ra, 3 * VH_SEC));
    ck_assert(rdisc6_on_link(&rd, &in, VH_TIME_NEVER - 1));
    /* Those two also took r1 off the list (router lifetime 0). */
    ck_assert(!rdisc6_router(&rd, 3 * VH_SEC));
    ck_assert_uint_eq(rd.advertisements, 5);
}
END_TEST


/* The shipped routed scenario with its router interface on vm2's link
 * stripped of "ip6" when 'strip' (sed's expression), run from 'dir'. */
static int
run_routed(char **out, const char *dir, const char *strip, const char *args)
{
    char top[PATH_MAX];
    ck_assert(getcwd(top, sizeof top));
    return vh_test_sh(out, "bin=$(realpath '%s') && cd '%s' && sed '%s' "
                      "'%s/scenarios/ipv6-routed.json' > s.json && "
                      "\"$bin\" run s.json %s", vh_test_bin(), dir,
                      strip, top, args);
}

/* vm1 and vm2 in two prefixes, told of no router: each solicits one at
 * time zero and takes r1 from its advertisement; then ping6 and UDP
 * cross r1, which resolves vm2 by solicitation and decrements the hop
 * limit.  The one packet sent before the advertisement finds no route.
 * Twice the same. */
START_TEST(test_ipv6_routed_scenario)
{
    vh_tshark_require();
    char *dir = vh_test_tmpdir();
    char *out = NULL;
    int st = run_routed(&out, dir, "", "--json r1.json -q && mv traces t1 "
                        "&& \"$bin\" run s.json --json r2.json -q && cmp "
                        "t1/ipv6-routed-vm2.pcap traces/ipv6-routed-vm2.pcap"
                        " && python3 -c \"import json; "
                        "r=json.load(open('r1.json')); "
                        "s=json.load(open('r2.json')); r.pop('wall_s'); "
                        "s.pop('wall_s'); assert r == s, 'not the same'; "
                        "print(' '.join('%s=%d/%d/%s' % (f['name'], "
                        "f['sent'], f['delivered'], f['drops']) "
                        "for f in r['flows']))\"");
    ck_assert_msg(st == 0, "%s", out);
    ck_assert_str_eq(out, "udp6=40/39/{'no-route': 1} ping6=9/9/{}\n");
    free(out);

    char v1[PATH_MAX + 64], v2[PATH_MAX + 64];
    snprintf(v1, sizeof v1, "%s/traces/ipv6-routed-vm1.pcap", dir);
    snprintf(v2, sizeof v2, "%s/traces/ipv6-routed-vm2.pcap", dir);
    assert_ipv6_clean(v1);
    assert_ipv6_clean(v2);
    /* One solicitation each, from the link-local address to all
     * routers, answered by r1's advertisement of the VM's prefix. */
    ck_assert_int_eq(vh_tshark_count(v1, "icmpv6.type == 133 && ipv6.dst == "
                                  "ff02::2 && ipv6.src == fe80::/64"), 1);
    ck_assert_int_eq(vh_tshark_count(v2, "icmpv6.type == 133"), 1);
    ck_assert_int_eq(vh_tshark_count(v1, "icmpv6.type == 134 && "
                                  "icmpv6.nd.ra.router_lifetime == 1800 && "
                                  "icmpv6.opt.prefix == 2001:db8:1::"), 1);
    /* vm1 sends to r1's MAC, learnt from the advertisement: no
     * solicitation of its own but the address probe. */
    ck_assert_int_eq(vh_tshark_count(v1, "icmpv6.type == 135 && (ipv6.src == "
                                  "2001:db8:1::10 || ipv6.src == "
                                  "fe80::/64)"), 0);
    char *ra_mac = vh_tshark_out(v1, "-Y 'icmpv6.type == 134' -T fields "
                                 "-e eth.src");
    char filter[128];
    snprintf(filter, sizeof filter, "icmpv6.type == 128 && eth.dst == %.17s"
             " && ipv6.hlim == 64", ra_mac);
    ck_assert_int_eq(vh_tshark_count(v1, filter), 9);
    free(ra_mac);
    /* Beyond r1: its solicitation for vm2 and vm2's answer, the
     * requests one hop older, the replies back to r1. */
    ck_assert_int_eq(vh_tshark_count(v2, "icmpv6.type == 135 && ipv6.src == "
                                  "2001:db8:2::1 && icmpv6.nd.ns.target_address"
                                  " == 2001:db8:2::20"), 1);
    ck_assert_int_eq(vh_tshark_count(v2, "icmpv6.type == 136 && "
                                  "ipv6.dst == 2001:db8:2::1"), 1);
    ck_assert_int_eq(vh_tshark_count(v2, "icmpv6.type == 128 && "
                                  "ipv6.hlim == 63"), 9);
    ck_assert_int_eq(vh_tshark_count(v2, "udp && ipv6.hlim == 63"), 39);
    ck_assert_int_eq(vh_tshark_count(v2, "icmpv6.type == 129 && "
                                  "ipv6.hlim == 64"), 9);
    ck_assert_int_eq(vh_tshark_count(v2, "ipv6.hlim == 64 && "
                                  "icmpv6.type == 128"), 0);
    free(dir);
}
END_TEST

/* What each VM learnt: one default router, r1's link-local address on
 * its link, alive for its lifetime; the prefix on link; and a stack
 * that never hears an advertisement solicits three times, 4 s apart,
 * and then stops. */
START_TEST(test_ipv6_router_discovery)
{
    char top[PATH_MAX];
    ck_assert(getcwd(top, sizeof top));
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/scenarios/ipv6-routed.json", top);
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    static char json[16384];
    size_t n = fread(json, 1, sizeof json - 1, f);
    json[n] = 0;
    fclose(f);
    /* No captures: the test writes nothing. */
    *strstr(json, ",\n\n  \"capture\"") = 0;
    strcat(json, "}");

    struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
    const struct endpoint *vm1 = r.w->flows[0].src;
    const struct endpoint *vm2 = r.w->flows[0].dst;
    const struct vh_ip6 *gw1 = rdisc6_router(&vm1->rd6, r.w->sim.now);
    const struct vh_ip6 *gw2 = rdisc6_router(&vm2->rd6, r.w->sim.now);
    ck_assert_ptr_nonnull(gw1);
    ck_assert_ptr_nonnull(gw2);
    ck_assert(vh_ip6_is_link_local(gw1) && vh_ip6_is_link_local(gw2));
    ck_assert(!vh_ip6_eq(gw1, gw2));
    ck_assert_uint_eq(vm1->rd6.n_routers, 1);
    ck_assert_int_eq(vm1->rd6.solicits, 1);
    ck_assert_uint_eq(vm1->rd6.advertisements, 1);
    struct vh_ip6 other = ip6("2001:db8:1::99");
    ck_assert(rdisc6_on_link(&vm1->rd6, &other, r.w->sim.now));
    ck_assert(!rdisc6_on_link(&vm2->rd6, &other, r.w->sim.now));
    /* The router lifetime is 1800 s. */
    ck_assert(rdisc6_router(&vm1->rd6, 1799 * VH_SEC));
    ck_assert(!rdisc6_router(&vm1->rd6, 1801 * VH_SEC));
    wt_assert_conserved(r.w, false);
    wt_run_free(&r);

    char *lone =
        vh_test_dq("{'name': 't', 'duration': '13s', 'hosts': [{'name': "
                   "'h', 'nics': [{'name': 'eth0', 'ip': '10.0.0.1/24', "
                   "'ip6': '2001:db8::1/64', 'link': 'sw/p1'}]}, "
                   "{'name': 'h2', 'nics': [{'name': 'eth0', 'ip': "
                   "'10.0.0.2/24', 'ip6': '2001:db8::2/64', 'link': "
                   "'sw/p2'}]}], 'switches': [{'name': 'sw', 'ports': 2}],"
                   " 'traffic': [{'name': 'f', 'from': 'h', 'to': 'h2', "
                   "'proto': 'udp', 'family': 6, 'rate': '1kpps', "
                   "'count': 1}]}");
    r = wt_run_json(lone, NULL, NULL, NULL);
    const struct endpoint *h = r.w->flows[0].src;
    ck_assert_int_eq(h->rd6.solicits, RDISC6_MAX_SOLICITS);
    ck_assert(!h->rd6.heard && !rdisc6_router(&h->rd6, 0));
    wt_run_free(&r);
    free(lone);
}
END_TEST

/* A flow between prefixes with no router advertising on a link it needs
 * is refused at its family, with status 2 and nothing written: the
 * echo replies need one on vm2's link. */
START_TEST(test_ipv6_routed_refusal)
{
    char *dir = vh_test_tmpdir();
    char *out = NULL;
    int st = run_routed(&out, dir, "s/, \"ip6\": \"2001:db8:2::1\\/64\"//",
                        "--json r.json; echo \"status $?\"; ls");
    ck_assert_int_eq(st, 0);
    ck_assert_msg(strstr(out, "traffic[1].family: no IPv6 router on "
                         "host2/vm2's link"), "%s", out);
    ck_assert_msg(strstr(out, "an \"ip6\" in 2001:db8:2::/64"), "%s", out);
    ck_assert_msg(strstr(out, "status 2\ns.json\n"), "%s", out);
    free(out);
    free(dir);
}
END_TEST

static Suite *
ipv6_suite(void)
{
    Suite *s = suite_create("ipv6");
    TCase *tc = tcase_create("ipv6");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_ip6_text_forms);
    tcase_add_test(tc, test_ip6_derived_addresses);
    tcase_add_test(tc, test_ip6_frames_and_pseudo_header);
    tcase_add_test(tc, test_ip6_smallest_frame_counted);
    tcase_add_test(tc, test_ip6_request_response);
    tcase_add_test(tc, test_ip6_gso_segments);
    tcase_add_test(tc, test_nd_messages);
    tcase_add_test(tc, test_ipv6_multicast_filter);
    tcase_add_test(tc, test_ipv6_through_linux_bridge);
    tcase_add_test(tc, test_ipv6_through_ovs);
    tcase_add_test(tc, test_nd_fails);
    tcase_add_test(tc, test_ipv6_refusals);
    tcase_add_test(tc, test_ipv6_refusal_exit_status);
    tcase_add_test(tc, test_ipv6_scenario);
    tcase_add_test(tc, test_rdisc6_lists);
    tcase_add_test(tc, test_ipv6_routed_scenario);
    tcase_add_test(tc, test_ipv6_router_discovery);
    tcase_add_test(tc, test_ipv6_routed_refusal);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(ipv6_suite)
