#!/bin/bash
# side-by-side.sh: Postfix and Tern between the SAME client and the SAME smart host, in one run.
#
#   client (N msgs, S sessions) -> MTA 127.0.0.1:PORT_IN -> sink 127.0.0.1:PORT_SINK (smart host)
#
# The matrix (--rows), each row with each client pair (--clients) and each MTA (--mtas):
#   new     1 KB, 20 sessions, a new connection per message (smtp-source's default)
#   reuse   1 KB, 20 sessions, connections reused (smtp-source -d, load --reuse)
#   50k     50 KB, 20 sessions, a new connection per message
#   c50     1 KB, 50 sessions from 127.0.0.1, a new connection per message
# client pairs:
#   smtp-source   Postfix's smtp-source as the client, Postfix's smtp-sink as the smart host
#   tern          Tern's load tool (bench jar) as the client, Tern's sink as the smart host
# Every run gets a fresh sink and a fresh MTA (empty queue), a warm-up that the sink must have
# counted in full, then one measured run:
#   accept msgs/s   messages acknowledged / time the client took (load: first MAIL .. last 250;
#                   smtp-source: launch .. exit)
#   e2e msgs/s      N / (first message sent .. the sink counted all N)
#   CPU ms/msg      user+sys CPU of the whole MTA (cpuacct cgroup, else its /proc process tree) / N
#   peak RSS, PSS   sampled 4x/s over the MTA's process tree during the run (RSS summed)
# and prints two markdown tables: one line per row and client with the Tern/Postfix ratios, and
# every run's detail. Everything on 127.0.0.1.
#
# usage: bench/side-by-side.sh [-n N] [-w WARMUP] [--quick] [--rows "new reuse 50k c50"]
#                              [--clients "smtp-source tern"] [--mtas "postfix tern"]
#                              [--tern-cmd CMD] [--timeout SEC] [--idle-wait SEC] [--netns]
#                              [--keep] [--build]
#   -n N            measured messages per run (default 20000)
#   -w W            warm-up messages before each measured run (default 10000; Tern's JIT needs it)
#   --quick         a short run to see that everything works: -n 2000 -w 1000
#   --rows LIST     which rows of the matrix, in order (default "new reuse 50k c50")
#   --clients LIST  which client/sink pairs (default "smtp-source tern")
#   --mtas LIST     which MTAs, in order (default "postfix tern")
#   --tern-cmd CMD  how to start Tern in the foreground; {config} {port} {sink_port} {data} are
#                   replaced (default: "<repo>/tern serve --config {config}", the launcher's flags)
#   --timeout SEC   longest wait for one run to be delivered end to end (default 300)
#   --idle-wait SEC before each measured run wait up to SEC s for the host to be < 20 % busy
#                   (default 20; 0 = never wait); the busy share seen is reported
#   --netns         run everything in a private network namespace with only lo (needs root)
#   --keep          keep the scratch directory (configs, logs, per-run JSON)
#   --build         build bench/target/tern-bench.jar first (mvn -o package)
# needs: postfix (smtp-source, smtp-sink; ./tern test installs it), python3, JDK 25; root for
# Postfix and the cgroup. env: JAVA (default the JDK 25 java), TOOL_JVM_OPTS (JVM flags of load
# tool and sink)
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
JAVA="${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
JAR="$ROOT/bench/target/tern-bench.jar"
TOOL_JVM_OPTS="${TOOL_JVM_OPTS:--XX:+UseSerialGC -Xms64m -Xmx512m}"
export PATH="$PATH:/usr/sbin:/sbin"

N=20000; W=10000; ROWS="new reuse 50k c50"; CLIENTS="smtp-source tern"; MTAS="postfix tern"
TIMEOUT=300; IDLE_WAIT=20; TERN_CMD=""; NETNS=0; KEEP=0; BUILD=0; IN_NETNS=0
ORIG_ARGS=("$@")
while [ $# -gt 0 ]; do
  case "$1" in
    -n) N="$2"; shift;;
    -w) W="$2"; shift;;
    --quick) N=2000; W=1000;;
    --rows) ROWS="$2"; shift;;
    --clients) CLIENTS="$2"; shift;;
    --mtas) MTAS="$2"; shift;;
    --tern-cmd) TERN_CMD="$2"; shift;;
    --timeout) TIMEOUT="$2"; shift;;
    --idle-wait) IDLE_WAIT="$2"; shift;;
    --netns) NETNS=1;;
    --in-netns) IN_NETNS=1;;
    --keep) KEEP=1;;
    --build) BUILD=1;;
    -h|--help) sed -n '2,44p' "$0"; exit 0;;
    *) echo "unknown option: $1 (--help)" >&2; exit 2;;
  esac
  shift
