#!/usr/bin/env python3
"""One measured run of side-by-side.sh.

Runs the load command, and meanwhile samples the MTA's process tree (RSS, PSS) and
polls the sink's count file. Prints one JSON object:
  accept_msgs_s (from the load tool's own JSON; for a load tool without JSON, such as
  Postfix's smtp-source, --messages / the time until it exited), e2e_s / e2e_msgs_s (first
  message sent -> sink counted all), cpu_s / cpu_ms_per_msg of the MTA (its cgroup's CPU
  counter, else utime+stime of every live process in the tree plus cutime+cstime, i.e. reaped
  children, before/after), rss_peak_mb (sum over the tree), pss_peak_mb, procs_peak, load
  (the load tool's JSON).

The count file is either Tern's sink --count-file (the message count first) or the
stdout of Postfix's `smtp-sink -c` (a running "sess=.. quit=.. mesg=N" line per event).

usage: sbs_measure.py --root-pid PID --count-file F --expect N [--messages N] --timeout S -- LOAD_CMD...
"""
import argparse, json, os, re, subprocess, sys, tempfile, time

CLK = os.sysconf("SC_CLK_TCK")


def children_map():
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                s = f.read()
        except OSError:
            continue
        rest = s[s.rindex(")") + 2:].split()
        kids.setdefault(int(rest[1]), []).append(int(d))
    return kids


def tree(root):
    kids = children_map()
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def cpu_ticks(pids):
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/stat") as f:
                s = f.read()
        except OSError:
            continue
        rest = s[s.rindex(")") + 2:].split()
        # fields 14-17 of stat: utime stime cutime cstime (rest[0] is field 3)
        total += sum(int(x) for x in rest[11:15])
    return total


def cgroup_cpu(path):
    """CPU seconds of a cgroup: v1 cpuacct.usage, or v2 cpu.stat usage_usec"""
    if not path:
        return None
    try:
        with open(os.path.join(path, "cpuacct.usage")) as f:
            return int(f.read()) / 1e9
    except (OSError, ValueError):
        pass
    try:
        with open(os.path.join(path, "cpu.stat")) as f:
            for line in f:
                if line.startswith("usage_usec"):
                    return int(line.split()[1]) / 1e6
    except (OSError, ValueError):
        pass
    return None


def memory_kb(pids):
    rss = pss = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        rss += int(line.split()[1])
                        break
        except OSError:
            pass
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1])
                        break
        except OSError:
            pass
    return rss, pss


MESG = re.compile(rb"mesg=(\d+)")


def host_busy_pct(seconds=1.0):
    """share of all CPUs busy (not idle/iowait) over the next `seconds`"""
    def sample():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:9]]
        return sum(v) - v[3] - v[4], sum(v)
    b0, t0 = sample()
    time.sleep(seconds)
    b1, t1 = sample()
    return 100.0 * (b1 - b0) / max(1, t1 - t0)


