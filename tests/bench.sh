#!/bin/sh
# tests/bench.sh: runs the benchmarks that 'make bench' has built.
#
# Builds nothing: the Makefile builds build/bench_kernel (and vhsim and
# vhsim-gui) first, and the ns-3 peer build/peer/ns3_bridge_flood when it
# can.  The Open vSwitch scenarios are written into build/bench by
# scenarios/bench/gen_ovs.py as they are needed.
# Each benchmark prints its own figures, including a reference measured in
# the same run, so the numbers read as ratios on whatever machine this is.
set -e
cd "$(dirname "$0")/.."

if [ ! -x ./build/bench_kernel ]; then
    echo "bench: ./build/bench_kernel is missing; run 'make bench'" >&2
    exit 1
fi

echo "== event kernel"
kernel_out=$(./build/bench_kernel)
echo "$kernel_out"
kernel_meps=$(echo "$kernel_out" | sed -n 's/^kernel: .* = \([0-9.]*\) M events\/s.*/\1/p')

# scenario benchmarks follow

# A whole scenario: every packet crosses about sixteen events (guest,
# vhost, bridge, NIC, wire, switch, wire, NIC, NAPI, stack).  Best of three
# runs, timed from outside so the figure includes loading and reporting.
bench_scenario() {
    file=$1
    json=$(mktemp)
    best=""
    for i in 1 2 3; do
        t0=$(date +%s%N)
        ./vhsim run "$file" --quiet --json "$json"
        t1=$(date +%s%N)
        ns=$((t1 - t0))
        if [ -z "$best" ] || [ "$ns" -lt "$best" ]; then
            best=$ns
        fi
    done
    python3 - "$json" "$best" "$kernel_meps" "$rate_file" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
wall = int(sys.argv[2]) / 1e9
kernel = float(sys.argv[3] or 0)
delivered = sum(f["delivered"] for f in r["flows"])
sent = sum(f["sent"] for f in r["flows"])
events = r["events"]
print("  %s: %d packets sent, %d delivered, %.1f M events, %.3f s wall (best of 3)"
      % (r["scenario"], sent, delivered, events / 1e6, wall))
print("  %.2f M delivered packets per wall second, %.0f ns of wall time per packet"
      % (delivered / wall / 1e6, wall / delivered * 1e9))
print("  %.1f M events per wall second%s"
      % (events / wall / 1e6,
         "" if not kernel else ", %.2f times the kernel's hold-model rate above"
         % (events / wall / 1e6 / kernel)))
# Kept for the peer section, which sets ns-3's rate beside this one.
if len(sys.argv) > 4 and sys.argv[4]:
    with open(sys.argv[4], "w") as f:
        f.write("%.1f %.1f\n" % (delivered / wall, events / wall))
PY
    rm -f "$json"
}

echo
echo "== bridge_flood: 4 virtio/vhost-net guests on a Linux bridge, 64-byte UDP"
rate_file=$(mktemp)
bench_scenario scenarios/bench/bridge_flood.json
vhsim_rates=$(cat "$rate_file")
rm -f "$rate_file"
rate_file=

# The same topology and load in a peer simulator, ns-3, built by 'make
# bench' from tests/peer/ns3_bridge_flood.cc (which says what it models).
# Timed from outside like vhsim above, best of three, so both figures
# include loading and reporting.  A missing ns-3 skips this, never fails.
peer_ns3() {
    bin=./build/peer/ns3_bridge_flood
    if [ -f build/peer/skipped ]; then
        echo "  skipped: $(cat build/peer/skipped)"
        return 0
    fi
    if [ ! -x "$bin" ]; then
        echo "  skipped: $bin is missing; run 'make bench'"
        return 0
    fi
    best=""
    out=""
    for i in 1 2 3; do
        t0=$(date +%s%N)
        if ! run=$("$bin" 2>&1); then
            echo "  skipped: $bin failed: $(echo "$run" | tail -n 1)"
            return 0
        fi
        t1=$(date +%s%N)
        ns=$((t1 - t0))
        if [ -z "$best" ] || [ "$ns" -lt "$best" ]; then
            best=$ns
            out=$run
        fi
    done
    version=$(dpkg-query -W -f='${Version}' libns3-dev 2>/dev/null || echo unknown)
    result=$(echo "$out" | sed -n 's/^result: //p')
    python3 - "$best" "$vhsim_rates" "$version" "$result" <<'PY'
import sys
wall = int(sys.argv[1]) / 1e9
vhsim = [float(x) for x in sys.argv[2].split()]
version = sys.argv[3]
r = dict(kv.split("=") for kv in sys.argv[4].split())
sent, delivered, events = int(r["sent"]), int(r["delivered"]), int(r["events"])
print("  ns-3 %s (Debian's libns3-dev)" % version)
print("  ns3_bridge_flood: %d packets sent, %d delivered, %.1f M events, %.3f s wall"
      " (best of 3; %.3f s in Simulator::Run)"
      % (sent, delivered, events / 1e6, wall, float(r["run_s"])))
print("  %.2f M delivered packets per wall second, %.0f ns of wall time per packet"
      % (delivered / wall / 1e6, wall / delivered * 1e9))
print("  %.1f M events per wall second, %.1f events per delivered packet"
      % (events / wall / 1e6, events / delivered))
if len(vhsim) == 2:
    print("  vhsim / ns-3: %.1f times the delivered packets per wall second,"
          " %.1f times the events per wall second"
          % (vhsim[0] / (delivered / wall), vhsim[1] / (events / wall)))
print("  per packet, vhsim models: guest stack, virtio, vhost, bridge, NIC DMA,\n"
      "    interrupts and NAPI, wire, switch, remote stack, all charged to CPU cores")
print("  per packet, ns-3 models: UDP/IP send, queue disc, CSMA device queue, wire,\n"
      "    two learning bridges, UDP/IP receive; no CPU, VM or vhost path")
PY
}

