#!/bin/bash
# side-by-side.sh: Postfix and Tern between the SAME load generator and the SAME sink.
#
#   load tool (N msgs, C connections) -> MTA 127.0.0.1:PORT_IN -> sink 127.0.0.1:PORT_SINK (smart host)
#
# For every body size and every MTA it starts a fresh sink and a fresh MTA (empty queue), sends
# a warm-up, waits until the sink has it all, then measures one run:
#   accept msgs/s   the load tool's figure: messages acknowledged / (first MAIL .. last 250)
#   e2e msgs/s      N / (first message sent .. the sink counted all N)
#   CPU ms/msg      user+sys CPU of the whole MTA (cpuacct cgroup, else its /proc process tree) / N
#   peak RSS, PSS   sampled 4x/s over the MTA's process tree during the run (RSS summed)
# and prints a markdown table with the Tern/Postfix ratios. Everything on 127.0.0.1.
#
# usage: bench/side-by-side.sh [-n N] [-c CONNECTIONS] [-w WARMUP] [--sizes "1k 50k"]
#                              [--mtas "postfix tern"] [--pipelining] [--new-connection-per-message]
#                              [--tern-cmd CMD] [--timeout SEC] [--netns] [--keep] [--build]
#   -n N            measured messages per run (default 20000)
#   -c C            concurrent connections of the load tool (default 20)
#   -w W            warm-up messages before each measured run (default 5000; Tern's JIT needs it)
#   --sizes LIST    message sizes (default "1k 50k")
#   --mtas LIST     which MTAs, in order (default "postfix tern")
#   --pipelining, --new-connection-per-message   passed on to the load tool
#   --tern-cmd CMD  how to start Tern in the foreground; {config} {port} {sink_port} {data} are
#                   replaced (default: "<repo>/tern serve --config {config}")
#   --timeout SEC   longest wait for one run to be delivered end to end (default 300)
#   --netns         run everything in a private network namespace with only lo (needs root)
#   --keep          keep the scratch directory (configs, logs, per-run JSON)
#   --build         build bench/target/tern-bench.jar first (mvn -o package)
# env: JAVA (default the JDK 25 java), TOOL_JVM_OPTS (JVM flags of load tool and sink)
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
JAVA="${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
JAR="$ROOT/bench/target/tern-bench.jar"
TOOL_JVM_OPTS="${TOOL_JVM_OPTS:--XX:+UseSerialGC -Xms64m -Xmx512m}"
export PATH="$PATH:/usr/sbin:/sbin"

N=20000; C=20; W=5000; SIZES="1k 50k"; MTAS="postfix tern"; TIMEOUT=300
LOAD_EXTRA=(); TERN_CMD=""; NETNS=0; KEEP=0; BUILD=0; IN_NETNS=0
ORIG_ARGS=("$@")
while [ $# -gt 0 ]; do
  case "$1" in
    -n) N="$2"; shift;;
    -c) C="$2"; shift;;
    -w) W="$2"; shift;;
    --sizes) SIZES="$2"; shift;;
    --mtas) MTAS="$2"; shift;;
    --pipelining|--new-connection-per-message) LOAD_EXTRA+=("$1");;
    --tern-cmd) TERN_CMD="$2"; shift;;
    --timeout) TIMEOUT="$2"; shift;;
    --netns) NETNS=1;;
    --in-netns) IN_NETNS=1;;
    --keep) KEEP=1;;
    --build) BUILD=1;;
    -h|--help) sed -n '2,29p' "$0"; exit 0;;
    *) echo "unknown option: $1 (--help)" >&2; exit 2;;
  esac
  shift
done

if [ "$NETNS" = 1 ] && [ "$IN_NETNS" = 0 ]; then
  # a fresh network namespace whose only interface is lo: nothing can leave the host
  exec unshare -n -- bash -c 'ip link set lo up && exec "$0" "$@" --in-netns' "$0" "${ORIG_ARGS[@]}"
fi

log() { echo "[side-by-side] $*" >&2; }
die() { log "$*"; exit 1; }

