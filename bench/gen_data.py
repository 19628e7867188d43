#!/usr/bin/env python3
"""
gen_data.py - the data generator behind scripts/bench-data (see there and
docs/bench.md). Writes four sets into DIR, each with a manifest of every
identity number planted in it:

  text/sv-1g.txt       1 GiB of Swedish-like prose (32 blocks of exactly
                       32 MiB, each ending at a line end)   text.manifest.json
  pdf/*.pdf            200 text PDFs of 1-50 pages, by LibreOffice
                                                            pdf.manifest.json
  mixed/...            2 000 office files, texts, PDFs and archives
                                                            mixed.manifest.json
  small/NN/*.txt       20 000 files of exactly 1 024 bytes  small.manifest.json

Deterministic: every file's content comes from a random.Random seeded with
the set name and the file's index, so a set can be rebuilt piecewise. A set
is complete when its manifest exists, carries this generator's version, and
every file it lists exists with the size it records; a complete set is left
alone. LibreOffice writes timestamps into what it makes, so converted files
differ in a few bytes between builds; their text does not.

Only Skatteverket's test personnummer are planted; every other number in
personnummer shape (a "decoy") fails the check digit, and the generator
verifies both before it writes a manifest.
"""
import base64
import hashlib
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
import zlib
from xml.sax.saxutils import escape

VERSION = 3
SEED = 20261129
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEMPLATES = os.path.join(ROOT, "bench", "sv-templates.txt")
RULES = os.path.join(ROOT, "patterns", "identity.rules")
TESTCSV = os.environ.get("SILA_TESTCSV", os.path.join(
    ROOT, "..", "shared", "testdata", "skatteverket", "testpersonnummer-2000-2009.csv"))
LO_PROFILE = "file:///tmp/lo-bench"

MIB = 1 << 20
TEXT_BLOCK = 32 * MIB
TEXT_BLOCKS = 32            # 32 x 32 MiB = 1 GiB


def log(msg):
    print("bench-data: " + msg, file=sys.stderr, flush=True)


def die(msg):
    log(msg)
    sys.exit(1)


# ---------------------------------------------------------------------------
# Test numbers, forms and decoys
# ---------------------------------------------------------------------------

def load_test_numbers():
    if not os.path.exists(TESTCSV):
        die("no %s (set SILA_TESTCSV)" % TESTCSV)
    nums = []
    with open(TESTCSV, encoding="utf-8-sig") as f:
        for line in f:
            s = line.strip()
            if re.fullmatch(r"\d{12}", s):
                nums.append(s)
    if len(nums) < 1000:
        die("only %d numbers in %s" % (len(nums), TESTCSV))
    return nums


def luhn_ok(ten):
    t = 0
    for i, ch in enumerate(ten[:9]):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        t += d // 10 + d % 10
    return (10 - t % 10) % 10 == int(ten[9])


def looks_valid(digits10):
    """Whether ten digits might pass a personnummer or samordningsnummer
    check. Errs towards yes (any day 1-31 or 60-91, month 0-12), so a decoy
    that passes this is re-rolled and the guard below is strict."""
    mm, dd = int(digits10[2:4]), int(digits10[4:6])
    if mm > 12 or not (1 <= dd <= 31 or 60 <= dd <= 91):
        return False
    return luhn_ok(digits10)


# Written forms, weights: how a person would type the number.
FORMS = [("12-dash", 30), ("10-dash", 35), ("12", 20), ("10", 15)]
FORM_NAMES = [f for f, _ in FORMS]
FORM_WEIGHTS = [w for _, w in FORMS]


def written(num12, form):
    if form == "12-dash":
        return num12[:8] + "-" + num12[8:]
    if form == "12":
        return num12
    if form == "10-dash":
        return num12[2:8] + "-" + num12[8:]
    return num12[2:]


def canon(num12):
    return num12[:8] + "-" + num12[8:]


class Planter:
    """Picks test numbers and forms, and makes decoys, from one rng."""

    def __init__(self, rng, nums):
        self.rng = rng
        self.nums = nums

    def pnr(self):
        n = self.rng.choice(self.nums)
        form = self.rng.choices(FORM_NAMES, FORM_WEIGHTS)[0]
        return n, form, written(n, form)

    def decoy(self, kind):
        """A number in personnummer shape that no validator accepts."""
        r = self.rng
        while True:
            if kind == "phone":   # PTS's fiction range 070-1740600..699, unspaced
                s = "07017406%02d" % r.randrange(100)
            else:
                s = "%02d%02d%02d%04d" % (r.randrange(100), r.randrange(1, 13),
                                          r.randrange(1, 29), r.randrange(10000))
            if looks_valid(s):
                continue
            if kind == "long":
                s = "20" + s  # twelve digits, century 20, wrong check digit
            return s


# ---------------------------------------------------------------------------
# Negative keywords: a number right after one is not a finding by sila's own
# rules (patterns/identity.rules), so the generator never plants one there.
# ---------------------------------------------------------------------------

