# Every file and every archive member yields exactly one line, failures
# included: a directory of N files and archives with M members gives N+M.
. "$(dirname "$0")/../lib.sh"
set -e
d=$T/share; mkdir -p "$d/sub" "$T/src/inner"
cp corpus/trasig.pdf corpus/protokoll-sida2.pdf corpus/beslut-sekretess.docx "$d/"
: > "$d/empty.txt"
echo "Personnummer 20000101-2384" > "$d/sub/a.txt"
printf 'namn\n' > "$d/"$'bad\nname.txt'
printf 'namn\n' > "$d/"$'bad\xffname.txt'
echo one > "$T/src/1.txt"; echo two > "$T/src/2.txt"; : > "$T/src/3.txt"
(cd "$T/src" && zip -q "$d/z.zip" 1.txt 2.txt 3.txt)
echo in1 > "$T/src/inner/x.txt"; echo in2 > "$T/src/inner/y.txt"
(cd "$T/src/inner" && zip -q ../inner.zip x.txt y.txt)
tar -czf "$d/t.tar.gz" -C "$T/src" 1.txt 2.txt inner.zip
N=$(find "$d" -type f -printf x | wc -c)  # 9 files on disk
M=$((3 + 3 + 2))                        # z.zip 3; t.tar.gz 2 + inner.zip; inner.zip 2
run "$BIN/sila" "$d" > "$T/out" 2> "$T/err"
assert_eq "$rc" 2 "exit status with a corrupt PDF"
assert_eq "$(wc -l < "$T/out")" $((N + M)) "lines for $N files and $M members"
jq -e . "$T/out" > /dev/null || fail "output is not JSON Lines"
assert_eq "$(jq -r 'select(.path | endswith("trasig.pdf")) | .status' "$T/out")" unscannable "corrupt PDF status"
assert_eq "$(jq -r 'select(.path | endswith("empty.txt")) | .status' "$T/out")" ok "empty file status"
# Names that are not UTF-8 come back byte for byte through path_b64.
b64=$(jq -r 'select(.path_b64) | .path_b64' "$T/out")
assert_eq "$(printf '%s' "$b64" | base64 -d | od -An -tx1 | tr -d ' \n')" \
	"$(printf '%s' "$d/"$'bad\xffname.txt' | od -An -tx1 | tr -d ' \n')" "path_b64 round trip"
# A newline in a name stays inside one JSON string.
assert_eq "$(jq -r 'select(.path | contains("\n")) | .path' "$T/out" | tail -n 1)" "name.txt" "newline in name"
# A container's line comes after its members' lines, and holds their level.
last_member=$(grep -n '"member":\["inner.zip","y.txt"\]' "$T/out" | cut -d: -f1)
inner=$(grep -n '"member":\["inner.zip"\],' "$T/out" | cut -d: -f1)
outer=$(grep -n '"path":"[^"]*t.tar.gz","type"' "$T/out" | cut -d: -f1)
[ "$last_member" -lt "$inner" ] && [ "$inner" -lt "$outer" ] || fail "container lines must follow their members"
echo ok
