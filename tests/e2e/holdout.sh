# The holdout corpus (corpus/holdout; docs/eval.md, "The holdout set"),
# scored by tests/run-eval as corpus/eval is and printed in full. It is a
# regression guard, not a tuning target: this test fails only when precision
# or recall of se.personnummer on the holdout falls below 0.95. run-eval's
# own verdict (0.99 for every rule, every level) is printed but not ours.
. "$(dirname "$0")/../lib.sh"
set -e
run tests/run-eval "$BIN" corpus/holdout >"$T/holdout" 2>&1
cat "$T/holdout"
[ "$rc" -ne 2 ] || fail "run-eval gave no report on corpus/holdout (exit 2)"
row=$(grep -m1 -E '^se\.personnummer ' "$T/holdout") || fail "no se.personnummer row in the holdout report"
read -r _ tp fp fn p r _ <<<"$row"
num='^[0-9]+\.[0-9]+$'
[[ $p =~ $num && $r =~ $num ]] || fail "se.personnummer on the holdout: precision '$p', recall '$r'"
awk -v p="$p" -v r="$r" 'BEGIN { exit !(p + 0 >= 0.95 && r + 0 >= 0.95) }' ||
	fail "se.personnummer on the holdout: precision $p, recall $r (TP $tp, FP $fp, FN $fn); the guard wants both at least 0.950"
echo "holdout guard: se.personnummer precision $p, recall $r (TP $tp, FP $fp, FN $fn), both at least 0.950"
