# Hostile inputs (scripts/make-hostile): bombs, quines, cycles, deep
# nesting, huge parts, truncated and random files, odd names, FIFOs and
# links. sila runs once per case, under a time and memory cap, and each
# case must come out with exactly one line per file and per member reached,
# a status that is not "ok" where a limit was hit or the file is damaged,
# the warning that says why, no stage killed by a signal, and every
# process under 1 GiB resident (not checked for AddressSanitizer builds).
#
# Prints a Markdown table: case, status, warnings, seconds, peak RSS,
# verdict (docs/hardening.md holds one from a normal build).
# Every case runs even when one fails; the test fails at the end.
. "$(dirname "$0")/../lib.sh"
set -e

CAP_KB=$((1024 * 1024))   # 1 GiB, the peak resident size allowed
BUDGET=600                # seconds for all cases together
# AddressSanitizer makes parsing several times slower: give its build more
# time, so a slow machine does not turn a case into a timeout.
case $BIN in *asan*) tmo=120 ;; *) tmo=20 ;; esac
OPTS=(--timeout "$tmo" --max-memory 1G --max-expanded 512M)
case $BIN in *asan*) asan=1 ;; *) asan=0 ;; esac

[ -x /usr/bin/time ] || fail "/usr/bin/time (Debian package 'time') is needed to measure peak RSS"

# The set is cached under tests/hostile/out/, keyed by the generator and the corpus.
key=$( { cat scripts/make-hostile tests/hostile/gen.c
	 find corpus -type f -print0 | sort -z | xargs -0 sha256sum; } | sha256sum | cut -c1-16)
