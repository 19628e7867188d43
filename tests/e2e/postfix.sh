# The mail gateway in a real Postfix: first as a content filter (a pipe(8)
# service running sila-mail --postfix), then as a milter (sila-milter).
#
# The test installs Postfix and swaks when they are missing (as root, with
# debconf preseeded to "Local only"), and runs a private instance of its own
# (postfix -c DIR/etc, its own queue, log file and mailbox) that listens on
# 127.0.0.1 only and delivers every message, whatever its domain, to a file
# through a "capture" pipe transport: no mail leaves the machine. Messages
# are sent with swaks from @example.se; @example.se is internal and
# @example.com external by patterns/policy.conf. The system's own Postfix
# is not started; its main.cf gets one line while the test runs (postdrop,
# which the content filter's sendmail uses, accepts a private configuration
# directory only when the default main.cf lists it), and is put back after.
#
# It prints the transcript: the SMTP dialogue of each message and the log
# lines that show what became of it. It is skipped only when not root or
# when Postfix cannot be installed.
. "$(dirname "$0")/../lib.sh"
set -e
ROOT=$PWD
skip() { echo "skipped: $*"; exit 0; }
[ "$(id -u)" -eq 0 ] || skip "not root"
if ! command -v postfix > /dev/null || ! command -v swaks > /dev/null; then
	echo "postfix postfix/main_mailer_type select Local only" | debconf-set-selections
	echo "postfix postfix/mailname string gateway.example.se" | debconf-set-selections
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -qq --no-install-recommends postfix swaks > /dev/null 2>&1 ||
		{ apt-get update -qq > /dev/null 2>&1 &&
		  apt-get install -y -qq --no-install-recommends postfix swaks > /dev/null 2>&1; } ||
		skip "postfix cannot be installed"
fi
command -v postfix > /dev/null && command -v swaks > /dev/null || skip "postfix cannot be installed"
[ -x "$BIN/sila-mail" ] || fail "$BIN/sila-mail is missing"
[ -x "$BIN/sila-milter" ] || fail "$BIN/sila-milter is missing (it needs libmilter-dev to build)"

D=$(mktemp -d /tmp/sila-postfix.XXXXXX)
chmod 755 "$D"
MPID=
cleanup() {
	set +e
	[ -n "$MPID" ] && kill "$MPID" 2> /dev/null
	postfix -c "$D/etc" stop > /dev/null 2>&1
	[ -f "$D/main.cf.orig" ] && cp -p "$D/main.cf.orig" /etc/postfix/main.cf
	[ -n "${KEEP:-}" ] || rm -rf "$D"
	rm -rf "$T"
}
trap cleanup EXIT

# A port on 127.0.0.1 that nothing listens on, from $1 up.
free_port() {
	local p=$1
	while (exec 3<> "/dev/tcp/127.0.0.1/$p") 2> /dev/null; do p=$((p + 1)); done
	echo "$p"
}
PORT=$(free_port 2525)
MPORT=$(free_port 8895)

# The pipe services run as nobody: use the binaries in place when nobody
# can run them, else a copy.
if setpriv --reuid=nobody --regid=nogroup --clear-groups test -x "$BIN/sila-mail" -a -r "$ROOT/patterns/policy.conf" 2> /dev/null; then
	GBIN=$BIN GRULES=$ROOT/patterns
else
	mkdir -p "$D/bin" && cp -p "$BIN"/sila* "$D/bin/" && cp -R "$ROOT/patterns" "$D/patterns"
	GBIN=$D/bin GRULES=$D/patterns
fi
mkdir -p "$D/etc" "$D/spool" "$D/data" "$D/mailbox" "$D/libexec"
cp -p tests/postfix/deliver "$D/libexec/"
chown postfix "$D/data"
chown nobody:nogroup "$D/mailbox"
printf '/^X-Sila-Verdict: (.*)/ INFO sila-milter: $1\n' > "$D/etc/milter_header_checks"

# configure MODE: writes main.cf and master.cf for "filter" or "milter".
configure() {
	local opts=
	[ "$1" = filter ] && opts="-o content_filter=sila:dummy"
	for f in main.cf master.cf; do
		sed -e "s|@DIR@|$D|g; s|@ROOT@|$ROOT|g; s|@BIN@|$GBIN|g; s|@RULES@|$GRULES|g" \
		    -e "s|@PORT@|$PORT|g; s|@SMTPD_OPTS@|$opts|g; s|@DELIVER@|$D/libexec/deliver|g" \
		    "tests/postfix/$f.in" > "$D/etc/$f"
	done
	if [ "$1" = milter ]; then
		cat >> "$D/etc/main.cf" <<-EOF
		smtpd_milters = inet:127.0.0.1:$MPORT
		milter_default_action = tempfail
		milter_header_checks = regexp:$D/etc/milter_header_checks
		EOF
	fi
}

