#!/usr/bin/env python3
"""Samples one process's memory until it exits or the stop file appears; prints peaks as JSON.

  rss, pss             /proc/PID/smaps_rollup Rss and Pss (kB -> MB)
  anon, file           Pss_Anon and Pss_File: the JVM heap, metaspace and stacks are anonymous;
                       the journal's mapped cycle files are file-backed
  journal_rss          Rss summed over the mappings of *.cq4 files (/proc/PID/smaps)
  journal_mapped       their virtual size: what Chronicle has mapped at that moment
  journal_maps         how many such mappings
  journal_files        size on disk of the *.cq4 files under --journal (sparse: allocated blocks)

usage: mem_sample.py --pid PID [--journal DIR] [--interval 0.5] [--stop-file F] [--series F]
"""
import argparse, json, os, time


def rollup(pid):
    out = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and parts[0].endswith(":") and parts[1].isdigit():
                out[parts[0][:-1]] = int(parts[1])
    return out


def journal_maps(pid):
    """(rss_kb, size_kb, count) over the mappings whose file ends in .cq4"""
    rss = size = n = 0
    current = False
    global PER_MAP
    PER_MAP = []
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            first = line.split(None, 1)[0]
            if "-" in first and not first.endswith(":"):   # a mapping header line
                path = line.split()[-1] if len(line.split()) >= 6 else ""
                current = path.endswith(".cq4")
                if current:
                    n += 1
            elif current and first == "Rss:":
                rss += int(line.split()[1])
                PER_MAP.append(int(line.split()[1]) // 1024)
            elif current and first == "Size:":
                size += int(line.split()[1])
    return rss, size, n


def allocated_kb(directory):
    total = 0
    for root, _, files in os.walk(directory):
        for name in files:
            if name.endswith(".cq4"):
                try:
                    total += os.stat(os.path.join(root, name)).st_blocks // 2
                except OSError:
                    pass
    return total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--journal")
    ap.add_argument("--interval", type=float, default=0.5)
    ap.add_argument("--stop-file")
    ap.add_argument("--series", help="also write every sample as a JSON line here")
    a = ap.parse_args()
    peak = {}
    series = open(a.series, "w") if a.series else None
    t0 = time.time()
    while os.path.exists(f"/proc/{a.pid}") and not (a.stop_file and os.path.exists(a.stop_file)):
        try:
            r = rollup(a.pid)
            jr, js, jn = journal_maps(a.pid)
        except OSError:
            break
        s = {"t": round(time.time() - t0, 1), "rss": r.get("Rss", 0) / 1024, "pss": r.get("Pss", 0) / 1024,
             "anon": r.get("Pss_Anon", 0) / 1024, "file": r.get("Pss_File", 0) / 1024,
             "journal_rss": jr / 1024, "journal_mapped": js / 1024, "journal_maps": jn, "per_map_mb": PER_MAP}
        if a.journal:
            s["journal_files"] = allocated_kb(a.journal) / 1024
        for k, v in s.items():
            if k not in ("t", "per_map_mb"):
                peak[k] = max(peak.get(k, 0), v)
        if series:
            series.write(json.dumps(s) + "\n")
            series.flush()
        time.sleep(a.interval)
    print(json.dumps({k: round(v, 1) for k, v in peak.items()}))


if __name__ == "__main__":
    main()
