# The PDF's text as sila-extract passes it on: pages separated by a form feed (shown as <FF>).
"$BIN/sila-unpack" corpus/protokoll-sida2.pdf | "$BIN/sila-extract" | sed 's/\f/<FF>\n/g'
