#!/bin/sh
# tests/bench.sh: runs the benchmarks that 'make bench' has built.
#
# Builds nothing: the Makefile builds build/bench_kernel (and vhsim and
# vhsim-gui) first, and the ns-3 peer build/peer/ns3_bridge_flood when it
# can.  The Open vSwitch and scaling scenarios are written into build/bench
# by scenarios/bench/gen_ovs.py and gen_scale.py as they are needed.
# Each benchmark prints its own figures, including a reference measured in
# the same run, so the numbers read as ratios on whatever machine this is.
set -e
cd "$(dirname "$0")/.."

# The program the scenario benchmarks time: VHSIM, which 'make bench' sets
# to the release build (build/release/vhsim, Makefile), or ./vhsim.  The
# start-up and MPI benchmarks, about how the program is put together,
# run ./vhsim.
VHSIM=$(realpath "${VHSIM:-./vhsim}")
export VHSIM
if [ ! -x "$VHSIM" ]; then
    echo "bench: $VHSIM is missing; run 'make bench'" >&2
    exit 1
fi
echo "== the program timed: ${VHSIM#$(pwd)/}"
# A faster build must compute the same runs: the recorded outputs of every
# shipped scenario (tests/golden), byte for byte, before any timing.
if [ "$VHSIM" != "$(realpath ./vhsim)" ]; then
    if sh tests/golden/outputs.sh "$VHSIM" | cmp -s - tests/golden/hashes.txt
    then
        echo "  reproduces tests/golden/hashes.txt, every shipped scenario's outputs"
    else
        echo "bench: $VHSIM does not reproduce tests/golden/hashes.txt" >&2
        exit 1
    fi
fi

if [ ! -x ./build/bench_kernel ]; then
    echo "bench: ./build/bench_kernel is missing; run 'make bench'" >&2
    exit 1
fi

# What the benchmarks below measure of the speed targets (docs/architecture.md,
# "Scale"), a line each, for the verdicts printed at the end.
mkdir -p build/bench
BENCH_TARGETS=$(realpath build/bench/targets.txt)
export BENCH_TARGETS
: >"$BENCH_TARGETS"

echo "== event kernel"
kernel_out=$(./build/bench_kernel)
echo "$kernel_out"
kernel_meps=$(echo "$kernel_out" | sed -n 's/^kernel: .* = \([0-9.]*\) M events\/s.*/\1/p')
echo "$kernel_out" \
    | sed -n 's/^queue depth=\([0-9]*\) ratio_median=\([0-9.]*\).*/queue \1 \2/p' \
    >>"$BENCH_TARGETS"

# scenario benchmarks follow

# bridge_flood against ns-3, paired: the same topology and load in a peer
# simulator, ns-3, built by 'make bench' from tests/peer/ns3_bridge_flood.cc
# (which says what it models).  The two take turns, vhsim first and last
# (V P V P ... P V), seven ns-3 runs, each timed from outside (loading and
# reporting included), and the figure is the median of the seven ratios
# of delivered packets per wall second, each ns-3 run's against the mean
# of the vhsim runs just before and just after it: drift in a shared
# machine's speed touches both sides of a ratio alike, and steady drift
# cancels (BENCH_PAIRS=N for another number of ns-3 runs).  The same
# ratio per CPU second follows, which a loaded machine disturbs less.  A
# missing ns-3 skips the ratio, never fails; vhsim's figures are then
# medians of its runs.
echo
echo "== bridge_flood: 4 virtio/vhost-net guests on a Linux bridge, 64-byte UDP;"
echo "   paired with ns-3 (CSMA links, BridgeNetDevice), taking turns"
peer_bin=./build/peer/ns3_bridge_flood
peer_skip=""
if [ -f build/peer/skipped ]; then
    peer_skip="$(cat build/peer/skipped)"
elif [ ! -x "$peer_bin" ]; then
    peer_skip="$peer_bin is missing; run 'make bench'"
fi
peer_version=$(dpkg-query -W -f='${Version}' libns3-dev 2>/dev/null || echo unknown)
python3 - "$(pwd)" "${BENCH_PAIRS:-7}" "$kernel_meps" "$peer_bin" "$peer_skip" \
    "$peer_version" <<'PY'
import json, os, statistics, subprocess, sys, tempfile, time
top, pairs, kernel = sys.argv[1], int(sys.argv[2]), float(sys.argv[3] or 0)
peer, skip, version = sys.argv[4], sys.argv[5], sys.argv[6]
scen = os.path.join(top, "scenarios", "bench", "bridge_flood.json")
out = tempfile.mktemp(suffix=".json")

