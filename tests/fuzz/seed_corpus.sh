#!/bin/sh
# tests/fuzz/seed_corpus.sh: regenerates the fuzzers' seed corpora in
# tests/fuzz/corpus/ (run from the top of the tree after 'make vhsim
# build/vhsim_tests'; docs/fuzzing.md).
#
#   scenario/   every shipped scenario and lesson, and every scenario the loader's
#               test table loads, bad inputs included (written by
#               tests/test_scenario.c when VHSIM_FUZZ_SEEDS is set)
#   recording/  recordings of the small scenarios in tests/fuzz/recsrc/,
#               one of them cut short (no end record, half a block)
set -e
out=tests/fuzz/corpus
rm -rf "$out"
mkdir -p "$out/scenario" "$out/recording"

for f in scenarios/*.json scenarios/bench/*.json tests/fuzz/recsrc/*.json; do
    cp "$f" "$out/scenario/s-$(basename "$f")"
done
for f in scenarios/lessons/*.json; do
    cp "$f" "$out/scenario/l-$(basename "$f")"
done
VHSIM_FUZZ_SEEDS="$out/scenario" CK_FORK=no CK_VERBOSITY=silent \
    ./build/vhsim_tests scenario >/dev/null

for f in tests/fuzz/recsrc/*.json; do
    r="$out/recording/$(basename "$f" .json).vhrec"
    ./vhsim run --quiet --record "$r" "$f"
done
# A recording cut short, as a killed run leaves it.
head -c "$(( $(wc -c <"$out/recording/bridge.vhrec") / 2 ))" \
    "$out/recording/bridge.vhrec" >"$out/recording/bridge-cut.vhrec"

echo "seed corpus: $(ls "$out/scenario" | wc -l) scenarios," \
     "$(ls "$out/recording" | wc -l) recordings"
