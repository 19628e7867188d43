# OCR: scanned letters are read with --ocr (Tesseract, Swedish), and are
# reported as unscannable without it, never as clean.
. "$(dirname "$0")/../lib.sh"
set -e
want='["se.personnummer=20000106-2389"]'
for f in corpus/formats/pdf/skannad.pdf corpus/formats/image/skannat-brev.png \
	 corpus/formats/image/skannat-brev.jpg corpus/formats/image/skannat-brev.tif; do
	"$BIN/sila" --ocr --reveal "$f" > "$T/out" || true
	assert_eq "$(jq -c '[.findings[] | .rule + "=" + .value]' "$T/out")" "$want" "OCR of $f"
	assert_eq "$(jq -c '[.status, .ocr_pages]' "$T/out")" '["ok",1]' "status of $f"
	run "$BIN/sila" "$f" > "$T/out"
	assert_eq "$rc" 2 "$f without --ocr"
	assert_eq "$(jq -r .status "$T/out")" unscannable "status of $f without --ocr"
done
assert_eq "$(jq -r '.warnings[0].code' "$T/out")" unsupported-type "an image without --ocr"
run "$BIN/sila" --ocr-lang xx-nosuch corpus/formats/image/skannat-brev.png > /dev/null 2> "$T/err"
assert_eq "$rc" 2 "a missing OCR language"
assert_contains "$T/err" "cannot start Tesseract with language 'xx-nosuch'"
echo ok
