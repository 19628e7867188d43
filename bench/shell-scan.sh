#!/bin/sh
# shell-scan.sh - the pipeline a user would write without sila, for
# `make bench` (scripts/bench) to compare sila against.
#
#     bench/shell-scan.sh DIR [JOBS]
#
# Walks DIR with find and, two files at a time (xargs -P JOBS, default 2),
# turns each file into text with the usual tool for its extension and greps
# the text for anything shaped like a personnummer with ripgrep:
#
#   *.pdf                 pdftotext FILE -
#   *.docx                unzip -p FILE word/document.xml
#   *.xlsx                unzip -p FILE xl/sharedStrings.xml 'xl/worksheets/*.xml'
#   *.odt, *.ods          unzip -p FILE content.xml
#   *.zip                 unzip -p FILE           (every member's raw bytes)
#   *.tar.gz, *.tgz       tar -xzOf FILE          (every member's raw bytes)
#   anything else         rg reads the file itself (it decodes a UTF-16 BOM)
#
# and prints FILE:MATCH for every match (rg -o; Debian 12's ripgrep 13 has
# no --label, so awk puts the name in front of matches read from a pipe). What it does not do, and a
# real tool must: check the date and the check digit (every 10- or 12-digit
# run is a "finding", invoice numbers and phone numbers included), look
# inside documents inside archives (a .docx or .pdf member is compressed, so
# rg sees nothing in it), read XML text split across runs, weigh context,
# report per archive member, or say which files it could not read. It is
# the lower bound on the work: sila must be at least this thorough and is
# measured against its speed.
set -u

dir=${1:?usage: shell-scan.sh DIR [JOBS]}
jobs=${2:-2}
RE='\b(?:\d{2})?\d{6}[-+]?\d{4}\b'
export RE

find "$dir" -type f -print0 |
	xargs -0 -n 32 -P "$jobs" sh -c '
	for f; do
		case "$f" in
		*.pdf)  pdftotext -q "$f" - ;;
		*.docx) unzip -p "$f" word/document.xml ;;
		*.xlsx) unzip -p "$f" xl/sharedStrings.xml "xl/worksheets/*.xml" ;;
		*.odt|*.ods) unzip -p "$f" content.xml ;;
		*.zip)  unzip -p "$f" ;;
		*.tar.gz|*.tgz) tar -xzOf "$f" ;;
		*)      rg -a -o -H --no-line-number -e "$RE" -- "$f"; continue ;;
		esac | rg -a -o --no-line-number -e "$RE" | awk -v f="$f" '"'"'{ print f ":" $0 }'"'"'
	done' sh
exit 0