done

# row NAME -> ROW_SIZE (bytes) ROW_SESSIONS ROW_REUSE (0/1) ROW_TITLE, or false for an unknown name
row() {
  case "$1" in
    new)   ROW_SIZE=1000;  ROW_SESSIONS=20; ROW_REUSE=0; ROW_TITLE="1 KB, 20 sessions, new connection per message";;
    reuse) ROW_SIZE=1000;  ROW_SESSIONS=20; ROW_REUSE=1; ROW_TITLE="1 KB, 20 sessions, connections reused";;
    50k)   ROW_SIZE=50000; ROW_SESSIONS=20; ROW_REUSE=0; ROW_TITLE="50 KB, 20 sessions, new connection per message";;
    c50)   ROW_SIZE=1000;  ROW_SESSIONS=50; ROW_REUSE=0; ROW_TITLE="1 KB, 50 sessions from 127.0.0.1, new connection per message";;
    *) return 1;;
  esac
}
for r in $ROWS; do row "$r" || { echo "unknown row: $r (new reuse 50k c50)" >&2; exit 2; }; done
for c in $CLIENTS; do case "$c" in smtp-source|tern) ;; *) echo "unknown client: $c (smtp-source tern)" >&2; exit 2;; esac; done
for m in $MTAS; do case "$m" in postfix|tern) ;; *) echo "unknown MTA: $m (postfix tern)" >&2; exit 2;; esac; done

if [ "$NETNS" = 1 ] && [ "$IN_NETNS" = 0 ]; then
  # a fresh network namespace whose only interface is lo: nothing can leave the host. lo is
  # brought up with an ioctl from python, so iproute2 need not be installed.
  exec unshare -n -- bash -c 'python3 -c "
import fcntl, socket, struct
s = socket.socket()
flags = struct.unpack(\"16sh\", fcntl.ioctl(s, 0x8913, struct.pack(\"16sh\", b\"lo\", 0)))[1]
fcntl.ioctl(s, 0x8914, struct.pack(\"16sh\", b\"lo\", flags | 1))
" && exec "$0" "$@" --in-netns' "$0" "${ORIG_ARGS[@]}"
fi

log() { echo "[side-by-side] $*" >&2; }
die() { log "$*"; exit 1; }

[ -x "$JAVA" ] || die "no JDK 25 at $JAVA (set JAVA=...)"
case " $CLIENTS " in *" smtp-source "*)
  command -v smtp-source >/dev/null && command -v smtp-sink >/dev/null \
    || die "smtp-source/smtp-sink not found: install postfix (./tern test does, as root)";;
esac
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

# CPU accounting: a cgroup per MTA when we may create one (exact, also for processes that
# daemonize or are reaped by nobody), else the /proc process-tree sums (sbs_measure.py).
# cgroup v1 cpuacct, or v2 (a fresh machine with the unified hierarchy).
CGROUP_BASE=""
if [ -f /sys/fs/cgroup/cpuacct/cpuacct.usage ]; then CGROUP_BASE=/sys/fs/cgroup/cpuacct
elif [ -f /sys/fs/cgroup/cgroup.controllers ]; then CGROUP_BASE=/sys/fs/cgroup
fi
CGROUP=""
cgroup_new() {   # cgroup_new NAME -> CGROUP = its path, or "" when not possible
  CGROUP=""
  [ -z "${SBS_NO_CGROUP:-}" ] && [ -n "$CGROUP_BASE" ] && [ -w "$CGROUP_BASE" ] || return 0
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
# messages the sink counted: Tern's sink keeps "N messages ..." in its count file; smtp-sink -c
# writes a running "sess=.. quit=.. mesg=N" line per event (CR-separated) to stdout
sink_count() {
  local n
  n="$(tail -c 256 "$1" 2>/dev/null | tr '\r' '\n' | grep -o 'mesg=[0-9]*' | tail -1)"
  if [ -n "$n" ]; then echo "${n#mesg=}"; return; fi
  read -r n _ < "$1" 2>/dev/null; [[ "${n:-}" =~ ^[0-9]+$ ]] && echo "$n" || echo 0
}
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

# ---------------------------------------------------------------- clients and sinks
sink_start() {   # sink_start CLIENT PORT DIR -> SINK_PID (its process group), DIR/count
  local client="$1" port="$2" dir="$3" user=()
  case "$client" in
    tern) start_group "$dir/sink.log" "${TOOL[@]}" sink --listen "127.0.0.1:$port" --count-file "$dir/count" --quiet ;;
    smtp-source)
      # -c: the running counter on stdout (our count file); -u nobody: smtp-sink refuses root without it
      [ "$(id -u)" = 0 ] && user=(-u nobody)
      start_group "$dir/sink.log" bash -c 'exec "$@" > "$0"' "$dir/count" \
          smtp-sink "${user[@]}" -c -m 1024 -h sink.bench.test "127.0.0.1:$port" 1024 ;;
  esac
  SINK_PID="$STARTED_PID"
}
# client_cmd CLIENT PORT MESSAGES -> CLIENT_CMD (array) for the current row
client_cmd() {
  local client="$1" port="$2" m="$3"
  case "$client" in
    tern)
      CLIENT_CMD=("${TOOL[@]}" load --target "127.0.0.1:$port" --messages "$m" --connections "$ROW_SESSIONS"
                  --size "$ROW_SIZE" --quiet --json)
      [ "$ROW_REUSE" = 1 ] && CLIENT_CMD+=(--reuse) || CLIENT_CMD+=(--new-connection-per-message) ;;
    smtp-source)
      # -l BYTES of body after smtp-source's few header lines: 1000 -> ~1.1 KB, 50000 -> ~50 KB
      CLIENT_CMD=(smtp-source -M client.bench.test -f sender@src.bench.test -t rcpt@dst.bench.test
                  -s "$ROW_SESSIONS" -m "$m" -l "$ROW_SIZE")
      [ "$ROW_REUSE" = 1 ] && CLIENT_CMD+=(-d)
      CLIENT_CMD+=("127.0.0.1:$port") ;;
  esac
}

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

