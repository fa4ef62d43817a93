#!/bin/sh
# tests/lang_missing.sh [TOP]: every text a student reads has its Chinese.
#
# Lists each vh_tr("...") literal of the sources (sim models loader report
# cli gui record) that sim/lang/*.def has no TR("...", "...") entry for,
# and each entry whose Chinese has other printf conversions than its
# English (a "%llu" become "%d" would print garbage, or crash).  Adjacent
# literals ("a" "b") are one text, as the compiler joins them.  Exit
# status 1 if anything is listed, 0 when all is well.  Run by 'make test'.
set -e
top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top"
find sim models loader report cli gui record -name '*.c' 2>/dev/null \
    | LC_ALL=C sort >"${TMPDIR:-/tmp}/lang_missing.$$"
trap 'rm -f "${TMPDIR:-/tmp}/lang_missing.$$"' EXIT
perl -e '
    use strict;
    my $str = qr/"(?:[^"\\\n]|\\.)*"/;
    # The text of a run of adjacent literals, escapes kept as written.
    sub joined { my $x = shift; my $t = ""; $t .= $1 while $x =~ /"((?:[^"\\\n]|\\.)*)"/g; $t }
    sub convs { my $x = shift; my @c = $x =~ /%[-+ #0]*(?:\*|\d+)?(?:\.(?:\*|\d+))?(?:hh|h|ll|l|z|j|t|L)?[diouxXeEfgGcspn%]/g; join " ", @c }
    sub slurp { local $/; open my $f, "<", $_[0] or die "$_[0]: $!\n"; my $s = <$f>; $s }
    sub uncomment {
        my $s = shift;
        $s =~ s{($str|\x27(?:[^\x27\\]|\\.)*\x27)|/\*.*?\*/|//[^\n]*}{defined $1 ? $1 : " "}gse;
        $s
    }
    my %zh;
    my $bad = 0;
    for my $def (sort glob "sim/lang/*.def") {
        my $s = uncomment(slurp($def));
        while ($s =~ /\bTR\(\s*((?:$str\s*)+),\s*((?:$str\s*)+)\)/g) {
            my ($en, $zh) = (joined($1), joined($2));
            if (exists $zh{$en}) {
                print "$def: \"$en\" has two entries\n";
                $bad = 1;
            }
            $zh{$en} = $zh;
            if (convs($en) ne convs($zh)) {
                print "$def: \"$en\": conversions \"", convs($en),
                      "\" but the Chinese has \"", convs($zh), "\"\n";
                $bad = 1;
            }
        }
    }
    my %seen;
    while (my $file = <STDIN>) {
        chomp $file;
        my $s = uncomment(slurp($file));
        while ($s =~ /\bvh_tr\(\s*((?:$str\s*)+)\)/g) {
            my $en = joined($1);
            next if $seen{$en}++ || exists $zh{$en};
            print "$file: no Chinese for \"$en\"\n";
            $bad = 1;
        }
    }
    exit $bad;
' <"${TMPDIR:-/tmp}/lang_missing.$$"