echo
echo "== peer: ns-3, bridge_flood's topology and load (CSMA links, BridgeNetDevice)"
peer_ns3

# ovs benchmarks follow

# Open vSwitch: the kernel datapath with 1, 100 and 10,000 rules, and the
# DPDK datapath's EMC with 1 and 100,000 flows, in scenarios that
# scenarios/bench/gen_ovs.py writes (it says what the rules are).  The
# runs of one comparison take turns, several rounds, so that drift in the
# machine's speed touches them all alike; wall times are medians, timed
# from outside (loading and reporting included).  Host cycles per packet
# come from the report and do not depend on the machine; each line is
# also set beside the comparison's first.
echo
echo "== ovs: kernel datapath by number of rules, DPDK EMC by number of flows"
python3 scenarios/bench/gen_ovs.py build/bench
python3 - "$(pwd)" 5 <<'PY'
import json, os, shutil, statistics, subprocess, sys, tempfile, time
top, rounds = sys.argv[1], int(sys.argv[2])
vhsim = os.path.join(top, "vhsim")
bench = os.path.join(top, "build", "bench")
work = tempfile.mkdtemp()

def compare(title, runs, extra):
    """runs: [(label, scenario file, variant)]; extra(report) is more
    columns for a run, extra(None) their header."""
    walls = {label: [] for label, _, _ in runs}
    reports = {}
    for i in range(rounds + 1):
        k = i % len(runs)                   # rotate who goes first
        for label, scen, variant in runs[k:] + runs[:k]:
            out = os.path.join(work, "r.json")
            argv = [vhsim, "run", os.path.join(bench, scen), "--quiet",
                    "--json", out] + (["--variant", variant] if variant else [])
            t0 = time.perf_counter()
            subprocess.run(argv, check=True, cwd=work)
            t = time.perf_counter() - t0
            if i:                           # the first round warms caches
                walls[label].append(t)
            reports[label] = json.load(open(out))
    print("  %s (median wall time of %d runs each, taking turns)"
          % (title, rounds))
    print("  %-14s %9s %12s %11s %9s %7s%s"
          % ("", "delivered", "host cyc/pkt", "Mpkt/wall-s", "wall",
             "x rate", extra(None)))
    first = None
    for label, _, _ in runs:
        r = reports[label]
        host = [h for h in r["hosts"] if h["name"] == "host1"][0]
        delivered = sum(f["delivered"] for f in r["flows"])
        wall = statistics.median(walls[label])
        rate = delivered / wall
        if first is None:
            first = rate
        print("  %-14s %9d %12.0f %11.2f %7.3f s %6.2fx%s"
              % (label, delivered, host["cycles_per_packet"], rate / 1e6,
                 wall, rate / first, extra(r)))

def bridge(r):
    return [h for h in r["hosts"] if h["name"] == "host1"][0]["bridges"][0]

def kernel_extra(r):
    """The datapath's masks, masks searched per packet, upcalls."""
    if r is None:
        return "  %5s %9s %7s" % ("masks", "masks/pkt", "upcalls")
    b = bridge(r)
    return "  %5d %9.2f %7d" % (b["masks"]["peak"],
                                b["masks"]["visited_per_packet"],
                                b["lookups"]["missed"])