def load_negatives():
    neg, window, in_pnr = [], 24, False
    with open(RULES, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line.startswith("["):
                in_pnr = line == "[se.personnummer]"
            elif in_pnr and line.startswith("negative ="):
                neg = [k.strip().lower() for k in line.split("=", 1)[1].split(",") if k.strip()]
            elif in_pnr and line.startswith("negative-window ="):
                window = int(line.split("=", 1)[1])
    return neg, window


NEGATIVES, NEG_WINDOW = load_negatives()


def _wordc(ch):
    return ch.isalnum() or ord(ch) >= 0x80


def negative_before(prefix):
    """prefix: the str on the same line before the number. True when one of
    sila's negative keywords stands in the window (conservatively: a context
    keyword between would save it, but we never count on that)."""
    b = prefix.encode("utf-8")[-NEG_WINDOW:]
    w = b.decode("utf-8", "ignore")
    for i in range(len(w) - 1, -1, -1):
        if w[i] in "\n\f\r" or w[i].isdigit():
            w = w[i + 1:]
            break
    w = w.lower()
    for key in NEGATIVES:
        os_, oe = key.startswith("*"), len(key) > 1 and key.endswith("*")
        k = key[1 if os_ else 0: -1 if oe else None]
        if not k:
            continue
        p = w.find(k)
        while p >= 0:
            e = p + len(k)
            ok = True
            if not os_ and p > 0 and _wordc(w[p - 1]):
                ok = False
            if not oe and e < len(w) and _wordc(w[e]) and _wordc(k[-1]):
                ok = False
            if ok:
                return True
            p = w.find(k, p + 1)
    return False


# ---------------------------------------------------------------------------
# Templates and slot fillers
# ---------------------------------------------------------------------------

FNAMN = """Anna Eva Maria Karin Sara Lena Kerstin Emma Ingrid Marie Malin Jenny Hanna
Linnea Elin Ida Johanna Sofia Julia Amanda Klara Maja Alice Ebba Wilma Agnes Astrid Saga
Lars Mikael Anders Johan Erik Per Karl Peter Thomas Jan Daniel Fredrik Hans Bengt Mats
Magnus Andreas Stefan Oskar Gustav Viktor Emil Axel Hugo Ludvig Noah Elias Liam Nils
Olle Sven Göran Åsa Örjan Björn Jörgen Märta Gösta Ulla Britt Siv Birgitta Yvonne Ahmed
Fatima Mohammed Ali Leyla Samir Zeynep Dragan Milena Aleksander Tiina Juha""".split()
ENAMN = """Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson
Gustafsson Pettersson Jonsson Jansson Hansson Bengtsson Jönsson Lindberg Jakobsson Magnusson
Olofsson Lindström Lindqvist Lindgren Berg Axelsson Bergström Lundberg Lind Lundgren Lundqvist
Mattsson Berglund Fredriksson Sandberg Henriksson Forsberg Sjöberg Wallin Engström Eklund
Danielsson Lundin Håkansson Björk Bergman Gunnarsson Holm Wikström Samuelsson Isaksson
Fransson Bergqvist Nyström Holmberg Arvidsson Löfgren Söderberg Nyberg Blomqvist Claesson
Nordström Mårtensson Lundström Ali Mohammed Hassan Yilmaz Nieminen Korhonen Petrović""".split()
ORT = """Haninge Nacka Huddinge Botkyrka Södertälje Uppsala Västerås Örebro Linköping
Norrköping Jönköping Växjö Kalmar Karlskrona Kristianstad Halmstad Borås Trollhättan Skövde
Karlstad Falun Gävle Sundsvall Östersund Umeå Skellefteå Luleå Kiruna Visby Eskilstuna
Nyköping Motala Ludvika Sandviken Hudiksvall Härnösand Örnsköldsvik Piteå Lidköping Alingsås
Kungsbacka Varberg Ystad Trelleborg Landskrona Ängelholm Hässleholm Vetlanda Värnamo Mora""".split()
NAMND = ["socialnämnden", "barn- och utbildningsnämnden", "kommunstyrelsen",
         "kultur- och fritidsnämnden", "miljö- och byggnadsnämnden", "vård- och omsorgsnämnden",
         "tekniska nämnden", "överförmyndarnämnden", "arbetsmarknadsnämnden",
         "gymnasienämnden", "krisledningsnämnden", "samhällsbyggnadsnämnden",
         "individ- och familjeomsorgen", "kommunfullmäktige", "valnämnden"]
GATA = ["Storgatan", "Kyrkogatan", "Drottninggatan", "Skolgatan", "Järnvägsgatan", "Nygatan",
        "Torggatan", "Västra vägen", "Östra Långgatan", "Parkvägen", "Björkvägen", "Tallvägen",
        "Ekbacken", "Solvägen", "Strandvägen", "Industrivägen", "Åkervägen", "Hagagatan",
        "Kvarngatan", "Sjövägen", "Backavägen", "Ängsvägen", "Lärkgatan"]
MANAD = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
         "september", "oktober", "november", "december"]
VECKODAG = ["måndag", "tisdag", "onsdag", "torsdag", "fredag"]
NAMND_DNR = ["KS", "SN", "BUN", "KFN", "MBN", "VON", "TN"]