# The default main.cf must name the private directory for postdrop.
cp -p /etc/postfix/main.cf "$D/main.cf.orig"
old=$(postconf -c /etc/postfix -h alternate_config_directories 2> /dev/null || true)
postconf -c /etc/postfix -e "alternate_config_directories = ${old:+$old, }$D/etc"

start_postfix() {
	postfix -c "$D/etc" check > /dev/null 2>&1 || { cat "$D/maillog" 2> /dev/null; fail "postfix check"; }
	postfix -c "$D/etc" start > /dev/null 2>&1 || { cat "$D/maillog" 2> /dev/null; fail "postfix start"; }
	for _ in $(seq 50); do
		(exec 3<> "/dev/tcp/127.0.0.1/$PORT") 2> /dev/null && return 0
		sleep 0.2
	done
	cat "$D/maillog"; fail "postfix does not listen on 127.0.0.1:$PORT"
}
stop_postfix() { postfix -c "$D/etc" stop > /dev/null 2>&1 || true; sleep 1; }

# send NAME SWAKS-ARGS...: sends one message; its dialogue (DATA summarised)
# goes to the transcript and $D/swaks.NAME; $QID is its queue id, if any.
send() {
	local name=$1; shift
	echo "--- $name"
	swaks --server 127.0.0.1 --port "$PORT" --suppress-data --helo client.example.se "$@" \
		> "$D/swaks.$name" 2>&1 || true
	grep -E '^( ->|<-|<\*\*) ' "$D/swaks.$name" | grep -vE '^<-  2[0-9]{2}-|EHLO|STARTTLS' | sed 's/^/    /'
	QID=$(sed -n 's/.*queued as \([0-9A-F]*\).*/\1/p' "$D/swaks.$name" | tail -n 1)
}

# await PATTERN: waits (up to 60 s) for a line of the Postfix log, and prints it.
await() {
	for _ in $(seq 300); do
		if grep -qE -- "$1" "$D/maillog" 2> /dev/null; then
			grep -E -- "$1" "$D/maillog" | sed 's/^/    log: /'
			return 0
		fi
		sleep 0.2
	done
	echo "    (no log line matches: $1)"; tail -20 "$D/maillog"
	fail "timed out waiting for the Postfix log"
}
# The Subject of each message delivered, one a line (not of messages
# quoted inside a bounce).
subjects() {
	awk '/^From / { head = 1; next } /^$/ { head = 0 } head && /^Subject: / { sub(/^Subject: /, ""); print }' \
		"$D/mailbox/mbox" 2> /dev/null
}
in_mailbox() { subjects | grep -qxF -- "$1"; }
FROM=(--from per@example.se)
DOCX=(--attach-type application/vnd.openxmlformats-officedocument.wordprocessingml.document
	--attach-name beslut-sekretess.docx --attach @corpus/beslut-sekretess.docx)
HEMLIG=(--attach-type text/plain --attach-name rapport.txt --attach @corpus/intern-hemlig.txt)

echo "=== Postfix $(postconf -d -h mail_version) on 127.0.0.1:$PORT, private instance in $D"

# ---------------------------------------------------------------------------
echo "=== 1. content filter: smtpd -o content_filter=sila:dummy, pipe to sila-mail --postfix"
configure filter
start_postfix

send clean "${FROM[@]}" --to kollega@example.se --header "Subject: Sila F1 ren" --body "Hej! Inget känsligt här."
await "$QID: to=<kollega@example.se>, relay=sila,.*status=sent"
for _ in $(seq 50); do in_mailbox "Sila F1 ren" && break; sleep 0.2; done
in_mailbox "Sila F1 ren" || fail "the clean message was not delivered"
echo "    mailbox: delivered"

send docx-external "${FROM[@]}" --to kund@example.com --header "Subject: Sila F2 beslut" --body "Se bilaga." "${DOCX[@]}"
await "$QID: to=<kund@example.com>, relay=sila,.*status=deferred"
assert_contains "$D/maillog" "$QID: .*status=deferred (temporary failure. Command output: sila-mail: message held: Message holds a confidentiality marking and personal identity numbers for external recipients"