run_one() {   # run_one ROW CLIENT MTA
  local rowname="$1" client="$2" mta="$3" dir port_in port_sink sink_pid root_pid mta_pgid="" result
  row "$rowname"
  dir="$TMP/$rowname-$client-$mta"
  mkdir -p "$dir"; chmod 755 "$dir"
  port_in="$(free_port)"; port_sink="$(free_port)"
  log "$rowname $client $mta: $ROW_TITLE; sink on $port_sink, $mta on $port_in, scratch $dir"
  sink_start "$client" "$port_sink" "$dir"
  sink_pid="$SINK_PID"
  wait_listen "$port_sink" 30 || { log "sink did not start"; cat "$dir/sink.log" >&2; stop_group "$sink_pid"; forget_group "$sink_pid"; return 1; }

  cgroup_new "$rowname-$client-$mta"
  local cg="$CGROUP"
  case "$mta" in
    postfix) postfix_start "$port_in" "$port_sink" "$dir/postfix" || { stop_group "$sink_pid"; forget_group "$sink_pid"; postfix_stop; cgroup_remove "$cg"; return 1; }
             root_pid="$ROOT_PID" ;;
    tern)    tern_start "$port_in" "$port_sink" "$dir/tern" || { stop_group "$sink_pid"; forget_group "$sink_pid"; cgroup_remove "$cg"; return 1; }
             root_pid="$ROOT_PID"; mta_pgid="$ROOT_PID" ;;
  esac
  if ! wait_listen "$port_in" 60 "$root_pid"; then
    log "$mta is not listening on $port_in (exited, or not within 60 s)"; [ -f "$dir/tern/tern.log" ] && tail -20 "$dir/tern/tern.log" >&2
    result='{"status":"no_listen"}'
  else
    local expect=$(( W + N ))
    if [ "$W" -gt 0 ]; then
      client_cmd "$client" "$port_in" "$W"
      timeout "$TIMEOUT" "${CLIENT_CMD[@]}" > "$dir/warmup.out" 2>&1 || log "$rowname $client $mta: warm-up had errors (see $dir/warmup.out: $(tail -c 300 "$dir/warmup.out" | tr '\r\n' '  '))"
      wait_count "$dir/count" "$W" "$TIMEOUT" || log "$rowname $client $mta: the sink has only $(sink_count "$dir/count") of $W warm-up messages after $TIMEOUT s"
      expect=$(( $(sink_count "$dir/count") + N ))
    fi
    sleep 1
    client_cmd "$client" "$port_in" "$N"
    result="$(python3 "$HERE/scripts/sbs_measure.py" --root-pid "$root_pid" ${cg:+--cgroup "$cg"} --count-file "$dir/count" \
        --expect "$expect" --messages "$N" --timeout "$TIMEOUT" --idle-wait "$IDLE_WAIT" -- "${CLIENT_CMD[@]}")"
    [ -n "$result" ] || result='{"status":"measure_failed"}'
  fi
  echo "$result" > "$dir/result.json"
  python3 - "$rowname" "$ROW_TITLE" "$client" "$mta" "$result" >> "$RESULTS" <<'PY'
