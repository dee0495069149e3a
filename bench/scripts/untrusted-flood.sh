#!/bin/bash
# untrusted-flood.sh: S sessions from an address outside relay.allowFrom each send M MB of DATA
# without the final dot against `./tern serve` with the launcher's default flags (plus -Xlog:gc
# to a file), while a trusted client sends a normal message every 2 s (scripts/untrusted_flood.py).
# Prints the flood's JSON, then the server's state: alive or not, peak RSS (mem_sample.py) and
# the Java heap: peak used before a GC and peak committed (GC log), and GC.heap_info at the end.
#
# usage: bench/scripts/untrusted-flood.sh [--sessions 40] [--megabytes 30] [--keep]
# env: TERN_JAVA_OPTS (extra flags for tern serve)
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
JCMD="${JCMD:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/jcmd}"
S=40; M=30; KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --sessions) S="$2"; shift;;
    --megabytes) M="$2"; shift;;
    --keep) KEEP=1;;
    -h|--help) sed -n '2,10p' "$0"; exit 0;;
    *) echo "unknown option: $1" >&2; exit 2;;
  esac
  shift
done
log() { echo "[untrusted-flood] $*" >&2; }
TMP="$(mktemp -d /tmp/tern-flood.XXXXXX)"
TERN=""
cleanup() {
  local i
  if [ -n "$TERN" ] && kill -0 "$TERN" 2>/dev/null; then
    kill -TERM -- "-$TERN" 2>/dev/null
    for i in $(seq 100); do kill -0 "$TERN" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$TERN" 2>/dev/null
  fi
  if [ "$KEEP" = 1 ]; then log "scratch kept: $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$TMP/tern.yaml" <<EOF
server:
  fqdn: mta.bench.test
  listen: ["127.0.0.1:$port"]
  dataDir: $TMP/data
domains:
  local: [local.bench.test]
relay:
  allowFrom: ["127.0.0.1/32"]
delivery:
  smartHost: "[127.0.0.1]:9"
  tls: "off"
admin:
  listen: ""
EOF
TERN_JAVA_OPTS="-Xlog:gc:file=$TMP/gc.log ${TERN_JAVA_OPTS:-}" setsid "$ROOT/tern" serve --config "$TMP/tern.yaml" > "$TMP/tern.log" 2>&1 < /dev/null &
TERN=$!
for _ in $(seq 1200); do
  python3 -c 'import socket,sys; sys.exit(socket.socket().connect_ex(("127.0.0.1",int(sys.argv[1]))))' "$port" && break
  kill -0 "$TERN" 2>/dev/null || break; sleep 0.1
done
python3 "$HERE/mem_sample.py" --pid "$TERN" --stop-file "$TMP/stop" > "$TMP/peaks.json" &
SAMPLER=$!
python3 "$HERE/untrusted_flood.py" --port "$port" --sessions "$S" --megabytes "$M"
touch "$TMP/stop"; wait "$SAMPLER"
alive=false; kill -0 "$TERN" 2>/dev/null && alive=true
heap_info=""
$alive && heap_info="$("$JCMD" "$TERN" GC.heap_info 2>/dev/null | tr -s ' ' | head -3 | tr '\n' ';')"
python3 - "$TMP/peaks.json" "$TMP/gc.log" "$alive" "$heap_info" <<'EOF'
import json, re, sys
peaks = json.load(open(sys.argv[1])) if open(sys.argv[1]).read().strip() else {}
used = committed = gcs = 0
for line in open(sys.argv[2]):
    m = re.search(r"(\d+)M->(\d+)M\((\d+)M\)", line)
    if m:
        gcs += 1
        used, committed = max(used, int(m.group(1))), max(committed, int(m.group(3)))
print(json.dumps({"server_alive": sys.argv[3] == "true", "rss_peak_mb": peaks.get("rss"), "anon_peak_mb": peaks.get("anon"),
                  "heap_used_peak_mb": used, "heap_committed_peak_mb": committed, "gcs": gcs,
                  "heap_info_at_end": sys.argv[4]}))
EOF
grep -c 'OutOfMemory' "$TMP/tern.log" | sed 's/^/OutOfMemory lines in the log: /' >&2