[ -x "$JAVA" ] || die "no JDK 25 at $JAVA (set JAVA=...)"
if [ "$BUILD" = 1 ] || [ ! -f "$JAR" ]; then
  log "building $JAR"
  (cd "$ROOT" && JAVA_HOME="$(dirname "$(dirname "$JAVA")")" MAVEN_OPTS=--sun-misc-unsafe-memory-access=allow \
     mvn -o -q -pl bench -am package -DskipTests) || die "build failed"
fi

TMP="$(mktemp -d /tmp/tern-sbs.XXXXXX)"
chmod 755 "$TMP"   # Postfix daemons (user postfix) must reach their spool under it
STARTED_PGIDS=()   # process groups we started (sink, Tern), stopped by id at exit
POSTFIX_CONF=""

stop_group() {   # stop_group PGID: TERM, wait up to 10 s, then KILL
  local g="$1" i
  kill -TERM -- "-$g" 2>/dev/null || return 0
  for i in $(seq 100); do kill -0 -- "-$g" 2>/dev/null || return 0; sleep 0.1; done
  log "process group $g ignored SIGTERM for 10 s; SIGKILL"
  kill -KILL -- "-$g" 2>/dev/null
}
postfix_stop() {
  [ -n "$POSTFIX_CONF" ] || return 0
  local q p i
  q="$(postconf -c "$POSTFIX_CONF" -h queue_directory 2>/dev/null)"
  p="$(tr -d ' \n' < "$q/pid/master.pid" 2>/dev/null)"
  timeout 30 postfix -c "$POSTFIX_CONF" stop >/dev/null 2>&1
  if [ -n "$p" ]; then
    for i in $(seq 200); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$p" 2>/dev/null; then
      timeout 10 postfix -c "$POSTFIX_CONF" abort >/dev/null 2>&1; sleep 1
      kill -0 "$p" 2>/dev/null && kill -KILL "$p"
    fi
  fi
  POSTFIX_CONF=""
}
cleanup() {
  local g
  postfix_stop
  for g in "${STARTED_PGIDS[@]}"; do stop_group "$g"; done
  STARTED_PGIDS=()
  for g in "$CGROUP_BASE"/tern-sbs.$$.*; do [ -d "$g" ] && cgroup_remove "$g"; done
  if [ "$KEEP" = 1 ]; then log "scratch kept: $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# CPU accounting: a cpuacct cgroup per MTA when we may create one (exact, also for processes that
# daemonize or are reaped by nobody), else the /proc process-tree sums (sbs_measure.py)
CGROUP_BASE=/sys/fs/cgroup/cpuacct
CGROUP=""
cgroup_new() {   # cgroup_new NAME -> CGROUP = its path, or "" when not possible
  CGROUP=""
  [ -z "${SBS_NO_CGROUP:-}" ] && [ -w "$CGROUP_BASE" ] || return 0
  mkdir -p "$CGROUP_BASE/tern-sbs.$$.$1" 2>/dev/null && CGROUP="$CGROUP_BASE/tern-sbs.$$.$1"
}
cgroup_remove() {   # the cgroup must be empty: only after the MTA stopped
  [ -n "$1" ] && [ -d "$1" ] || return 0
  local i
  for i in $(seq 50); do rmdir "$1" 2>/dev/null && return 0; sleep 0.1; done
  log "could not remove cgroup $1 (processes left in it: $(tr '\n' ' ' < "$1/cgroup.procs"))"
}
# in_cgroup CMD...: run CMD with the current CGROUP (if any) as its cgroup, so its children inherit it
in_cgroup() {
  if [ -n "$CGROUP" ]; then bash -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$CGROUP" "$@"; else "$@"; fi
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
listening() { python3 -c 'import socket,sys; s=socket.socket(); s.settimeout(0.5); sys.exit(s.connect_ex(("127.0.0.1",int(sys.argv[1]))))' "$1"; }
wait_listen() {   # wait_listen PORT SECONDS [PID]: until something listens, or PID died
  local i
  for i in $(seq $(( $2 * 10 ))); do
    listening "$1" && return 0
    [ -n "${3:-}" ] && ! kill -0 "$3" 2>/dev/null && return 1
    sleep 0.1
  done
  return 1
}
sink_count() { local n; read -r n _ < "$1" 2>/dev/null; echo "${n:-0}"; }
wait_count() {   # wait_count FILE N SECONDS
  local i
  for i in $(seq $(( $3 * 10 ))); do [ "$(sink_count "$1")" -ge "$2" ] && return 0; sleep 0.1; done
  return 1
}
# start_group LOGFILE CMD...: run CMD in its own process group (setsid), remember the group in
# STARTED_PGIDS and its pid in STARTED_PID (not echoed: a $(...) subshell would lose the bookkeeping)
start_group() {
  local logf="$1"; shift
  setsid "$@" >"$logf" 2>&1 < /dev/null &
  STARTED_PID=$!
  STARTED_PGIDS+=("$STARTED_PID")
}
forget_group() { local g="$1" keep=() x; for x in "${STARTED_PGIDS[@]}"; do [ "$x" = "$g" ] || keep+=("$x"); done; STARTED_PGIDS=("${keep[@]}"); }

read -r -a TOOL_OPTS <<< "$TOOL_JVM_OPTS"
TOOL=("$JAVA" "${TOOL_OPTS[@]}" -cp "$JAR" tern.bench.BenchMain)

# ---------------------------------------------------------------- Postfix
postfix_start() {   # postfix_start PORT_IN PORT_SINK DIR -> ROOT_PID = master pid
  local in="$1" out="$2" dir="$3"
  command -v postfix >/dev/null || { log "postfix is not installed (apt-get install postfix, debconf 'No configuration')"; return 1; }
  mkdir -p "$dir/conf" "$dir/data" "$dir/spool"   # postfix start creates the queue subdirectories
  cat > "$dir/conf/main.cf" <<EOF
# side-by-side.sh Postfix instance: stock Postfix 3.x apart from what loopback/no-DNS relaying needs
compatibility_level = 3.6
queue_directory = $dir/spool
data_directory  = $dir/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mta.bench.test
mydomain = bench.test
myorigin = \$myhostname
mydestination =
relay_domains =
local_recipient_maps =
local_transport = error:5.1.1 local delivery disabled in side-by-side
alias_maps =
alias_database =
append_dot_mydomain = no
biff = no
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks_style = host
mynetworks = 127.0.0.0/8
relayhost = [127.0.0.1]:$out
default_transport = smtp
relay_transport = smtp
# no DNS at all: numeric relayhost in brackets, no DNS in smtp(8), no client name lookups
smtp_dns_support_level = disabled
smtp_host_lookup = native
lmtp_host_lookup = native
smtpd_peername_lookup = no
smtp_tls_security_level = none
smtpd_tls_security_level = none
smtpd_banner = \$myhostname ESMTP side-by-side
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_recipient_restrictions =
smtpd_client_restrictions =
smtpd_helo_restrictions =
smtpd_sender_restrictions =
maillog_file = $dir/maillog
maillog_file_prefixes = $dir
EOF
  # Debian's stock service list, chroot off, smtpd bound to the loopback port
  cat > "$dir/conf/master.cf" <<EOF
127.0.0.1:$in inet n  -       n       -       -       smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
  chown postfix "$dir/data"
  : > "$dir/maillog"; chown postfix "$dir/maillog"
  POSTFIX_CONF="$dir/conf"
  if ! in_cgroup timeout 60 postfix -c "$POSTFIX_CONF" start >"$dir/start.log" 2>&1; then
    # postfix prints its reasons on stderr only when that is a terminal (else syslog); give it one
    log "postfix start failed: $(script -qc "postfix -c '$POSTFIX_CONF' check" /dev/null 2>&1 | tail -3)"
    return 1
  fi
  local i p=""
  for i in $(seq 100); do
    p="$(tr -d ' \n' < "$dir/spool/pid/master.pid" 2>/dev/null)"
    [ -n "$p" ] && kill -0 "$p" 2>/dev/null && break
    sleep 0.1
  done
  [ -n "$p" ] || { log "postfix master did not come up"; return 1; }
  ROOT_PID="$p"
}

# ---------------------------------------------------------------- Tern
tern_start() {   # tern_start PORT_IN PORT_SINK DIR -> ROOT_PID = its pid (and process group)
  local in="$1" out="$2" dir="$3" cmd
  mkdir -p "$dir/data"
  cat > "$dir/tern.yaml" <<EOF
# side-by-side.sh Tern instance: relay everything to the sink, durable journal, no DNS
server:
  fqdn: mta.bench.test
  listen: ["127.0.0.1:$in"]
  dataDir: $dir/data
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
EOF
  cmd="$TERN_CMD"
  [ -n "$cmd" ] || cmd="$ROOT/tern serve --config {config}"
  cmd="${cmd//\{config\}/$dir/tern.yaml}"; cmd="${cmd//\{port\}/$in}"
  cmd="${cmd//\{sink_port\}/$out}"; cmd="${cmd//\{data\}/$dir/data}"
  if [ -z "$TERN_CMD" ] && [ ! -x "$ROOT/tern" ]; then
    log "no $ROOT/tern yet: skipping Tern (or give --tern-cmd)"; return 1
  fi
  echo "$cmd" > "$dir/command"
  if [ -n "$CGROUP" ]; then
    start_group "$dir/tern.log" bash -c "echo \$\$ > '$CGROUP/cgroup.procs' && cd '$dir' && exec $cmd"
  else
    start_group "$dir/tern.log" bash -c "cd '$dir' && exec $cmd"
  fi
  ROOT_PID="$STARTED_PID"
}

# ---------------------------------------------------------------- one run
RESULTS="$TMP/results.jsonl"
: > "$RESULTS"

run_one() {   # run_one MTA SIZE
  local mta="$1" size="$2" dir="$TMP/$1-$2" port_in port_sink sink_pid root_pid mta_pgid="" result
  mkdir -p "$dir"
  port_in="$(free_port)"; port_sink="$(free_port)"
  log "$mta $size: sink on $port_sink, $mta on $port_in, scratch $dir"
  start_group "$dir/sink.log" "${TOOL[@]}" sink --listen "127.0.0.1:$port_sink" --count-file "$dir/count" --quiet
  sink_pid="$STARTED_PID"
  wait_listen "$port_sink" 30 || { log "sink did not start"; cat "$dir/sink.log" >&2; stop_group "$sink_pid"; forget_group "$sink_pid"; return 1; }

  cgroup_new "$mta-$size"
  local cg="$CGROUP"
  case "$mta" in
    postfix) postfix_start "$port_in" "$port_sink" "$dir/postfix" || { stop_group "$sink_pid"; forget_group "$sink_pid"; postfix_stop; return 1; }
             root_pid="$ROOT_PID" ;;
    tern)    tern_start "$port_in" "$port_sink" "$dir/tern" || { stop_group "$sink_pid"; forget_group "$sink_pid"; return 1; }
             root_pid="$ROOT_PID"; mta_pgid="$ROOT_PID" ;;
    *) die "unknown MTA $mta" ;;
  esac
  if ! wait_listen "$port_in" 60 "$root_pid"; then
    log "$mta is not listening on $port_in (exited, or not within 60 s)"; [ -f "$dir/tern/tern.log" ] && tail -20 "$dir/tern/tern.log" >&2
    result='{"status":"no_listen"}'
  else
    local expect=$(( W + N ))
    if [ "$W" -gt 0 ]; then
      "${TOOL[@]}" load --target "127.0.0.1:$port_in" --messages "$W" --connections "$C" --size "$size" --quiet "${LOAD_EXTRA[@]}" \
        > "$dir/warmup.out" 2>&1 || log "$mta $size: warm-up had errors (see $dir/warmup.out)"
      wait_count "$dir/count" "$W" "$TIMEOUT" || log "$mta $size: the sink has only $(sink_count "$dir/count") of $W warm-up messages after $TIMEOUT s"
      expect=$(( $(sink_count "$dir/count") + N ))
    fi
    sleep 1
    result="$(python3 "$HERE/scripts/sbs_measure.py" --root-pid "$root_pid" ${cg:+--cgroup "$cg"} --count-file "$dir/count" \
        --expect "$expect" --timeout "$TIMEOUT" -- \
        "${TOOL[@]}" load --target "127.0.0.1:$port_in" --messages "$N" --connections "$C" --size "$size" \
           --json --quiet "${LOAD_EXTRA[@]}")"
    [ -n "$result" ] || result='{"status":"measure_failed"}'
  fi
  echo "$result" > "$dir/result.json"
  python3 - "$mta" "$size" "$result" >> "$RESULTS" <<'EOF'
