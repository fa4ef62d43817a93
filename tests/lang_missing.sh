#!/bin/sh
# tests/lang_missing.sh [TOP]: every text a student reads has its Chinese.
#
# Lists each vh_tr("...") literal of the sources (sim models loader report
# cli gui record) that sim/lang/*.def has no TR("...", "...") entry for,
# and each entry whose Chinese has other printf conversions than its
# English (a "%llu" become "%d" would print garbage, or crash).  Adjacent
# literals ("a" "b") are one text, as the compiler joins them.
#
# Then the words the text report shows that are not sentences: each key a
# device's own report line writes (the second argument of a report_*(out,
# "key", ...) call) and each drop reason (a literal given to a function
# named *drop, kept in a variable or field named why, reason, *_reason or
# *_drop or in acct_*[], or returned by a function named *why* or *drop_reason*), which
# need a GLOSS("...", "...") in sim/lang/gloss.def.  Exit status 1 if
# anything is listed, 0 when all is well.  Run by 'make test'.
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
    # PRIu64 and its kind between literals stand as "<PRIu64>".
    sub joined {
        my $x = shift;
        my $t = "";
        while ($x =~ /"((?:[^"\\\n]|\\.)*)"|\b(PRI\w+)/g) {
            $t .= defined $1 ? $1 : "<$2>";
        }
        $t
    }
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
        while ($s =~ /\bTR\(\s*((?:(?:$str|PRI\w+)\s*)+),\s*((?:(?:$str|PRI\w+)\s*)+)\)/g) {
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
    my %gloss;
    {
        my $s = uncomment(slurp("sim/lang/gloss.def"));
        while ($s =~ /\bGLOSS\(\s*($str)\s*,\s*($str)\s*\)/g) {
            my $key = joined($1);
            if ($gloss{$key}++) {
                print "sim/lang/gloss.def: \"$key\" has two entries\n";
                $bad = 1;
            }
        }
    }
    # A key or a reason: lower case, words joined by "_" or "-".
    my $word = qr/"([a-z][a-z0-9]*(?:[-_][a-z0-9]+)*)"/;
    my $args = qr/(\((?:[^()"]++|$str|(?-1))*\))/;
    # The top-level arguments of the "(...)" of a call.
    sub split_args {
        my $a = substr($_[0], 1, -1);
        my @out;
        my ($cur, $depth) = ("", 0);
        while ($a =~ /\G($str|[()]|,|[^()",]+)/g) {
            my $t = $1;
            $depth++ if $t eq "(";
            $depth-- if $t eq ")";
            if ($t eq "," && !$depth) { push @out, $cur; $cur = ""; next }
            $cur .= $t;
        }
        push @out, $cur;
        @out
    }
    my (%seen, %want);
    while (my $file = <STDIN>) {
        chomp $file;
        my $s = uncomment(slurp($file));
        while ($s =~ /\bvh_tr\(\s*((?:$str\s*)+)\)/g) {
            my $en = joined($1);
            next if $seen{$en}++ || exists $zh{$en};
            print "$file: no Chinese for \"$en\"\n";
            $bad = 1;
        }
        # The lines of the inspector: add() passes its format through vh_tr().
        # A decoded header (its columns aligned by runs of spaces) stays
        # as the wire has it; a format of conversions alone says nothing.
        if ($file =~ m{^gui/}) {
            while ($s =~ /\badd\s*$args/g) {
                my @a = split_args($1);
                next unless @a >= 5 && $a[4] =~ /^\s*((?:(?:$str|PRI\w+)\s*)+)/;
                my $fmt = joined($1);
                (my $words = $fmt) =~ s/%[-+ #0]*(?:\*|\d+)?(?:\.(?:\*|\d+))?(?:hh|h|ll|l|z|j|t|L)?[diouxXeEfgGcspn%]//g;
                $words =~ s/\\x[0-9a-fA-F]{2}//g;
                next if $fmt =~ /  / || $words !~ /[a-z]{2,}/;
                next if $seen{$fmt}++ || exists $zh{$fmt};
                print "$file: no Chinese for \"$fmt\"\n";
                $bad = 1;
            }
        }
        next unless $file =~ m{^(?:models|sim|report)/};
        while ($s =~ /\b\w*report\w*\s*$args/g) {
            my @a = split_args($1);
            next unless @a >= 2 && $a[0] =~ /^\s*out\s*$/;
            $want{$1} //= "$file: report key" while $a[1] =~ /$word/g;
        }
        while ($s =~ /\b\w*drop\s*$args/g) {
            my $a = $1;
            $want{$1} //= "$file: drop reason" while $a =~ /$word/g;
        }
        while ($s =~ /\b(?:why|reason|\w+_reason|\w+_drop|acct_\w+\[\])\s*=\s*$word/g) {
            $want{$1} //= "$file: drop reason";
        }
        while ($s =~ /^(\w*(?:drop_reason|why)\w*)\s*\([^)]*\)\s*\{(.*?)^\}/gms) {
            my $body = $2;
            $want{$1} //= "$file: drop reason" while $body =~ /return\s+$word\s*;/g;
        }
    }
    for my $w (sort keys %want) {
        next if $gloss{$w};
        print "$want{$w} \"$w\" has no GLOSS in sim/lang/gloss.def\n";
        $bad = 1;
    }
    exit $bad;
' <"${TMPDIR:-/tmp}/lang_missing.$$"
