# The compiled rule database is cached per rule set, rebuilt when the rules
# change, and a damaged cache file is compiled anew rather than trusted.
. "$(dirname "$0")/../lib.sh"
set -e
export SILA_CACHE_DIR=$T/cache
cp -R patterns "$T/rules"
echo 'Personnummer 20000101-2384' > "$T/doc.txt"
want='["se.personnummer"]'
scan() { "$BIN/sila" --rules "$T/rules" "$T/doc.txt" "$@" | jq -c '[.findings[].rule]'; }
assert_eq "$(scan)" "$want" "first run compiles"
assert_eq "$(ls "$T/cache" | wc -l)" 2 "two cached databases: the rules, and the starts of markings"
assert_eq "$(scan)" "$want" "second run loads the cache"
assert_eq "$(scan --disable se.organisationsnummer)" "$want" "another enabled set"
assert_eq "$(ls "$T/cache" | wc -l)" 4 "two databases per enabled set"
printf '\n[extra.rule]\nexpression = Personnummer\nflags = S\nvalidator = citation\n' >> "$T/rules/identity.rules"
assert_eq "$(scan)" '["extra.rule","se.personnummer"]' "changed rules are compiled anew"
for f in "$T"/cache/*; do printf 'garbage' > "$f"; done
assert_eq "$(scan)" '["extra.rule","se.personnummer"]' "a damaged cache is not trusted"
SILA_CACHE_DIR= run "$BIN/sila" "$T/doc.txt" > /dev/null
assert_eq "$rc" 1 "the cache turned off"
echo ok
