# Man pages (man/): they pass mandoc's lint, every program in $BIN has one,
# every option in a program's --help is documented in its page's OPTIONS
# exactly once (and nothing else is), so the pages and the code cannot drift
# apart, and `make install` installs every page. Without mandoc only the
# lint is skipped.
. "$(dirname "$0")/../lib.sh"
set -e

pages=$(ls man/*.[1-8])
[ -n "$pages" ] || fail "no man pages in man/"

# Lint: errors and warnings fail. Style notes are not checked: mandoc reports
# every cross-reference to a page that is not installed yet as one.
if command -v mandoc > /dev/null; then
	run mandoc -Tlint -W warning $pages > "$T/lint" 2>&1
	[ "$rc" -eq 0 ] && [ ! -s "$T/lint" ] || { cat "$T/lint" >&2; fail "mandoc -Tlint: rc $rc"; }
	for p in $pages; do
		mandoc -Tutf8 "$p" > "$T/out" 2>/dev/null || fail "mandoc cannot render $p"
		[ -s "$T/out" ] || fail "$p renders empty"
	done
else
	echo "skipped lint: no mandoc"
fi

# Each page's .Dt names it, and every sila page it refers to exists.
for p in $pages; do
	name=$(basename "$p"); sec=${name##*.}; name=${name%.*}
	assert_eq "$(sed -n 's/^\.Dt //p' "$p")" "${name^^} $sec" "$p: .Dt"
	grep -q "^\.Nm $name\$" "$p" || fail "$p: no '.Nm $name'"
	for x in $(sed -nE 's/^\.Xr (sila[a-z-]*) ([1-8]).*/\1.\2/p' "$p"); do
		[ -f "man/$x" ] || fail "$p refers to $x, which man/ does not have"
	done
done

# The options a program's --help defines: lines "  -x, --long ARG  text" or
# "      --long ARG  text" (continuation lines are indented further).
help_long() { sed -nE 's/^ {2,6}(-[[:alnum:]], )?--([[:alnum:]][[:alnum:]-]*).*/\2/p' "$1"; }
help_short() { sed -nE 's/^ {2,6}-([[:alnum:]]), --([[:alnum:]][[:alnum:]-]*).*/\1 \2/p' "$1"; }
# The .It lines of a page's OPTIONS section.
option_items() { sed -n '/^\.Sh OPTIONS/,/^\.Sh /p' "$1" | grep '^\.It ' || true; }

n=0
for prog in "$BIN"/sila*; do
	[ -f "$prog" ] && [ -x "$prog" ] || continue
	name=$(basename "$prog")
	page=$(ls man/"$name".[1-8] 2>/dev/null | head -n 1)
	[ -n "$page" ] || fail "$name has no man page (man/$name.1 or man/$name.8)"
	"$prog" --help > "$T/help" || fail "$name --help failed"
	option_items "$page" > "$T/items"
	long=$(help_long "$T/help")
	[ -n "$long" ] || fail "$name --help lists no options"
	# Every option --help defines is an item of OPTIONS, once.
	for o in $long; do
		c=$(grep -cE "Fl -$o( |\$)" "$T/items" || true)
		[ "$c" -eq 1 ] || fail "$page documents --$o $c times in OPTIONS (want 1)"
	done
	# Its short form is on the same item.
	while read -r s o; do
		grep -E "Fl -$o( |\$)" "$T/items" | grep -qE "^\.It Fl $s( |\$)" ||
			fail "$page: -$s is not on the item of --$o"
	done < <(help_short "$T/help")
	# Every other --option that --help mentions appears in the page too.
	for o in $(grep -oE -- '--[[:alnum:]][[:alnum:]-]*' "$T/help" | sort -u); do
		grep -qE "Fl -${o#--}( |\$)" "$page" || fail "$page never mentions $o, which $name --help does"
	done
	# And the page documents nothing that --help does not define.
	for o in $(grep -oE 'Fl -[[:alnum:]][[:alnum:]-]*' "$T/items" | sed 's/^Fl -//' | sort -u); do
		grep -qx -- "$o" <<< "$long" || fail "$page documents --$o, which $name --help does not define"
	done
	for s in $(grep -oE 'Fl [[:alnum:]]( |$)' "$T/items" | sed 's/^Fl //' | sort -u); do
		help_short "$T/help" | grep -q "^$s " || fail "$page documents -$s, which $name --help does not define"
	done
	# The synopsis shows every option, by its short form when it has one.
	sed -n '/^\.Sh SYNOPSIS/,/^\.Sh /p' "$page" > "$T/synopsis"
	for o in $long; do
		s=$(help_short "$T/help" | sed -n "s/ $o\$//p")
		if [ -n "$s" ]; then # alone or among others: .Op Fl 0v
			re="Fl (.*[ |])?[[:alnum:]]*$s[[:alnum:]]*( |\$)"
		else
			re="Fl (.*[ |])?-$o( |\$)"
		fi
		grep -qE "$re" "$T/synopsis" || fail "$page: ${s:+-$s or }--$o is not in the SYNOPSIS"
	done
	n=$((n + 1))
done
[ "$n" -ge 6 ] || fail "only $n programs found in $BIN"

# make install puts every page into its section's directory. A dry run, with
# its own build directory so that no real tree's flag stamp is touched.
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -n install O="$T/o" DESTDIR="$T/root" > "$T/install" 2>&1 ||
	{ tail "$T/install" >&2; fail "make -n install failed"; }
for p in $pages; do
	sec=${p##*.}
	grep -qE "(^| )$p( |\$)" "$T/install" || fail "make install does not install $p"
	grep -q -- "$T/root.*/man$sec" "$T/install" || fail "make install makes no man$sec directory"
done
echo "ok: $(echo "$pages" | wc -l) pages, $n programs"
