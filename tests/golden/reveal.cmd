# --reveal prints the numbers whole, for authorised audits.
"$BIN/sila" --reveal corpus/anteckningar.txt corpus/protokoll-sida2.pdf | jq -c '[.path, .findings]'
