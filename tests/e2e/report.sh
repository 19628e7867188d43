# sila-report: the HTML page made from sila's output on the corpus holds the
# totals that the JSON lines hold, never a finding value (not even from
# --reveal), escapes hostile paths, survives malformed and unreadable input
# and 200 000 lines in bounded memory; then headless Chromium renders it and
# the rendered text is checked, and a screenshot is taken. Without Chromium
# only the rendering part is skipped.
. "$(dirname "$0")/../lib.sh"
set -e
NNBSP=$'\xe2\x80\xaf'

# The options every program has.
"$BIN/sila-report" --help > "$T/help"
assert_contains "$T/help" "usage: sila-report"
assert_eq "$("$BIN/sila-report" --version)" "sila-report 0.1.0" "--version"
run "$BIN/sila-report" --no-such-option < /dev/null > /dev/null 2>&1
assert_eq "$rc" 2 "a bad option"

# The corpus: the page's totals are those of the JSON lines.
"$BIN/sila" corpus 2> /dev/null | tee "$T/r.jsonl" | "$BIN/sila-report" -o "$T/r.html"
[ -s "$T/r.jsonl" ] || fail "sila wrote nothing for the corpus"
count() { jq -s "[.[] | $1] | length" "$T/r.jsonl"; }
files=$(count 'select((.member // []) | length == 0)')
members=$(count 'select((.member // []) | length > 0)')
leaks=$(count 'select(any(.warnings[]?; .code == "unmarked-personal-data"))')
bad=$(count 'select(.status == "unscannable" or .status == "error")')
assert_contains "$T/r.html" "id=\"total-files\">$files<"
assert_contains "$T/r.html" "id=\"total-leaks\">$leaks<"
assert_contains "$T/r.html" "id=\"total-bad\">$bad<"
assert_contains "$T/r.html" "id=\"table-leaks\" data-total=\"$leaks\""
for l in 0 1 2 3 4; do
	f=$(count "select((.member // []) | length == 0) | select(.level == $l)")
	m=$(count "select((.member // []) | length > 0) | select(.level == $l)")
	assert_contains "$T/r.html" "<tr data-level=\"$l\" data-files=\"$f\" data-members=\"$m\">"
	label=$(jq -r "select(.level == $l) | .label" "$T/r.jsonl" | head -1)
	[ -z "$label" ] || assert_contains "$T/r.html" "<span class=\"lv lv$l\">$label</span>"
done
# A count cell as the page writes it: the number, or a dash for none.
cell() { if [ "$1" -gt 0 ]; then echo "<td class=\"n\">$1</td>"; else echo "<td class=\"n\"><span class=\"z\">–</span></td>"; fi; }
for tag in $(jq -r '.tags[]' "$T/r.jsonl" | sort -u); do
	f=$(count "select((.member // []) | length == 0) | select(.tags | index(\"$tag\"))")
	m=$(count "select((.member // []) | length > 0) | select(.tags | index(\"$tag\"))")
	assert_contains "$T/r.html" "<tr><td><code>$tag</code></td>$(cell "$f")$(cell "$m")</tr>"
done
# Members are shown under their container, joined with " › ".
assert_contains "$T/r.html" 'corpus/arkiv.zip › protokoll-sida2.pdf'
assert_contains "$T/r.html" '<span class="nm">paket.tar.gz <small>gzip</small>'
assert_contains "$T/r.html" "$(jq -r '.trace.rules' "$T/r.jsonl" | head -1)"
assert_contains "$T/r.html" "$(jq -r '.trace.policy' "$T/r.jsonl" | head -1)"
assert_contains "$T/r.html" "<td>$(jq -r '.trace.version' "$T/r.jsonl" | head -1)</td>"
assert_not_contains "$T/r.html" '<script src'
assert_not_contains "$T/r.html" '<link'

