#!/usr/bin/env python3
"""
report.py WORKDIR - turn scripts/bench's raw runs (WORKDIR/times.tsv) and
facts (WORKDIR/meta.tsv) into the Markdown of bench/results.md.

times.tsv: id, run, wall s, user s, sys s, max RSS KiB, exit status, load.
Medians over the runs of an id; peak RSS is the largest over the runs.
MB = 10^6 bytes, GB = 10^9 bytes; RSS in MiB.
"""
import json
import os
import statistics
import sys
from collections import defaultdict


def load(work):
    runs = defaultdict(list)
    with open(work + "/times.tsv") as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) < 8:
                continue
            runs[p[0]].append({"wall": float(p[2]), "cpu": float(p[3]) + float(p[4]),
                               "rss": int(p[5]) / 1024.0, "rc": int(p[6]), "load": float(p[7])})
    meta = {}
    with open(work + "/meta.tsv") as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition("\t")
            meta[k] = v
    return runs, meta


class M:
    def __init__(self, rs):
        self.n = len(rs)
        self.wall = statistics.median(r["wall"] for r in rs)
        self.cpu = statistics.median(r["cpu"] for r in rs)
        self.rss = max(r["rss"] for r in rs)
        self.load = statistics.median(r["load"] for r in rs)
        self.rcs = sorted(set(r["rc"] for r in rs))


