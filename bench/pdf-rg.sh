#!/bin/sh
# pdf-rg.sh FILE...: `pdftotext FILE - | rg` for each PDF, printing FILE:MATCH
# for everything shaped like a personnummer; what a user would run over PDFs
# without sila (scripts/bench runs it with xargs -P2, one file per call, like
# pdftotext alone).
RE='\b(?:\d{2})?\d{6}[-+]?\d{4}\b'
for f; do
	pdftotext -q "$f" - | rg -o -N -e "$RE" | awk -v f="$f" '{ print f ":" $0 }'
done
exit 0