import json, sys
r = json.loads(sys.argv[5]); r.update(row=sys.argv[1], title=sys.argv[2], client=sys.argv[3], mta=sys.argv[4]); print(json.dumps(r))
PY
  case "$mta" in
    postfix) postfix_stop ;;
    tern)    stop_group "$mta_pgid"; forget_group "$mta_pgid" ;;
  esac
  stop_group "$sink_pid"; forget_group "$sink_pid"
  cgroup_remove "$cg"
  log "$rowname $client $mta: $(python3 -c 'import json,sys; r=json.loads(sys.argv[1]); print(r.get("status"), "accept", r.get("accept_msgs_s"), "e2e", r.get("e2e_msgs_s"), "cpu_ms/msg", r.get("cpu_ms_per_msg"), "rss_mb", r.get("rss_peak_mb"), "busy_before", r.get("busy_pct_before"))' "$result")"
}

STARTED_AT="$(date -u '+%Y-%m-%d %H:%M UTC')"
log "N=$N warm-up=$W rows=[$ROWS] clients=[$CLIENTS] MTAs=[$MTAS] host load: $(cut -d' ' -f1-3 /proc/loadavg)"
for rowname in $ROWS; do
  for client in $CLIENTS; do
    for mta in $MTAS; do
      run_one "$rowname" "$client" "$mta"
    done
  done
done

python3 - "$RESULTS" "$N" "$W" "$STARTED_AT" "$(nproc)" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
n, w, started, ncpu = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
CLIENT = {"smtp-source": "smtp-source → smtp-sink", "tern": "load → sink"}

def f(v, fmt="{:,.0f}"):
    return "-" if v is None else fmt.format(v)

def val(r, k):
    return r.get(k) if r and r.get("status") == "ok" else None

def ratio(a, b, fmt="{:.1f}×"):
    return "-" if not a or not b else fmt.format(a / b)

by = {(r["row"], r["client"], r["mta"]): r for r in rows}
keys = list(dict.fromkeys((r["row"], r["title"], r["client"]) for r in rows))
print(f"\n{n:,} measured messages per run after {w:,} warm-up; {started}, {ncpu} CPUs. "
      "CPU and RSS are the MTA's alone; Postfix's RSS sums its processes (PSS in brackets).\n")
print("| workload | client → smart host | Tern e2e msgs/s | Postfix e2e msgs/s | ratio | Tern CPU ms/msg "
      "| Postfix CPU ms/msg | Tern/Postfix CPU | Tern peak RSS MB | Postfix peak RSS MB (PSS) |")
print("|---|---|---|---|---|---|---|---|---|---|")
for row, title, client in keys:
    t, p = by.get((row, client, "tern")), by.get((row, client, "postfix"))
    def cell(r, k, fmt="{:,.0f}"):
        if r is None:
            return "-"
        if r.get("status") != "ok":
            return "fails: " + str(r.get("status"))
        return f(r.get(k), fmt)
    prss = cell(p, "rss_peak_mb")
    if p is not None and p.get("status") == "ok":
        prss += f" ({f(p.get('pss_peak_mb'))})"
    print(f"| {title} | {CLIENT[client]} | {cell(t, 'e2e_msgs_s')} | {cell(p, 'e2e_msgs_s')} | "
          f"{ratio(val(t, 'e2e_msgs_s'), val(p, 'e2e_msgs_s'))} | {cell(t, 'cpu_ms_per_msg', '{:.2f}')} | "
          f"{cell(p, 'cpu_ms_per_msg', '{:.2f}')} | {ratio(val(t, 'cpu_ms_per_msg'), val(p, 'cpu_ms_per_msg'), '{:.2f}×')} | "
          f"{cell(t, 'rss_peak_mb')} | {prss} |")

print("\nEvery run (host busy % in the second before the measured run; latency from the load tool only):\n")
print("| workload | client | MTA | accept msgs/s | e2e msgs/s | CPU ms/msg | peak RSS MB | peak PSS MB | procs "
      "| accept p50 / p99 ms | host busy % | status |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    lat = (r.get("load") or {}).get("latency_ms", {})
    print(f"| {r['row']} | {r['client']} | {r['mta']} | {f(r.get('accept_msgs_s'))} | {f(r.get('e2e_msgs_s'))} | "
          f"{f(r.get('cpu_ms_per_msg'), '{:.2f}')} | {f(r.get('rss_peak_mb'))} | {f(r.get('pss_peak_mb'))} | "
          f"{r.get('procs_peak', '-')} | {f(lat.get('p50'), '{:.2f}')} / {f(lat.get('p99'), '{:.2f}')} | "
          f"{f(r.get('busy_pct_before'))} | {r.get('status')} |")
EOF