def timed(argv, stdout):
    """Wall and CPU (user + system, from wait4) seconds, exit status."""
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdout=stdout, stderr=subprocess.STDOUT)
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = status
    return time.perf_counter() - t0, ru.ru_utime + ru.ru_stime, status

timed_bin = os.environ["VHSIM"]
plain_bin = os.path.realpath(os.path.join(top, "vhsim"))
if plain_bin == timed_bin or not os.access(plain_bin, os.X_OK):
    plain_bin = None

def run_vhsim(binary=timed_bin):
    wall, cpu, status = timed([binary, "run", scen,
                               "--quiet", "--json", out], None)
    if status:
        sys.exit("bench: vhsim run %s failed" % scen)
    return wall, cpu, json.load(open(out))

def run_peer():
    with tempfile.TemporaryFile(mode="w+") as log:
        wall, cpu, status = timed([peer], log)
        log.seek(0)
        lines = log.read().splitlines()
    if status:
        return wall, cpu, None, lines[-1:]
    line = [l for l in lines if l.startswith("result: ")]
    return wall, cpu, dict(kv.split("=") for kv in line[0][8:].split()), None

v_walls, v_cpus, p_walls, ratios, cpu_ratios = [], [], [], [], []
plain_ratios = []
pr = None
wall, cpu, r = run_vhsim()
v_walls.append(wall)
v_cpus.append(cpu)
# vhsim's runs are the same simulation each time: the same packets.
delivered = sum(f["delivered"] for f in r["flows"])
for i in range(pairs):
    if skip:
        wall, cpu, r = run_vhsim()
        v_walls.append(wall)
        continue
    pwall, pcpu, pr, err = run_peer()
    if pr is None:
        skip = "%s failed: %s" % (peer, " ".join(err))
        continue
    p_walls.append(pwall)
    pd = int(pr["delivered"])
    wall, cpu, r = run_vhsim()
    v_walls.append(wall)
    v_cpus.append(cpu)
    # Against the vhsim runs on either side of this ns-3 run.
    ratios.append((delivered / ((v_walls[-2] + v_walls[-1]) / 2))
                  / (pd / pwall))
    cpu_ratios.append((delivered / ((v_cpus[-2] + v_cpus[-1]) / 2))
                      / (pd / pcpu))
    if plain_bin:
        # The plain build's run follows the vhsim run after ns-3's, for
        # the same comparison (with that ns-3 run) of the program 'make'
        # builds.
        plwall, _, plr = run_vhsim(plain_bin)
        pld = sum(f["delivered"] for f in plr["flows"])
        plain_ratios.append((pld / plwall) / (pd / pwall))
os.unlink(out)

delivered = sum(f["delivered"] for f in r["flows"])
sent = sum(f["sent"] for f in r["flows"])
wall = statistics.median(v_walls)
print("  vhsim %s: %d packets sent, %d delivered, %.1f M events, %.3f s wall"
      " (median of %d)" % (r["scenario"], sent, delivered,
                           r["events"] / 1e6, wall, len(v_walls)))
print("  %.2f M delivered packets per wall second, %.0f ns of wall time per"
      " packet" % (delivered / wall / 1e6, wall / delivered * 1e9))
print("  %.1f M events per wall second%s"
      % (r["events"] / wall / 1e6,
         "" if not kernel else ", %.2f times the kernel's hold-model rate"
         " above" % (r["events"] / wall / 1e6 / kernel)))
if skip:
    print("  ns-3: skipped: %s" % skip)
    sys.exit(0)
pd, pe = int(pr["delivered"]), int(pr["events"])
pwall = statistics.median(p_walls)
print("  ns-3 %s (Debian's libns3-dev) ns3_bridge_flood: %d packets sent,"
      " %d delivered," % (version, int(pr["sent"]), pd))
print("  %.1f M events, %.3f s wall (median of %d; %.3f s in"
      " Simulator::Run), %.1f events per delivered packet"
      % (pe / 1e6, pwall, len(p_walls), float(pr["run_s"]), pe / pd))
print("  %.2f M delivered packets per wall second"
      % (pd / pwall / 1e6))
print("  vhsim / ns-3, delivered packets per wall second, each ns-3 run against"
      " the vhsim\n  runs on either side of it: %s"
      % " ".join("%.1f" % x for x in ratios))
print("  ratio_median=%.1f (vhsim / ns-3, median of %d ratios)"
      % (statistics.median(ratios), len(ratios)))
