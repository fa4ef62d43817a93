/* tests/peer/ns3_bridge_flood.cc: scenarios/bench/bridge_flood.json rebuilt
 * in ns-3, so that 'make bench' can set vhsim's speed beside a peer
 * simulator's on the same topology and load.
 *
 * Topology (every link a two-station CSMA segment at 10 Gbit/s, 10 ns of
 * propagation, vhsim's default wire delay):
 *
 *     guest1 \
 *     guest2 -- host (BridgeNetDevice) -- tor (BridgeNetDevice) -- sink
 *     guest3 /
 *     guest4
 *
 * Each guest sends 64-byte UDP frames (14 Ethernet + 20 IPv4 + 8 UDP + 18
 * payload + 4 FCS: ns-3's CSMA device appends a 4-byte trailer, so an
 * 18-byte payload makes a 64-byte frame) at 300 kpps from 10 us to 400 ms of
 * simulated time; a PacketSink counts what reaches the sink.  ARP runs, as
 * it does in vhsim: the first frame of each guest waits for one
 * request/reply exchange, flooded by both bridges, which then learn the
 * addresses.  ns-3 delays each ARP request by a random jitter of up to
 * 10 ms, during which all but three waiting packets are dropped (about 1%
 * of this load); vhsim sends its request at once, so the jitter is set to
 * zero here and every packet is delivered in both.
 *
 * What ns-3 models here, per packet: a UDP socket send, the IPv4 layer, the
 * traffic-control layer (its default queue disc on the guests), the CSMA
 * device's queue and transmitter, the channel's serialization and
 * propagation, the bridges' learning and forwarding, and the sink's IPv4 and
 * UDP receive.  What it does not model, and vhsim does: any CPU cost or
 * contention (no cores, cycles, softirq or interrupt accounting), the guest
 * kernel's path, virtio rings, vhost worker threads, VM exits and kicks, the
 * physical NIC's DMA, interrupts and NAPI polling, the remote host's stack
 * on its own CPU.  vhsim therefore does far more work per packet; the
 * comparison says how fast each simulator moves one packet through a
 * comparable topology, not that the two compute the same thing.
 *
 * It runs with no pcap, no logging (the NS_LOG variable unset) and no trace
 * sinks connected.  Debian's 3.37 libraries are compiled optimized with
 * asserts off but logging compiled in, so every log statement still tests
 * whether it is enabled (about 8% of the run under perf); ns-3's own
 * "optimized" profile would remove that, which does not change the order
 * of the comparison.  The default event scheduler (a map) is kept: heap,
 * list, calendar and priority-queue schedulers ran within a few percent of
 * it here, since only a handful of events are ever pending.
 *
 * Output: one human line, then one 'result:' line of key=value pairs that
 * tests/bench.sh reads.
 */

#include "ns3/applications-module.h"
#include "ns3/bridge-module.h"
#include "ns3/core-module.h"
#include "ns3/csma-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"

#include <chrono>
#include <cinttypes>
#include <cstdio>

using namespace ns3;

namespace
{

const int N_GUESTS = 4;
const uint64_t RATE_PPS = 300000;
const uint32_t FRAME_BYTES = 64;
/* Ethernet header, FCS trailer, IPv4 and UDP headers that ns-3 adds. */
const uint32_t PAYLOAD_BYTES = FRAME_BYTES - 14 - 4 - 20 - 8;
const uint16_t SINK_PORT = 9;
const int64_t START_NS = 10000;        /* as the scenario's "start": "10us" */
const int64_t DURATION_NS = 400000000; /* as its "duration": "400ms" */

/* A constant-rate UDP sender, like vhsim's "cbr" pattern: packet k leaves at
 * start + k / rate exactly, computed from k rather than accumulated, so
 * 300 kpps does not drift by rounding 3333.3 ns to whole nanoseconds.
 * Written here rather than using UdpClient so that the payload is exactly
 * PAYLOAD_BYTES with no sequence header and the class layout does not
 * depend on how the library was configured. */
class CbrSender : public Application
{
  public:
    CbrSender(Address peer, uint64_t rate_pps, int64_t stop_ns)
        : m_peer(peer),
          m_rate(rate_pps),
          m_stop_ns(stop_ns),
          m_sent(0)
    {
    }

    uint64_t Sent() const
    {
        return m_sent;
    }

  private:
    void StartApplication() override
    {
        m_socket = Socket::CreateSocket(GetNode(), UdpSocketFactory::GetTypeId());
        m_socket->Bind();
        m_socket->Connect(m_peer);
        m_start_ns = Simulator::Now().GetNanoSeconds();
        SendOne();
    }

    void StopApplication() override
    {
        Simulator::Cancel(m_next);
        if (m_socket)
        {
            m_socket->Close();
        }
    }

