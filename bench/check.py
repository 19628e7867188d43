#!/usr/bin/env python3
"""
check.py - compare what a scanner found on the bench data with what
scripts/bench-data planted (DIR/SET.manifest.json). Used by scripts/bench.

  check.py sila  MANIFEST REPORT ROOT [--pieces]
      REPORT: sila's (or sila-scan's) JSON lines, run with --reveal. ROOT:
      the data directory as the scan saw it (the manifest's paths are
      relative to it), stripped from each line's "path". --pieces: the
      report is of the text file cut into its 32 MiB blocks
      (ROOT/sv-1g.NN.txt), so offsets are block offsets.
  check.py shell MANIFEST MATCHES ROOT
      MATCHES: FILE:MATCH lines from bench/shell-scan.sh or rg -o -H.

Prints one line of results and a JSON object on the next; exits 0 when
every planted number was found the number of times it was planted and
nothing else was reported as a personnummer, 1 otherwise.

Counting: per document (a file, or an archive member for sila), a value
planted n times and reported with count m contributes min(n, m) found and
max(0, m - n) extra; a reported value never planted there is extra.
"""
import json
import re
import sys
from collections import Counter, defaultdict


def canon_of(written):
    d = written.replace("-", "").replace("+", "")
    if len(d) == 10:
        d = "20" + d if int(d[:2]) <= 26 else "19" + d
    return d[:8] + "-" + d[8:]


