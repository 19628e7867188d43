# The mail gateway without an MTA: sila-mail on the corpus mails and on
# messages made here. Checks the verdicts and exit statuses (0 pass, 1 hold,
# 2 reject, 3 error; with --postfix 0, 75 and 69), that the report's lines
# are sila's with the Message-ID as path, that --postfix hands a passing
# message to sendmail unchanged, and that no identity number appears on
# standard output or standard error.
. "$(dirname "$0")/../lib.sh"
set -e
M=corpus/formats/mail
all_out="$T/all-output"   # everything sila-mail printed, for the number check
: > "$all_out"

# Runs sila-mail with a message on stdin: mail FILE ARGS... sets rc, and
# leaves stdout in $T/out and stderr in $T/err.
mail() {
	local f=$1; shift
	run "$BIN/sila-mail" "$@" < "$f" > "$T/out" 2> "$T/err"
	cat "$T/out" "$T/err" >> "$all_out"
}
verdict() { tail -n 1 "$T/out" | jq -r .verdict; }
reasons() { tail -n 1 "$T/out" | jq -r '.reasons | join(",")'; }

# --- the corpus mails, recipients from To/Cc/Bcc --------------------------
mail $M/bilagor.eml
assert_eq "$rc" 0 "bilagor.eml to two internal recipients"
assert_eq "$(verdict)" pass "bilagor.eml verdict"
assert_eq "$(tail -n 1 "$T/out" | jq -c .recipients)" '{"internal":2,"external":0}' "bilagor.eml recipients"
# The result lines are sila's own, with the Message-ID as path.
"$BIN/sila" $M/bilagor.eml | jq -c 'del(.path, .trace)' > "$T/sila.jq"
head -n -1 "$T/out" | jq -c 'del(.path, .trace)' > "$T/mail.jq"
cmp -s "$T/sila.jq" "$T/mail.jq" || fail "sila-mail's result lines differ from sila's"
assert_eq "$(head -n -1 "$T/out" | jq -r .path | sort -u)" "<bilagor-0002@example.se>" "path is the Message-ID"
assert_eq "$(tail -n 1 "$T/out" | jq -r .message_id)" "<bilagor-0002@example.se>" "message_id"
assert_eq "$(tail -n 1 "$T/out" | jq -r '.trace | keys | join(",")')" \
	"encrypted,level,policy,rules,scanned,version" "verdict trace"

mail $M/enkel.eml
assert_eq "$rc" 1 "enkel.eml: personal data to an external recipient"
assert_eq "$(reasons)" "external:personal-data" "enkel.eml reasons"

mail $M/krypterad-bilaga.eml
assert_eq "$rc" 1 "krypterad-bilaga.eml: an encrypted zip, to an internal recipient"
assert_eq "$(reasons)" "unscannable:encrypted" "krypterad-bilaga.eml reasons"

mail $M/trasig.eml
assert_eq "$rc" 1 "trasig.eml: malformed MIME"
assert_eq "$(reasons)" "external:personal-data,partial:extraction-failed" "trasig.eml reasons"
assert_contains "$T/err" "sila-extract: '<trasig-0005@example.se> > lista.txt': base64 content is damaged"
assert_not_contains "$T/err" "/proc/self/fd"

mail $M/vidarebefordrat.eml
assert_eq "$rc" 1 "vidarebefordrat.eml: forwarded personal data"

# --- envelope recipients override the header ------------------------------
mail $M/bilagor.eml --recipient kollega@example.se --recipient kund@example.com
assert_eq "$rc" 1 "bilagor.eml with an external envelope recipient"
assert_eq "$(tail -n 1 "$T/out" | jq -c .recipients)" '{"internal":1,"external":1}' "envelope recipients"
mail $M/enkel.eml -- kollega@example.se
assert_eq "$rc" 0 "enkel.eml to an internal envelope recipient"

# --- security classification: rejected, whoever the recipients ------------
{
	printf 'From: Per <per@example.se>\nTo: kollega@example.se\nSubject: Rapport\n'
	printf 'Message-ID: <hemlig-1@example.se>\nMIME-Version: 1.0\n'
	printf 'Content-Type: multipart/mixed; boundary="b1"\n\n--b1\nContent-Type: text/plain\n\nSe bilaga.\n'
	printf -- '--b1\nContent-Type: text/plain; name="rapport.txt"\nContent-Disposition: attachment; filename="rapport.txt"\n\n'
	cat corpus/intern-hemlig.txt
	printf -- '\n--b1--\n'
} > "$T/hemlig.eml"
mail "$T/hemlig.eml"
assert_eq "$rc" 2 "security-classified content"
assert_eq "$(verdict)" reject "security-classified verdict"
assert_contains "$T/out" '"reject-tag:security-classified"'

# --- a message encrypted as a whole (PGP/MIME) ----------------------------
pgp() {
	printf 'From: per@example.se\nTo: kund@example.com\nSubject: %s\nMessage-ID: <pgp-1@example.se>\n' "$1"
	printf 'MIME-Version: 1.0\nContent-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="e1"\n\n'
	printf -- '--e1\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n\n'
	printf -- '--e1\nContent-Type: application/octet-stream; name="encrypted.asc"\n\n'
	printf -- '-----BEGIN PGP MESSAGE-----\n\nhQEMA5c3dGQjR3dAAQf/U2lsYSB0ZXN0IG1lZGRlbGFuZGU=\n=abcd\n-----END PGP MESSAGE-----\n\n--e1--\n'
}
pgp "Krypterat" > "$T/pgp.eml"
mail "$T/pgp.eml"
assert_eq "$rc" 0 "an encrypted message to an external recipient"
assert_eq "$(tail -n 1 "$T/out" | jq -r .trace.encrypted)" true "encrypted in the trace"
pgp "Ärende 20011121-2387" > "$T/pgp-subject.eml"
mail "$T/pgp-subject.eml"
assert_eq "$rc" 1 "an encrypted message with a number in its Subject"
assert_eq "$(reasons)" "external:personal-data" "the Subject travels in clear"

