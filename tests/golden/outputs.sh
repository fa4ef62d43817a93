#!/bin/sh
# tests/golden/outputs.sh VHSIM: print the SHA-256 of everything the shipped
# scenarios produce, one "hash  label" line each, in a fixed order.
#
# For every scenario under scenarios/ (bench ones included), at its own seed
# and at seed 7: the terminal report, the JSON report less its wall_s line,
# every capture, and 'vhsim explain' of its first packet.  For every
# scenario with variants: 'vhsim compare' as a table, as JSON (less wall_s)
# and as CSV.  The output is compared with tests/golden/hashes.txt by
# make test; refactors keep it identical.  A change meant to alter results
# regenerates the file ('make golden') in its own commit that says why.
set -e
# The recorded outputs are the English ones, whatever the caller's locale.
export LC_ALL=C
bin=$(realpath "$1")
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$top"
for f in scenarios/*.json scenarios/bench/*.json; do
    for seed in "" 7; do
        d="$work/$(echo "$f" | tr / _)$seed"
        mkdir -p "$d"
        label="$f${seed:+ seed=$seed}"
        (cd "$d" && "$bin" run "$top/$f" ${seed:+--seed $seed} \
             --json r.json >report.txt 2>/dev/null)
        (cd "$d" && "$bin" explain "$top/$f" ${seed:+--seed $seed} \
             >explain.txt 2>/dev/null)
        sed -i '/"wall_s"/d' "$d/r.json"
        (cd "$d" && sha256sum report.txt r.json explain.txt \
             $(find traces -type f 2>/dev/null | LC_ALL=C sort)) \
            | sed "s|\$|  [$label]|"
        if grep -q '"variants"' "$f"; then
            (cd "$d" && "$bin" compare "$top/$f" ${seed:+--seed $seed} \
                 --json c.json --csv c.csv >compare.txt 2>/dev/null)
            sed -i '/"wall_s"/d' "$d/c.json"
            (cd "$d" && sha256sum compare.txt c.json c.csv) \
                | sed "s|\$|  [$label]|"
        fi
    done
done
