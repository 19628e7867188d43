# The report must not become the leak: every identity number that --reveal
# (organisation numbers are public and shown whole by design)
# shows is absent, in any of its written forms, from the default output
# and from standard error.
. "$(dirname "$0")/../lib.sh"
set -e
run "$BIN/sila" --reveal corpus > "$T/revealed" 2> /dev/null
run "$BIN/sila" corpus > "$T/out" 2> "$T/err"
jq -r '.findings[] | select(.rule | test("^(se\\.(person|samord|interim)|no\\.|dk\\.|fi\\.|payment\\.|iban)")) | .value' "$T/revealed" | sort -u > "$T/values"
[ -s "$T/values" ] || fail "the corpus revealed no identity numbers to check"
while read -r v; do
	digits=$(printf '%s' "$v" | tr -cd '0-9A-Z')
	short=${digits:2}
	for form in "$v" "$digits" "$short"; do
		[ ${#form} -ge 10 ] || continue
		assert_not_contains "$T/out" "$form"
		assert_not_contains "$T/err" "$form"
	done
done < "$T/values"
assert_contains "$T/out" '"value":"20000101-\*\*\*\*"'
run "$BIN/sila" --reveal corpus/protokoll-sida2.pdf > "$T/out"
assert_contains "$T/out" '"value":"20000101-2384"'
echo ok
