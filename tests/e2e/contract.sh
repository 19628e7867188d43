# Every line carries the contract's fields with the right types, the trace
# that makes it traceable, and the sha256 of the file's own bytes.
. "$(dirname "$0")/../lib.sh"
set -e
run "$BIN/sila" $(find corpus -maxdepth 1 -type f) > "$T/out" 2> /dev/null
jq -e -s 'all(.[];
	(.path | type) == "string" and (.size | type) == "number" and
	(.sha256 | test("^[0-9a-f]{64}$")) and
	(.status | IN("ok","partial","unscannable","error")) and
	(.level | IN(0,1,2,3,4)) and (.label | type) == "string" and
	(.tags | type) == "array" and (.findings | type) == "array" and
	(.warnings | type) == "array" and
	(.trace.version | startswith("sila ")) and (.trace.rules | test("^[0-9a-f]{64}$")) and
	(.trace.policy | test("^[0-9a-f]{64}$")) and
	(.trace.scanned | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T")) and
	all(.findings[]; (.rule|type)=="string" and (.value|type)=="string" and (.count >= 1)
		and (.confidence | IN("low","medium","high"))))' "$T/out" > /dev/null ||
	fail "a line breaks the output contract"
for f in corpus/ren.txt corpus/arkiv.zip; do
	assert_eq "$(jq -r --arg p "$f" 'select(.path == $p and (has("member") | not)) | .sha256' "$T/out")" \
		"$(sha256sum "$f" | cut -d' ' -f1)" "sha256 of $f"
done
# The issue's three promises for the demo.
assert_eq "$(jq -c 'select(.path == "corpus/protokoll-sida2.pdf") | [.level, .findings[0].page]' "$T/out")" "[2,2]" "PDF level and page"
assert_eq "$(jq -c 'select(.path == "corpus/arkiv.zip") | [((.member // []) | length), .level]' "$T/out" | tr '\n' ' ')" "[1,2] [0,2] " "zip member and container"
assert_eq "$(jq -c 'select(.path == "corpus/seed-policy.txt") | [.level, .tags]' "$T/out")" '[0,[]]' "seed policy"
# No unscannable result passes as level 0 with status ok.
assert_eq "$(jq -c 'select(.status == "ok" and (.warnings | map(.code) | index("unsupported-type")))' "$T/out")" "" "unsupported but ok"
echo ok
