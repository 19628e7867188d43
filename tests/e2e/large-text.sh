# A plain text too large to hold (32 MiB and over) is streamed through
# sila-extract, and its findings do not depend on its encoding: the same
# text in UTF-8, UTF-8 with a byte order mark, Windows-1252, UTF-16 with a
# BOM and UTF-16 without one gives the same findings at the same offsets.
# Context and negative keywords with å, ä and ö ("Född", "Ärendenr") must
# survive the conversion, and the text is scanned whole, as streamed text
# is, whatever --max-text says.
. "$(dirname "$0")/../lib.sh"
set -e
python3 - "$T" <<'PY'
import sys
t = sys.argv[1]
filler = "Protokoll från nämndens sammanträde om förskolans lokaler och öppettider.\n"
lines = []
size = 0
i = 0
# Skatteverket's test numbers: one with context (high), one after a
# negative keyword (no finding), one bare (medium).
planted = ["Född: 000101-2384\n", "Ärendenr 000102-2383\n", "Elev 000103-2382\n"]
while size < 34 << 20:  # in Windows-1252, the smallest of the encodings
    s = planted[i % 3] if i % 20000 == 0 else filler
    lines.append(s)
    size += len(s.encode("cp1252"))
    i += 1
text = "".join(lines)
open(t + "/utf8.txt", "wb").write(text.encode("utf-8"))
open(t + "/utf8-bom.txt", "wb").write(text.encode("utf-8-sig"))
open(t + "/cp1252.txt", "wb").write(text.encode("cp1252"))
open(t + "/utf16.txt", "wb").write(text.encode("utf-16"))
open(t + "/utf16le.txt", "wb").write(text.encode("utf-16-le"))
PY
for e in utf8 utf8-bom cp1252 utf16 utf16le; do
	[ "$(stat -c %s "$T/$e.txt")" -gt $((32 << 20)) ] || fail "$e.txt is too small to be streamed"
	run "$BIN/sila" "$T/$e.txt" > "$T/$e.out" 2> "$T/$e.err"
	assert_eq "$rc" 1 "$e: exit status with findings"
	jq -c '[.status, .findings]' "$T/$e.out" > "$T/$e.f"
done
assert_eq "$(jq -c '.[1] | map(.confidence) | unique' "$T/utf8.f")" '["high","medium"]' "confidences in UTF-8"
assert_eq "$(jq -c '.[1] | map(.value)' "$T/utf8.f")" '["20000101-****","20000103-****"]' "findings in UTF-8"
assert_eq "$(jq -r '.[0]' "$T/utf8.f")" ok "status in UTF-8"
for e in utf8-bom cp1252 utf16 utf16le; do
	cmp -s "$T/utf8.f" "$T/$e.f" || fail "$e differs from UTF-8: $(head -c 300 "$T/$e.f")"
done

# Streamed text is scanned whole, not cut at --max-text, converted or not.
for e in utf8 cp1252 utf16; do
	run "$BIN/sila" --max-text 1M "$T/$e.txt" > "$T/cut.out" 2>/dev/null
	jq -c '[.status, .findings]' "$T/cut.out" > "$T/cut.f"
	cmp -s "$T/utf8.f" "$T/cut.f" || fail "$e with --max-text 1M: $(head -c 300 "$T/cut.f")"
done
echo ok