H=tests/hostile/out/$key
if [ ! -e "$H/.complete" ]; then
	mkdir -p tests/hostile/out
	for old in tests/hostile/out/*; do
		[ -d "$old" ] && [ "$old" != "$H" ] && case $old in *.tmp.*) ;; *) rm -rf "$old" ;; esac
	done
	tmpset=$H.tmp.$$
	rm -rf "$tmpset"
	scripts/make-hostile "$tmpset" >&2 || { rm -rf "$tmpset"; fail "make-hostile failed"; }
	touch "$tmpset/.complete"
	rm -rf "$H"
	mv "$tmpset" "$H"
fi

failed=0
start=$(date +%s)
# Whether a jq filter selects anything in a file of JSON lines.
selects() { jq -c "$@" 2>/dev/null | grep -q .; }
echo "| case | status | warnings | seconds | peak RSS | verdict |"
echo "|---|---|---|---:|---:|---|"

# Checks the structure of a report: no (file, member) twice, every member's
# container has a line, and each container's "members" equals the lines
# directly under it. Prints one problem per line.
structure() {
	jq -r '[(.path_b64 // (.path | @base64)), (.member // [])] as $k
	  | if ($k[1] | length) > 0 then "P\t" + ([$k[0], $k[1][:-1]] | tojson) else empty end,
	    "K\t" + ($k | tojson),
	    if has("container") then "C\t" + ($k | tojson) + "\t" + ((.members // 0) | tostring) else empty end' "$1" |
	awk -F'\t' '
	  $1 == "K" { if (++seen[$2] == 2) print "several lines for " $2 }
	  $1 == "P" { kids[$2]++ }
	  $1 == "C" { cont[$2] = $3 }
	  END {
	    for (k in kids) if (!(k in cont)) print "members without a container line: " k
	    for (k in cont) if (cont[k] + 0 != kids[k] + 0)
	      print "container " k " says " cont[k] " members, has " kids[k] + 0 " lines"
	  }'
}

# Runs one case. Arguments: name, path under $H, then checks:
#   top=ok|notok|any|STATUS[,STATUS]  status of every line for a file on disk
#   warn=CODE[:REGEX]                 some line has a warning CODE whose message matches REGEX
#   lines=N                           exactly N lines in all
#   member=NAME                       a line for member NAME (top-level member) exists
#   mindepth=N                        some line is N containers deep
#   damaged=REGEX                     files on disk whose path matches are damaged: not "ok"
check() {
	local name=$1 path=$H/$2 t0 secs rss rc why="" top_status warn_codes notes=""
	local out=$T/$name.out err=$T/$name.err tv=$T/$name.time
	shift 2
	local left=$((BUDGET - ($(date +%s) - start)))

	[ "$left" -gt 5 ] || left=5
	t0=$(date +%s.%N)
	set +e
	# timeout kills the whole process group (sila, its stages, their workers); time sees them all.
	/usr/bin/time -v -o "$tv" timeout -k 5 "$left" "$BIN/sila" "${OPTS[@]}" "$path" >"$out" 2>"$err"
	rc=$?
	set -e
	secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tv" 2>/dev/null)
	rss=${rss:-0}

	# The chain ran to its end: no timeout, no signal, an exit status of its own.
	case $rc in
	0 | 1 | 2) ;;
	124 | 137) why="$why; hung: killed after ${left}s" ;;
	*) why="$why; exit status $rc" ;;
	esac
	if grep -q 'killed by signal\|was killed\|Segmentation\|AddressSanitizer\|runtime error' "$err"; then
		why="$why; $(grep -m1 'killed by signal\|was killed\|Segmentation\|AddressSanitizer\|runtime error' "$err" | cut -c1-120)"
	fi
	if ! jq . "$out" >/dev/null 2>&1; then
		why="$why; output is not JSON Lines"
		: > "$out"
	fi

	# Exactly one line per file on disk (without member), byte-exact names.
	local want got
	want=$(find "$path" ! -type d -print0 | while IFS= read -r -d '' f; do
		printf '%s' "$f" | base64 -w0; echo; done | sort)
	got=$(jq -r 'select(has("member") | not) | .path_b64 // (.path | @base64)' "$out" | sort)
	[ "$want" = "$got" ] || why="$why; lines for files on disk: want $(echo "$want" | grep -c .), got $(echo "$got" | grep -c .) ($(diff <(echo "$want") <(echo "$got") | grep '^[<>]' | head -2 | tr '\n' ' '))"
	local s
	s=$(structure "$out" | head -3 | tr '\n' ';')
	[ -z "$s" ] || why="$why; $s"

	# The exit status agrees with the statuses (README, "Exit status").
	if selects 'select(.status == "error" or .status == "unscannable")' "$out"; then
		if [ "$rc" -lt 2 ]; then
			why="$why; exit status $rc with unscannable or error lines"
		fi
	elif [ "$rc" -eq 2 ]; then
		why="$why; exit status 2 without an unscannable or error line"
	fi

	top_status=$(jq -r 'select(has("member") | not) | .status' "$out" | sort | uniq -c |
		awk '{printf "%s%s", (NR > 1 ? "," : ""), ($1 > 1 ? $2 "x" $1 : $2)}')
	warn_codes=$(jq -r 'select(has("member") | not) | .warnings[]?.code' "$out" | sort -u | paste -sd, -)

	for c in "$@"; do
		case $c in
		top=*)
			local exp=${c#top=} bad
			case $exp in
			ok) bad=$(jq -r 'select(has("member") | not) | select(.status != "ok") | .status' "$out") ;;
			notok) bad=$(jq -r 'select(has("member") | not) | select(.status == "ok") | .status' "$out") ;;
			any) bad="" ;;
			*) bad=$(jq -r --arg e ",$exp," 'select(has("member") | not) | .status as $s |
				select($e | contains("," + $s + ",") | not) | $s' "$out") ;;
			esac
			[ -z "$bad" ] || why="$why; status $(echo "$bad" | sort -u | paste -sd, -), expected $exp"
			;;
		warn=*)
			local code=${c#warn=} re=""
			case $code in *:*) re=${code#*:}; code=${code%%:*} ;; esac
			selects --arg c "$code" --arg r "${re:-.}" \
				'.warnings[]? | select((.code | test("^(" + $c + ")$")) and (.message | test($r)))' \
				"$out" || why="$why; no warning $code${re:+ matching /$re/}"
			;;
		lines=*)
			[ "$(wc -l < "$out")" -eq "${c#lines=}" ] || why="$why; $(wc -l < "$out") lines, expected ${c#lines=}"
			;;
		member=*)
			selects --arg m "${c#member=}" 'select(.member == [$m])' "$out" ||
				why="$why; no line for member ${c#member=}"
			;;
		damaged=*)
			# Files whose names match the pattern are damaged: none may be "ok".
			local okdamaged
			okdamaged=$(jq -r --arg re "${c#damaged=}" 'select(has("member") | not) |
				select(.status == "ok") | select(.path | test($re)) | .path' "$out")
			if [ -n "$okdamaged" ]; then
				why="$why; status ok for $(echo "$okdamaged" | wc -l) damaged files"
				notes="$name: status ok for damaged files:
${okdamaged//$H\//}"
			fi
			;;
		mindepth=*)
			selects --argjson d "${c#mindepth=}" 'select((.member // []) | length >= $d)' "$out" ||
				why="$why; no member $((${c#mindepth=})) deep"
			;;
		*) fail "unknown check $c" ;;
		esac
	done

	# Every process of the chain stayed under the cap.
	if [ "$asan" -eq 0 ] && [ "$rss" -ge "$CAP_KB" ]; then
		why="$why; peak RSS $((rss / 1024)) MiB over $((CAP_KB / 1024)) MiB"
	fi

	local verdict=PASS
	if [ -n "$why" ]; then
		verdict="FAIL${why#;}"
		failed=$((failed + 1))
	fi
	printf '| %s | %s | %s | %.1f | %d MiB | %s |\n' "$name" "${top_status:--}" "${warn_codes:--}" \
		"$secs" $((rss / 1024)) "$verdict"
	[ -z "$notes" ] || printf '%s\n' "$notes" | sed 's/^/    /' >&2
}

LIM='limit|--max-'
check bomb-nested      bomb-nested.zip       top=notok "warn=limit-exceeded:$LIM" mindepth=3
check bomb-overlap     bomb-overlap.zip      top=notok "warn=limit-exceeded:$LIM"
check bomb-gzip        bomb.bin.gz           top=notok "warn=limit-exceeded:$LIM" member=bomb.bin
check zip-quine        quine.zip             top=notok "warn=limit-exceeded"
if [ -e "$H/zip-encrypted.zip" ]; then
	check zip-encrypted zip-encrypted.zip    top=notok warn=encrypted member=secret.txt lines=2
else
	echo "| zip-encrypted | - | - | - | - | skipped: zip(1) was not installed when the set was made |"
fi
check nest-100         nest-100.zip          top=notok "warn=limit-exceeded:--max-depth" mindepth=16
check empty-members    empty-members.zip     top=ok lines=100001
check pdf-cycle-pages  pdf-cycle-pages.pdf   top=notok "warn=extraction-failed|limit-exceeded"
check pdf-cycle-objstm pdf-cycle-objstm.pdf  top=notok "warn=extraction-failed|limit-exceeded"
check pdf-huge-stream  pdf-huge-stream.pdf   top=notok "warn=limit-exceeded|extraction-failed:$LIM|timeout|memory"
check docx-laughs      docx-laughs.docx      top=notok "warn=limit-exceeded|extraction-failed"
check docx-huge-part   docx-huge-part.docx   top=notok "warn=limit-exceeded:$LIM|larger"
check sparse-4g        sparse-4g.bin         top=notok "warn=limit-exceeded:--max-file"
check zero-byte        zero-byte.txt         top=ok lines=1
check odd-names        odd-names             top=ok lines=3
check fifo             fifo                  top=unscannable warn=not-regular-file lines=1
check symlink-loop     symlink-loop          top=unscannable warn=not-regular-file lines=3
check symlink-etc      symlink-etc           top=unscannable warn=not-regular-file lines=1
check tar-climb        tar-climb.tar         top=ok member=../../etc/passwd lines=2
check mail-nested      mail-nested.eml       top=notok "warn=limit-exceeded:$LIM|nest"
check mail-attachments mail-attachments.eml  top=ok lines=20003
check html-nested      html-nested.html      top=notok "warn=limit-exceeded|extraction-failed"
check xml-nested       xml-nested.xml        top=notok "warn=limit-exceeded|extraction-failed"
check docx-nested      docx-nested.docx      top=notok "warn=limit-exceeded|extraction-failed"
check rtf-nested       rtf-nested.rtf        top=notok "warn=limit-exceeded|extraction-failed:nest|deep|limit"
check random           random                top=notok

# Truncated corpus files: one line each, and formats whose end can be told
# (a central directory, a trailer, a closing brace) are not "ok".
check truncated        truncated             top=any \
	'damaged=\.(pdf|docx|xlsx|pptx|odt|ods|odp|zip|tar\.gz|tgz|gz|doc|xls|ppt|msg|rtf|xml)$'

echo "hostile: $failed failed, $(($(date +%s) - start)) s"
[ "$failed" -eq 0 ] || fail "$failed hostile cases mishandled"
echo ok
