# Replays every input that once crashed a fuzz harness
# (tests/fuzz/regressions/HARNESS/*) and fails while any still crashes.
#
# Each harness is linked with tests/fuzz/replay.c (a main() that runs
# LLVMFuzzerTestOneInput on files) against this build's own library,
# $BIN/.obj/libsila.a, with the build's compiler; under bin/asan/ that
# library carries AddressSanitizer and UBSan, and so does the replay. So
# no clang is needed, and the code replayed is the code under test. When
# the library is missing, the libFuzzer binaries of scripts/fuzz
# ($BIN/fuzz/HARNESS) are used instead.
. "$(dirname "$0")/../lib.sh"
set -e

lib=$BIN/.obj/libsila.a
san=""
if [ -f "$BIN/.obj/flags" ] && grep -q -- '-fsanitize=address' "$BIN/.obj/flags"; then
	san="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
fi
pkgs=$(make -pn -f Makefile 2>/dev/null | sed -n 's/^PKGS := //p' | head -n 1)

failed=0 ran=0
for dir in tests/fuzz/regressions/*/; do
	[ -d "$dir" ] || continue
	h=$(basename "$dir")
	files=("$dir"*)
	[ -e "${files[0]}" ] || continue
	[ -f "tests/fuzz/fuzz_$h.c" ] || fail "regressions for unknown harness $h"
	if [ -f "$lib" ]; then
		exe=$T/replay-$h
		# shellcheck disable=SC2086
		"${CC:-cc}" -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 $san \
			-Icore -Itests/fuzz $(pkg-config --cflags $pkgs) -o "$exe" \
			"tests/fuzz/fuzz_$h.c" tests/fuzz/replay.c "$lib" $(pkg-config --libs $pkgs) -lm ||
			fail "cannot build the replay for $h"
	elif [ -x "$BIN/fuzz/$h" ]; then
		exe=$BIN/fuzz/$h
	else
		echo "skipped $h: neither $lib nor $BIN/fuzz/$h"
		continue
	fi
	for f in "${files[@]}"; do
		ran=$((ran + 1))
		set +e
		ASAN_OPTIONS=${ASAN_OPTIONS:-fast_unwind_on_malloc=0} \
		LSAN_OPTIONS=suppressions=$PWD/tests/fuzz/lsan.supp:print_suppressions=0 \
			timeout 120 "$exe" "$f" > "$T/log" 2>&1
		rc=$?
		set -e
		if [ "$rc" -ne 0 ]; then
			failed=$((failed + 1))
			echo "CRASH $h $(basename "$f") (exit $rc):"
			grep -a -m3 -E 'ERROR|runtime error|invariant|SUMMARY' "$T/log" | sed 's/^/    /'
		fi
	done
done
echo "fuzz regressions: $ran inputs, $failed crashing"
[ "$failed" -eq 0 ] || fail "$failed saved fuzz inputs still crash"
echo ok
