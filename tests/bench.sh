#!/bin/sh
# tests/bench.sh: runs the benchmarks that 'make bench' has built.
#
# Builds nothing: the Makefile builds build/bench_kernel (and vhsim) first.
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
    python3 - "$json" "$best" "$kernel_meps" <<'PY'
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
PY
    rm -f "$json"
}

echo
echo "== bridge_flood: 4 virtio/vhost-net guests on a Linux bridge, 64-byte UDP"
bench_scenario scenarios/bench/bridge_flood.json

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