send docx-internal "${FROM[@]}" --to kollega@example.se --header "Subject: Sila F3 beslut internt" --body "Se bilaga." "${DOCX[@]}"
await "$QID: to=<kollega@example.se>, relay=sila,.*status=sent"
for _ in $(seq 50); do in_mailbox "Sila F3 beslut internt" && break; sleep 0.2; done
in_mailbox "Sila F3 beslut internt" || fail "the internal DOCX message was not delivered"
echo "    mailbox: delivered (personal data between colleagues, level 2, passes)"

send encrypted-zip "${FROM[@]}" --to asa.oberg@example.se --data corpus/formats/mail/krypterad-bilaga.eml
await "$QID: to=<asa.oberg@example.se>, relay=sila,.*status=deferred"
assert_contains "$D/maillog" "$QID: .*message held: An attachment could not be scanned (encrypted)"

send classified "${FROM[@]}" --to kollega@example.se --header "Subject: Sila F5 rapport" --body "Se bilaga." "${HEMLIG[@]}"
await "$QID: to=<kollega@example.se>, relay=sila,.*status=bounced"
assert_contains "$D/maillog" "$QID: .*message rejected: Message holds a security-protection classification, which may not be sent by e-mail"
await "$QID: sender non-delivery notification"

send malformed --from kansli@example.se --to arkiv@example.com --data corpus/formats/mail/trasig.eml
await "$QID: to=<arkiv@example.com>, relay=sila,.*status=deferred"

for s in "Sila F2 beslut" "Sila F5 rapport" "Trasigt meddelande"; do
	! in_mailbox "$s" || fail "'$s' was delivered"
done
for _ in $(seq 50); do in_mailbox "Undelivered Mail Returned to Sender" && break; sleep 0.2; done
in_mailbox "Undelivered Mail Returned to Sender" || fail "no bounce came back to the sender"
tr '\n' ' ' < "$D/mailbox/mbox" | tr -s ' ' |
	grep -q "message rejected: Message holds a security-protection classification, which may not be sent by e-mail" ||
	fail "the bounce does not say why"
echo "    mailbox: the sender got the bounce, saying why"
echo "    deferred queue (held by sila-mail):"
postqueue -c "$D/etc" -j | jq -r 'select(.queue_name == "deferred") | "      \(.queue_id) \(.recipients[0].address)"'
stop_postfix
# The deferred messages stay in this instance's queue; the milter run starts clean.
postsuper -c "$D/etc" -d ALL > /dev/null 2>&1 || true

# ---------------------------------------------------------------------------
echo "=== 2. milter: smtpd_milters = inet:127.0.0.1:$MPORT (sila-milter -d, hold = quarantine)"
"$BIN/sila-milter" -d -P "$D/milter.pid" -l stderr -p "inet:$MPORT@127.0.0.1" --max-size 64K \
	--rules "$GRULES" 2> "$D/milter.log"
for _ in $(seq 50); do [ -s "$D/milter.pid" ] && break; sleep 0.1; done
MPID=$(cat "$D/milter.pid")
kill -0 "$MPID" || fail "the milter did not start"
configure milter
start_postfix

send clean "${FROM[@]}" --to kollega@example.se --header "Subject: Sila M1 ren" --body "Hej! Inget känsligt här."
await "$QID: to=<kollega@example.se>, relay=capture,.*status=sent"
in_mailbox "Sila M1 ren" || fail "the clean message was not delivered"

send docx-external "${FROM[@]}" --to kund@example.com --header "Subject: Sila M2 beslut" --body "Se bilaga." "${DOCX[@]}"
await "$QID: milter-hold: END-OF-MESSAGE"
await "$QID: milter-header-info: header X-Sila-Verdict: .*: sila-milter: hold; Message holds a confidentiality marking and personal identity numbers for external recipients"
HOLD_QID=$QID

send classified "${FROM[@]}" --to kollega@example.se --header "Subject: Sila M3 rapport" --body "Se bilaga." "${HEMLIG[@]}"
assert_contains "$D/swaks.classified" "<\*\* 550 5.7.1 Message holds a security-protection classification, which may not be sent by e-mail"
await "milter-reject: END-OF-MESSAGE .*5.7.1 Message holds a security-protection classification"

send encrypted-zip "${FROM[@]}" --to asa.oberg@example.se --data corpus/formats/mail/krypterad-bilaga.eml
await "$QID: milter-header-info: header X-Sila-Verdict: .*: sila-milter: hold; An attachment could not be scanned \(encrypted\)"