    void SendOne()
    {
        m_socket->Send(Create<Packet>(PAYLOAD_BYTES));
        m_sent++;
        int64_t at = m_start_ns + (int64_t)(m_sent * 1000000000ULL / m_rate);
        if (at < m_stop_ns)
        {
            m_next = Simulator::Schedule(NanoSeconds(at) - Simulator::Now(),
                                         &CbrSender::SendOne, this);
        }
    }

    Address m_peer;     /* the sink's address and port */
    uint64_t m_rate;    /* packets per simulated second */
    int64_t m_stop_ns;  /* no packet is sent at or after this time */
    int64_t m_start_ns = 0;
    uint64_t m_sent;
    Ptr<Socket> m_socket;
    EventId m_next;
};

/* One two-station CSMA segment between 'a' and 'b'. */
NetDeviceContainer
Cable(const CsmaHelper& csma, Ptr<Node> a, Ptr<Node> b)
{
    NodeContainer pair;
    pair.Add(a);
    pair.Add(b);
    return csma.Install(pair);
}

double
Since(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace

int
main()
{
    auto t_setup = std::chrono::steady_clock::now();

    Config::SetDefault("ns3::ArpL3Protocol::RequestJitter",
                       StringValue("ns3::ConstantRandomVariable[Constant=0.0]"));

    NodeContainer guests(N_GUESTS);
    Ptr<Node> host = CreateObject<Node>();
    Ptr<Node> tor = CreateObject<Node>();
    Ptr<Node> sink = CreateObject<Node>();

    CsmaHelper csma;
    csma.SetChannelAttribute("DataRate", StringValue("10Gbps"));
    csma.SetChannelAttribute("Delay", TimeValue(NanoSeconds(10)));

    NetDeviceContainer guest_nics;
    NetDeviceContainer host_ports;
    NetDeviceContainer tor_ports;
    for (int i = 0; i < N_GUESTS; i++)
    {
        NetDeviceContainer c = Cable(csma, guests.Get(i), host);
        guest_nics.Add(c.Get(0));
        host_ports.Add(c.Get(1));
    }
    NetDeviceContainer uplink = Cable(csma, host, tor);
    host_ports.Add(uplink.Get(0));
    tor_ports.Add(uplink.Get(1));
    NetDeviceContainer downlink = Cable(csma, tor, sink);
    tor_ports.Add(downlink.Get(0));

    /* The host and the switch are pure layer-2 forwarders: no IP stack. */
    BridgeHelper bridge;
    bridge.Install(host, host_ports);
    bridge.Install(tor, tor_ports);

    InternetStackHelper stack;
    stack.Install(guests);
    stack.Install(sink);

    Ipv4AddressHelper ip;
    ip.SetBase("10.0.0.0", "255.255.255.0", "0.0.0.1");
    ip.Assign(guest_nics); /* 10.0.0.1 .. 10.0.0.4 */
    ip.SetBase("10.0.0.0", "255.255.255.0", "0.0.0.100");
    Ipv4InterfaceContainer sink_if = ip.Assign(NetDeviceContainer(downlink.Get(1)));

    PacketSinkHelper sink_helper("ns3::UdpSocketFactory",
                                 InetSocketAddress(Ipv4Address::GetAny(), SINK_PORT));
    ApplicationContainer sink_apps = sink_helper.Install(sink);
    sink_apps.Start(Seconds(0));
    Ptr<PacketSink> counter = DynamicCast<PacketSink>(sink_apps.Get(0));

    Address peer = InetSocketAddress(sink_if.GetAddress(0), SINK_PORT);
    Ptr<CbrSender> senders[N_GUESTS];
    for (int i = 0; i < N_GUESTS; i++)
    {
        senders[i] = CreateObject<CbrSender>(peer, RATE_PPS, DURATION_NS);
        guests.Get(i)->AddApplication(senders[i]);
        senders[i]->SetStartTime(NanoSeconds(START_NS));
    }

    Simulator::Stop(NanoSeconds(DURATION_NS));
    double setup_s = Since(t_setup);

    auto t_run = std::chrono::steady_clock::now();
    Simulator::Run();
    double run_s = Since(t_run);

    uint64_t sent = 0;
    for (int i = 0; i < N_GUESTS; i++)
    {
        sent += senders[i]->Sent();
    }
    uint64_t delivered = counter->GetTotalRx() / PAYLOAD_BYTES;
    uint64_t events = Simulator::GetEventCount();
    int64_t sim_ns = Simulator::Now().GetNanoSeconds();
    Simulator::Destroy();

    std::printf("ns3_bridge_flood: %" PRIu64 " packets sent, %" PRIu64
                " delivered, %.2f M events, %.3f s in Simulator::Run, %.3f s setup\n",
                sent, delivered, events / 1e6, run_s, setup_s);
    std::printf("result: sent=%" PRIu64 " delivered=%" PRIu64 " events=%" PRIu64
                " sim_ns=%" PRId64 " run_s=%.6f setup_s=%.6f\n",
                sent, delivered, events, sim_ns, run_s, setup_s);
    return delivered > 0 ? 0 : 1;
}
