# Parsers run in isolated workers: a crash, a hang, memory exhaustion or a
# SIGKILL costs only its document (status error, warning
# extraction-failed), the rest of the sweep goes on, and the output is the
# same whatever the number of workers. Faults are injected with
# SILA_TEST_FAULTS (filters/sila-extract.c).
. "$(dirname "$0")/../lib.sh"
set -e
export SILA_TEST_FAULTS=1
d=$T/docs; mkdir -p "$d"
echo 'Personnummer 20000101-2384' > "$d/a-ok.txt"
echo 'SILA-TEST-CRASH' > "$d/b-crash.txt"
echo 'SILA-TEST-HANG' > "$d/c-hang.txt"
echo 'Personnummer 20000102-2383' > "$d/d-ok.txt"
case $BIN in
*asan*) ;; # AddressSanitizer cannot run under an address-space limit.
*) echo 'SILA-TEST-OOM' > "$d/e-oom.txt" ;;
esac
cp corpus/arkiv.zip "$d/f.zip"
run "$BIN/sila" --timeout 2 --max-memory 256M "$d" > "$T/out" 2> "$T/err"
assert_eq "$rc" 2 "exit status with failed documents"
n=$(find "$d" -type f -printf x | wc -c)
assert_eq "$(wc -l < "$T/out")" $((n + 1)) "one line per file and member"
st() { jq -r --arg p "$1" 'select(.path | endswith($p)) | select(has("member") | not) | .status + " " + (.warnings | map(.message) | join("; "))' "$T/out"; }
case $(st b-crash.txt) in "error the parser crashed (signal 11)") ;; *) fail "crash: $(st b-crash.txt)" ;; esac
case $(st c-hang.txt) in "error the parser took longer than 2 s (--timeout)") ;; *) fail "hang: $(st c-hang.txt)" ;; esac
[ -f "$d/e-oom.txt" ] && case $(st e-oom.txt) in "error the parser "*) ;; *) fail "oom: $(st e-oom.txt)" ;; esac
assert_eq "$(jq -r 'select(.path | endswith("ok.txt")) | .level' "$T/out" | tr '\n' ' ')" "2 2 " "documents after the failures"
assert_contains "$T/err" "b-crash.txt': the parser crashed"

# A worker killed from outside mid-document (here: while it hangs).
printf 'SILA-TEST-HANG\n' > "$T/hang.txt"
"$BIN/sila" --timeout 60 -j 1 "$T/hang.txt" corpus/ren.txt > "$T/out2" 2>/dev/null &
pid=$!
for _ in $(seq 50); do
	x=$(pgrep -P "$pid" -f sila-extract | head -n 1)
	w=${x:+$(pgrep -P "$x" | head -n 1)}
	[ -n "$w" ] && break
	sleep 0.1
done
[ -n "$w" ] || fail "no worker process found"
sleep 0.5
kill -9 "$w"
wait "$pid" || true
assert_eq "$(jq -r 'select(.path | endswith("hang.txt")) | .status' "$T/out2")" error "killed worker's document"
assert_eq "$(jq -r 'select(.path | endswith("hang.txt")) | .warnings[0].message' "$T/out2")" \
	"the parser was killed (signal 9)" "killed worker's message"
assert_eq "$(jq -r 'select(.path == "corpus/ren.txt") | .status' "$T/out2")" ok "the next document"

# The same report with one worker and with four.
unset SILA_TEST_FAULTS
"$BIN/sila" -j 1 corpus | jq -c 'del(.trace)' > "$T/j1" || true
"$BIN/sila" -j 4 corpus | jq -c 'del(.trace)' > "$T/j4" || true
cmp -s "$T/j1" "$T/j4" || fail "output differs between -j 1 and -j 4"
echo ok
