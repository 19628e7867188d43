# Detection decisions that need whole documents: overlaps between rules,
# negative context, and markings told apart from prose.
. "$(dirname "$0")/../lib.sh"
set -e
scan() { printf '%s\n' "$1" > "$T/doc.txt"; "$BIN/sila" --reveal --date 2026-11-29 "$T/doc.txt" | jq -c '[.findings[] | .rule + "=" + .value]'; }
# A Skatteverket test number next to "CPR" is also a valid Danish date; the
# checksum-confirmed personnummer wins over the unconfirmed CPR number.
assert_eq "$(scan 'CPR: 050101-2397')" '["se.personnummer=20050101-2397"]' "weak CPR yields to a personnummer"
# Ten digits with a valid Luhn right after "tel" is a phone number.
assert_eq "$(scan 'Tel: 0501012397')" '[]' "telephone context"
assert_eq "$(scan 'Org.nr 212000-0142')" '["se.organisationsnummer=212000-0142"]' "organisation number"
# Citing a non-secrecy chapter of OSL marks nothing; a secrecy chapter does.
assert_eq "$(scan 'Enligt 5 kap. 5 § OSL ska handlingen märkas.')" '[]' "OSL chapter 5"
assert_eq "$(scan 'Uppgiften omfattas av sekretess enligt 25 kap. 1 § OSL.')" '["marker.osl=OSL 25:1"]' "OSL chapter 25"
assert_eq "$(scan 'TLP:AMBER+STRICT')" '["marker.tlp-amber=TLP:AMBER+STRICT"]' "TLP label with +STRICT"
assert_eq "$(scan 'Handlingar med hemliga uppgifter ska förvaras i säkerhetsskåp.')" '[]' "prose about secrets"
# A context word right after the number outweighs a negative word before it.
assert_eq "$(scan 'Kundnr: 20050101-2397 (ert personnummer)')" '["se.personnummer=20050101-2397"]' "context after the number"
# A security class names a kind of information in a heading; alone, it marks.
assert_eq "$(scan 'KONFIDENTIELL INFORMATION')" '[]' "class word in a heading"
assert_eq "$(scan 'KONFIDENTIELL')" '["marker.sakerhetsskydd=KONFIDENTIELL"]' "class stamp"
# Tags and classification fields mark; a sentence about a tag does not.
assert_eq "$(scan 'Ämne: VB: [KONFIDENTIELLT] Löneöversyn')" '["marker.konfidentiellt=KONFIDENTIELLT"]' "bracketed tag"
assert_eq "$(scan 'Skriv [KONFIDENTIELLT] först i ämnesraden.')" '[]' "a tag mentioned in a sentence"
assert_eq "$(scan 'Informationsklass: INTERN')" '["marker.intern=INTERN"]' "classification field"
# A TLP label that ends its line marks; one followed by its explanation does not.
assert_eq "$(scan 'TLP:RED – endast för de namngivna mottagarna.')" '[]' "TLP guideline"
assert_eq "$(scan 'Vidarebefordrad som TLP:GREEN.')" '["marker.tlp-green=TLP:GREEN"]' "TLP label"
# A protected identity stated next to personal data raises the level to 3.
printf 'Klienten har skyddad identitet.\nPersonnummer 20050101-2397\n' > "$T/p.txt"
assert_eq "$("$BIN/sila" "$T/p.txt" | jq -c '[.level, (.tags | sort)]')" \
	'[3,["mentions-protected-identity","personal-data","protected-identity"]]' "protected identity"
printf 'Rutin för personer med skyddad identitet.\n' > "$T/p.txt"
assert_eq "$("$BIN/sila" "$T/p.txt" | jq -c '.level')" 0 "a routine about protected identity"
echo ok