def load_templates():
    kinds = {}
    with open(TEMPLATES, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#") or "|" not in line:
                continue
            k, t = line.split("|", 1)
            kinds.setdefault(k, []).append(t)
    for k in "PNDHS":
        if not kinds.get(k):
            die("no %s templates in %s" % (k, TEMPLATES))
    return kinds


TPL = load_templates()
SLOT = re.compile(r"\{(\w+)\}")


class Filler:
    def __init__(self, rng):
        self.r = rng

    def slot(self, name):
        r = self.r
        if name == "namn":
            return r.choice(FNAMN) + " " + r.choice(ENAMN)
        if name == "fnamn":
            return r.choice(FNAMN)
        if name == "enamn":
            return r.choice(ENAMN)
        if name == "ort":
            return r.choice(ORT)
        if name == "namnd":
            return r.choice(NAMND)
        if name == "gata":
            return "%s %d" % (r.choice(GATA), r.randrange(1, 120))
        if name == "postnr":
            return "%03d %02d" % (r.randrange(100, 990), r.randrange(100))
        if name == "datum":
            return "%d-%02d-%02d" % (r.randrange(2019, 2027), r.randrange(1, 13), r.randrange(1, 29))
        if name == "datumtext":
            return "%d %s %d" % (r.randrange(1, 29), r.choice(MANAD), r.randrange(2019, 2027))
        if name == "tid":
            return "kl. %02d.%s" % (r.randrange(7, 20), r.choice(["00", "15", "30", "45"]))
        if name == "belopp":
            v = r.choice([r.randrange(100, 10000), r.randrange(1000, 100000) // 10 * 10,
                          r.randrange(100000, 90000000) // 1000 * 1000])
            return "{:,}".format(v).replace(",", " ") + r.choice([" kr", " kronor", " kr"])
        if name == "tel":
            return r.choice(["070-174 06 %02d", "08-465 004 %02d", "031-390 06 %02d",
                             "040-628 04 %02d", "+46 70 174 06 %02d"]) % r.randrange(100)
        if name == "epost":
            return "%s.%s@%s.se" % (r.choice(FNAMN).lower(), r.choice(ENAMN).lower(),
                                    r.choice(ORT).lower())
        if name == "antal":
            return str(r.randrange(2, 10))
        if name == "procent":
            return "%d,%d %%" % (r.randrange(1, 99), r.randrange(10))
        if name == "dnr":
            return "%s %d/%d" % (r.choice(NAMND_DNR), r.randrange(2019, 2027), r.randrange(1, 2000))
        if name == "veckodag":
            return r.choice(VECKODAG)
        if name == "ar":
            return str(r.randrange(2019, 2027))
        raise KeyError(name)

    def fill(self, tpl, special=None):
        """Fills tpl; special maps a slot name to its value. Returns the text
        and, for each special slot, where its value starts (in characters)."""
        out, pos, at = [], 0, {}
        n = 0
        for m in SLOT.finditer(tpl):
            out.append(tpl[pos:m.start()])
            n += m.start() - pos
            name = m.group(1)
            v = special[name] if special and name in special else self.slot(name)
            if special and name in special:
                at[name] = n
            out.append(v)
            n += len(v)
            pos = m.end()
        out.append(tpl[pos:])
        return "".join(out), at


# ---------------------------------------------------------------------------
# Document content: a list of blocks with planted numbers
# ---------------------------------------------------------------------------

class Doc:
    """Paragraphs ("h" heading, "p" prose, "pb" page break) with the numbers
    planted in them: planted[i] = (canon, written, form, page)."""

    def __init__(self):
        self.blocks = []
        self.planted = []
        self.decoys = 0
        self.page = 1

    def text(self, sep="\n"):
        return sep.join(t for k, t in self.blocks if k != "pb")


def sentence_with_pnr(fill, plant, kind="N", prefix=""):
    """Returns (text, (canon, written, form), where the number starts in text).
    Re-rolls the template when a negative keyword would stand right before
    the number."""
    for _ in range(50):
        num, form, w = plant.pnr()
        tpl = fill.r.choice(TPL[kind])
        s, at = fill.fill(tpl, {"pnr": w})
        if not negative_before(prefix + s[:at["pnr"]]):
            return s, (canon(num), w, form), at["pnr"]
    die("cannot place a number without a negative keyword before it")


def sentence_with_decoy(fill, plant):
    tpl = fill.r.choice(TPL["D"])
    kind = "phone" if re.search(r"(?i)tel|mobil", tpl) else fill.r.choice(["short", "long"])
    s, _ = fill.fill(tpl, {"decoy": plant.decoy(kind)})
    return s


def paragraph(fill, plant, doc, n_sent, p_pnr, p_decoy):
    parts = []
    for _ in range(n_sent):
        x = fill.r.random()
        if x < p_pnr:
            s, pl, _ = sentence_with_pnr(fill, plant, prefix=" ".join(parts) + " ")
            doc.planted.append(pl + (doc.page,))
        elif x < p_pnr + p_decoy:
            s = sentence_with_decoy(fill, plant)
            doc.decoys += 1
        else:
            s, _ = fill.fill(fill.r.choice(TPL["P"]))
        parts.append(s)
    doc.blocks.append(("p", " ".join(parts)))


def short_lines(fill, plant, doc, n):
    for _ in range(n):
        s, pl, _ = sentence_with_pnr(fill, plant, kind="S")
        doc.planted.append(pl + (doc.page,))
        doc.blocks.append(("p", s))


def make_doc(rng, nums, pages, chars_per_page, p_pnr, p_list, p_decoy=0.01, heading=True):
    """A document of `pages` pages, each ending in a page break."""
    fill, plant, doc = Filler(rng), Planter(rng, nums), Doc()
    for pg in range(1, pages + 1):
        doc.page = pg
        if pg > 1:
            doc.blocks.append(("pb", ""))
        if heading and (pg == 1 or rng.random() < 0.3):
            doc.blocks.append(("h", fill.fill(rng.choice(TPL["H"]))[0]))
        used = 0
        while used < chars_per_page:
            paragraph(fill, plant, doc, rng.randrange(2, 6), p_pnr, p_decoy)
            used += len(doc.blocks[-1][1])
        if rng.random() < p_list:
            short_lines(fill, plant, doc, rng.randrange(1, 7))
    return doc


# ---------------------------------------------------------------------------
# Writers: flat ODF (for LibreOffice), PNG, HTML, CSV, XML
# ---------------------------------------------------------------------------

FODT_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 xmlns:xlink="http://www.w3.org/1999/xlink"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.{kind}">
 <office:meta><dc:title>{title}</dc:title><dc:language>sv-SE</dc:language>
  <meta:creation-date>2026-01-01T00:00:00</meta:creation-date><dc:date>2026-01-01T00:00:00</dc:date></office:meta>
 <office:font-face-decls>
  <style:font-face style:name="DejaVu Serif" svg:font-family="'DejaVu Serif'"/>
 </office:font-face-decls>
 <office:styles>
  <style:default-style style:family="paragraph">
   <style:paragraph-properties fo:margin-bottom="0.2cm"/>
   <style:text-properties style:font-name="DejaVu Serif" fo:font-size="11pt" fo:language="sv" fo:country="SE"/>
  </style:default-style>
  <style:style style:name="Standard" style:family="paragraph"/>
  <style:style style:name="Rubrik" style:family="paragraph">
   <style:paragraph-properties fo:margin-top="0.2cm" fo:margin-bottom="0.3cm"/>
   <style:text-properties fo:font-size="15pt" fo:font-weight="bold"/>
  </style:style>
 </office:styles>
 <office:automatic-styles>
  <style:style style:name="NySida" style:family="paragraph" style:parent-style-name="Standard">
   <style:paragraph-properties fo:break-before="page"/>
  </style:style>
  <style:page-layout style:name="A4">
   <style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm"
    fo:margin-top="2cm" fo:margin-bottom="2cm" fo:margin-left="2.5cm" fo:margin-right="2.5cm"/>
  </style:page-layout>
 </office:automatic-styles>
 <office:master-styles>
  <style:master-page style:name="Standard" style:page-layout-name="A4"/>
 </office:master-styles>
 <office:body>
"""


def png_bytes(rng, w, h):
    raw = b"".join(b"\x00" + rng.randbytes(w * 3) for _ in range(h))

    def chunk(t, d):
        return (len(d).to_bytes(4, "big") + t + d +
                (zlib.crc32(t + d) & 0xffffffff).to_bytes(4, "big"))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", w.to_bytes(4, "big") + h.to_bytes(4, "big") +
                                         b"\x08\x02\x00\x00\x00") +
            chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def fodt(doc, title, image=None, marking=None):
    out = [FODT_HEAD.replace("{kind}", "text").replace("{title}", escape(title)),
           "  <office:text>\n"]
    if marking:
        out.append('   <text:p text:style-name="Rubrik">%s</text:p>\n' % escape(marking))
    if image:
        w, h, data = image
        out.append('   <text:p><draw:frame draw:name="bild" text:anchor-type="as-char" '
                   'svg:width="%.2fcm" svg:height="%.2fcm"><draw:image><office:binary-data>%s'
                   '</office:binary-data></draw:image></draw:frame></text:p>\n'
                   % (w / 50.0, h / 50.0, base64.b64encode(data).decode()))
    brk = False
    for k, t in doc.blocks:
        if k == "pb":
            brk = True
            continue
        style = "NySida" if brk else ("Rubrik" if k == "h" else "Standard")
        brk = False
        out.append('   <text:p text:style-name="%s">%s</text:p>\n' % (style, escape(t)))
    out.append("  </office:text>\n </office:body>\n</office:document>\n")
    return "".join(out)


def fods(rows, title):
    out = [FODT_HEAD.replace("{kind}", "spreadsheet").replace("{title}", escape(title))
           .replace('<style:master-page style:name="Standard" style:page-layout-name="A4"/>', ""),
           '  <office:spreadsheet>\n   <table:table table:name="Blad1">\n']
    for row in rows:
        out.append("    <table:table-row>")
        for c in row:
            out.append('<table:table-cell office:value-type="string"><text:p>%s</text:p>'
                       '</table:table-cell>' % escape(c))
        out.append("</table:table-row>\n")
    out.append("   </table:table>\n  </office:spreadsheet>\n </office:body>\n</office:document>\n")
    return "".join(out)


def soffice(target, srcs, outdir, batch=60):
    """Converts srcs into outdir in batches (one LibreOffice start per batch)."""
    os.makedirs(outdir, exist_ok=True)
    for i in range(0, len(srcs), batch):
        part = srcs[i:i + batch]
        t0 = time.time()
        r = subprocess.run(["soffice", "-env:UserInstallation=" + LO_PROFILE, "--headless",
                            "--norestore", "--convert-to", target, "--outdir", outdir] + part,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if r.returncode != 0:
            die("soffice failed (%d): %s" % (r.returncode, r.stdout.decode(errors="replace")[-2000:]))
        log("  soffice %s: %d/%d files (%.0f s)" % (target.split(":")[0], min(i + batch, len(srcs)),
                                                   len(srcs), time.time() - t0))


def pdf_pages(path):
    r = subprocess.run(["pdfinfo", path], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    m = re.search(rb"^Pages:\s+(\d+)", r.stdout, re.M)
    return int(m.group(1)) if m else -1


# ---------------------------------------------------------------------------
# Manifests and caching
# ---------------------------------------------------------------------------

def manifest_path(d, name):
    return os.path.join(d, name + ".manifest.json")


def complete(d, name):
    p = manifest_path(d, name)
    if not os.path.exists(p):
        return False
    try:
        with open(p, encoding="utf-8") as f:
            m = json.load(f)
    except (OSError, ValueError):
        return False
    if m.get("version") != VERSION:
        return False
    for e in m["files"]:
        fp = os.path.join(d, e["path"])
        if not os.path.exists(fp) or os.path.getsize(fp) != e["size"]:
            return False
    return True


def write_manifest(d, name, m):
    m["version"] = VERSION
    m["seed"] = SEED
    m["generated"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    tmp = manifest_path(d, name) + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(m, f, ensure_ascii=False, separators=(",", ":"))
    os.replace(tmp, manifest_path(d, name))


def counts_of(planted_lists):
    c = {"total": 0, "distinct": 0}
    for f in FORM_NAMES:
        c[f] = 0
    seen = set()
    for pl in planted_lists:
        for p in pl:
            c["total"] += 1
            c[p[2]] += 1
            seen.add(p[0])
    c["distinct"] = len(seen)
    return c


def rng_for(*key):
    h = hashlib.sha256(("%d:" % SEED + ":".join(map(str, key))).encode()).digest()
    return random.Random(int.from_bytes(h[:8], "big"))


# ---------------------------------------------------------------------------
# Guard: every number that would validate must be a planted test number
# ---------------------------------------------------------------------------

CAND = re.compile(rb"(?<![0-9A-Za-z])(\d{6}(?:\d{2})?)([-+]?)(\d{4})(?![0-9A-Za-z])")


def guard(data, what, tests):
    """data: bytes of extracted or source text. Every candidate that passes the
    date and check digit must be a test number; returns how many there were."""
    n = 0
    for m in CAND.finditer(data):
        d = (m.group(1) + m.group(3)).decode()
        ten = d[-10:]
        if not looks_valid(ten):
            continue
        if ten not in tests:
            die("%s: %s is not one of Skatteverket's test numbers" % (what, m.group(0).decode()))
        n += 1
    return n


# ---------------------------------------------------------------------------
# (a) 1 GiB of text
# ---------------------------------------------------------------------------

def build_text(d, nums, tests):
    name = "text"
    if complete(d, name):
        log("text: complete, kept")
        return
    os.makedirs(os.path.join(d, "text"), exist_ok=True)
    path = os.path.join(d, "text", "sv-1g.txt")
    log("text: writing %s (%d blocks of %d MiB)" % (path, TEXT_BLOCKS, TEXT_BLOCK // MIB))
    t0 = time.time()
    planted, decoys = [], 0
    with open(path + ".tmp", "wb") as out:
        for blk in range(TEXT_BLOCKS):
            rng = rng_for("text", blk)
            fill, plant = Filler(rng), Planter(rng, nums)
            # A pool of prose sentences, drawn from again and again: fast, and
            # still a few hundred templates with varied slot values.
            pool = [fill.fill(rng.choice(TPL["P"]))[0] for _ in range(20000)]
            heads = [fill.fill(rng.choice(TPL["H"]))[0] for _ in range(500)]
            base = blk * TEXT_BLOCK
            buf, used = [], 0
            while True:
                # A chunk: a heading, a list of short lines, or a paragraph;
                # its bytes and (offset in the chunk, planted) pairs.
                r = rng.random()
                pls, dec = [], 0
                if r < 0.04:
                    text = heads[rng.randrange(len(heads))] + "\n"
                elif r < 0.06:
                    text = ""
                    for _ in range(rng.randrange(2, 9)):
                        s, pl, at = sentence_with_pnr(fill, plant, kind="S")
                        pls.append((len((text + s[:at]).encode()), pl))
                        text += s + "\n"
                else:
                    text = ""
                    for _ in range(rng.randrange(3, 13)):
                        x = rng.random()
                        if x < 0.018:
                            s, pl, at = sentence_with_pnr(fill, plant, prefix=text)
                            pls.append((len((text + s[:at]).encode()), pl))
                        elif x < 0.021:
                            s = sentence_with_decoy(fill, plant)
                            dec += 1
                        else:
                            s = pool[rng.randrange(len(pool))]
                        text += s + " "
                    text = text[:-1] + "\n"
                b = text.encode()
                if used + len(b) > TEXT_BLOCK - 256:
                    break
                for off, pl in pls:
                    planted.append([base + used + off, pl[1], pl[0], pl[2]])
                decoys += dec
                buf.append(b)
                used += len(b)
            # Fill the block to exactly 32 MiB with a last line of plain words.
            rest = TEXT_BLOCK - used
            filler = ("Slut på avsnittet. " * 20).encode()
            tail = (filler * (rest // len(filler) + 1))[:rest - 1]
            tail = tail.decode("utf-8", "ignore").encode()
            tail = tail + b" " * (rest - 1 - len(tail)) + b"\n"
            buf.append(tail)
            out.write(b"".join(buf))
            if blk % 4 == 3:
                log("  text: %d/%d blocks (%.0f s)" % (blk + 1, TEXT_BLOCKS, time.time() - t0))
    size = os.path.getsize(path + ".tmp")
    if size != TEXT_BLOCK * TEXT_BLOCKS:
        die("text: wrote %d bytes, not %d" % (size, TEXT_BLOCK * TEXT_BLOCKS))
    # Check the manifest against the bytes: each planted number is where it
    # says, and nothing else in the file would validate.
    log("text: checking the manifest against the file")
    with open(path + ".tmp", "rb") as f:
        data = f.read()
    for off, w, c, form in planted:
        if data[off:off + len(w)] != w.encode():
            die("text: manifest offset %d does not hold %s" % (off, w))
    n = guard(data, "text", tests)
    if n != len(planted):
        die("text: %d numbers validate in the file, %d planted" % (n, len(planted)))
    del data
    os.replace(path + ".tmp", path)
    c = counts_of([[(p[2], p[1], p[3]) for p in planted]])
    write_manifest(d, name, {
        "set": "text", "files": [{"path": "text/sv-1g.txt", "size": size}],
        "bytes": size, "block": TEXT_BLOCK, "blocks": TEXT_BLOCKS,
        "counts": c, "decoys": decoys,
        "planted_fields": ["offset", "written", "canon", "form"],
        "planted": planted})
    log("text: %d numbers planted (%d distinct), %d decoys (%.0f s)"
        % (c["total"], c["distinct"], decoys, time.time() - t0))


# ---------------------------------------------------------------------------
# (b) 200 PDFs
# ---------------------------------------------------------------------------

def pdf_page_count(rng):
    x = rng.random()
    if x < 0.6:
        return rng.randrange(1, 11)
    if x < 0.9:
        return rng.randrange(11, 31)
    return rng.randrange(31, 51)


def build_pdfs(d, nums, tests):
    name = "pdf"
    if complete(d, name):
        log("pdf: complete, kept")
        return
    src = os.path.join(d, "src", "pdf")
    outd = os.path.join(d, "pdf")
    os.makedirs(src, exist_ok=True)
    os.makedirs(outd, exist_ok=True)
    entries, todo = [], []
    for i in range(200):
        rng = rng_for("pdf", i)
        pages = pdf_page_count(rng)
        doc = make_doc(rng, nums, pages, chars_per_page=1800, p_pnr=0.05, p_list=0.25)
        fn = "handling-%03d" % i
        body = fodt(doc, "Handling %d" % i)
        sp = os.path.join(src, fn + ".fodt")
        if not os.path.exists(sp) or open(sp, encoding="utf-8").read() != body:
            with open(sp, "w", encoding="utf-8") as f:
                f.write(body)
            if os.path.exists(os.path.join(outd, fn + ".pdf")):
                os.remove(os.path.join(outd, fn + ".pdf"))
        guard(doc.text().encode(), "pdf source " + fn, tests)
        if not os.path.exists(os.path.join(outd, fn + ".pdf")):
            todo.append(sp)
        entries.append((fn, pages, doc))
    log("pdf: %d of 200 to convert with LibreOffice" % len(todo))
    soffice("pdf", todo, outd, batch=25)
    files = []
    for fn, pages, doc in entries:
        p = os.path.join(outd, fn + ".pdf")
        if not os.path.exists(p):
            die("pdf: LibreOffice made no %s" % p)
        got = pdf_pages(p)
        if got != pages:
            die("pdf: %s has %d pages, %d planned (a page overflowed)" % (p, got, pages))
        files.append({"path": "pdf/" + fn + ".pdf", "size": os.path.getsize(p), "pages": pages,
                      "decoys": doc.decoys,
                      "planted": [[c, w, f, pg] for c, w, f, pg in doc.planted]})
    c = counts_of([[(p[0], p[1], p[2]) for p in e["planted"]] for e in files])
    write_manifest(d, name, {"set": "pdf", "files": files, "counts": c,
                             "pages": sum(e["pages"] for e in files),
                             "planted_fields": ["canon", "written", "form", "page"]})
    log("pdf: 200 PDFs, %d pages, %d numbers" % (sum(e["pages"] for e in files), c["total"]))


# ---------------------------------------------------------------------------
# (c) 2 000 mixed files
# ---------------------------------------------------------------------------

MIXED_PLAN = [("docx", 300), ("xlsx", 120), ("odt", 100), ("pdf", 40), ("rtf", 40),
              ("txt", 560), ("csv", 260), ("html", 300), ("xml", 80)]
ARCHIVES = [("zip", 120), ("tar.gz", 80)]
DEPTS = ["socialtjanst", "skola", "hr", "ekonomi", "bygg", "miljo", "it", "kansli",
         "omsorg", "kultur"]
STEMS = ["beslut", "protokoll", "utredning", "anteckningar", "rapport", "lista", "underlag",
         "yttrande", "ansokan", "sammanstallning", "avtal", "kallelse", "export", "register"]


def lognormal_size(rng, median, lo, hi):
    import math
    v = int(median * math.exp(rng.gauss(0, 1.0)))
    return max(lo, min(hi, v))


def text_body(rng, nums, target, p_num):
    """Running text of about target bytes; planted numbers as (canon, written, form)."""
    fill, plant = Filler(rng), Planter(rng, nums)
    lines, planted, size, decoys = [], [], 0, 0
    while size < target:
        r = rng.random()
        if r < 0.05:
            s = fill.fill(rng.choice(TPL["H"]))[0]
        elif r < 0.05 + p_num * 0.3:
            s, pl, _ = sentence_with_pnr(fill, plant, kind="S")
            planted.append(pl)
        else:
            parts = []
            for _ in range(rng.randrange(2, 8)):
                x = rng.random()
                if x < p_num:
                    sp, pl, _ = sentence_with_pnr(fill, plant, prefix=" ".join(parts) + " ")
                    planted.append(pl)
                elif x < p_num + 0.01:
                    sp = sentence_with_decoy(fill, plant)
                    decoys += 1
                else:
                    sp = fill.fill(rng.choice(TPL["P"]))[0]
                parts.append(sp)
            s = " ".join(parts)
        lines.append(s)
        size += len(s.encode()) + 1
    return lines, planted, decoys


def register_rows(rng, nums, n, with_pnr):
    fill, plant = Filler(rng), Planter(rng, nums)
    if with_pnr:
        head = ["Namn", "Personnummer", "Adress", "Postnummer", "Ort", "Belopp", "Datum"]
    else:
        head = ["Datum", "Beskrivning", "Ansvarig", "Ort", "Belopp", "Status"]
    rows, planted = [head], []
    for _ in range(n):
        if with_pnr:
            num, form, w = plant.pnr()
            nm = fill.slot("namn")
            while negative_before(nm + ";"):
                nm = fill.slot("namn")
            rows.append([nm, w, fill.slot("gata"), fill.slot("postnr"),
                         fill.slot("ort"), fill.slot("belopp"), fill.slot("datum")])
            planted.append((canon(num), w, form))
        else:
            rows.append([fill.slot("datum"), fill.fill(rng.choice(TPL["H"]))[0], fill.slot("namn"),
                         fill.slot("ort"), fill.slot("belopp"),
                         rng.choice(["klar", "pågår", "avslutad", "ny"])])
    return rows, planted


def html_doc(title, lines, rows=None):
    out = ['<!DOCTYPE html>\n<html lang="sv">\n<head>\n<meta charset="utf-8">\n<title>%s</title>\n'
           '<style>body{font-family:sans-serif} td{padding:2px 6px}</style>\n</head>\n<body>\n'
           '<h1>%s</h1>\n' % (escape(title), escape(title))]
    for l in lines:
        out.append("<p>%s</p>\n" % escape(l))
    if rows:
        out.append("<table>\n")
        for r in rows:
            out.append("<tr>" + "".join("<td>%s</td>" % escape(c) for c in r) + "</tr>\n")
        out.append("</table>\n")
    out.append("</body>\n</html>\n")
    return "".join(out)


def xml_doc(rows):
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<export system="Procapita" version="4.2">\n']
    head = rows[0]
    tags = [re.sub(r"[^a-z]", "", h.lower().replace("å", "a").replace("ä", "a").replace("ö", "o"))
            for h in head]
    for r in rows[1:]:
        out.append("  <post>" + "".join("<%s>%s</%s>" % (t, escape(c), t) for t, c in zip(tags, r))
                   + "</post>\n")
    out.append("</export>\n")
    return "".join(out)


def build_mixed(d, nums, tests):
    name = "mixed"
    if complete(d, name):
        log("mixed: complete, kept")
        return
    t0 = time.time()
    src = os.path.join(d, "src", "mixed")
    top = os.path.join(d, "mixed")
    os.makedirs(src, exist_ok=True)
    os.makedirs(top, exist_ok=True)
    files = []          # manifest entries for plain files
    convert = {}        # (target, srcdir) -> [(src, final path)]
    idx = 0
    for ext, count in MIXED_PLAN:
        for k in range(count):
            rng = rng_for("mixed", ext, k)
            dept, year = rng.choice(DEPTS), rng.randrange(2019, 2026)
            rel = "mixed/%s/%d/%s-%d-%04d.%s" % (dept, year, rng.choice(STEMS), year, idx, ext)
            idx += 1
            fp = os.path.join(d, rel)
            os.makedirs(os.path.dirname(fp), exist_ok=True)
            has_pnr = rng.random() < 0.35
            p_num = rng.choice([0.02, 0.05, 0.1]) if has_pnr else 0.0
            planted, decoys = [], 0
            entry = {"path": rel, "type": ext}
            if ext in ("docx", "odt", "rtf", "pdf"):
                pages = (rng.randrange(1, 11) if ext == "pdf" else
                         max(1, min(40, int(lognormal_size(rng, 3, 1, 40)))))
                doc = make_doc(rng, nums, pages, 1800, p_num, 0.3 if has_pnr else 0.0,
                               p_decoy=0.005)
                marking = rng.choice(["SEKRETESS", "Sekretess enligt 26 kap. 1 § OSL",
                                      "INTERNT", None, None, None, None, None])
                image = None
                if ext in ("docx", "odt") and rng.random() < 0.3:
                    w = rng.randrange(120, 420)
                    h = rng.randrange(80, 300)
                    image = (w, h, png_bytes(rng, w, h))
                body = fodt(doc, "Handling %d" % idx, image=image, marking=marking)
                sp = os.path.join(src, ext, os.path.basename(rel)[:-len(ext)] + "fodt")
                planted = [(c, w_, f) for c, w_, f, pg in doc.planted]
                decoys = doc.decoys
                guard(doc.text().encode(), rel, tests)
                entry["pages"] = pages
                target = {"docx": "docx:MS Word 2007 XML", "odt": "odt", "rtf": "rtf",
                          "pdf": "pdf"}[ext]
            elif ext == "xlsx":
                n = lognormal_size(rng, 300, 10, 8000)
                rows, planted = register_rows(rng, nums, n, has_pnr)
                body = fods(rows, "Register %d" % idx)
                sp = os.path.join(src, ext, os.path.basename(rel)[:-len(ext)] + "fods")
                guard("\n".join("\t".join(r) for r in rows).encode(), rel, tests)
                target = "xlsx:Calc MS Excel 2007 XML"
            else:
                sp = None
                if ext == "txt":
                    lines, planted, decoys = text_body(rng, nums, lognormal_size(
                        rng, 8000, 200, 3 * MIB), p_num)
                    text = "\n".join(lines) + "\n"
                    enc = rng.choices(["utf-8", "cp1252", "utf-16"], [75, 20, 5])[0]
                    data = (b"\xff\xfe" + text.encode("utf-16-le")) if enc == "utf-16" else \
                        text.encode(enc, "replace")
                    entry["encoding"] = enc
                elif ext == "csv":
                    rows, planted = register_rows(rng, nums, lognormal_size(rng, 200, 5, 20000),
                                                  has_pnr)
                    text = "".join(";".join(r) + "\r\n" for r in rows)
                    enc = rng.choices(["utf-8", "cp1252"], [70, 30])[0]
                    data = text.encode(enc, "replace")
                    entry["encoding"] = enc
                elif ext == "html":
                    lines, planted, decoys = text_body(rng, nums, lognormal_size(
                        rng, 15000, 500, 400000), p_num)
                    rows = None
                    if rng.random() < 0.3:
                        rows, pl2 = register_rows(rng, nums, rng.randrange(5, 200), has_pnr)
                        planted += pl2
                    data = html_doc("Sida %d" % idx, lines, rows).encode()
                else:  # xml
                    rows, planted = register_rows(rng, nums, lognormal_size(rng, 200, 5, 10000),
                                                  has_pnr)
                    data = xml_doc(rows).encode()
                guard(data if not data.startswith(b"\xff\xfe") else data[2:].decode("utf-16-le")
                      .encode(), rel, tests)
                with open(fp, "wb") as f:
                    f.write(data)
            if sp:
                os.makedirs(os.path.dirname(sp), exist_ok=True)
                if not os.path.exists(sp) or open(sp, encoding="utf-8").read() != body:
                    with open(sp, "w", encoding="utf-8") as f:
                        f.write(body)
                    if os.path.exists(fp):
                        os.remove(fp)
                if not os.path.exists(fp):
                    convert.setdefault(target, []).append((sp, fp))
            entry["decoys"] = decoys
            entry["planted"] = [list(p) for p in planted]
            files.append(entry)
    for target, pairs in convert.items():
        ext = target.split(":")[0]
        outd = os.path.join(src, "out-" + ext)
        log("mixed: converting %d files to %s" % (len(pairs), ext))
        soffice(target, [s for s, _ in pairs], outd)
        for s, fp in pairs:
            o = os.path.join(outd, os.path.basename(s).rsplit(".", 1)[0] + "." + ext)
            if not os.path.exists(o):
                die("mixed: LibreOffice made no %s" % o)
            shutil.move(o, fp)
    for e in files:
        e["size"] = os.path.getsize(os.path.join(d, e["path"]))
        if e["type"] == "pdf" and pdf_pages(os.path.join(d, e["path"])) != e["pages"]:
            die("mixed: %s does not have %d pages" % (e["path"], e["pages"]))
    # Archives of some of them: copies of the files as members, a few with
    # a zip inside.
    plain = list(files)
    arch = []
    aidx = 0
    for kind, count in ARCHIVES:
        for k in range(count):
            rng = rng_for("mixed-archive", kind, k)
            dept = rng.choice(DEPTS)
            rel = "mixed/%s/arkiv/%s-%04d.%s" % (dept, rng.choice(["export", "backup", "handlingar",
                                                                  "arende", "bilagor"]), aidx, kind)
            aidx += 1
            members = rng.sample(plain, rng.randrange(2, 16))
            inner = None
            if kind == "zip" and k % 12 == 0:
                inner = rng.sample(plain, rng.randrange(2, 6))
            entry = {"path": rel, "type": kind, "members": []}
            fp = os.path.join(d, rel)
            os.makedirs(os.path.dirname(fp), exist_ok=True)

            def mname(e, j):
                return "%s/%s" % (rng.choice(["handlingar", "2024", "arende", "bilagor"]),
                                  os.path.basename(e["path"]))
            mem = []
            for j, e in enumerate(members):
                with open(os.path.join(d, e["path"]), "rb") as f:
                    mem.append((mname(e, j), f.read(), e))
            if inner:
                ib = io.BytesIO()
                with zipfile.ZipFile(ib, "w", zipfile.ZIP_DEFLATED) as z:
                    for e in inner:
                        with open(os.path.join(d, e["path"]), "rb") as f:
                            zi = zipfile.ZipInfo(os.path.basename(e["path"]), (2026, 1, 1, 0, 0, 0))
                            zi.compress_type = zipfile.ZIP_DEFLATED
                            z.writestr(zi, f.read())
                mem.append(("bilagor/inre.zip", ib.getvalue(), None))
                for e in inner:
                    entry["members"].append({"member": ["bilagor/inre.zip", os.path.basename(e["path"])],
                                             "of": e["path"], "planted": e["planted"]})
                entry["members"].append({"member": ["bilagor/inre.zip"], "container": True,
                                         "planted": []})
            # Member names must be unique in an archive.
            seen, uniq = set(), []
            for nm, b, e in mem:
                while nm in seen:
                    nm = "x" + nm
                seen.add(nm)
                uniq.append((nm, b, e))
            if kind == "zip":
                with zipfile.ZipFile(fp + ".tmp", "w", zipfile.ZIP_DEFLATED) as z:
                    for nm, b, e in uniq:
                        zi = zipfile.ZipInfo(nm, (2026, 1, 1, 0, 0, 0))
                        zi.compress_type = zipfile.ZIP_DEFLATED
                        z.writestr(zi, b)
            else:
                with open(fp + ".tmp", "wb") as raw:
                    with tarfile.open(fileobj=raw, mode="w:gz",
                                      format=tarfile.GNU_FORMAT) as t:
                        for nm, b, e in uniq:
                            ti = tarfile.TarInfo(nm)
                            ti.size, ti.mtime, ti.mode = len(b), 1767225600, 0o644
                            t.addfile(ti, io.BytesIO(b))
            os.replace(fp + ".tmp", fp)
            for nm, b, e in uniq:
                if e is not None:
                    entry["members"].append({"member": [nm], "of": e["path"],
                                             "planted": e["planted"]})
            entry["size"] = os.path.getsize(fp)
            arch.append(entry)
    allf = files + arch
    pl = [e["planted"] for e in files]
    for a in arch:
        pl += [m["planted"] for m in a["members"]]
    c = counts_of([[tuple(p) for p in x] for x in pl])
    total = sum(e["size"] for e in allf)
    write_manifest(d, name, {"set": "mixed", "files": allf, "counts": c, "bytes": total,
                             "planted_fields": ["canon", "written", "form"]})
    log("mixed: %d files (%d archives), %.0f MB, %d numbers (with archive members) (%.0f s)"
        % (len(allf), len(arch), total / 1e6, c["total"], time.time() - t0))


# ---------------------------------------------------------------------------
# (d) 20 000 files of 1 KiB
# ---------------------------------------------------------------------------

def build_small(d, nums, tests):
    name = "small"
    if complete(d, name):
        log("small: complete, kept")
        return
    t0 = time.time()
    files = []
    for i in range(20000):
        rng = rng_for("small", i)
        fill, plant = Filler(rng), Planter(rng, nums)
        rel = "small/%02d/notis-%05d.txt" % (i // 1000, i)
        planted, parts = [], []
        while len(" ".join(parts).encode()) < 1100:
            parts.append(fill.fill(rng.choice(TPL["P"]))[0])
        if rng.random() < 0.1:
            s, pl, _ = sentence_with_pnr(fill, plant)
            planted.append(pl)
            parts.insert(rng.randrange(2), s)   # well inside the first 1 000 bytes
        b = " ".join(parts).encode()
        b = b[:1023].decode("utf-8", "ignore").encode()
        b = b + b" " * (1023 - len(b)) + b"\n"
        assert len(b) == 1024
        guard(b, rel, tests)
        fp = os.path.join(d, rel)
        os.makedirs(os.path.dirname(fp), exist_ok=True)
        if not os.path.exists(fp) or open(fp, "rb").read() != b:
            with open(fp, "wb") as f:
                f.write(b)
        files.append({"path": rel, "size": 1024, "planted": [list(p) for p in planted]})
    c = counts_of([[tuple(p) for p in e["planted"]] for e in files])
    write_manifest(d, name, {"set": "small", "files": files, "counts": c,
                             "planted_fields": ["canon", "written", "form"]})
    log("small: 20 000 files, %d numbers (%.0f s)" % (c["total"], time.time() - t0))


def main():
    if len(sys.argv) < 2:
        die("usage: bench-data DIR [text|pdf|mixed|small]...")
    d = sys.argv[1]
    sets = sys.argv[2:] or ["text", "pdf", "mixed", "small"]
    os.makedirs(d, exist_ok=True)
    nums = load_test_numbers()
    tests = set(n[2:] for n in nums)
    for s in sets:
        {"text": build_text, "pdf": build_pdfs, "mixed": build_mixed,
         "small": build_small}[s](d, nums, tests)


if __name__ == "__main__":
    main()
