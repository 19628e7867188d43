# The report must not become the leak: identity numbers are masked on
# stdout and stderr unless --reveal is given.
. "$(dirname "$0")/../lib.sh"
set -e
run "$BIN/sila" corpus > "$T/out" 2> "$T/err"
for n in 20000101-2384 200001012384 0001022391 20000102-2391 200001011493 000102-2383 20000102-2383; do
	assert_not_contains "$T/out" "$n"
	assert_not_contains "$T/err" "$n"
done
assert_contains "$T/out" '"value":"20000101-\*\*\*\*"'
run "$BIN/sila" --reveal corpus/protokoll-sida2.pdf > "$T/out"
assert_contains "$T/out" '"value":"20000101-2384"'
echo ok