send malformed --from kansli@example.se --to arkiv@example.com --data corpus/formats/mail/trasig.eml
assert_contains "$D/swaks.malformed" "<-  250 2.0.0 Ok: queued as"
await "$QID: milter-header-info: header X-Sila-Verdict: .*: sila-milter: hold; Message holds personal identity numbers for external recipients; Part of the message could be scanned only in part \(damaged\)"
kill -0 "$MPID" || fail "the milter died on a malformed message"
echo "    milter: still running (pid $MPID)"

send too-large "${FROM[@]}" --to kollega@example.se --data corpus/formats/mail/bilagor.eml
await "$QID: milter-header-info: header X-Sila-Verdict: .*: sila-milter: hold; Message is larger than the gateway scans"

echo "--- three messages at once"
for i in 1 2 3; do
	swaks --server 127.0.0.1 --port "$PORT" --suppress-data "${FROM[@]}" --to "kollega$i@example.se" \
		--header "Subject: Sila M7 parallell $i" --body "Hej $i." > "$D/swaks.parallel$i" 2>&1 &
done
wait
for i in 1 2 3; do
	assert_contains "$D/swaks.parallel$i" "queued as"
	await "to=<kollega$i@example.se>, relay=capture,.*status=sent"
done

echo "    hold queue (quarantined by sila-milter):"
postqueue -c "$D/etc" -j | jq -r 'select(.queue_name == "hold") | "      \(.queue_id) \(.recipients[0].address)"'
[ "$(postqueue -c "$D/etc" -j | jq -r 'select(.queue_name == "hold") | .queue_id' | wc -l)" -eq 4 ] ||
	fail "expected four held messages"
echo "    postcat -hq $HOLD_QID | grep X-Sila-Verdict:"
postcat -c "$D/etc" -hq "$HOLD_QID" | grep '^X-Sila-Verdict:' | sed 's/^/      /'
kill -0 "$MPID" || fail "the milter is gone"
kill "$MPID"
for _ in $(seq 150); do kill -0 "$MPID" 2> /dev/null || break; sleep 0.1; done
! kill -0 "$MPID" 2> /dev/null || fail "the milter did not stop on SIGTERM"
MPID=
echo "    milter log (until SIGTERM):"
sed 's/^/      /' "$D/milter.log"
[ ! -e "$D/milter.pid" ] || fail "the milter left its pid file"
assert_contains "$D/milter.log" "sila-milter\[[0-9]*\]: stopped"
! grep -qE "AddressSanitizer|LeakSanitizer|runtime error" "$D/milter.log" ||
	fail "the milter reported a sanitizer error"

echo "=== 3. a scan that does not finish: never accepted (sila-milter --scan-timeout 2, a scanner that hangs)"
printf '#!/bin/sh\nexec sleep 60\n' > "$D/libexec/hang"
chmod 755 "$D/libexec/hang"
"$BIN/sila-milter" -l stderr -p "inet:$MPORT@127.0.0.1" --scan-timeout 2 --sila-mail "$D/libexec/hang" \
	--rules "$GRULES" 2> "$D/milter-hang.log" &
MPID=$!
for _ in $(seq 50); do grep -q listening "$D/milter-hang.log" && break; sleep 0.1; done
send hangs "${FROM[@]}" --to kollega@example.se --header "Subject: Sila M8 ren" --body "Hej."
assert_contains "$D/swaks.hangs" "<\*\* 451 4.3.0 Message could not be scanned; try again later"
await "milter-reject: END-OF-MESSAGE .*4.3.0 Message could not be scanned"
sed 's/^/    milter: /' "$D/milter-hang.log"
assert_contains "$D/milter-hang.log" "the scan took longer than 2 s (--scan-timeout); killed"
kill -0 "$MPID" || fail "the milter died"
kill "$MPID"
wait "$MPID" || fail "the milter did not stop cleanly"
MPID=
stop_postfix

# ---------------------------------------------------------------------------
# No identity number in any log or SMTP reply.
"$BIN/sila" --reveal corpus/beslut-sekretess.docx corpus/intern-hemlig.txt corpus/formats/mail/*.eml 2> /dev/null |
	jq -r '.findings[] | select(.rule | test("nummer")) | .value' | sort -u > "$T/numbers"
[ -s "$T/numbers" ] || fail "no numbers to look for"
while read -r n; do
	d=${n//[-+]/}
	for form in "$n" "$d" "${n:2}" "${d:2}"; do
		! grep -qF -- "$form" "$D/maillog" "$D"/milter*.log "$D"/swaks.* ||
			fail "an identity number ($form) is in a log or an SMTP reply"
	done
done < "$T/numbers"
echo "=== no identity number in the Postfix log, the milter log or the SMTP replies ($(wc -l < "$T/numbers") numbers looked for)"
echo ok
