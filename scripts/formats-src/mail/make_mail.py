#!/usr/bin/env python3
"""make_mail.py - writes the e-mail samples of corpus/formats/mail/.

Run by scripts/make-formats-mail, which makes the password-protected zip
first. Usage: make_mail.py CORPUS_DIR SHARED_CSV HEMLIG_ZIP OUTDIR

Every message is written byte by byte here (fixed boundaries, dates and
Message-IDs) rather than by the email package's generator, so the samples
repeat exactly from run to run and show each encoding on purpose. Only
Skatteverket's test personnummer and 19121212-1212 appear; the guard below
refuses anything else that looks like a personnummer.
"""
import base64
import datetime
import quopri
import re
import sys
from email.header import Header
from pathlib import Path

corpus, csv, hemlig_zip, out = (Path(a) for a in sys.argv[1:5])
out.mkdir(parents=True, exist_ok=True)


# --- Guard: only test personnummer -------------------------------------------
def luhn_ok(ten):
    total = 0
    for i, ch in enumerate(ten[:9]):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d // 10 + d % 10
    return (10 - total % 10) % 10 == int(ten[9])


allowed = {line.strip()[2:] for line in csv.read_text().splitlines()[1:] if line.strip()}
allowed.add("1212121212")


def guard(text):
    """Refuses a text holding a date-valid, Luhn-valid number that is not a test number."""
    for tok in re.findall(r"\d+[-+]?\d+", text):
        digits = re.sub(r"[-+]", "", tok)
        if len(digits) not in (10, 12):
            continue
        ten = digits[-10:]
        month, day = int(ten[2:4]), int(ten[4:6])
        if not 1 <= month <= 12 or not (1 <= day <= 31 or 61 <= day <= 91):
            continue
        if luhn_ok(ten) and ten not in allowed:
            sys.exit(f"make_mail.py: not a test personnummer: {tok}")


guard(Path(__file__).read_text())
guard((Path(__file__).parents[2] / "make-formats-mail").read_text())

NL = "\n"


def b64(data):
    """Base64 in 76-character lines, as mailers write it."""
    s = base64.b64encode(data).decode()
    return NL.join(s[i:i + 76] for i in range(0, len(s), 76)) + NL


def qp(text, charset):
    return quopri.encodestring(text.encode(charset)).decode("ascii")


def write(name, text, encoding="ascii"):
    data = text.encode(encoding)
    (out / name).write_bytes(data)
    print(f"  {name:28} {len(data):7} bytes")


def enc_word(text, mode="B"):
    """One RFC 2047 encoded word in UTF-8."""
    if mode == "B":
        return "=?UTF-8?B?" + base64.b64encode(text.encode()).decode() + "?="
    return Header(text, "utf-8").encode()


# --- 1. enkel.eml: plain text, RFC 2047 subject, ISO-8859-1 quoted-printable body
body1 = """Hej!

Här är underlaget för ärendet om försörjningsstöd. Sökanden har
personnummer 20021106-2385 och bor på Storgatan 1 i Växjö.

Vänliga hälsningar
Åsa Öberg
Socialförvaltningen
"""
enkel = NL.join([
    "Return-Path: <asa.oberg@example.se>",
    "Received: from mail.example.se (mail.example.se [192.0.2.10])",
    "\tby mx.example.com with ESMTP id 4F2A1; Thu, 1 Jan 2026 09:15:00 +0100",
    "From: " + enc_word("Åsa Öberg") + " <asa.oberg@example.se>",
    "To: " + enc_word("Handläggare", "Q") + " <handlaggare@example.com>",
    "Subject: " + enc_word("Ärende 20011121-2387 – försörjningsstöd"),
    "Date: Thu, 1 Jan 2026 09:15:00 +0100",
    "Message-ID: <enkel-0001@example.se>",
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=ISO-8859-1",
    "Content-Transfer-Encoding: quoted-printable",
    "",
    qp(body1, "iso-8859-1"),
])
write("enkel.eml", enkel)

# --- 2. bilagor.eml: multipart/mixed with alternative bodies and three attachments
text2 = """Hej,

Bifogat finns beslutet (SEKRETESS enligt OSL 26:1), protokollet och arkivet.
Ärendet gäller 20031023-2384.

/Per
"""
html2 = """<html><head><meta charset="utf-8"><title>Beslut</title></head>
<body><p>Hej,</p>
<p>Bifogat finns beslutet (<b>SEKRETESS</b> enligt OSL 26:1), protokollet och arkivet.
Ärendet gäller 20031023-2384.</p>
<p>/Per</p></body></html>
"""
docx = (corpus / "beslut-sekretess.docx").read_bytes()
pdf = (corpus / "protokoll-sida2.pdf").read_bytes()
zipb = (corpus / "arkiv.zip").read_bytes()
bilagor = NL.join([
    "From: Per Persson <per.persson@example.se>",
    "To: " + enc_word("Åsa Öberg", "Q") + " <asa.oberg@example.se>",
    "Cc: registrator@example.se",
    "Subject: Beslut med bilagor",
    "Date: Fri, 2 Jan 2026 10:00:00 +0100",
    "Message-ID: <bilagor-0002@example.se>",
    "MIME-Version: 1.0",
    'Content-Type: multipart/mixed; boundary="=_yttre_0002"',
    "",
    "This is a multi-part message in MIME format.",
    "",
    "--=_yttre_0002",
    'Content-Type: multipart/alternative; boundary="=_alt_0002"',
    "",
    "--=_alt_0002",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: quoted-printable",
    "",
    qp(text2, "utf-8"),
    "--=_alt_0002",
    "Content-Type: text/html; charset=utf-8",
    "Content-Transfer-Encoding: base64",
    "",
    b64(html2.encode()),
    "--=_alt_0002--",
    "",
    "--=_yttre_0002",
    "Content-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document;",
    " name*=utf-8''beslut-%C3%A5%C3%A4%C3%B6.docx",
    "Content-Disposition: attachment;",
    " filename*=utf-8''beslut-%C3%A5%C3%A4%C3%B6.docx",
    "Content-Transfer-Encoding: base64",
    "",
    b64(docx),
    "--=_yttre_0002",
    'Content-Type: application/pdf; name="protokoll-sida2.pdf"',
    'Content-Disposition: attachment; filename="protokoll-sida2.pdf"',
    "Content-Transfer-Encoding: base64",
    "",
    b64(pdf),
    "--=_yttre_0002",
    'Content-Type: application/zip; name="arkiv.zip"',
    'Content-Disposition: attachment; filename="arkiv.zip"',
    "Content-Transfer-Encoding: base64",
    "",
    b64(zipb),
    "--=_yttre_0002--",
    "",
])
write("bilagor.eml", bilagor)