with open(os.environ["BENCH_TARGETS"], "a") as t:
    t.write("ns3 %.2f %.2f\n" % (statistics.median(ratios),
                                 statistics.median(cpu_ratios)))
print("  per CPU second instead of wall second (what a loaded machine"
      " disturbs less): %.1f" % statistics.median(cpu_ratios))
if plain_ratios:
    print("  the plain build (./vhsim, -O2, no profile), run after each ns-3"
          " run and the vhsim run after it: %.1f"
          % statistics.median(plain_ratios))
print("  per packet, vhsim models: guest stack, virtio, vhost, bridge, NIC DMA,\n"
      "    interrupts and NAPI, wire, switch, remote stack, all charged to CPU cores")
print("  per packet, ns-3 models: UDP/IP send, queue disc, CSMA device queue, wire,\n"
      "    two learning bridges, UDP/IP receive; no CPU, VM or vhost path")
PY

# scaling benchmarks follow

# Scaling: what one delivered packet costs as the guests, flows or
# containers on one host grow, at the same 600 kpps offered in total
# (scenarios/bench/gen_scale.py says what each row runs).  Each row runs
# for 2 s of simulated time and is measured from 1 s on alone
# ('vhsim run --steady-from 1s': the process's CPU time, events and
# delivered packets of that stretch, counted inside the run).  Loading,
# building the model, the first ARP exchanges (flows start over the
# first 100 ms, and each guest's first request is flooded to every other
# tap: N^2 copies, which 4,096 guests take most of a simulated second to
# get through) and writing the report are left out; what is measured is
# the steady state, provided the floods are over by then: 'silent' says
# how many flows delivered nothing in the stretch, which should be 0.
# Peak memory is the run's maximum resident set size, as /usr/bin/time
# reports it, the floods included.  Each row is the median of five runs
# (the small ones, which a shared machine's other work moves by tens of
# percent, and which every ratio is to), or one beyond 1,024 (4,096
# guests take a minute and a half a run, most of it the first second's
# floods).  Each ratio is to the table's first row, per packet and per
# event.  The rows run minutes apart, so the ratios the targets name
# (4,096 guests and 1,000 containers against 2 guests, 8,192 flows
# against 4) follow paired: the row and its reference take turns, seven
# rounds each, each run of the row against the reference's runs on
# either side of it, and each figure is the median of the rounds' ratios
# (the 4,096 guests' rounds, half a minute each, ranged from 1.76 to
# 2.12 in one bench of five rounds, each against the reference run just
# before it).  BENCH_QUICK=1 stops each table at 1,024 and pairs the
# containers alone.
# What a load waits for on this machine now, by how much memory the
# loads range over (tests/bench_mem.c): the large scaling rows below wait
# on lines no packet touched since their guest's last, and move with this
# from one bench to the next.
echo
echo "== memory: how long a load waits, by working set"
if [ -x ./build/bench_mem ]; then
    ./build/bench_mem
else
    echo "  (./build/bench_mem is missing; run 'make bench')"
fi

echo
echo "== scaling: CPU per delivered packet and peak memory, 600 kpps offered"
python3 scenarios/bench/gen_scale.py build/bench
python3 - "$(pwd)" "${BENCH_QUICK:-0}" <<'PY'
import json, os, statistics, sys, tempfile
top, quick = sys.argv[1], sys.argv[2] not in ("", "0")
bench = os.path.join(top, "build", "bench")
out = tempfile.mktemp(suffix=".json")
FROM = "1s"
PAIRS = 7

# A child's maximum resident set size counts what its parent had before
# the exec, this script's own; /usr/bin/time, small, starts vhsim and
# reports vhsim's.
TIME = "/usr/bin/time"
mem = tempfile.mktemp()

def run(name):
    """The report's 'steady', the run's CPU seconds and peak KiB."""
    argv = [os.environ["VHSIM"], "run",
            os.path.join(bench, name + ".json"), "--quiet",
            "--steady-from", FROM, "--json", out]
    if os.access(TIME, os.X_OK):
        argv = [TIME, "-f", "%M", "-o", mem] + argv
    pid = os.posix_spawn(argv[0], argv, os.environ)
    _, status, ru = os.wait4(pid, 0)
    if status:
        sys.exit("bench: %s failed (status %d)" % (" ".join(argv), status))
    steady = json.load(open(out))["steady"]
    rss = int(open(mem).read().split()[-1]) if argv[0] == TIME \
        else ru.ru_maxrss
    return steady, ru.ru_utime + ru.ru_stime, rss