import json, sys
r = json.loads(sys.argv[3]); r["mta"] = sys.argv[1]; r["size"] = sys.argv[2]; print(json.dumps(r))
EOF
  case "$mta" in
    postfix) postfix_stop ;;
    tern)    stop_group "$mta_pgid"; forget_group "$mta_pgid" ;;
  esac
  stop_group "$sink_pid"; forget_group "$sink_pid"
  cgroup_remove "$cg"
  log "$mta $size: $(python3 -c 'import json,sys; r=json.loads(sys.argv[1]); print(r.get("status"), "accept", r.get("accept_msgs_s"), "e2e", r.get("e2e_msgs_s"), "cpu_ms/msg", r.get("cpu_ms_per_msg"))' "$result")"
}

log "N=$N connections=$C warm-up=$W sizes=[$SIZES] MTAs=[$MTAS] load flags=[${LOAD_EXTRA[*]:-}] host load: $(cut -d' ' -f1-3 /proc/loadavg)"
for size in $SIZES; do
  for mta in $MTAS; do
    run_one "$mta" "$size"
  done
done

python3 - "$RESULTS" "$N" "$C" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
n, c = sys.argv[2], sys.argv[3]
def f(v, fmt="{:,.0f}"):
    return "-" if v is None else fmt.format(v)