def count(path):
    """messages the sink has counted: smtp-sink -c's last mesg=N, or the first number of Tern's sink file"""
    try:
        with open(path, "rb") as f:
            f.seek(0, 2)
            f.seek(max(0, f.tell() - 256))
            tail = f.read()
    except OSError:
        return 0
    found = MESG.findall(tail)
    if found:
        return int(found[-1])
    try:
        return int(tail.split()[0])
    except (ValueError, IndexError):
        return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root-pid", type=int, required=True)
    ap.add_argument("--cgroup", help="cpuacct cgroup holding the MTA: exact CPU instead of the /proc tree sums")
    ap.add_argument("--count-file", required=True)
    ap.add_argument("--expect", type=int, required=True, help="sink count that means all delivered")
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--messages", type=int, default=0,
                    help="messages the load command sends, for a load tool that prints no JSON summary")
    ap.add_argument("--idle-wait", type=float, default=0,
                    help="first wait up to this many seconds for the host to be less than 20%% busy")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd

    busy = None
    if a.idle_wait > 0:   # the machine is shared: start when others leave the cores alone, if they do
        waited_until = time.time() + a.idle_wait
        while True:
            busy = host_busy_pct()
            if busy < 20 or time.time() >= waited_until:
                break
    with open("/proc/loadavg") as f:
        load_before = float(f.read().split()[0])
    pids = tree(a.root_pid)
    cpu_before = cpu_ticks(pids) / CLK
    cg_before = cgroup_cpu(a.cgroup)
    rss_peak = pss_peak = procs_peak = 0
    t0 = time.time()
    deadline = t0 + a.timeout
    # stdout/stderr to files, not pipes: a load tool that logs every failed session (smtp-source)
    # must never block on a full pipe while nobody reads it
    out_f, err_f = tempfile.TemporaryFile("w+"), tempfile.TemporaryFile("w+")
    load = subprocess.Popen(cmd, stdout=out_f, stderr=err_f, text=True)
    e2e_at = None
    load_done_at = None
    last_sample = 0.0
    load_rc = None
    while True:
        now = time.time()
        if e2e_at is None and count(a.count_file) >= a.expect:
            e2e_at = now
        if now - last_sample >= 0.25:
            last_sample = now
            pids = tree(a.root_pid)
            rss, pss = memory_kb(pids)
            rss_peak, pss_peak = max(rss_peak, rss), max(pss_peak, pss)
            procs_peak = max(procs_peak, len(pids))
        if load_rc is None:
            load_rc = load.poll()
            if load_rc is not None:
                load_done_at = time.time()
        if load_rc is not None and e2e_at is not None:
            break
        if now > deadline:
            break
        if load_rc is not None and not os.path.exists(f"/proc/{a.root_pid}"):
            break  # the MTA died: nothing more will arrive
        time.sleep(0.02)
    status = "ok"
    if load_rc is None:
        load.kill()
        load_rc = -9
        status = "load_timeout"
    load.wait(timeout=30)
    out_f.seek(0); err_f.seek(0)
    out, err = out_f.read(), err_f.read()
    pids = tree(a.root_pid)
    cpu_after = cpu_ticks(pids) / CLK
    cg_after = cgroup_cpu(a.cgroup)
    summary = {}
    for line in out.splitlines():
        if line.startswith("{"):
            try:
                summary = json.loads(line)
            except ValueError:
                pass
    n = summary.get("messages") or a.messages
    start = summary.get("start_epoch_ms", t0 * 1000) / 1000.0
    accept_s = summary.get("elapsed_s")
    accept_msgs_s = summary.get("msgs_per_s")
    if not summary and load_rc == 0 and load_done_at and n:
        accept_s = round(load_done_at - t0, 3)
        accept_msgs_s = round(n / (load_done_at - t0), 1)
    if load_rc != 0 and status == "ok":
        status = f"load_rc_{load_rc}"
    if e2e_at is None and status == "ok":
        status = "e2e_timeout"
    tree_cpu_s = cpu_after - cpu_before
    cpu_s = cg_after - cg_before if cg_before is not None and cg_after is not None else tree_cpu_s
    res = {
        "status": status,
        "accept_msgs_s": accept_msgs_s,
        "accept_s": accept_s,
        "e2e_s": round(e2e_at - start, 3) if e2e_at else None,
        "e2e_msgs_s": round(n / (e2e_at - start), 1) if e2e_at and n else None,
        "sink_count": count(a.count_file),
        "cpu_s": round(cpu_s, 2),
        "cpu_ms_per_msg": round(cpu_s * 1000 / n, 3) if n else None,
        "cpu_acct": "cgroup" if cg_before is not None else "proc-tree",
        "cpu_tree_s": round(tree_cpu_s, 2),
        "rss_peak_mb": round(rss_peak / 1024, 1),
        "pss_peak_mb": round(pss_peak / 1024, 1),
        "procs_peak": procs_peak,
        "busy_pct_before": None if busy is None else round(busy),
        "loadavg_before": load_before,
        "load": summary,
    }
    if status != "ok":
        res["load_stderr_tail"] = err.replace("\r", "\n").strip().splitlines()[-6:]
    print(json.dumps(res))


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)  # side-by-side.sh reports and cleans up