def table(title, what, prefix, sizes):
    """Prints the table; returns {n: (ns per packet, ns per event)}."""
    rows = {}
    print("  %s" % title)
    print("  %6s %9s %10s %7s %10s %7s %8s %11s %6s"
          % (what, "delivered", "CPU ns/pkt", "x first", "ns/event",
             "x first", "ev/pkt", "peak memory", "silent"))
    first = None
    for n in sizes:
        if quick and n > 1024:
            break
        runs = []
        for _ in range(5 if n <= 1024 else 1):
            steady, cpu, rss = run("%s_%d" % (prefix, n))
            runs.append(steady)
        ns = statistics.median(r["cpu_ns_per_delivered"] for r in runs)
        ev = statistics.median(r["cpu_ns_per_event"] for r in runs)
        s = runs[-1]
        if first is None:
            first = (ns, ev)
        rows[n] = (ns, ev)
        print("  %6s %9d %10.0f %6.2fx %10.1f %6.2fx %8.1f %7.0f MiB %6d"
              % ("{:,}".format(n), s["delivered"], ns, ns / first[0], ev,
                 ev / first[1], s["events"] / max(s["delivered"], 1),
                 rss / 1024, s["flows"] - s["flows_delivering"]))
        sys.stdout.flush()
    return rows

vms = table("guests on one Linux bridge", "VMs", "scale_vms",
            [2, 16, 64, 256, 1024, 4096])
print()
table("flows among 4 guests on one Linux bridge", "flows", "scale_flows",
      [4, 64, 1024, 8192])
print()
ctrs = table("containers on Docker's default bridge", "ctrs", "scale_ctrs",
             [1, 10, 100, 1000])
# The targets' ratios, paired: the tables' rows ran one after another,
# minutes apart on a shared machine, and their first rows (which every
# ratio divides by) moved by a third between benches.  Here each large
# row and its reference take turns, the reference first and last (A B A
# B ... B A), and each run of the large row is divided by the mean of
# the reference's runs on either side of it, so that steady drift in
# the machine's speed cancels; the figure is the median of the rounds'
# ratios, as the comparison with ns-3 is.
print()
print("  the targets, paired: each row and its reference taking turns")
for label, ref, big, rounds in (("4,096 guests / 2 guests", "scale_vms_2",
                                 "scale_vms_4096", PAIRS),
                                ("1,000 containers / 2 guests", "scale_vms_2",
                                 "scale_ctrs_1000", PAIRS),
                                ("8,192 flows / 4 flows", "scale_flows_4",
                                 "scale_flows_8192", PAIRS)):
    if quick and big != "scale_ctrs_1000":
        continue
    per_pkt, per_ev = [], []
    before, _, _ = run(ref)
    for _ in range(rounds):
        b, _, _ = run(big)
        after, _, _ = run(ref)
        for ratios, key in ((per_pkt, "cpu_ns_per_delivered"),
                            (per_ev, "cpu_ns_per_event")):
            ratios.append(b[key] / ((before[key] + after[key]) / 2))
        before = after
    print("  %-28s per delivered packet %.2fx (rounds %s), per event %.2fx"
          % (label, statistics.median(per_pkt),
             " ".join("%.2f" % x for x in per_pkt), statistics.median(per_ev)))
    with open(os.environ["BENCH_TARGETS"], "a") as t:
        t.write("scale %s %.3f %.3f\n" % (big, statistics.median(per_pkt),
                                          statistics.median(per_ev)))
    sys.stdout.flush()
for f in (out, mem):
    if os.path.exists(f):
        os.unlink(f)
PY

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
vhsim = os.environ["VHSIM"]
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
# every vhsim command paid before the GUI became its own program, and
# vhsim-mpi --version (where Open MPI was found) one with Open MPI's, as
# every command paid before the MPI job became its own program.
echo
echo "== start-up: vhsim without the GUI's and MPI's libraries"
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
if os.access(top + "/vhsim-mpi", os.X_OK):
    cmds.append(("vhsim-mpi --version", [top + "/vhsim-mpi", "--version"]))
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
if "vhsim-mpi --version" in ms:
    mpi = ms["vhsim-mpi --version"]
    print("  %-22s %7.2f ms   %.2f times vhsim --version (links Open MPI,"
          " which vhsim\n  %-22s            hands an mpirun job to)"
          % ("vhsim-mpi --version", mpi, mpi / cli, ""))
PY

