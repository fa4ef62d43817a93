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
./build/bench_kernel

# scenario benchmarks follow