def emc_extra(r):
    """Where frames were found, and the PMD's cycles on each."""
    if r is None:
        return "  %7s %9s %11s" % ("emc hit", "dpcls hit", "pmd cyc/pkt")
    b = bridge(r)
    n = b["emc_hits"] + b["megaflow_hits"] + b["smc_hits"] + b["upcalls"]
    return "  %6.1f%% %8.1f%% %11.0f" % (100.0 * b["emc_hits"] / n,
                                        100.0 * b["megaflow_hits"] / n,
                                        b["processing_cycles_per_packet"])

compare("kernel datapath, 300 kpps in 1,024 flows for 1 s",
        [("1 rule", "ovs_rules_1.json", None),
         ("100 rules", "ovs_rules_100.json", None),
         ("10,000 rules", "ovs_rules_10000.json", None)], kernel_extra)
print()
compare("DPDK datapath, 1 Mpps on one PMD for 400 ms",
        [("1 flow", "ovs_emc.json", None),
         ("100,000 flows", "ovs_emc.json", "flows-100000")], emc_extra)
print("  host cycles per packet count every cycle of a core, a PMD's idle"
      " polling too;\n  'pmd cyc/pkt' is pmd-stats-show's processing"
      " cycles per packet")
shutil.rmtree(work)
PY

# gui benchmarks follow

# The GUI: frames per second while 10,000 packets are in flight at
# 1600x900 with SDL's software renderer (no display needed), against an
# empty frame and the bare topology measured in the same run.
echo
echo "== gui: animating 10,000 packets in flight"
if [ -x ./build/bench_gui ]; then
    ./build/bench_gui
else
    echo "bench: ./build/bench_gui is missing; run 'make bench'" >&2
    exit 1
fi

# start-up benchmarks follow

# Start-up: vhsim links no SDL; vhsim-gui, the GUI that 'vhsim gui' runs,
# does.  Each command runs many times, the commands taking turns so that
# drift in the machine's speed touches them all alike; medians of the wall
# time of each run, spawn to exit.  /bin/true is the cost of starting any
# process; vhsim-gui --version is a start with SDL's libraries loaded, as
# every vhsim command paid before the GUI became its own program.
echo
echo "== start-up: vhsim without the GUI's libraries"
if [ ! -x ./vhsim-gui ]; then
    echo "bench: ./vhsim-gui is missing; run 'make bench'" >&2
    exit 1
fi
python3 - "$(pwd)" 300 <<'PY'
import os, shutil, statistics, sys, tempfile, time
top, n = sys.argv[1], int(sys.argv[2])
cmds = [
    ("/bin/true", ["/bin/true"]),
    ("vhsim --version", [top + "/vhsim", "--version"]),
    ("vhsim-gui --version", [top + "/vhsim-gui", "--version"]),
    ("vhsim run demo.json", [top + "/vhsim", "run",
                             top + "/scenarios/demo.json", "--quiet"]),
]
quiet = [(os.POSIX_SPAWN_OPEN, fd, os.devnull, os.O_WRONLY, 0)
         for fd in (1, 2)]
work = tempfile.mkdtemp()
os.chdir(work)                      # the demo writes its captures here

def once(argv):
    t0 = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=quiet)
    _, st = os.waitpid(pid, 0)
    t = time.perf_counter() - t0
    if st:
        sys.exit("bench: %s failed (status %d)" % (" ".join(argv), st))
    return t

times = {name: [] for name, _ in cmds}
for i in range(n + 5):
    k = i % len(cmds)                # rotate who goes first
    for name, argv in cmds[k:] + cmds[:k]:
        t = once(argv)
        if i >= 5:                   # the first rounds warm the caches
            times[name].append(t)
os.chdir(top)
shutil.rmtree(work)
ms = {name: statistics.median(ts) * 1e3 for name, ts in times.items()}
true, cli = ms["/bin/true"], ms["vhsim --version"]
gui, run = ms["vhsim-gui --version"], ms["vhsim run demo.json"]
print("  median wall time of %d runs each, taking turns:" % n)
print("  %-22s %7.2f ms   starting any process" % ("/bin/true", true))
print("  %-22s %7.2f ms   %.2f times /bin/true" % ("vhsim --version", cli,
                                                     cli / true))
print("  %-22s %7.2f ms   %.2f times vhsim --version (links SDL)"
      % ("vhsim-gui --version", gui, gui / cli))
print("  %-22s %7.2f ms" % ("vhsim run demo.json", run))
print("  start-up beyond /bin/true: vhsim %.2f ms, vhsim-gui %.2f ms"
      " (%.1f times)" % (cli - true, gui - true, (gui - true) / (cli - true)))
print("  linked with SDL as before, the demo run would take about %.2f ms"
      " (%.2f times)" % (run + gui - cli, (run + gui - cli) / run))
PY