# Values found are never shown, not even when the input came from --reveal.
"$BIN/sila" --reveal corpus 2> /dev/null | tee "$T/rev.jsonl" | "$BIN/sila-report" > "$T/rev.html"
jq -r '.findings[].value' "$T/rev.jsonl" | sort -u > "$T/values"
checked=0
while read -r v; do
	digits=$(printf '%s' "$v" | tr -cd '0-9')
	[ ${#digits} -ge 8 ] || continue
	assert_not_contains "$T/rev.html" "$v"
	assert_not_contains "$T/rev.html" "$digits"
	checked=$((checked + 1))
done < "$T/values"
[ "$checked" -gt 0 ] || fail "the corpus revealed no numbers to check"
grep -q -F -- '-****' "$T/rev.html" && fail "the page shows a masked value"
assert_contains "$T/rev.html" '<code>se.personnummer</code>'
assert_eq "$(grep -c 'data-level=' "$T/rev.html")" "$(grep -c 'data-level=' "$T/r.html")" "levels with --reveal"

# Hostile names are escaped; bytes that are not UTF-8 show as U+FFFD.
printf '{"path":"d/<img src=x onerror=alert(1)>\\n\\"q\\"&\xff.txt","status":"ok","level":2,"warnings":[{"code":"unmarked-personal-data","message":"<b>m</b>"}]}\n' |
	"$BIN/sila-report" --title '<script>alert(2)</script>' > "$T/evil.html"
assert_not_contains "$T/evil.html" '<img'
assert_not_contains "$T/evil.html" '<b>m'
assert_not_contains "$T/evil.html" '<script>alert'
assert_contains "$T/evil.html" 'd/&lt;img src=x onerror=alert(1)&gt;␊&quot;q&quot;&amp;�.txt'
assert_contains "$T/evil.html" '<title>&lt;script&gt;alert(2)&lt;/script&gt;</title>'

# Malformed lines are counted and reported, not fatal; unreadable input is.
printf '%s\n' '{"path":"a.txt","level":2}' 'not json 19121212-1212' '' '{"path":"b.txt"}' |
	{ run "$BIN/sila-report" > "$T/m.html" 2> "$T/err"; assert_eq "$rc" 0 "malformed lines"; }
assert_contains "$T/err" '^sila-report: line 2: invalid JSON at column'
assert_contains "$T/err" '^sila-report: line 4: no "level" from 0 to 4$'
assert_not_contains "$T/err" '1212'
assert_not_contains "$T/m.html" '1212'
assert_contains "$T/m.html" '<li>line 2: invalid JSON'
assert_contains "$T/m.html" '3 lines read from <span class="path">standard input</span>: 1 document, 2 malformed.'
printf 'oops\n' > "$T/bad.jsonl"
run "$BIN/sila-report" "$T/r.jsonl" "$T/bad.jsonl" "$T/nosuch.jsonl" -o "$T/u.html" 2> "$T/err"
assert_eq "$rc" 2 "an unreadable input"
assert_contains "$T/err" "sila-report: '$T/bad.jsonl': line 1: invalid JSON"
assert_contains "$T/err" "sila-report: '$T/nosuch.jsonl': No such file or directory"
assert_contains "$T/u.html" "id=\"total-files\">$files<"
assert_contains "$T/u.html" '<b>Could not read</b>'
run "$BIN/sila-report" -o /nonexistent/dir/r.html < /dev/null 2> /dev/null
assert_eq "$rc" 2 "an unwritable output"
if [ -w /dev/full ]; then
	run "$BIN/sila-report" "$T/r.jsonl" > /dev/full 2> /dev/null
	assert_eq "$rc" 2 "a full disk"
fi

# 200 000 lines: the tables keep the worst 1 000 and say how many more there
# are; memory stays bounded (checked without sanitizers, where GNU time exists).
awk 'BEGIN {
	for (i = 0; i < 200000; i++) {
		l = i % 5
		w = l >= 2 ? "{\"code\":\"unmarked-personal-data\",\"message\":\"leak\"}" : ""
		m = i % 10 == 9 ? "\"member\":[\"inner/doc.txt\"]," : ""
		printf "{\"path\":\"big/d%04d/f%06d.txt\",%s\"status\":\"ok\",\"level\":%d,\"label\":\"K%d\",\"tags\":[\"personal-data\"],\"findings\":[{\"rule\":\"se.personnummer\",\"value\":\"19121212-1212\",\"count\":1}],\"warnings\":[%s]}\n", int(i / 100), i, m, l, l, w
	}
}' > "$T/big.jsonl"
if [ -x /usr/bin/time ] && ! ldd "$BIN/sila-report" | grep -q libasan; then
	/usr/bin/time -f %M -o "$T/rss" "$BIN/sila-report" "$T/big.jsonl" -o "$T/big.html"
	rss=$(tail -1 "$T/rss")
	[ "$rss" -lt 65536 ] || fail "sila-report used $rss KiB for 200 000 lines"
else
	"$BIN/sila-report" "$T/big.jsonl" -o "$T/big.html"
fi
assert_contains "$T/big.html" "id=\"total-files\">180${NNBSP}000<"
assert_contains "$T/big.html" "id=\"table-leaks\" data-total=\"120000\""
assert_contains "$T/big.html" "Showing the 1${NNBSP}000 at the highest levels; 119${NNBSP}000 more are not shown."
assert_eq "$(grep -c '<td class="path">big/' "$T/big.html")" 1000 "rows in the leak table"
assert_not_contains "$T/big.html" '19121212'

# Rendering: headless Chromium loads the page (its script runs: the tree's
# buttons are shown) and its text holds the totals.
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$CHROMIUM" ]; then
	echo "skipped: no chromium"
	exit 0
fi
chrome() {
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --user-data-dir="$(mktemp -d "$T/profile.XXXXXX")" "$@" 2>> "$T/chromium.log"
}
chrome --dump-dom "file://$T/r.html" > "$T/dom.html" || { tail -5 "$T/chromium.log"; fail "chromium --dump-dom failed"; }
assert_contains "$T/dom.html" 'id="tree-tools"'
assert_not_contains "$T/dom.html" 'id="tree-tools" hidden'
sed -e 's/<[^>]*>/ /g' "$T/dom.html" | tr -s ' \t\n' '   ' > "$T/text"
assert_contains "$T/text" " $files files scanned, and $members archive members "
assert_contains "$T/text" " $leaks with personal data but no confidentiality marking "
for l in 0 1 2 3 4; do
	f=$(count "select((.member // []) | length == 0) | select(.level == $l)")
	m=$(count "select((.member // []) | length > 0) | select(.level == $l)")
	[ "$f" -gt 0 ] || f=–
	[ "$m" -gt 0 ] || m=–
	label=$(jq -r "select(.level == $l) | .label" "$T/r.jsonl" | head -1)
	[ -z "$label" ] || assert_contains "$T/text" " $label [a-z -]* $f $m "
done
assert_contains "$T/text" ' All files '
# A hostile name stays text in the browser too.
chrome --dump-dom "file://$T/evil.html" > "$T/evil-dom.html"
assert_not_contains "$T/evil-dom.html" '<img'
assert_not_contains "$T/evil-dom.html" '<script>alert'
assert_contains "$T/evil-dom.html" '&lt;img src=x onerror=alert(1)&gt;'
# The screenshot: a PNG of a plausible size.
chrome --screenshot="$T/shot.png" --window-size=1280,2000 "file://$T/r.html" > /dev/null
assert_eq "$(head -c 8 "$T/shot.png" | od -An -tx1 | tr -d ' \n')" 89504e470d0a1a0a "PNG signature"
[ "$(stat -c %s "$T/shot.png")" -gt 20000 ] || fail "the screenshot is too small to hold the page"
echo ok