# A comparison shared among MPI ranks (cli/spread.h): the same 'vhsim
# compare' alone and on 2 ranks under mpirun (where vhsim hands each rank
# to ./vhsim-mpi), taking turns, the speedup the median of the per-round
# ratios.  The 2-rank time includes mpirun's
# start (about a second), so the gain shows on studies longer than that.
echo
echo "== compare on MPI ranks: ovs-dpdk-emc.json, 7 columns x 12 seeds"
if ! command -v mpirun >/dev/null 2>&1; then
    echo "  skipped: mpirun not found (openmpi-bin, libopenmpi-dev)"
elif ! OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
        mpirun -np 2 ./vhsim compare --help >/dev/null 2>&1 \
     || ! nm -u ./vhsim-mpi 2>/dev/null | grep -q MPI_Init; then
    echo "  skipped: no ./vhsim-mpi, the program vhsim hands an mpirun job to"
    echo "  (built where Open MPI's mpicc is found)"
else
    python3 - "$(pwd)" 5 <<'PY'
import os, resource, statistics, subprocess, sys, time
top, n = sys.argv[1], int(sys.argv[2])
cmd = [top + "/vhsim", "compare", top + "/scenarios/ovs-dpdk-emc.json",
       "--seeds", "1..12", "-q"]
env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1",
           OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", OMPI_MCA_btl="self,vader",
           OMPI_MCA_btl_vader_single_copy_mechanism="none")
runs = {1: cmd, 2: ["mpirun", "-np", "2"] + cmd}

def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime

# Wall time, and the CPU time of every process of the run: on a machine
# others load, the wall time says little, and the CPU time says what the
# sharing costs (each rank loads and builds every run to check it).
def once(argv):
    t0, c0 = time.perf_counter(), cpu()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0, cpu() - c0

wall = {1: [], 2: []}
work = {1: [], 2: []}
ratio = []
for i in range(n):
    a, b = (1, 2) if i % 2 == 0 else (2, 1)   # who goes first alternates
    for k in (a, b):
        w, c = once(runs[k])
        wall[k].append(w); work[k].append(c)
    ratio.append(wall[1][-1] / wall[2][-1])
med = statistics.median
print("  median of %d rounds: 1 process %.2f s wall, %.2f s CPU; 2 ranks"
      " %.2f s wall, %.2f s CPU in all" % (n, med(wall[1]), med(work[1]),
                                           med(wall[2]), med(work[2])))
print("  speedup on 2 ranks (median of the rounds' ratios): %.2fx;"
      " CPU spent %.2f times one process's" % (med(ratio),
                                               med(work[2]) / med(work[1])))
PY
fi

# The speed targets, each against what the benchmarks above measured:
# met, not met, or not measured (no ns-3, BENCH_QUICK, a skipped part).
echo
echo "== the speed targets"
python3 - <<'PY'
import os
queue, ns3, scale = {}, None, {}
for line in open(os.environ["BENCH_TARGETS"]):
    f = line.split()
    if f[0] == "queue":
        queue[int(f[1])] = float(f[2])
    elif f[0] == "ns3":
        ns3 = (float(f[1]), float(f[2]))
    elif f[0] == "scale":
        scale[f[1]] = (float(f[2]), float(f[3]))

def verdict(label, ok, figures):
    state = "not measured" if ok is None else "met" if ok else "NOT MET"
    print("  %-64s %-12s %s" % (label, state, figures))

if queue:
    verdict("event queue at least 1x a binary heap at every depth",
            min(queue.values()) >= 1.0,
            "least %.2fx" % min(queue.values()))
    verdict("event queue at least 2x a binary heap at 10,000 pending",
            queue[10000] >= 2.0 if 10000 in queue else None,
            "%.2fx" % queue[10000] if 10000 in queue else "")
verdict("bridge_flood at least 25x ns-3, delivered packets per wall s",
        ns3[0] >= 25.0 if ns3 else None,
        "%.1fx (per CPU second %.1fx)" % ns3 if ns3 else "")
for big, label in (("scale_vms_4096", "4,096 guests"),
                   ("scale_ctrs_1000", "1,000 containers")):
    r = scale.get(big)
    verdict("%s within 2x of 2 guests, per packet and per event" % label,
            r[0] <= 2.0 and r[1] <= 2.0 if r else None,
            "%.2fx, %.2fx" % r if r else "")
r = scale.get("scale_flows_8192")
verdict("8,192 flows within 2x of 4 flows per packet",
        r[0] <= 2.0 if r else None, "%.2fx" % r[0] if r else "")
PY
