# Containers are expanded in one sandboxed child that sila-unpack starts
# once and keeps: container after container goes to the same process, not
# a process each. A child that hangs (here: stopped with SIGSTOP) is killed
# at --timeout, its container gets an error line, and the next container
# is expanded by a new child as if nothing had happened.
. "$(dirname "$0")/../lib.sh"
set -e
mkfifo "$T/paths"
"$BIN/sila-unpack" --timeout 2 < "$T/paths" > "$T/out" 2> "$T/err" &
pid=$!
exec 3> "$T/paths"

# The record headers so far (the corpus' bodies hold no line like them).
headers() { grep -a '^{"path"' "$T/out" || true; }
# Waits until the stream holds n files' own lines (lines without "member").
wait_tops() {
	for _ in $(seq 100); do
		[ "$(headers | jq -c 'select(has("member") | not)' 2>/dev/null | wc -l)" -ge "$1" ] && return 0
		sleep 0.1
	done
	fail "waited for $1 container lines"
}
child() { pgrep -P "$pid" | head -n 1; }

echo corpus/arkiv.zip >&3
wait_tops 1
first=$(child)
[ -n "$first" ] || fail "no expander child after the first container"
for f in corpus/paket.tar.gz corpus/arkiv.zip corpus/paket.tar.gz; do echo "$f" >&3; done
wait_tops 4
assert_eq "$(pgrep -P "$pid" | tr '\n' ' ')" "$first " "the same single child for every container"

# A hanging child costs its container only.
kill -STOP "$first"
echo corpus/arkiv.zip >&3
wait_tops 5
echo corpus/paket.tar.gz >&3
wait_tops 6
exec 3>&-
wait "$pid" || true
headers | jq -c 'select(has("member") | not) | [.path, (.status // "ok"), (.warnings // [] | map(.message) | join("; "))]' > "$T/tops"
assert_eq "$(sed -n 5p "$T/tops")" '["corpus/arkiv.zip","error","expanding took longer than 2 s (--timeout)"]' "the hung container"
assert_eq "$(sed -n 6p "$T/tops")" '["corpus/paket.tar.gz","ok",""]' "the container after it"
# The members of a container expanded after the kill are all there.
assert_eq "$(headers | jq -r 'select(.member and (.path == "corpus/paket.tar.gz")) | .member | join("/")' | sort | uniq -c | awk '{print $1}' | sort -u)" 3 "each member of the tar once per expansion"
echo ok