def main():
    work = sys.argv[1]
    runs, meta = load(work)
    m = {k: M(v) for k, v in runs.items()}
    g = lambda k, d=0: float(meta.get(k, d) or d)

    def met(ok):
        return "**met**" if ok else "**not met**"

    rows = []

    def row(id_, tool, inp, amount, unit, ratio="", target=""):
        if id_ not in m:
            rows.append([tool, inp, "—", "—", "—", "—", "—", ratio or "—", target or "—", "—"])
            return
        x = m[id_]
        if unit == "MB":
            thr = "%.0f MB/s" % (amount / x.wall / 1e6) if x.wall > 0 else "—"
        else:
            thr = "%.0f files/s" % (amount / x.wall) if x.wall > 0 else "—"
        rc = "" if x.rcs in ([0], [1], [0, 1]) else " (exit %s)" % ",".join(map(str, x.rcs))
        rows.append([tool, inp, "%d" % x.n, "%.2f%s" % (x.wall, rc), "%.2f" % x.cpu, thr,
                     "%.0f" % x.rss, ratio or "—", target or "—", "%.1f" % x.load])

    tb = g("text.bytes")
    # --- scan stage --------------------------------------------------------
    alt_id = None
    if "rg-1g" in m or "rg-1g-ascii" in m:
        # The alternative to beat is the faster of the two rg runs.
        alt_id = min((k for k in ("rg-1g", "rg-1g-ascii") if k in m), key=lambda k: m[k].wall)

    def scan_targets(s, nbytes, extra=""):
        """The scan stage's targets for a run s over nbytes of text."""
        r = m[alt_id]
        per_core = nbytes / s.cpu / 1e9
        vs_rg = r.wall / s.wall * nbytes / tb
        vs_rg_cpu = r.cpu / s.cpu * nbytes / tb
        t = ("≥ 1 GB/s per core: %s (%.2f GB/s per CPU-second, %.2f by wall); "
             "≥ 2× faster than rg: %s (%.2f× by wall, %.2f× by CPU); peak RSS ≤ 64 MB: %s (%.0f MiB)"
             % (met(per_core >= 1.0), per_core, nbytes / s.wall / 1e9, met(vs_rg >= 2.0), vs_rg,
                vs_rg_cpu, met(s.rss <= 64), s.rss))
        ratio = ("%.2f× the speed of %s (its time per byte / sila-scan's)"
                 % (vs_rg, "rg, ASCII" if alt_id == "rg-1g-ascii" else "rg"))
        return ratio, t + extra

    if "one-scan" in m and alt_id:
        # The record stream of the file itself, as it comes out of the chain.
        c = m["one-scan"]
        done = g("one-scan.scanned", tb)
        ratio, t = scan_targets(c, done, "; %s" % meta.get("one-scan.result", ""))
        row("one-scan", "`sila-scan`", "the 1 GiB file as one record%s"
            % ("" if done >= tb else " (throughput over the part scanned)"), done, "MB",
            ratio, t)
    if "scan-1g" in m and alt_id:
        s = m["scan-1g"]
        ratio, t = scan_targets(s, tb)
        row("scan-1g", "`sila-scan`", "the same text as 32 records of 32 MiB", tb, "MB", ratio, t)
    if "hsfloor-1g" in m:
        # Hyperscan alone: what sila-scan's per-core speed cannot exceed.
        h = m["hsfloor-1g"]
        ref = m.get("one-scan") if g("one-scan.scanned", 0) >= tb else m.get("scan-1g")
        floor = tb / h.cpu / 1e9
        row("hsfloor-1g", "`bench/hsfloor`: reading, and the rule set's Hyperscan database "
            "alone (no validation, context or output), 1 thread", "the same 1 GiB file", tb, "MB",
            "the floor: %.2f GB/s per CPU-second%s"
            % (floor, "; sila-scan uses %.2f× its CPU time" % (ref.cpu / h.cpu) if ref else ""),
            "— (with Hyperscan alone at %.2f GB/s per core, the 1 GB/s per core target %s)"
            % (floor, "is within reach" if floor >= 1.0 else
               "cannot be met by any work around it, only by a faster rule set or CPU"))
    if alt_id:
        ref = m.get("one-scan") if g("one-scan.scanned", 0) >= tb else m.get("scan-1g")
        for k, lab in (("rg-1g", "`rg -c` personnummer expression as typed (Unicode `\\b`)"),
                       ("rg-1g-ascii", "`rg -c` the same with `(?-u)` (ASCII `\\d`, `\\b`)")):
            if k in m:
                row(k, lab + ", 1 thread", "the same 1 GiB file", tb, "MB",
                    "%s; %.2f GB/s per CPU-second%s"
                    % ("the alternative" if k == alt_id else "reference", tb / m[k].cpu / 1e9,
                       "; sila-scan is %.2f× its speed" % (m[k].wall / ref.wall) if ref else ""))
        if "rg-1g-o" in m:
            row("rg-1g-o", "`rg -o … | wc -l` (ASCII, every match)", "the same 1 GiB file", tb, "MB",
                "reference", "%s matches" % meta.get("rg-1g-o.matches", "?"))
    # --- linearity ---------------------------------------------------------
    if "scan-1g" in m:
        base = m["scan-1g"].cpu / (g("stream.32.bytes") / 2 ** 30)
        for id_, k, lab in (("scan-256m", 8, "256 MiB"), ("scan-512m", 16, "512 MiB")):
            if id_ not in m:
                continue
            b = g("stream.%d.bytes" % k)
            per = m[id_].cpu / (b / 2 ** 30)
            dev = per / base - 1
            row(id_, "`sila-scan` (linearity)", "%s slice of the text" % lab, b, "MB",
                "%.2f CPU s per GiB vs %.2f at 1 GiB (%+.0f %%)" % (per, base, 100 * dev),
                "linear (within ±15 %%): %s" % met(abs(dev) <= 0.15))
    if "chain-pieces" in m:
        c = m["chain-pieces"]
        row("chain-pieces", "`sila -j 2` (whole chain)", "1 GiB text as 32 files of 32 MiB", tb,
            "MB", "",
            "peak RSS ≤ 64 MB: %s (%.0f MiB)" % (met(c.rss <= 64), c.rss))
    if "one-2g" in m:
        c = m["one-2g"]
        row("one-2g", "`sila --max-file 2G --max-text 2G` (whole chain)", "the 1 GiB file as one file",
            tb, "MB", "see “The 1 GiB file as one record” below",
            "peak RSS ≤ 64 MB: %s (%.0f MiB); %s" % (met(c.rss <= 64), c.rss,
                                                    meta.get("one-2g.result", "")))
    # --- PDFs ----------------------------------------------------------------
    pb = g("pdf.bytes")
    if "pdf-sila" in m and "pdf-pdftotext" in m:
        s, p = m["pdf-sila"], m["pdf-pdftotext"]
        q = s.wall / p.wall
        row("pdf-sila", "`sila -j 2`", "200 PDFs (%s pages)" % meta.get("pdf.pages", "?"), pb, "MB",
            "%.2f× pdftotext's time" % q, "≤ 1.2× pdftotext alone: %s" % met(q <= 1.2))
        row("pdf-pdftotext", "`pdftotext` alone, xargs -P2", "the same 200 PDFs", pb, "MB",
            "alternative")
        if "pdf-pdftotext-rg" in m:
            row("pdf-pdftotext-rg", "`pdftotext | rg`, xargs -P2", "the same 200 PDFs", pb, "MB",
                "%.2f× pdftotext alone" % (m["pdf-pdftotext-rg"].wall / p.wall))
    # --- mixed ---------------------------------------------------------------
    mb, mf = g("mixed.bytes"), g("mixed.files")
    if "mixed-sila" in m:
        s = m["mixed-sila"]
        parts, ratios = [], []
        if "mixed-shell" in m:
            q = m["mixed-shell"].wall / s.wall
            ratios.append("%.2f× faster than the shell pipeline" % q)
            parts.append("≥ 3× faster than the shell pipeline: %s" % met(q >= 3))
        if "mixed-clamscan" in m:
            q = m["mixed-clamscan"].wall / s.wall
            ratios.append("%.2f× faster than clamscan" % q)
            parts.append("faster than clamscan: %s" % met(q > 1))
        else:
            parts.append("faster than clamscan: not measured (%s)" % meta.get("clam.gap", "?"))
        parts.append("peak RSS ≤ 256 MB: %s (%.0f MiB)" % (met(s.rss <= 256), s.rss))
        row("mixed-sila", "`sila -j 2`", "%d mixed files, %.0f MB" % (mf, mb / 1e6), mb, "MB",
            "; ".join(ratios), "; ".join(parts))
        row("mixed-shell", "shell pipeline (`bench/shell-scan.sh`), xargs -P2", "the same files",
            mb, "MB", "alternative")
        if "mixed-clamscan" in m:
            row("mixed-clamscan", "`clamscan -r` (one-signature database)", "the same files", mb,
                "MB", "alternative (a lower bound: see notes)")
    # --- small ---------------------------------------------------------------
    sf = g("small.files")
    if "small-sila" in m:
        s = m["small-sila"]
        fps = sf / s.wall
        row("small-sila", "`sila` (-j 2, the default here)", "%d files of 1 KiB" % sf, sf, "files",
            "%.2f× rg's time" % (s.wall / m["small-rg"].wall) if "small-rg" in m else "",
            "≥ 3 000 files/s: %s" % met(fps >= 3000))
        if "small-rg" in m:
            row("small-rg", "`rg -c -j 2` (for scale)", "the same files", sf, "files", "reference")

    out = []
    out.append("# Benchmark results\n")
    out.append("Made by `make bench` (scripts/bench; docs/bench.md explains the data and how to "
               "read this). Medians over *runs* runs (3 for the big inputs, 5 for the small files), "
               "warm page cache. CPU s is user + system time of the whole process tree; peak RSS "
               "is the largest single process in the tree (`/usr/bin/time -f %%M`). MB = 10^6 "
               "bytes, GB = 10^9. *load* is the 1-minute load average when the runs started: "
               "above %s the machine was shared and wall times are inflated.\n"
               % meta.get("nproc", "?"))
    out.append("- date: %s" % meta.get("date", "?"))
    out.append("- machine: %s cores, %s, %s RAM, %s" % (meta.get("nproc"), meta.get("cpu"),
                                                      meta.get("mem"), meta.get("kernel")))
    out.append("- versions: %s, commit %s (Hyperscan %s); %s; %s; %s; %s; %s"
               % (meta.get("v.sila"), meta.get("v.commit"), meta.get("v.hyperscan"), meta.get("v.rg"),
                  meta.get("v.pdftotext"), meta.get("v.clamscan"), meta.get("v.unzip"),
                  meta.get("v.python")))
    out.append("- load average at start / end: %s / %s\n" % (meta.get("load.start"),
                                                             meta.get("load.end")))
    hdr = ["tool", "input", "runs", "wall s", "CPU s", "throughput", "peak RSS MiB",
           "ratio vs the alternative", "target", "load"]
    out.append("| " + " | ".join(hdr) + " |")
    out.append("|" + "---|" * len(hdr))
    for r in rows:
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in r) + " |")
    out.append("")
    out.append("## The 1 GiB file as one record\n")
    out.append("What each way of scanning the whole file as one document did (how far the "
               "scan got is worked out from how many of the planted numbers, which are spread "
               "evenly through the file, were found):\n")
    for id_, lab in (("one-scan", "`sila-scan` alone on the record stream of the whole file "
                                  "(`sila-unpack --max-file 2G FILE | sila-extract -j 0 "
                                  "--max-file 2G --max-text 2G`, made once)"),
                     ("one-default", "`sila FILE` with its defaults"),
                     ("one-2g", "`sila --max-file 2G --max-text 2G FILE`")):
        if id_ in m:
            x = m[id_]
            out.append("- %s: %.1f s wall, %.1f s CPU, peak RSS %.0f MiB (median of %d); %s"
                       % (lab, x.wall, x.cpu, x.rss, x.n, meta.get(id_ + ".result", "?")))
    if "one-record.bytes" in meta:
        out.append("- the one-record stream was %s bytes; its header: `%s`"
                   % (meta["one-record.bytes"], meta.get("one-record.header", "")[:300]))
    out.append("")
    out.append("## Correctness: sila's findings against the planted numbers\n")
    out.append("Each set scanned again with `--reveal` and compared per document (file or archive "
               "member) with the manifest of scripts/bench-data: a value planted n times and "
               "reported with count m counts min(n, m) found and max(0, m − n) extra. Only "
               "Swedish test personnummer were planted, so a finding of another identity rule "
               "on these data is a false positive (marker.* findings are the markings planted "
               "in some office files).\n")
    for k, lab in (("text", "1 GiB text (32 records)"), ("pdf", "200 PDFs"),
                   ("mixed", "2 000 mixed files"), ("small", "20 000 small files")):
        if "check." + k in meta:
            out.append("- **%s**: %s" % (lab, meta["check." + k]))
    out.append("")
    out.append("The alternatives, for comparison (they report every 10- or 12-digit run; no date "
               "or check digit test):\n")
    for k, lab in (("pdf-rg", "pdftotext | rg on the PDFs"),
                   ("mixed-shell", "the shell pipeline on the mixed set (archives counted per "
                                   "archive file)")):
        if "check." + k in meta:
            out.append("- %s: %s" % (lab, meta["check." + k]))
    out.append("")
    out.append("## Profiles\n")
    out.append("Sampled with perf (scripts/bench, section 6) in the same run: the share of "
               "CPU time by program or thread (sila-hs is the thread that runs Hyperscan, "
               "sila-out the one that writes records) and library, then the hottest "
               "functions. Hex addresses are in libraries without symbols (libhs, Debian's "
               "Hyperscan).\n")
    for pid, lab in (("scan", "sila-scan over 256 MiB of the text (8 records of 32 MiB)"),
                     ("mixed", "sila -j 2 over the 2 000 mixed files")):
        split = os.path.join(work, "profile-%s.split" % pid)
        sym = os.path.join(work, "profile-%s.sym" % pid)
        if meta.get("profile.gap") or meta.get("profile.%s.gap" % pid) or not os.path.exists(split):
            out.append("- %s: no profile (%s)" % (lab, meta.get("profile.gap")
                                                  or meta.get("profile.%s.gap" % pid) or "not run"))
            continue
        out.append("**%s**, by program or thread and library:\n" % lab)
        out.append("```")
        out.extend(l.rstrip() for l in open(split))
        out.append("```\n")
        out.append("Hottest functions:\n")
        out.append("```")
        out.extend(l.rstrip() for l in open(sym))
        out.append("```\n")
    if meta.get("procs.mixed.forks"):
        out.append("Processes started by `sila -j 2` for the 2 000 mixed files (perf stat, "
                   "sched tracepoints): %s forks, processes and threads (the four filters, the "
                   "extraction workers, the container expander, sila-scan's writer thread), "
                   "and %s execs (sila and the four filters); none per file.\n"
                   % (meta["procs.mixed.forks"], meta["procs.mixed.execs"]))
    out.append("## Commands\n")
    for k in sorted(meta):
        if k.startswith("cmd."):
            out.append("- %s: `%s`" % (k[4:], meta[k]))
    out.append("")
    out.append("## Notes\n")
    if meta.get("clam.gap"):
        out.append("- clamscan: %s." % meta["clam.gap"])
    else:
        out.append("- clamscan ran with a database of one signature of our own "
                   "(bench/data/clamdb/bench.ndb): Debian's clamav ships none and freshclam "
                   "cannot fetch one here. It still unpacks archives and office files and "
                   "decodes PDFs, but the real database (millions of signatures) takes tens of "
                   "seconds and around a gigabyte of memory to load, and more work per byte, so "
                   "its time here is a lower bound. It is "
                   "one process; sila ran with -j 2.")
    out.append("- The shell pipeline does far less than sila (no check digit, nothing inside "
               "documents inside archives); see its recall and false matches above.")
    out.append("- Throughput is per wall second; on a machine with a load above its %s cores "
               "wall times are inflated, CPU seconds much less (see the load column)."
               % meta.get("nproc", "?"))
    print("\n".join(out))


if __name__ == "__main__":
    main()
