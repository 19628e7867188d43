# valgrind memcheck over the end-to-end run: every stage, on a sample of
# every format and container, with no memory error and no definite leak.
# (Skipped for the AddressSanitizer build, which valgrind cannot run.)
. "$(dirname "$0")/../lib.sh"
set -e
case $BIN in *asan*) echo "skipped: sanitizer build"; exit 0 ;; esac
command -v valgrind > /dev/null || { echo "skipped: no valgrind"; exit 0; }
V="valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite"
files="corpus/protokoll-sida2.pdf corpus/trasig.pdf corpus/paket.tar.gz corpus/arkiv.zip
corpus/formats/office/arende.docx corpus/formats/office/register.xlsx corpus/formats/office/genomgang.pptx
corpus/formats/office/protokoll.odt corpus/formats/ole2/utredning.doc corpus/formats/ole2/register.xls
corpus/formats/ole2/underlag.msg corpus/formats/mail/bilagor.eml corpus/formats/text/handskriven.rtf
corpus/formats/text/sida-utf8.html corpus/formats/text/utf16le-bom.txt corpus/formats/pdf/kommentar.pdf"
# shellcheck disable=SC2086
run $V "$BIN/sila-unpack" --no-sandbox $files > "$T/1" 2> "$T/err1"
[ "$rc" -ne 99 ] || { cat "$T/err1"; fail "memcheck: sila-unpack"; }
run $V "$BIN/sila-extract" -j 0 < "$T/1" > "$T/2" 2> "$T/err2"
[ "$rc" -ne 99 ] || { grep '==' "$T/err2" | head -40; fail "memcheck: sila-extract"; }
run $V "$BIN/sila-scan" < "$T/2" > "$T/3" 2> "$T/err3"
[ "$rc" -ne 99 ] || { cat "$T/err3"; fail "memcheck: sila-scan"; }
run $V "$BIN/sila-classify" < "$T/3" > "$T/4" 2> "$T/err4"
[ "$rc" -ne 99 ] || { cat "$T/err4"; fail "memcheck: sila-classify"; }
assert_eq "$(wc -l < "$T/4")" "$("$BIN/sila" $files 2>/dev/null | wc -l)" "the same lines as a normal run"
echo ok
