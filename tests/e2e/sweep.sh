# Nightly sweeps with --state: a second sweep reads only the files that
# changed, a sweep killed with SIGKILL resumes without losing or repeating
# a result, a deleted file is reported once, and a changed rule set reads
# everything again. The tree: 2000 small files, one in ten with a
# Skatteverket test personnummer, five of them zip archives.
. "$(dirname "$0")/../lib.sh"
set -e
CSV=../shared/testdata/skatteverket/testpersonnummer-2000-2009.csv
[ -r "$CSV" ] || CSV=/work/shared/testdata/skatteverket/testpersonnummer-2000-2009.csv
tree=$T/tree
mkdir -p "$tree"
for d in $(seq -w 0 19); do mkdir "$tree/d$d"; done
awk -v d="$tree" 'NR > 1 { p[c++] = $1 }
END {
	for (i = 0; i < 2000; i++) {
		f = sprintf("%s/d%02d/f%04d.txt", d, i % 20, i)
		if (i % 10 == 0) {
			v = p[i % c]
			printf "Kund %d\nPersonnummer %s-%s\n", i, substr(v, 1, 8), substr(v, 9) > f
		} else
			printf "Anteckning %d utan nummer\n", i > f
		close(f)
	}
}' "$CSV"
for z in 1 2 3 4 5; do
	rm "$tree/d0$z/f004$z.txt"
	zip -q -j "$tree/d0$z/arkiv$z.zip" "$tree/d0$z/f000$z.txt" "$tree/d00/f0${z}00.txt"
done
[ "$(find "$tree" -type f | wc -l)" = 2000 ] || fail "the tree has 2000 files"

S=$T/state.db
sweep() { "$BIN/sila" -v --no-progress "$@" "$tree" 2>"$T/err"; }
counts() { sed -n 's/^sila-unpack: \([0-9]*\) files read, \([0-9]*\) reused.*/\1 \2/p' "$T/err"; }
strip() { jq -c 'del(.trace.scanned)' "$@"; }

# Sweep 1 reads everything; sweep 2 reads nothing and prints the same.
run sweep --state "$S" > "$T/o1"
assert_eq "$(counts)" "2000 0" "the first sweep reads every file"
assert_eq "$(wc -l < "$T/o1")" 2010 "a line per file and member"
run sweep --state "$S" > "$T/o1b"
assert_eq "$(counts)" "0 2000" "an unchanged tree is not read again"
cmp -s "$T/o1" "$T/o1b" || fail "the stored lines are printed as they were"

# Change 1% of the files: only those are read, and the report is a fresh one.
for i in $(seq 50 100 1950); do
	f=$(printf '%s/d%02d/f%04d.txt' "$tree" $((i % 20)) "$i")
	echo "Personnummer 20000101-2384" >> "$f"
	touch -d '+1 minute' "$f"
done
run sweep --state "$S" > "$T/o2"
assert_eq "$(counts)" "20 1980" "the second sweep reads only the 20 changed files"
run sweep > "$T/fresh"
[ "$(strip "$T/o2")" = "$(strip "$T/fresh")" ] || fail "the second sweep equals a fresh one"
# (By content, not by scan time: two sweeps may fall within one second.)
assert_eq "$(diff <(jq -r '.path + " " + .sha256' "$T/o1") \
	<(jq -r '.path + " " + .sha256' "$T/o2") | grep -c '^>')" 20 "only changed lines are new"
assert_eq "$(jq -c 'select(.path | endswith("f0050.txt")) | .level' "$T/o2")" 2 "a changed file is judged anew"

# --changed-only prints nothing for an unchanged tree.
run sweep --state "$S" --changed-only > "$T/o3"
assert_eq "$(wc -c < "$T/o3")" 0 "--changed-only leaves unchanged files out"

# A sweep killed with SIGKILL halfway resumes: completed files come from the
# state, the rest are read, and the report equals a clean sweep's.
# Its output goes to a pipe that stops being read after 900 lines, so the
# sweep is surely halfway (blocked writing) when it is killed, however fast.
S2=$T/state2.db
mkfifo "$T/out.fifo"
setsid "$BIN/sila" --no-progress --state "$S2" "$tree" > "$T/out.fifo" 2>/dev/null &
pid=$!
exec 3< "$T/out.fifo"
head -n 900 <&3 > "$T/killed"
kill -9 -- -"$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
exec 3<&-
lines=$(wc -l < "$T/killed")
[ "$lines" -lt 2010 ] || fail "the sweep was killed before it ended ($lines lines)"
run sweep --state "$S2" > "$T/resumed"
read -r nread nreused <<< "$(counts)"
[ "$nreused" -gt 0 ] && [ "$nread" -gt 0 ] || fail "the resumed sweep reuses and reads ($nread read, $nreused reused)"
assert_eq "$((nread + nreused))" 2000 "every file once"
[ "$(strip "$T/resumed")" = "$(strip "$T/fresh")" ] || fail "the resumed sweep equals a clean one"

# A deleted file is reported once, with level 0, then never again.
rm "$tree/d07/f0007.txt"
run sweep --state "$S" > "$T/o4"
assert_eq "$(jq -c 'select(.status == "deleted") | [.path, .level, .type]' "$T/o4")" \
	"[\"$tree/d07/f0007.txt\",0,\"text/plain\"]" "the deleted file is reported"
assert_eq "$(counts)" "0 1999" "nothing else read"
run sweep --state "$S" > "$T/o5"
assert_eq "$(grep -c deleted "$T/o5")" 0 "a deleted file is reported only once"
assert_eq "$(wc -l < "$T/o5")" 2009 "the deleted file is gone from the report"

# A changed rule set judges every file anew, and is then cached in turn.
cp -R patterns "$T/rules"
printf '\n[extra.rule]\nexpression = Anteckning\nflags = S\nvalidator = citation\n' >> "$T/rules/identity.rules"
run sweep --state "$S" --rules "$T/rules" > "$T/o6"
assert_eq "$(counts)" "1999 0" "changed rules read everything again"
[ "$(jq -c 'select(.findings[].rule == "extra.rule") | .path' "$T/o6" | head -1)" != "" ] || fail "the new rule is applied"
run sweep --state "$S" --rules "$T/rules" > "$T/o7"
assert_eq "$(counts)" "0 1999" "and are cached in turn"
run sweep --state "$S" --reveal > /dev/null
assert_eq "$(counts)" "1999 0" "an option that changes results reads everything again"
echo ok
