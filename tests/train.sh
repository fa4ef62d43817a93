#!/bin/sh
# tests/train.sh VHSIM: the training run of the release build (Makefile,
# 'make release').  VHSIM is the instrumented program; it counts as it
# runs, into build/train.  What it runs is what users run: every shipped
# scenario at its own seed, and 'compare' where it has variants, each in a
# scratch directory so that no capture lands in traces/.  No benchmark
# scenario is run, so the profile is not fitted to what 'make bench' times.
set -e
bin=$(realpath "$1")
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
n=0
for f in "$top"/scenarios/*.json; do
    "$bin" run "$f" --quiet >/dev/null
    if grep -q '"variants"' "$f"; then
        "$bin" compare "$f" >/dev/null
    fi
    n=$((n + 1))
done
echo "train: $n scenarios run by the instrumented vhsim"