def load_manifest(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


FORMS = {}   # (doc key, canon) -> Counter of written forms, for misses by form


def expected_docs(m, pieces):
    """{(path, member tuple): Counter(canon)}, plus first offsets/pages."""
    exp, first = {}, {}
    if m["set"] == "text":
        blk = m["block"]
        for off, w, c, form in m["planted"]:
            key = ("sv-1g.%02d.txt" % (off // blk) if pieces else m["files"][0]["path"], ())
            exp.setdefault(key, Counter())[c] += 1
            FORMS.setdefault((key, c), Counter())[form] += 1
            first.setdefault((key, c), off % blk if pieces else off)
        return exp, first
    for e in m["files"]:
        if "members" in e:
            for mem in e["members"]:
                key = (e["path"], tuple(mem["member"]))
                if mem.get("container"):
                    exp.setdefault(key, Counter())
                    continue
                exp[key] = Counter(p[0] for p in mem["planted"])
                for p in mem["planted"]:
                    FORMS.setdefault((key, p[0]), Counter())[p[2]] += 1
            exp.setdefault((e["path"], ()), Counter())
        else:
            key = (e["path"], ())
            exp[key] = Counter(p[0] for p in e["planted"])
            for p in e["planted"]:
                FORMS.setdefault((key, p[0]), Counter())[p[2]] += 1
                if len(p) > 3:                       # PDFs: the page
                    k = (key, p[0])
                    first[k] = min(first.get(k, 10 ** 9), p[3])
    return exp, first


def strip_root(path, root, set_name):
    root = root.rstrip("/")
    if root in ("", "."):
        return path[2:] if path.startswith("./") else path
    if path.startswith(root + "/"):
        path = path[len(root) + 1:]
    elif path == root:
        path = path.rsplit("/", 1)[-1]
    return path


def compare(exp, got, unscannable=()):
    planted = sum(sum(c.values()) for c in exp.values())
    found = extra = 0
    missing_docs, extra_docs = [], []
    missed_form, missed_unscannable = Counter(), 0
    dist_planted = dist_found = 0
    for key, c in exp.items():
        g = got.get(key, Counter())
        for v, n in c.items():
            dist_planted += 1
            m = g.get(v, 0)
            found += min(n, m)
            dist_found += m > 0
            if m < n:
                if key in unscannable:
                    missed_unscannable += n - m
                forms = FORMS.get((key, v), Counter())
                if len(forms) == 1:
                    missed_form[next(iter(forms))] += n - m
                else:
                    missed_form["mixed forms"] += n - m
            if m < n and len(missing_docs) < 5:
                missing_docs.append("%s%s: %s %d of %d" % (key[0], "!" + "/".join(key[1]) if key[1]
                                                            else "", v, m, n))
        for v, m in g.items():
            if v not in c:
                extra += m
                if len(extra_docs) < 5:
                    extra_docs.append("%s: %s x%d" % (key[0], v, m))
            elif m > c[v]:
                extra += m - c[v]
    for key, g in got.items():
        if key not in exp:
            extra += sum(g.values())
            if len(extra_docs) < 5:
                extra_docs.append("%s (not in manifest): %d" % (key[0], sum(g.values())))
    return {"planted": planted, "found": found, "extra": extra,
            "recall": found / planted if planted else 1.0,
            "missed_by_form": dict(missed_form), "missed_in_unscannable": missed_unscannable,
            "distinct_planted": dist_planted, "distinct_found": dist_found,
            "missing_examples": missing_docs, "extra_examples": extra_docs}


def check_sila(manifest, report, root, pieces):
    m = load_manifest(manifest)
    exp, first = expected_docs(m, pieces)
    got = defaultdict(Counter)
    other = Counter()
    status = Counter()
    warn = Counter()
    unscannable = set()
    lines = 0
    first_bad = first_checked = 0
    with open(report, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            lines += 1
            path = strip_root(r["path"], root, m["set"])
            if pieces:
                path = path.rsplit("/", 1)[-1]
            key = (path, tuple(r.get("member", [])))
            status[r.get("status")] += 1
            if r.get("status") in ("unscannable", "error"):
                unscannable.add(key)
            for w in r.get("warnings", []):
                if w["code"] != "unmarked-personal-data":
                    warn[w["code"]] += 1
            for fd in r.get("findings", []):
                if fd.get("in") == "metadata":
                    continue
                if fd["rule"] == "se.personnummer":
                    v = fd["value"]
                    if "*" in v:
                        sys.exit("check.py: the report is masked; run the scan with --reveal")
                    got[key][v] += fd["count"]
                    if (key, v) in first:
                        first_checked += 1
                        want = first[(key, v)]
                        have = fd.get("page") if m["set"] != "text" else fd.get("offset")
                        if have != want:
                            first_bad += 1
                else:
                    other[fd["rule"]] += fd["count"]
            if key not in exp and not r.get("container"):
                exp.setdefault(key, Counter())
    res = compare(exp, got, unscannable)
    res.update({"records": lines, "status": dict(status), "warnings": dict(warn),
                "other_rules": dict(other), "first_checked": first_checked,
                "first_wrong": first_bad})
    where = "offset" if m["set"] == "text" else "page"
    ident = {k: v for k, v in other.items() if not k.startswith(("marker.", "mention."))}
    marks = {k: v for k, v in other.items() if k.startswith(("marker.", "mention."))}
    res["false_positives_other_rules"] = ident
    res["markings"] = marks
    human = ("recall %.2f %% (%d of %d planted; %d of %d distinct per document), extras %d; "
             "first-occurrence %s wrong for %d of %d; records %d, status %s%s; "
             "findings of other identity rules (false positives here): %s; markings: %s"
             % (100 * res["recall"], res["found"], res["planted"], res["distinct_found"],
                res["distinct_planted"], res["extra"], where, first_bad, first_checked, lines,
                ", ".join("%s %d" % kv for kv in sorted(status.items())),
                (", warnings " + ", ".join("%s %d" % kv for kv in sorted(warn.items()))) if warn else "",
                ", ".join("%s %d" % kv for kv in sorted(ident.items())) or "none",
                ", ".join("%s %d" % kv for kv in sorted(marks.items())) or "none"))
    if res["found"] < res["planted"]:
        human += ("; missed by written form: %s; of them in files sila could not scan: %d"
                  % (", ".join("%s %d" % kv for kv in sorted(res["missed_by_form"].items())),
                     res["missed_in_unscannable"]))
    if res["missing_examples"]:
        human += "; missed e.g. " + "; ".join(res["missing_examples"][:3])
    if res["extra_examples"]:
        human += "; extra e.g. " + "; ".join(res["extra_examples"][:3])
    return human, res


def check_shell(manifest, matches, root):
    """The shell pipeline reports raw matches per file on disk (members of an
    archive all count for the archive)."""
    m = load_manifest(manifest)
    exp = defaultdict(Counter)
    for e in m["files"]:
        if "members" in e:
            for mem in e["members"]:
                for p in mem["planted"]:
                    exp[(e["path"], ())][p[0]] += 1
        else:
            for p in e["planted"]:
                exp[(e["path"], ())][p[0]] += 1
    got = defaultdict(Counter)
    raw = 0
    with open(matches, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            p, _, v = line.rpartition(":")
            if not p:
                continue
            raw += 1
            got[(strip_root(p, root, m["set"]), ())][canon_of(v)] += 1
    res = compare(exp, got)
    res["raw_matches"] = raw
    human = ("recall %.2f %% (%d of %d planted), %d raw matches, %d of them not planted numbers "
             "(no date or check-digit test)" % (100 * res["recall"], res["found"], res["planted"],
                                                raw, res["extra"]))
    return human, res


def main():
    a = sys.argv[1:]
    if len(a) >= 4 and a[0] == "sila":
        human, res = check_sila(a[1], a[2], a[3], "--pieces" in a[4:])
        ok = res["recall"] == 1.0 and res["extra"] == 0
    elif len(a) >= 4 and a[0] == "shell":
        human, res = check_shell(a[1], a[2], a[3])
        ok = True
    else:
        sys.exit(__doc__)
    try:
        print(human)
        print(json.dumps(res, ensure_ascii=False))
    except BrokenPipeError:
        pass
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
