# Exit status: 0 nothing at or above --fail-level, 1 something at or above
# it, 2 an error or an input that could not be scanned.
. "$(dirname "$0")/../lib.sh"
set -e
run "$BIN/sila" corpus/ren.txt corpus/seed-policy.txt > /dev/null
assert_eq "$rc" 0 "clean files"
run "$BIN/sila" corpus/anteckningar.txt > /dev/null
assert_eq "$rc" 1 "personal data at the default level 2"
run "$BIN/sila" --fail-level 3 corpus/anteckningar.txt > /dev/null
assert_eq "$rc" 0 "personal data below --fail-level 3"
run "$BIN/sila" --fail-level 4 corpus/intern-hemlig.txt > /dev/null
assert_eq "$rc" 1 "security classification at level 4"
run "$BIN/sila" corpus/trasig.pdf > /dev/null 2>&1
assert_eq "$rc" 2 "a corrupt PDF"
run "$BIN/sila" "$T/does-not-exist" > "$T/out" 2> "$T/err"
assert_eq "$rc" 2 "a missing file"
assert_eq "$(wc -l < "$T/out")" 1 "a missing file still has its line"
assert_eq "$(jq -r .status "$T/out")" error "missing file status"
assert_contains "$T/err" "sila-unpack: '$T/does-not-exist': No such file or directory"
# A stage that cannot run at all (its rules do not compile) fails the run.
mkdir -p "$T/rules"; cp patterns/policy.conf "$T/rules/"
printf '[bad]\nexpression = (\n' > "$T/rules/x.rules"
run "$BIN/sila" --rules "$T/rules" corpus/ren.txt > /dev/null 2> "$T/err"
assert_eq "$rc" 2 "a rule set that does not compile"
echo ok