print(f"\n### Side by side: {int(n):,} messages, {c} connections, same load tool and sink\n")
print("| MTA | size | accept msgs/s | e2e msgs/s | CPU ms/msg | peak RSS MB | peak PSS MB | procs | accept p50 / p99 ms | status |")
print("|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    lat = r.get("load", {}).get("latency_ms", {})
    print(f"| {r['mta']} | {r['size']} | {f(r.get('accept_msgs_s'))} | {f(r.get('e2e_msgs_s'))} | "
          f"{f(r.get('cpu_ms_per_msg'), '{:.2f}')} | {f(r.get('rss_peak_mb'), '{:.0f}')} | "
          f"{f(r.get('pss_peak_mb'), '{:.0f}')} | {r.get('procs_peak', '-')} | "
          f"{f(lat.get('p50'), '{:.2f}')} / {f(lat.get('p99'), '{:.2f}')} | {r.get('status')} |")
by = {(r["mta"], r["size"]): r for r in rows}
sizes = list(dict.fromkeys(r["size"] for r in rows))
ratio_rows = []
for s in sizes:
    t, p = by.get(("tern", s)), by.get(("postfix", s))
    if not t or not p:
        continue
    def ratio(k):
        a, b = t.get(k), p.get(k)
        return "-" if not a or not b else f"{a / b:.2f}x"
    ratio_rows.append(f"| {s} | {ratio('accept_msgs_s')} | {ratio('e2e_msgs_s')} | {ratio('cpu_ms_per_msg')} | {ratio('rss_peak_mb')} | {ratio('pss_peak_mb')} |")
if ratio_rows:
    print("\n| Tern / Postfix | accept | e2e | CPU per msg (lower is better) | peak RSS | peak PSS |")
    print("|---|---|---|---|---|---|")
    print("\n".join(ratio_rows))
EOF
