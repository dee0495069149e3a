#!/bin/bash
# memory-run.sh: where Tern's memory goes under load, with the launcher's default flags.
#
#   load (N msgs, C connections) -> ./tern serve 127.0.0.1 -> sink (smart host)
#
# Starts Tern's sink and `./tern serve` (its default JVM flags plus -Xlog:gc to a file, plus
# TERN_JAVA_OPTS if set), sends a warm-up and N measured messages with Tern's load tool, waits
# until the sink has them all, and meanwhile samples Tern's /proc/PID/smaps_rollup and smaps
# (scripts/mem_sample.py). Prints one JSON line: peak RSS, PSS, anonymous and file-backed PSS,
# the RSS and mapped size of the journal's cycle files, their size on disk, and the Java heap
# (peak used before a GC and peak committed, from the GC log).
#
# usage: bench/scripts/memory-run.sh [--size 50k] [-n 20000] [-w 5000] [-c 20]
#                                    [--new-connection-per-message] [--keep] [--yaml-extra TEXT]
# env: JAVA (JDK 25), TERN_JAVA_OPTS (extra flags for tern serve, e.g. -Xmx256m)
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
JAVA="${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
JAR="$ROOT/bench/target/tern-bench.jar"
SIZE=50k; N=20000; W=5000; C=20; KEEP=0; EXTRA=(); YAML_EXTRA=""
while [ $# -gt 0 ]; do
  case "$1" in
    --size) SIZE="$2"; shift;;
    -n) N="$2"; shift;;
    -w) W="$2"; shift;;
    -c) C="$2"; shift;;
    --new-connection-per-message) EXTRA+=("$1");;
    --yaml-extra) YAML_EXTRA="$2"; shift;;
    --keep) KEEP=1;;
    -h|--help) sed -n '2,16p' "$0"; exit 0;;
    *) echo "unknown option: $1" >&2; exit 2;;
  esac
  shift
done
log() { echo "[memory-run] $*" >&2; }
[ -f "$JAR" ] || { log "build the bench jar first: mvn -o -q -pl bench -am package -DskipTests"; exit 1; }
TOOL=("$JAVA" -XX:+UseSerialGC -Xms64m -Xmx512m -cp "$JAR" tern.bench.BenchMain)
TMP="$(mktemp -d /tmp/tern-mem.XXXXXX)"
PGIDS=()
cleanup() {
  local g i
  for g in "${PGIDS[@]}"; do
    kill -TERM -- "-$g" 2>/dev/null || continue
    for i in $(seq 100); do kill -0 -- "-$g" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$g" 2>/dev/null
  done
  if [ "$KEEP" = 1 ]; then log "scratch kept: $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
listening() { python3 -c 'import socket,sys; s=socket.socket(); s.settimeout(0.5); sys.exit(s.connect_ex(("127.0.0.1",int(sys.argv[1]))))' "$1"; }
wait_listen() { local i; for i in $(seq $(( $2 * 10 ))); do listening "$1" && return 0; sleep 0.1; done; return 1; }
count() { local n; read -r n _ < "$TMP/count" 2>/dev/null; echo "${n:-0}"; }

in=$(free_port); out=$(free_port)
cat > "$TMP/tern.yaml" <<EOF
server:
  fqdn: mta.bench.test
  listen: ["127.0.0.1:$in"]
  dataDir: $TMP/data
domains:
  local: [local.bench.test]
relay:
  allowFrom: ["127.0.0.0/8"]
delivery:
  smartHost: "[127.0.0.1]:$out"
  tls: "off"
journal:
  sync: batch
admin:
  listen: ""
$YAML_EXTRA
EOF
setsid "${TOOL[@]}" sink --listen "127.0.0.1:$out" --count-file "$TMP/count" --quiet > "$TMP/sink.log" 2>&1 < /dev/null &
PGIDS+=($!)
wait_listen "$out" 30 || { log "sink did not start"; exit 1; }
TERN_JAVA_OPTS="-Xlog:gc:file=$TMP/gc.log ${TERN_JAVA_OPTS:-}" setsid "$ROOT/tern" serve --config "$TMP/tern.yaml" > "$TMP/tern.log" 2>&1 < /dev/null &
TERN=$!
PGIDS+=($TERN)
wait_listen "$in" 120 || { log "tern did not listen"; tail -20 "$TMP/tern.log" >&2; exit 1; }
python3 "$HERE/mem_sample.py" --pid "$TERN" --journal "$TMP/data/journal" --stop-file "$TMP/stop" --series "$TMP/series.jsonl" > "$TMP/peaks.json" &
SAMPLER=$!
t0=$(date +%s)
if [ "$W" -gt 0 ]; then
  "${TOOL[@]}" load --target "127.0.0.1:$in" --messages "$W" --connections "$C" --size "$SIZE" --quiet "${EXTRA[@]}" > "$TMP/warmup.log" 2>&1
fi
"${TOOL[@]}" load --target "127.0.0.1:$in" --messages "$N" --connections "$C" --size "$SIZE" --quiet --json "${EXTRA[@]}" > "$TMP/load.json" 2> "$TMP/load.log"
for _ in $(seq 3000); do [ "$(count)" -ge $(( N + W )) ] && break; sleep 0.1; done
sleep 2   # a last sample after the queue drained
touch "$TMP/stop"; wait "$SAMPLER"
python3 - "$TMP/peaks.json" "$TMP/gc.log" "$TMP/load.json" "$(count)" "$(( $(date +%s) - t0 ))" "$SIZE" "$N" "$W" "$C" <<'EOF'
import json, re, sys
peaks = json.load(open(sys.argv[1]))
used = committed = 0
gcs = 0
for line in open(sys.argv[2]):
    m = re.search(r"(\d+)M->(\d+)M\((\d+)M\)", line)
    if m:
        gcs += 1
        used = max(used, int(m.group(1)))
        committed = max(committed, int(m.group(3)))
load = {}
for line in open(sys.argv[3]):
    if line.startswith("{"):
        load = json.loads(line)
peaks.update(heap_used_peak=used, heap_committed_peak=committed, gcs=gcs, sink_count=int(sys.argv[4]),
             seconds=int(sys.argv[5]), size=sys.argv[6], n=int(sys.argv[7]), warmup=int(sys.argv[8]),
             connections=int(sys.argv[9]), accept_msgs_s=load.get("msgs_per_s"), failed=load.get("failed"))
print(json.dumps(peaks))
EOF
