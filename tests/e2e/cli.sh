# Every program: --help, --version, bad options, and clear messages.
. "$(dirname "$0")/../lib.sh"
set -e
for p in sila sila-unpack sila-extract sila-scan sila-classify sila-report; do
	"$BIN/$p" --help > "$T/help" || fail "$p --help failed"
	assert_contains "$T/help" "usage: $p"
	assert_eq "$("$BIN/$p" --version)" "$p 0.1.0" "$p --version"
	run "$BIN/$p" --no-such-option < /dev/null > /dev/null 2>&1
	assert_eq "$rc" 2 "$p with a bad option"
done
# A malformed stream is an error with a message, not a crash.
run "$BIN/sila-extract" <<< 'not json' > /dev/null 2> "$T/err"
assert_eq "$rc" 2 "malformed record stream"
assert_contains "$T/err" "sila-extract: error: malformed record header"
printf '{"path":"x","body":100}\nshort' | { run "$BIN/sila-scan" > /dev/null 2> "$T/err"; assert_eq "$rc" 2 "truncated body"; }
# A bad rule names its file, line and the expression Hyperscan rejected.
mkdir -p "$T/rules"; cp patterns/policy.conf "$T/rules/"
printf '[bad.rule]\nname = broken\n\nexpression = (unclosed\n' > "$T/rules/x.rules"
run "$BIN/sila-scan" --rules "$T/rules" < /dev/null 2> "$T/err"
assert_eq "$rc" 2 "bad rule file"
assert_contains "$T/err" "x.rules:4: Hyperscan rejected the expression '(unclosed'"
printf '[bad.rule]\nvalidator = nosuch\n' > "$T/rules/x.rules"
run "$BIN/sila-scan" --rules "$T/rules" < /dev/null 2> "$T/err"
assert_contains "$T/err" "x.rules:2: unknown validator 'nosuch'"
# Paths on standard input, one per line or NUL-separated.
printf 'corpus/ren.txt\ncorpus/tom.txt\n' | "$BIN/sila" > "$T/out"
assert_eq "$(wc -l < "$T/out")" 2 "paths from stdin"
printf 'corpus/ren.txt\0corpus/tom.txt\0' | "$BIN/sila" -0 > "$T/out"
assert_eq "$(wc -l < "$T/out")" 2 "NUL-separated paths from stdin"
echo ok