# --- the size limit: not scanned, never passed -----------------------------
mail $M/bilagor.eml --max-size 1K
assert_eq "$rc" 1 "a message over --max-size"
assert_eq "$(reasons)" "too-large" "too-large reason"
assert_eq "$(wc -l < "$T/out")" 1 "an unscanned message has the verdict line only"

# --- the path: a masked Message-ID, or stdin --------------------------------
printf 'From: a@example.se\nTo: b@example.se\nMessage-ID: <19121212-1212@example.se>\nSubject: x\n\nHej.\n' > "$T/id.eml"
mail "$T/id.eml"
assert_eq "$(tail -n 1 "$T/out" | jq -r .message_id)" "<19121212-****@example.se>" "masked Message-ID"
printf 'From: a@example.se\nTo: b@example.se\nSubject: x\n\nHej.\n' > "$T/noid.eml"
mail "$T/noid.eml"
assert_eq "$rc" 0 "a clean message without Message-ID"
assert_eq "$(head -n 1 "$T/out" | jq -r .path)" stdin "path without Message-ID"
assert_eq "$(tail -n 1 "$T/out" | jq -r .message_id)" null "message_id without Message-ID"

# --- quiet: the verdict line only --------------------------------------------
mail $M/enkel.eml --quiet
assert_eq "$(wc -l < "$T/out")" 1 "--quiet prints one line"
assert_eq "$(verdict)" hold "--quiet verdict"

# --- Postfix pipe mode, with a sendmail that records what it got -------------
cat > "$T/sendmail" <<EOF
#!/bin/sh
printf '%s\n' "\$@" > "$T/sendmail.args"
cat > "$T/sendmail.in"
EOF
chmod +x "$T/sendmail"
pf() { mail "$1" --postfix --sendmail "$T/sendmail" -f per@example.se -- "${@:2}"; }
rm -f "$T/sendmail.args"
pf "$T/noid.eml" kollega@example.se kund@example.com
assert_eq "$rc" 0 "--postfix: a clean message passes"
assert_eq "$(tr '\n' ' ' < "$T/sendmail.args")" "-G -i -f per@example.se -- kollega@example.se kund@example.com " "sendmail arguments"
cmp -s "$T/noid.eml" "$T/sendmail.in" || fail "the re-injected message differs"
assert_eq "$(wc -c < "$T/out")" 0 "--postfix prints nothing on stdout"
rm -f "$T/sendmail.args"
pf $M/enkel.eml kund@example.com
assert_eq "$rc" 75 "--postfix: held means deferred"
assert_eq "$(cat "$T/err")" "sila-mail: message held: Message holds personal identity numbers for external recipients" "--postfix hold message"
[ ! -e "$T/sendmail.args" ] || fail "a held message was re-injected"
mail $M/enkel.eml --postfix --hold-action=bounce --sendmail "$T/sendmail" -f per@example.se -- kund@example.com
assert_eq "$rc" 69 "--postfix --hold-action=bounce"
pf "$T/hemlig.eml" kollega@example.se
assert_eq "$rc" 69 "--postfix: rejected means bounced"
assert_eq "$(cat "$T/err")" "sila-mail: message rejected: Message holds a security-protection classification, which may not be sent by e-mail" "--postfix reject message"
[ ! -e "$T/sendmail.args" ] || fail "a rejected message was re-injected"
printf '#!/bin/sh\ncat >/dev/null\nexit 1\n' > "$T/sendmail-broken"; chmod +x "$T/sendmail-broken"
mail "$T/noid.eml" --postfix --sendmail "$T/sendmail-broken" -f per@example.se -- kollega@example.se
assert_eq "$rc" 75 "--postfix: a failed re-injection defers"

# --- errors ---------------------------------------------------------------------
mail $M/enkel.eml --policy "$T/nonexistent.conf"
assert_eq "$rc" 3 "a missing policy is an error"
assert_contains "$T/err" "sila-mail: cannot read policy '$T/nonexistent.conf'"
mail $M/enkel.eml --policy "$T/nonexistent.conf" --postfix -f a@example.se -- b@example.com
assert_eq "$rc" 75 "--postfix: an error defers"
mail $M/enkel.eml --postfix -- b@example.com
assert_eq "$rc" 75 "--postfix without -f"
mail $M/enkel.eml --bogus
assert_eq "$rc" 3 "an unknown option"
mail $M/enkel.eml --hold-action=later
assert_eq "$rc" 3 "a bad --hold-action"

# --- no identity number anywhere in what sila-mail printed ----------------------
"$BIN/sila" --reveal $M/*.eml "$T"/*.eml 2>/dev/null |
	jq -r '.findings[] | select(.rule | test("nummer")) | .value' | sort -u > "$T/numbers"
[ -s "$T/numbers" ] || fail "no numbers found to look for"
while read -r n; do
	d=${n//[-+]/}
	for form in "$n" "$d" "${n:2}" "${d:2}"; do
		! grep -qF -- "$form" "$all_out" || fail "an identity number ($form) was printed"
	done
done < "$T/numbers"
echo "ok ($(wc -l < "$T/numbers") numbers looked for)"
