#!/usr/bin/env python3
"""Untrusted clients that send huge DATA and never finish it, while a trusted client keeps mailing.

  --sessions S clients from --from-addr (an address outside relay.allowFrom, e.g. 127.0.0.2) each
  open a session, EHLO, MAIL, RCPT to a local domain, DATA, then send --megabytes MB of 76-byte
  lines as fast as the server reads them, WITHOUT the final dot; then hold the session open
  (--hold seconds) and drop it.
  Meanwhile every --probe-interval seconds a normal message of 1 KB is sent from --probe-from
  (inside relay.allowFrom) and must get 250 after its final dot.

Prints one JSON line: bytes the flood got the server to read, sessions that finished sending,
sessions the server closed or answered early (and with what), the probes sent / answered 250 and
their slowest reply, and whether the server still listened at the end.

usage: untrusted_flood.py --port P [--sessions 40] [--megabytes 30] [--from-addr 127.0.0.2]
                          [--rcpt postmaster@local.bench.test] [--probe-from 127.0.0.1]
                          [--probe-rcpt postmaster@local.bench.test] [--probe-interval 2] [--hold 10]
"""
import argparse, json, socket, threading, time

LINE = b"X" * 74 + b"\r\n"


def reply(f):
    """reads one (possibly multi-line) SMTP reply -> (code, text)"""
    lines = []
    while True:
        line = f.readline()
        if not line:
            raise ConnectionError("closed")
        lines.append(line.decode(errors="replace").rstrip())
        if len(line) < 4 or line[3:4] != b"-":
            return int(line[:3]), " | ".join(lines)


def command(sock, f, text):
    sock.sendall(text.encode() + b"\r\n")
    return reply(f)


def flood(a, i, out):
    r = out[i] = {"sent": 0}
    try:
        s = socket.create_connection(("127.0.0.1", a.port), source_address=(a.from_addr, 0), timeout=120)
        f = s.makefile("rb")
        code, text = reply(f)
        if code != 220:
            r["early"] = text
            return
        for c in ("EHLO flood%d.test" % i, "MAIL FROM:<flood%d@flood.test>" % i, "RCPT TO:<%s>" % a.rcpt, "DATA"):
            code, text = command(s, f, c)
            if code >= 400:
                r["early"] = "%s -> %s" % (c, text)
                return
        s.sendall(b"From: flood\r\nSubject: flood\r\n\r\n")
        chunk = LINE * 700   # ~53 KB per write
        goal = a.megabytes * 1000 * 1000
        while r["sent"] < goal:
            s.sendall(chunk)
            r["sent"] += len(chunk)
        r["finished"] = True
        s.settimeout(a.hold)
        try:   # anything the server says while we hold the session (no final dot)
            code, text = reply(f)
            r["reply"] = text
        except (socket.timeout, ConnectionError, OSError):
            pass
        s.close()
    except (ConnectionError, OSError) as e:
        r["error"] = type(e).__name__ + ": " + str(e)


def probe(a, stats):
    t0 = time.time()
    try:
        s = socket.create_connection(("127.0.0.1", a.port), source_address=(a.probe_from, 0), timeout=120)
        f = s.makefile("rb")
        reply(f)
        for c in ("EHLO probe.test", "MAIL FROM:<probe@probe.test>", "RCPT TO:<%s>" % a.probe_rcpt, "DATA"):
            code, text = command(s, f, c)
            if code >= 400:
                raise ConnectionError("%s -> %s" % (c, text))
        s.sendall(b"From: probe\r\nSubject: probe\r\n\r\n" + LINE * 13 + b".\r\n")
        code, text = reply(f)
        command(s, f, "QUIT")
        s.close()
        stats["sent"] += 1
        if code == 250:
            stats["ok"] += 1
        else:
            stats["failed"].append(text)
        stats["slowest_s"] = max(stats["slowest_s"], round(time.time() - t0, 3))
    except (ConnectionError, OSError) as e:
        stats["sent"] += 1
        stats["failed"].append(type(e).__name__ + ": " + str(e))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--sessions", type=int, default=40)
    ap.add_argument("--megabytes", type=int, default=30)
    ap.add_argument("--from-addr", default="127.0.0.2")
    ap.add_argument("--rcpt", default="postmaster@local.bench.test")
    ap.add_argument("--probe-from", default="127.0.0.1")
    ap.add_argument("--probe-rcpt", default="postmaster@local.bench.test")
    ap.add_argument("--probe-interval", type=float, default=2.0)
    ap.add_argument("--hold", type=float, default=10.0)
    a = ap.parse_args()
    out = {}
    threads = [threading.Thread(target=flood, args=(a, i, out), daemon=True) for i in range(a.sessions)]
    t0 = time.time()
    for t in threads:
        t.start()
    stats = {"sent": 0, "ok": 0, "failed": [], "slowest_s": 0.0}
    while any(t.is_alive() for t in threads):
        probe(a, stats)
        time.sleep(a.probe_interval)
    probe(a, stats)   # and one after the flood
    listening = socket.socket().connect_ex(("127.0.0.1", a.port)) == 0
    rs = list(out.values())
    print(json.dumps({
        "seconds": round(time.time() - t0, 1),
        "flood_sessions": a.sessions,
        "flood_mb_read_by_server": round(sum(r["sent"] for r in rs) / 1e6, 1),
        "flood_finished_sending": sum(1 for r in rs if r.get("finished")),
        "flood_early": sorted({r["early"] for r in rs if "early" in r}),
        "flood_replies": sorted({r["reply"] for r in rs if "reply" in r}),
        "flood_errors": sorted({r["error"] for r in rs if "error" in r}),
        "probes_sent": stats["sent"], "probes_250": stats["ok"], "probe_failures": stats["failed"][:5],
        "probe_slowest_s": stats["slowest_s"],
        "server_listening_after": listening,
    }))


if __name__ == "__main__":
    main()