# --- 3. vidarebefordrat.eml: bilagor.eml forwarded whole as message/rfc822
note3 = """Vidarebefordrar beslutet nedan. Kontaktperson är 19121212-1212.
"""
vidare = NL.join([
    "From: " + enc_word("Åsa Öberg") + " <asa.oberg@example.se>",
    "To: arkiv@example.com",
    "Subject: VB: Beslut med bilagor",
    "Date: Mon, 5 Jan 2026 08:30:00 +0100",
    "Message-ID: <vidare-0003@example.se>",
    "MIME-Version: 1.0",
    'Content-Type: multipart/mixed; boundary="=_vb_0003"',
    "",
    "--=_vb_0003",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: 8bit",
    "",
    note3,
    "--=_vb_0003",
    "Content-Type: message/rfc822",
    "Content-Disposition: inline",
    "",
    bilagor,
    "--=_vb_0003--",
    "",
])
write("vidarebefordrat.eml", vidare, "utf-8")

# --- 4. korg.mbox: three messages; the second quotes a body line as ">From "
def mbox_msg(n, day, subject, body):
    when = datetime.datetime(2026, 1, day, 12, 0, 0)
    return NL.join([
        f"From kansli@example.se {when:%a %b %e %H:%M:%S %Y}",
        "From: Kansliet <kansli@example.se>",
        "To: Styrelsen <styrelsen@example.com>",
        "Subject: " + subject,
        f"Date: {when:%a}, {day} Jan 2026 12:00:00 +0100",
        f"Message-ID: <korg-{n:04}@example.se>",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
        "",
        body,
    ])


korg = NL.join([
    mbox_msg(1, 6, "Kallelse", "Kallelse till möte. Anmälan från 20041006-2384.\n"),
    mbox_msg(2, 7, "Protokoll", "Utdrag ur protokollet:\n\n>From the minutes: 20050922-2394 deltog.\n"
             ">>From the appendix: ingen ändring.\n"),
    mbox_msg(3, 8, "Påminnelse", "Påminnelse om 20060907-2384 och ärendets handlingar.\n"),
])
write("korg.mbox", korg, "utf-8")

# --- 5. trasig.eml: a mistyped boundary, then base64 cut off mid-line, no end boundary
lista = "Deltagarlista\n20070823-2392 Anna Andersson\n20080808-2390 Bo Berg\n" * 4
cut = b64(lista.encode())
cut = cut[:len(cut) * 2 // 3]
if len(cut.replace(NL, "")) % 4 == 0:
    cut = cut[:-1]
trasig = NL.join([
    "From: Kansliet <kansli@example.se>",
    "To: arkiv@example.com",
    "Subject: Trasigt meddelande",
    "Date: Fri, 9 Jan 2026 12:00:00 +0100",
    "Message-ID: <trasig-0005@example.se>",
    "MIME-Version: 1.0",
    'Content-Type: multipart/mixed; boundary="grans-0005"',
    "",
    "--grans-0005",
    "Content-Type: text/plain; charset=utf-8",
    "",
    "Första delen: handläggare för 20070823-2392.",
    "--grans-0O05",
    "Content-Type: text/plain; charset=utf-8",
    "",
    "Andra delen, efter en felskriven gräns, läses som en del av den första.",
    "--grans-0005",
    'Content-Type: text/plain; charset=utf-8; name="lista.txt"',
    'Content-Disposition: attachment; filename="lista.txt"',
    "Content-Transfer-Encoding: base64",
    "",
    cut,
])
write("trasig.eml", trasig, "utf-8")

# --- 6. krypterad-bilaga.eml: a zip whose member is encrypted (zip -P hemligt)
krypterad = NL.join([
    "From: Per Persson <per.persson@example.se>",
    "To: " + enc_word("Åsa Öberg") + " <asa.oberg@example.se>",
    "Subject: " + enc_word("Lösenordsskyddad bilaga", "Q"),
    "Date: Sat, 10 Jan 2026 09:00:00 +0100",
    "Message-ID: <krypterad-0006@example.se>",
    "MIME-Version: 1.0",
    'Content-Type: multipart/mixed; boundary="=_krypt_0006"',
    "",
    "--=_krypt_0006",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: quoted-printable",
    "",
    qp("Lösenordet skickas i ett separat meddelande.\n", "utf-8"),
    "--=_krypt_0006",
    'Content-Type: application/zip; name="hemlig.zip"',
    'Content-Disposition: attachment; filename="hemlig.zip"',
    "Content-Transfer-Encoding: base64",
    "",
    b64(hemlig_zip.read_bytes()),
    "--=_krypt_0006--",
    "",
])
write("krypterad-bilaga.eml", krypterad)
