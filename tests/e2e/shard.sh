# --shard I/N: four shards run side by side with GNU parallel, each with a
# state of its own, report every file exactly once between them: their
# merged output equals one whole run's, order and trace aside.
. "$(dirname "$0")/../lib.sh"
set -e
command -v parallel > /dev/null || fail "GNU parallel is not installed (apt-get install parallel)"
tree=$T/tree
mkdir -p "$tree/a/b" "$tree/c"
for i in $(seq 1 150); do
	echo "Personnummer 20000101-2384 rad $i" > "$tree/a/p$i.txt"
	echo "ingenting $i" > "$tree/a/b/n$i.txt"
done
cp -R corpus/. "$tree/c/" 2>/dev/null || true
(cd "$tree/a" && zip -q -r ../arkiv.zip b)
strip() { jq -c 'del(.trace)' | LC_ALL=C sort; }
run "$BIN/sila" --no-progress "$tree" > "$T/whole"
parallel --halt never "$BIN/sila --no-progress --shard {}/4 --state $T/state-{}.db $tree > $T/shard-{}.out 2>/dev/null" \
	::: 1 2 3 4 || true
for i in 1 2 3 4; do
	[ -s "$T/shard-$i.out" ] || fail "shard $i reported nothing"
done
[ "$(cat "$T"/shard-*.out | strip)" = "$(strip < "$T/whole")" ] || fail "the shards together equal one run"
# A path always falls in the same shard, and a second round reads nothing.
parallel "$BIN/sila -v --no-progress --shard {}/4 --state $T/state-{}.db $tree 2>&1 >/dev/null" \
	::: 1 2 3 4 > "$T/again" || true
assert_eq "$(grep -c ' 0 files read' "$T/again")" 4 "every shard finds its state"
run "$BIN/sila" --shard 5/4 "$tree"
assert_eq "$rc" 2 "an invalid shard"
echo ok
