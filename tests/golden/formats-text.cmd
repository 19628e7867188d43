# RTF, HTML, XML, CSV and plain text in every encoding sila reads (corpus/formats/text,
# made by scripts/make-formats-text): each number, marking and label comes through with
# its å ä ö intact; the number in sida-utf8.html's script is not text and is not found.
"$BIN/sila" --reveal corpus/formats/text
