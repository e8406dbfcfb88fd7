#!/usr/bin/env bash
# Sluice side by side with nginx and HAProxy on loopback; writes perf/RESULTS.md and prints it.
#
#   perf/compare.sh                      the full comparison (about 35 minutes)
#   perf/compare.sh --quick              shorter runs (5 s), still 3 repetitions (about 15 minutes)
#   perf/compare.sh --tests a,b --peers sluice,haproxy --reps 5
#   perf/compare.sh --tests a,b --sluice g1='-XX:+UseG1GC -Xms256m -Xmx1g' --sluice par='-XX:+UseParallelGC ...'
#   perf/compare.sh --tests d,e,f,r,t --keep-from DIR [--keep-peer sluice-tuned=sluice]
#                                        the other tests' rows come from an earlier run directory
#   perf/compare.sh --no-build ...       use app/target/sluice.jar and the perf jar as they are
#   perf/compare.sh --profile 30 [--profile-load h1|h2c|https]   JFR profile of Sluice under (a), (c) or (e)
#
# Layout: the proxy under test owns CPU 1 (taskset; one worker / thread / event loop); the
# backend (nginx, 13-byte body) and every load generator share CPU 0. Only 127.0.0.1 is used.
# Tests: (a) HTTP/1.1 keep-alive 64 conns max throughput (wrk); (b) fixed-rate open loop at 50% of
# the slowest proxy's (a), latency corrected for coordinated omission (perf's own Netty +
# HdrHistogram generator); (c) h2c and (d) h2 over TLS, h2load 16 conns x 16 streams; (e) HTTPS/1.1
# keep-alive (wrk); (f) a new TLS connection per request, full handshakes (tickets and session
# cache off); (r) the same with session resumption on, through perf's own client that resumes and
# counts resumptions; (t) TCP proxy throughput, one iperf3 stream; (g) RSS growth with idle
# keep-alive connections; (s) system calls per request at 1,000 req/s (strace -c); "direct" (no
# proxy) is the ceiling. Proxy CPU per request comes from /proc.
# See perf/README.md for options, method and how to read the table.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

# ----------------------------------------------------------------------------- options
REPS=3
DURATION=10          # seconds per throughput measurement (a, c, d, e, f, r)
TCP_DURATION=10      # seconds per iperf3 run (t)
RATE_DURATION=10     # seconds measured at the fixed rate (b)
RATE_WARMUP=3        # seconds of (b) left out of the figures
JVM_WARMUP=30        # seconds of load on each Sluice before the first measurement
C_WARMUP=3           # the same for nginx and HAProxy
IDLE_CONNS=10000     # (g) for Sluice
PEER_IDLE_CONNS=9000 # (g) for nginx / HAProxy / direct (HAProxy needs ~2 fds per connection; ulimit -n here is 20,000)
QUIET_BUSY=10        # a CPU is "quiet" below this % busy over a 2 s sample
QUIET_MAX_WAIT=90    # seconds to wait for a quiet machine before running anyway (and saying so)
TESTS="a,b,c,d,e,f,r,t,g,s"
PEERS="direct,nginx,haproxy,sluice"
OUT="$here/RESULTS.md"
SLUICE_VARIANTS=()   # NAME=JVM_OPTS; none means one "sluice" with the flags ./sluice ships
PROFILE=0            # seconds of JFR recording under the --profile-load load; 0 = compare instead
PROFILE_LOAD=h1      # h1 (wrk, as (a)), h2c (h2load, as (c)) or https (wrk over TLS, as (e))
KEEP_FROM=""         # an earlier run directory whose rows fill the tests not run now
KEEP_PEERS=()        # OLD=NEW: an earlier run's Sluice column that continues as this run's
NO_BUILD=0           # 1: use the jars as they are, however old (other work may be mid-edit)
FIXED_RATE_OPT=""    # (b) at this rate instead of 50% of the slowest proxy's (a)
CONNS=64
H2_CLIENTS=16
H2_STREAMS=16
HS_CONNS=32

usage() { sed -n '2,23p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) DURATION=5; TCP_DURATION=5; RATE_DURATION=5; RATE_WARMUP=2; JVM_WARMUP=20; shift ;;
    --reps) REPS="$2"; shift 2 ;;
    --duration) DURATION="$2"; RATE_DURATION="$2"; TCP_DURATION="$2"; shift 2 ;;
    --jvm-warmup) JVM_WARMUP="$2"; shift 2 ;;
    --tests) TESTS="$2"; shift 2 ;;
    --peers) PEERS="$2"; shift 2 ;;
    --sluice) SLUICE_VARIANTS+=("$2"); shift 2 ;;
    --idle-conns) IDLE_CONNS="$2"; PEER_IDLE_CONNS="$(( $2 < 9000 ? $2 : 9000 ))"; shift 2 ;;
    --quiet-wait) QUIET_MAX_WAIT="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --profile) PROFILE="$2"; shift 2 ;;
    --profile-load) PROFILE_LOAD="$2"; shift 2 ;;
    --rate) FIXED_RATE_OPT="$2"; shift 2 ;;
    --keep-from) KEEP_FROM="$2"; shift 2 ;;
    --keep-peer) KEEP_PEERS+=("$2"); shift 2 ;;
    --no-build) NO_BUILD=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "compare.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done
[ "$REPS" -ge 1 ] || { echo "--reps must be at least 1" >&2; exit 2; }
if [ "$PROFILE" -gt 0 ]; then
  PEERS=sluice
  case "$PROFILE_LOAD" in h1) TESTS="" ;; h2c) TESTS="c" ;; https) TESTS="e" ;;
    *) echo "--profile-load is h1, h2c or https" >&2; exit 2 ;; esac
fi
if [ -n "$KEEP_FROM" ] && [ ! -f "$KEEP_FROM/results.csv" ]; then
  echo "--keep-from $KEEP_FROM: no results.csv there" >&2; exit 2
fi

# Ports: backend 18080 (h1) 18090 (h2c) 18440 (TLS) 18450 (TLS, resumption on); iperf3 server 18500;
# nginx 18081/18091/18441/18451/18501 (TCP); HAProxy 18082/18092/18442/18452/18502; Sluice variant i:
# 18100+i (h1 and h2c on one port, codec AUTO), 18300+i (TLS), 18320+i (TLS, resumption on),
# 18340+i (TCP proxy), admin 18200+i.
declare -A H1_PORT=([direct]=18080 [nginx]=18081 [haproxy]=18082)
declare -A H2C_PORT=([direct]=18090 [nginx]=18091 [haproxy]=18092)
declare -A TLS_PORT=([direct]=18440 [nginx]=18441 [haproxy]=18442)
declare -A RESUME_PORT=([direct]=18450 [nginx]=18451 [haproxy]=18452)
declare -A TCP_PORT=([direct]=18500 [nginx]=18501 [haproxy]=18502)
declare -A PIDS_OF=()     # peer -> pid of its main process
declare -A SLUICE_OPTS=() # sluice peer -> JVM options ("" = ./sluice's own)
STARTED=()                # every pid this script started, for the trap

has_test() { [[ ",$TESTS," == *",$1,"* ]]; }
has_tls_test() { has_test d || has_test e || has_test f || has_test r; }
has_peer() { [[ ",$PEERS," == *",$1,"* ]]; }
log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ----------------------------------------------------------------------------- tools and build
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

ensure_tools() {
  local missing=() cmd pkg
  for pair in nginx:nginx haproxy:haproxy wrk:wrk h2load:nghttp2-client openssl:openssl taskset:util-linux \
              curl:curl java:openjdk-17-jdk-headless mvn:maven strace:strace iperf3:iperf3; do
    cmd="${pair%%:*}"; pkg="${pair#*:}"
    if ! command -v "$cmd" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$cmd" ]; then missing+=("$pkg"); fi
  done
  # Debian builds nginx's stream module (TCP proxying, test (t)) as a separate package.
  if has_test t && [ ! -f "$NGINX_STREAM_MODULE" ]; then missing+=(libnginx-mod-stream); fi
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  export PATH="$PATH:/usr/sbin"
  # Debian starts the packaged daemons on installation; they would compete for the CPUs.
  for svc in nginx haproxy; do
    if pgrep -x "$svc" >/dev/null 2>&1 && command -v service >/dev/null 2>&1; then
      as_root service "$svc" stop >/dev/null 2>&1 || true
    fi
  done
}

NGINX_STREAM_MODULE=/usr/lib/nginx/modules/ngx_stream_module.so
SLUICE_JAR="${SLUICE_JAR:-$root/app/target/sluice.jar}"   # SLUICE_JAR=FILE measures another build
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
JCMD="${JAVA_HOME:+$JAVA_HOME/bin/}jcmd"

# The JVM flags ./sluice ships with (its opts=( ... ) block, plus what it adds on JDK 24+).
shipped_sluice_opts() {
  local opts=() feature
  eval "$(sed -n '/^opts=(/,/^)/p' "$root/sluice")"
  feature=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  if [ "${feature:-17}" -ge 24 ] 2>/dev/null && grep -q -- '--sun-misc-unsafe-memory-access=allow' "$root/sluice"; then
    opts+=(--sun-misc-unsafe-memory-access=allow)
  fi
  echo "${opts[*]}"
}
PERF_JAR="${PERF_JAR:-$here/target/sluice-perf.jar}"   # PERF_JAR=FILE: a copy out of reach of mvn clean

stale() { # jar, source dirs...
  local jar="$1"; shift
  [ ! -f "$jar" ] && return 0
  [ -n "$(find "$@" -newer "$jar" -print -quit 2>/dev/null)" ]
}

build() {
  if [ "$NO_BUILD" = 1 ]; then
    [ -f "$SLUICE_JAR" ] && [ -f "$PERF_JAR" ] || die "--no-build, but $SLUICE_JAR or $PERF_JAR is missing"
    return
  fi
  local srcs=()
  for m in proxy-core routing tls listeners xds-client app; do srcs+=("$root/$m/src/main"); done
  if stale "$SLUICE_JAR" "${srcs[@]}" || stale "$PERF_JAR" "$here/src/main" "$here/pom.xml"; then
    log "building Sluice and the perf jar (mvn -Pjmh -pl app,perf -am install -DskipTests)"
    (cd "$root" && { mvn -B -q -Pjmh -DskipTests -pl app,perf -am install \
      || mvn -B -q -o -Pjmh -DskipTests -pl app,perf -am install; }) >&2 || die "build failed"
  fi
  [ -f "$SLUICE_JAR" ] && [ -f "$PERF_JAR" ] || die "build produced no jars"
}

# ----------------------------------------------------------------------------- measurement helpers
CLK_TCK=$(getconf CLK_TCK)

# The pids of a peer: its main process and its children (nginx workers).
peer_pids() { local p="$1"; echo "$p"; pgrep -P "$p" 2>/dev/null || true; }

# utime+stime ticks of a process tree.
cpu_ticks() {
  local total=0 t
  for pid in $(peer_pids "$1"); do
    t=$(awk '{ s=$0; sub(/.*\) /, "", s); split(s, f, " "); print f[12] + f[13] }' "/proc/$pid/stat" 2>/dev/null || echo 0)
    total=$((total + t))
  done
  echo "$total"
}

# Resident set of a process tree in KiB.
rss_kb() {
  local total=0 r
  for pid in $(peer_pids "$1"); do
    r=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
    total=$((total + ${r:-0}))
  done
  echo "$total"
}

# "busy_ticks total_ticks steal_ticks" of one CPU from /proc/stat.
cpu_line() { awk -v c="cpu$1" '$1 == c { print $2+$3+$4+$7+$8, $2+$3+$4+$5+$6+$7+$8+$9, $9 }' /proc/stat; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", (b > 0 ? 100 * a / b : 0) }'; }

# Per-process CPU ticks, "pid ticks comm" (comm may hold spaces).
proc_ticks() {
  cat /proc/[0-9]*/stat 2>/dev/null | awk '{ line=$0; c=line; sub(/^[0-9]+ \(/, "", c); sub(/\) [^)]*$/, "", c);
    rest=line; sub(/.*\) /, "", rest); split(rest, f, " "); gsub(/ /, "_", c); print $1, f[12] + f[13], c }'
}

# Waits (bounded) until both CPUs are under QUIET_BUSY % over a 2 s sample. Echoes "ok ..." or
# "busy ..." with the load average and the busiest other processes, for the results.
quiet_check() {
  local deadline=$((SECONDS + QUIET_MAX_WAIT)) a0 a1 b0 b1 busy0 busy1 steal before after top load
  while :; do
    before=$(proc_ticks); a0=($(cpu_line 0)); a1=($(cpu_line 1))
    sleep 2
    b0=($(cpu_line 0)); b1=($(cpu_line 1)); after=$(proc_ticks)
    busy0=$(pct $((b0[0] - a0[0])) $((b0[1] - a0[1])))
    busy1=$(pct $((b1[0] - a1[0])) $((b1[1] - a1[1])))
    steal=$(pct $((b0[2] - a0[2] + b1[2] - a1[2])) $((b0[1] - a0[1] + b1[1] - a1[1])))
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    if [ "$busy0" -lt "$QUIET_BUSY" ] && [ "$busy1" -lt "$QUIET_BUSY" ]; then
      echo "ok cpu0=${busy0}% cpu1=${busy1}% steal=${steal}% load=${load// //}"
      return
    fi
    if [ $SECONDS -ge $deadline ]; then
      top=$(join <(sort -k1,1 <<<"$before") <(sort -k1,1 <<<"$after") 2>/dev/null \
        | awk -v hz="$CLK_TCK" '{ d = $4 - $2; if (d > 0) printf "%d %s[%s]:%d%%\n", d, $3, $1, 100 * d / (2 * hz) }' \
        | sort -rn | awk 'NR <= 4 { printf "%s ", $2 }') || true
      echo "busy cpu0=${busy0}% cpu1=${busy1}% steal=${steal}% load=${load// //} top: ${top% }"
      return
    fi
    sleep 3
  done
}

# "pauses nanoseconds" of a JVM: the sum over its collectors' pause counters (every HotSpot
# collector names them "... pauses"); empty for other processes.
gc_pauses() {
  "$JCMD" "$1" PerfCounter.print 2>/dev/null | awk -F= '
    $1 ~ /^sun\.gc\.collector\.[0-9]+\.invocations$/ { n += $2 }
    $1 ~ /^sun\.gc\.collector\.[0-9]+\.time$/ { t += $2 }
    END { if (NR) print n + 0, t + 0 }'
}

RESULTS=""  # set in main
record() { echo "$1,$2,$3,$4,$5" >>"$RESULTS"; }  # test peer rep metric value

wait_port() { # port, seconds
  local deadline=$((SECONDS + $2))
  until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
    [ $SECONDS -ge $deadline ] && return 1
    sleep 0.2
  done
}

# ----------------------------------------------------------------------------- peers
write_configs() {
  local d="$RUN/conf"
  mkdir -p "$d" "$RUN/tmp"
  # One ECDSA P-256 certificate for every TLS listener. TLS 1.3 only; key exchange and cipher are
  # each side's default and come out the same for all (X25519, TLS_AES_256_GCM_SHA384 with the
  # OpenSSL clients wrk and h2load): tls_check in the results records what each listener negotiated.
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
    -keyout "$d/key.pem" -out "$d/cert.pem" 2>/dev/null
  cat "$d/cert.pem" "$d/key.pem" >"$d/combined.pem"

  cat >"$d/backend.conf" <<EOC
# The origin: one worker on CPU 0 answering a fixed 13-byte body. /xfp echoes x-forwarded-proto
# (checked once per proxy before anything is measured).
worker_processes 1;
worker_cpu_affinity 01;
worker_rlimit_nofile 20000;
daemon off;
pid $RUN/tmp/backend.pid;
error_log $RUN/logs/backend-error.log warn;
events { worker_connections 12000; }
http {
  access_log off;
  default_type text/plain;
  keepalive_requests 100000000;
  keepalive_timeout 600s;
  client_body_temp_path $RUN/tmp/backend-body;
  ssl_protocols TLSv1.3;
  ssl_session_cache off;
  ssl_session_tickets off;
  ssl_certificate $d/cert.pem;
  ssl_certificate_key $d/key.pem;
  server {
    listen 127.0.0.1:${H1_PORT[direct]} backlog=4096;
    listen 127.0.0.1:${H2C_PORT[direct]} http2 backlog=4096;
    listen 127.0.0.1:${TLS_PORT[direct]} ssl http2 backlog=4096;
    location / { return 200 "hello, world\n"; }
    location = /xfp { return 200 "\$http_x_forwarded_proto\n"; }
  }
  # (r): session resumption on (tickets, and the cache for clients that offer session ids).
  server {
    listen 127.0.0.1:${RESUME_PORT[direct]} ssl http2 backlog=4096;
    ssl_session_tickets on;
    ssl_session_cache shared:resume:10m;
    location / { return 200 "hello, world\n"; }
  }
}
EOC

  local stream_module="" stream_block=""
  if has_test t; then
    stream_module="load_module $NGINX_STREAM_MODULE;"
    stream_block="
# (t): TCP proxying, nginx's defaults otherwise (16k buffer).
stream {
  server {
    listen 127.0.0.1:${TCP_PORT[nginx]} backlog=4096;
    proxy_pass 127.0.0.1:${TCP_PORT[direct]};
  }
}"
  fi
  cat >"$d/nginx.conf" <<EOC
# nginx as a proxy: one worker (the process is pinned to CPU 1), upstream keep-alive, and the
# same forwarding headers Sluice adds, so that both do the same work.
$stream_module
worker_processes 1;
worker_rlimit_nofile 20000;
daemon off;
pid $RUN/tmp/nginx.pid;
error_log $RUN/logs/nginx-error.log warn;
events { worker_connections 12000; }
http {
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 600s;
  client_body_temp_path $RUN/tmp/nginx-body;
  proxy_temp_path $RUN/tmp/nginx-proxy;
  ssl_protocols TLSv1.3;
  ssl_session_cache off;
  ssl_session_tickets off;
  ssl_certificate $d/cert.pem;
  ssl_certificate_key $d/key.pem;
  upstream backend {
    server 127.0.0.1:${H1_PORT[direct]};
    keepalive 128;
    keepalive_requests 100000000;
    keepalive_timeout 600s;
  }
  server {
    listen 127.0.0.1:${H1_PORT[nginx]} backlog=4096;
    listen 127.0.0.1:${H2C_PORT[nginx]} http2 backlog=4096;
    listen 127.0.0.1:${TLS_PORT[nginx]} ssl http2 backlog=4096;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
    }
  }
  # (r): session resumption on.
  server {
    listen 127.0.0.1:${RESUME_PORT[nginx]} ssl http2 backlog=4096;
    ssl_session_tickets on;
    ssl_session_cache shared:resume:10m;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
    }
  }
}
$stream_block
EOC

  cat >"$d/haproxy.cfg" <<EOC
# HAProxy: one thread (the process is pinned to CPU 1), server connections reused, forwarding
# headers as Sluice adds them. maxconn stays under the 20,000 file-descriptor limit (2 per conn).
# The session cache is global (off); tickets are off on the (d)(e)(f) bind and on (HAProxy's
# default) on (r)'s, which is all TLS 1.3 resumption needs.
global
  nbthread 1
  maxconn 9500
  tune.ssl.cachesize 0
  ssl-default-bind-options ssl-min-ver TLSv1.3
  log stderr format short local0 warning
defaults
  mode http
  maxconn 9500
  timeout connect 5s
  timeout client 600s
  timeout server 60s
  timeout http-keep-alive 600s
  timeout http-request 60s
  http-reuse always
  option forwardfor
frontend fe
  bind 127.0.0.1:${H1_PORT[haproxy]} backlog 4096
  bind 127.0.0.1:${H2C_PORT[haproxy]} proto h2 backlog 4096
  bind 127.0.0.1:${TLS_PORT[haproxy]} ssl crt $d/combined.pem alpn h2,http/1.1 no-tls-tickets backlog 4096
  bind 127.0.0.1:${RESUME_PORT[haproxy]} ssl crt $d/combined.pem alpn h2,http/1.1 backlog 4096
  http-request set-header X-Forwarded-Proto https if { ssl_fc }
  http-request set-header X-Forwarded-Proto http if !{ ssl_fc }
  default_backend be
backend be
  server origin 127.0.0.1:${H1_PORT[direct]}
# (t): TCP proxying, HAProxy's defaults otherwise (16k buffers, no splicing).
defaults tcp
  mode tcp
  maxconn 9500
  timeout connect 5s
  timeout client 600s
  timeout server 600s
listen tcp_bench
  bind 127.0.0.1:${TCP_PORT[haproxy]} backlog 4096
  server iperf 127.0.0.1:${TCP_PORT[direct]}
EOC
}

# The HTTP connection manager of every Sluice listener, as one YAML list item (indented 6).
sluice_hcm() {
  cat <<'EOC'
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: bench
          codec_type: AUTO
          generate_request_id: false
          route_config:
            name: bench
            virtual_hosts:
            - name: all
              domains: ["*"]
              routes:
              - match: { prefix: / }
                route: { cluster: backend }
          http_filters:
          - name: envoy.filters.http.router
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
EOC
}

# A TLS transport socket with the peers' settings (indented 6); $1 true = resumption off.
sluice_tls() {
  cat <<EOC
      transport_socket:
        name: envoy.transport_sockets.tls
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
EOC
  if [ "$1" = true ]; then
    cat <<EOC
          disable_stateless_session_resumption: true
          disable_stateful_session_resumption: true
EOC
  fi
  cat <<EOC
          common_tls_context:
            alpn_protocols: [h2, http/1.1]
            tls_params:
              tls_minimum_protocol_version: TLSv1_3
              tls_maximum_protocol_version: TLSv1_3
            tls_certificates:
            - certificate_chain: { filename: $RUN/conf/cert.pem }
              private_key: { filename: $RUN/conf/key.pem }
EOC
}

write_sluice_config() { # peer index
  local peer="$1" i="$2" f="$RUN/conf/$1.yaml"
  {
    cat <<EOC
# Sluice: a listener with codec AUTO (HTTP/1.1 and h2c prior knowledge on one port) forwarding
# everything to the backend; for the TLS tests the same behind TLS (resumption off for (d)(e)(f),
# Envoy's default, tickets on, for (r)); for (t) a TCP proxy to the iperf3 server. Request ids are
# off, as Envoy's benchmarking guide asks; x-forwarded-for and x-forwarded-proto are Sluice's own
# (the peers are configured to add them too).
admin:
  address:
    socket_address: { address: 127.0.0.1, port_value: ${ADMIN_PORT[$peer]} }
static_resources:
  listeners:
  - name: bench
    address:
      socket_address: { address: 127.0.0.1, port_value: ${H1_PORT[$peer]} }
    filter_chains:
    - filters:
EOC
    sluice_hcm
    if has_tls_test; then
      cat <<EOC
  - name: bench_tls
    address:
      socket_address: { address: 127.0.0.1, port_value: ${TLS_PORT[$peer]} }
    filter_chains:
    - filters:
EOC
      sluice_hcm
      sluice_tls true
      cat <<EOC
  - name: bench_tls_resume
    address:
      socket_address: { address: 127.0.0.1, port_value: ${RESUME_PORT[$peer]} }
    filter_chains:
    - filters:
EOC
      sluice_hcm
      sluice_tls false
    fi
    if has_test t; then
      cat <<EOC
  - name: bench_tcp
    address:
      socket_address: { address: 127.0.0.1, port_value: ${TCP_PORT[$peer]} }
    filter_chains:
    - filters:
      - name: envoy.filters.network.tcp_proxy
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
          stat_prefix: bench_tcp
          cluster: iperf
EOC
    fi
    cat <<EOC
  clusters:
  - name: backend
    type: STATIC
    connect_timeout: 1s
    lb_policy: ROUND_ROBIN
    load_assignment:
      cluster_name: backend
      endpoints:
      - lb_endpoints:
        - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: ${H1_PORT[direct]} } } }
EOC
    if has_test t; then
      cat <<EOC
  - name: iperf
    type: STATIC
    connect_timeout: 1s
    load_assignment:
      cluster_name: iperf
      endpoints:
      - lb_endpoints:
        - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: ${TCP_PORT[direct]} } } }
EOC
    fi
  } >"$f"
}

start_bg() { # name cpu command...  -> sets LAST_PID
  local name="$1" cpu="$2"; shift 2
  taskset -c "$cpu" "$@" >"$RUN/logs/$name.out" 2>&1 &
  LAST_PID=$!
  STARTED+=("$LAST_PID")
}

start_peers() {
  start_bg backend 0 nginx -p "$RUN/tmp" -c "$RUN/conf/backend.conf"
  PIDS_OF[direct]=$LAST_PID
  wait_port "${H1_PORT[direct]}" 10 || die "backend nginx did not start: $(cat "$RUN/logs/backend.out")"
  if has_test t; then
    start_bg iperf3 0 iperf3 -s -B 127.0.0.1 -p "${TCP_PORT[direct]}"
    IPERF_PID=$LAST_PID
    wait_port "${TCP_PORT[direct]}" 10 || die "iperf3 server did not start: $(cat "$RUN/logs/iperf3.out")"
  fi
  if has_peer nginx; then
    start_bg nginx 1 nginx -p "$RUN/tmp" -c "$RUN/conf/nginx.conf"
    PIDS_OF[nginx]=$LAST_PID
    wait_port "${H1_PORT[nginx]}" 10 || die "nginx did not start: $(cat "$RUN/logs/nginx.out")"
  fi
  if has_peer haproxy; then
    start_bg haproxy 1 haproxy -db -f "$RUN/conf/haproxy.cfg"
    PIDS_OF[haproxy]=$LAST_PID
    wait_port "${H1_PORT[haproxy]}" 10 || die "haproxy did not start: $(cat "$RUN/logs/haproxy.out")"
  fi
  # Sluice runs from a copy of the jar: a JVM loads classes lazily, and a rebuild of
  # app/target/sluice.jar during the run (anyone's mvn install) would break the running proxy.
  [ ${#SLUICES[@]} -gt 0 ] && cp "$SLUICE_JAR" "$RUN/sluice.jar"
  local i=0 peer port
  for peer in "${SLUICES[@]}"; do
    H1_PORT[$peer]=$((18100 + i)); H2C_PORT[$peer]=$((18100 + i)); ADMIN_PORT[$peer]=$((18200 + i))
    TLS_PORT[$peer]=$((18300 + i)); RESUME_PORT[$peer]=$((18320 + i)); TCP_PORT[$peer]=$((18340 + i))
    write_sluice_config "$peer" "$i"
    local opts=()
    read -r -a opts <<<"${SLUICE_OPTS[$peer]}"
    if [ "$PROFILE" -gt 0 ]; then
      # Deep stacks for JFR; Netty's native libraries (BoringSSL among them) kept on disk in the run
      # directory, so that perf can name their symbols.
      mkdir -p "$RUN/tmp/native-$peer"
      opts+=(-XX:FlightRecorderOptions:stackdepth=128 -Dio.netty.native.workdir="$RUN/tmp/native-$peer"
        -Dio.netty.native.deleteLibAfterLoading=false)
    fi
    start_bg "$peer" 1 "$JAVA" "${opts[@]}" -jar "$RUN/sluice.jar" run -c "$RUN/conf/$peer.yaml" --concurrency 1 -l warn
    PIDS_OF[$peer]=$LAST_PID
    wait_port "${H1_PORT[$peer]}" 60 || die "$peer did not start: $(tail -5 "$RUN/logs/$peer.out")"
    i=$((i + 1))
  done
  # Every peer answers on every port it is measured on before anything is measured.
  for peer in "${ALL_PEERS[@]}"; do
    curl -fsS -m 10 -o /dev/null "http://127.0.0.1:${H1_PORT[$peer]}/" || die "$peer does not answer on ${H1_PORT[$peer]}"
    if has_tls_test; then
      for port in "${TLS_PORT[$peer]}" "${RESUME_PORT[$peer]}"; do
        wait_port "$port" 20 || die "$peer: nothing listens on $port"
        curl -fsS -k -m 10 -o /dev/null "https://127.0.0.1:$port/" || die "$peer does not answer HTTPS on $port"
      done
    fi
    if has_test t; then wait_port "${TCP_PORT[$peer]}" 20 || die "$peer: nothing listens on ${TCP_PORT[$peer]}"; fi
  done
  if has_tls_test; then check_tls; fi
}

# What each TLS listener negotiates with an OpenSSL client (as wrk and h2load are), into meta.txt,
# and that every proxy tells the backend the request came over TLS (x-forwarded-proto: https;
# Sluice sets it itself, the peers are configured to).
check_tls() {
  local peer out line xfp
  for peer in "${ALL_PEERS[@]}"; do
    out=$(timeout 10 openssl s_client -connect "127.0.0.1:${TLS_PORT[$peer]}" -alpn h2,http/1.1 </dev/null 2>&1 | tr -d '\0' || true)
    line=$(awk '/^New, / { sub(/,$/, "", $2); p = $2; c = $NF } /^Server Temp Key:/ { k = $4; sub(/,$/, "", k) }
      /^ALPN protocol:/ { a = $3 } /^Peer signature type:/ { s = $4 }
      END { printf "%s %s %s, ALPN %s, %s", p, c, k, (a ? a : "none"), s }' <<<"$out")
    echo "tls_check=$(title_of "$peer"): $line" >>"$RUN/meta.txt"
    [[ "$line" == TLSv1.3* ]] || log "warning: $peer negotiated '$line'"
    if [ "$peer" != direct ]; then
      xfp=$(curl -fsS -k -m 10 --http1.1 "https://127.0.0.1:${TLS_PORT[$peer]}/xfp" 2>/dev/null || true)
      [ "$xfp" = https ] || die "$peer forwarded x-forwarded-proto '$xfp' for an HTTPS request, not 'https'"
    fi
  done
}

title_of() { case "$1" in direct) echo direct ;; nginx) echo nginx ;; haproxy) echo HAProxy ;; *) echo "$1" ;; esac; }

stop_all() {
  local pid
  for pid in "${STARTED[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${STARTED[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  STARTED=()
}
trap 'stop_all' EXIT
trap 'log "interrupted"; exit 130' INT TERM

# ----------------------------------------------------------------------------- loads
LOADGEN=("$JAVA" -XX:+UseSerialGC -Xms256m -Xmx256m -XX:+AlwaysPreTouch -Dio.netty.leakDetection.level=disabled
  -cp "$PERF_JAR" dev.sluice.perf.load.LoadMain)

# Runs one measurement of a peer: quiet check, CPU before/after, the load; records figures.
measure() { # test peer rep
  local test="$1" peer="$2" rep="$3" pid="${PIDS_OF[$2]}" q out t0 t1 c0 c1 requests a0 a1 p0 p1
  # (t) direct: iperf3 client to server, no proxy; its CPU figure would be iperf3's, not a proxy's.
  [ "$test" = t ] && [ "$peer" = direct ] && pid=""
  q=$(quiet_check)
  record "$test" "$peer" "$rep" quiet "$q"
  log "($test) $peer rep $rep  [$q]"
  local g0=() g1=()
  [[ "$peer" == sluice* ]] && g0=($(gc_pauses "$pid"))
  local z0=() z1=()
  z0=($(cpu_line 0))
  t0=$([ -n "$pid" ] && cpu_ticks "$pid" || echo 0); c0=($(cpu_line 1)); p0=$(awk '/^Tcp:/ && $2 ~ /^[0-9]/ { print $7 }' /proc/net/snmp)
  case "$test" in
    a) out=$(timeout $((DURATION + 30)) taskset -c 0 wrk -t1 -c"$CONNS" -d"${DURATION}s" --timeout 5s \
         "http://127.0.0.1:${H1_PORT[$peer]}/" 2>&1) || true ;;
    b) out=$(timeout $((RATE_WARMUP + RATE_DURATION + 60)) taskset -c 0 "${LOADGEN[@]}" rate \
         --url "http://127.0.0.1:${H1_PORT[$peer]}/" --connections "$CONNS" --rate "$FIXED_RATE" \
         --duration "$RATE_DURATION" --warmup "$RATE_WARMUP" --hlog "$RUN/hlog/b-$peer-$rep.hlog" 2>&1) || true ;;
    c) out=$(timeout $((DURATION + 30)) taskset -c 0 h2load -t1 -c"$H2_CLIENTS" -m"$H2_STREAMS" -D "$DURATION" \
         "http://127.0.0.1:${H2C_PORT[$peer]}/" 2>&1) || true ;;
    d) out=$(timeout $((DURATION + 30)) taskset -c 0 h2load -t1 -c"$H2_CLIENTS" -m"$H2_STREAMS" -D "$DURATION" \
         "https://127.0.0.1:${TLS_PORT[$peer]}/" 2>&1) || true ;;
    e) out=$(timeout $((DURATION + 30)) taskset -c 0 wrk -t1 -c"$CONNS" -d"${DURATION}s" --timeout 5s \
         "https://127.0.0.1:${TLS_PORT[$peer]}/" 2>&1) || true ;;
    f) out=$(timeout $((DURATION + 30)) taskset -c 0 wrk -t1 -c"$HS_CONNS" -d"${DURATION}s" --timeout 5s \
         -H 'Connection: close' "https://127.0.0.1:${TLS_PORT[$peer]}/" 2>&1) || true ;;
    r) out=$(timeout $((DURATION + 60)) taskset -c 0 "${LOADGEN[@]}" handshakes \
         --url "https://127.0.0.1:${RESUME_PORT[$peer]}/" --connections "$HS_CONNS" --duration "$DURATION" \
         --warmup 2 --resume true 2>&1) || true ;;
    t) out=$(timeout $((TCP_DURATION + 30)) taskset -c 0 iperf3 -c 127.0.0.1 -p "${TCP_PORT[$peer]}" \
         -t "$TCP_DURATION" -f m 2>&1) || true ;;
  esac
  t1=$([ -n "$pid" ] && cpu_ticks "$pid" || echo 0); c1=($(cpu_line 1)); p1=$(awk '/^Tcp:/ && $2 ~ /^[0-9]/ { print $7 }' /proc/net/snmp)
  z1=($(cpu_line 0))
  [[ "$peer" == sluice* ]] && g1=($(gc_pauses "$pid"))
  if [ ${#g0[@]} -eq 2 ] && [ ${#g1[@]} -eq 2 ]; then
    record "$test" "$peer" "$rep" gc_pauses "$((g1[0] - g0[0]))"
    record "$test" "$peer" "$rep" gc_pause_ms "$(awk -v t=$((g1[1] - g0[1])) 'BEGIN { printf "%.1f", t / 1e6 }')"
  fi
  echo "== ($test) $peer rep $rep" >>"$RUN/logs/loads.log"; echo "$out" >>"$RUN/logs/loads.log"
  requests=""
  case "$test" in
    a|e|f)
      requests=$(awk '/requests in/ { print $1 }' <<<"$out")
      local rps; rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
      record "$test" "$peer" "$rep" "$([ "$test" = f ] && echo hs_per_s || echo rps)" "${rps:-0}"
      record "$test" "$peer" "$rep" non2xx "$(awk '/Non-2xx or 3xx responses:/ && !n++ { print $NF }' <<<"$out")"
      record "$test" "$peer" "$rep" socket_errors "$(awk '/Socket errors:/ { gsub(/,/, ""); print $4 + $6 + $8 + $10 }' <<<"$out")"
      if [ "$test" = f ] && [ -n "$requests" ] && [ "$requests" -gt 0 ]; then
        record f "$peer" "$rep" accepts_per_req "$(awk -v a=$((p1 - p0)) -v r="$requests" 'BEGIN { printf "%.2f", a / r }')"
      fi ;;
    b)
      local line; line=$(grep '^target_rps=' <<<"$out" || true)
      [ -n "$line" ] || { log "load generator failed: $(tail -3 <<<"$out")"; record b "$peer" "$rep" note "generator failed"; return; }
      for kv in $line; do
        case "${kv%%=*}" in
          achieved_rps|p50_us|p99_us|p999_us|non2xx|errors|unsent|timed_out|reconnects|lag_p99_us) record b "$peer" "$rep" "${kv%%=*}" "${kv#*=}" ;;
        esac
      done
      record b "$peer" "$rep" hlog "hlog/b-$peer-$rep.hlog"
      requests=$(tr ' ' '\n' <<<"$line" | awk -F= '$1 == "sent_total" { print $2 }') ;;
    r)
      local line; line=$(grep '^handshakes=' <<<"$out" || true)
      [ -n "$line" ] || { log "handshake client failed: $(tail -3 <<<"$out")"; record r "$peer" "$rep" note "client failed"; return; }
      local kv
      for kv in $line; do
        case "${kv%%=*}" in
          hs_per_s|resumed_pct|non2xx|errors|protocol|cipher) record r "$peer" "$rep" "${kv%%=*}" "${kv#*=}" ;;
        esac
      done
      # CPU and accepts cover the whole run, the client's warm-up seconds included: divide by
      # every exchange it completed, not only the measured ones.
      requests=$(tr ' ' '\n' <<<"$line" | awk -F= '$1 == "responses_total" { print $2 }')
      if [ -n "$requests" ] && [ "$requests" -gt 0 ]; then
        record r "$peer" "$rep" accepts_per_req "$(awk -v a=$((p1 - p0)) -v r="$requests" 'BEGIN { printf "%.2f", a / r }')"
      fi ;;
    t)
      # iperf3's summary: "[  5]   0.00-10.00  sec  NNN MBytes  NNN Mbits/sec    receiver".
      local mbits; mbits=$(awk '/receiver$/ { for (i = 1; i < NF; i++) if ($(i + 1) == "Mbits/sec") v = $i } END { print v }' <<<"$out")
      [ -n "$mbits" ] || { log "iperf3 failed: $(tail -3 <<<"$out")"; record t "$peer" "$rep" note "iperf3 failed"; return; }
      record t "$peer" "$rep" gbps "$(awk -v m="$mbits" 'BEGIN { printf "%.2f", m / 1000 }')"
      record t "$peer" "$rep" retransmits "$(awk '/sender$/ { print $(NF - 1) }' <<<"$out")"
      if [ -n "$pid" ]; then
        # Proxy CPU per GB carried: the run's ticks over the bytes the receiver got.
        record t "$peer" "$rep" cpu_ms_per_gb "$(awk -v t=$((t1 - t0)) -v hz="$CLK_TCK" -v m="$mbits" -v s="$TCP_DURATION" \
          'BEGIN { gb = m * s / 8000; if (gb > 0) printf "%.1f", t * 1000 / hz / gb }')"
      fi ;;
    c|d)
      requests=$(awk '/^requests:/ { print $6 }' <<<"$out")
      record "$test" "$peer" "$rep" rps "$(awk '/^finished in/ { print $4 }' <<<"$out")"
      record "$test" "$peer" "$rep" failed "$(awk '/^requests:/ { print $10 + $12 + $14 }' <<<"$out")"
      record "$test" "$peer" "$rep" non2xx "$(awk '/^status codes:/ { print $5 + $7 + $9 }' <<<"$out")" ;;
  esac
  if [ -n "$requests" ] && [ "$requests" -gt 0 ] 2>/dev/null; then
    local us; us=$(awk -v t=$((t1 - t0)) -v hz="$CLK_TCK" -v r="$requests" 'BEGIN { printf "%.1f", t * 1e6 / hz / r }')
    # For "direct" this is the backend's own CPU per request.
    record "$test" "$peer" "$rep" "$([[ "$test" =~ ^[fr]$ ]] && echo cpu_us_per_hs || echo cpu_us_per_req)" "$us"
  fi
  record "$test" "$peer" "$rep" cpu1_busy_pct "$(pct $((c1[0] - c0[0])) $((c1[1] - c0[1])))"
  record "$test" "$peer" "$rep" cpu0_busy_pct "$(pct $((z1[0] - z0[0])) $((z1[1] - z0[1])))"
}

# (g): idle keep-alive connections; RSS of the peer before and after.
measure_idle() { # peer rep
  local peer="$1" rep="$2" pid="${PIDS_OF[$1]}" n q before after ready release client line
  n=$([[ "$peer" == sluice* ]] && echo "$IDLE_CONNS" || echo "$PEER_IDLE_CONNS")
  q=$(quiet_check)
  record g "$peer" "$rep" quiet "$q"
  log "(g) $peer rep $rep: $n idle connections  [$q]"
  ready="$RUN/tmp/idle-ready"; release="$RUN/tmp/idle-release"; rm -f "$ready" "$release"
  before=$(rss_kb "$pid")
  local live0="" live1=""
  [[ "$peer" == sluice* ]] && live0=$(live_heap "$pid" "$RUN/tmp/histo0")
  taskset -c 0 "${LOADGEN[@]}" idle --url "http://127.0.0.1:${H1_PORT[$peer]}/" --connections "$n" \
    --concurrency 32 --ready-file "$ready" --release-file "$release" --max-hold 300 \
    >"$RUN/tmp/idle.out" 2>"$RUN/logs/idle-$peer-$rep.err" &
  client=$!; STARTED+=("$client")
  local deadline=$((SECONDS + 240))
  until [ -f "$ready" ] || [ $SECONDS -ge $deadline ] || ! kill -0 "$client" 2>/dev/null; do sleep 0.5; done
  sleep 3 # let the peer settle
  after=$(rss_kb "$pid")
  [[ "$peer" == sluice* ]] && live1=$(live_heap "$pid" "$RUN/tmp/histo1")
  touch "$release"
  deadline=$((SECONDS + 60))
  while kill -0 "$client" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
  kill -KILL "$client" 2>/dev/null || true; wait "$client" 2>/dev/null || true
  line="$(cat "$ready" 2>/dev/null || true) $(tail -1 "$RUN/tmp/idle.out" 2>/dev/null || true)"
  local ok; ok=$(tr ' ' '\n' <<<"$line" | awk -F= '$1 == "idle_ok" { v = $2 } END { print v + 0 }')
  record g "$peer" "$rep" conns "$ok"
  record g "$peer" "$rep" rss_before_kb "$before"
  record g "$peer" "$rep" rss_loaded_mb "$(awk -v k="$before" 'BEGIN { printf "%.1f", k / 1024 }')"
  record g "$peer" "$rep" rss_after_kb "$after"
  record g "$peer" "$rep" closed_while_idle "$(tr ' ' '\n' <<<"$line" | awk -F= '$1 == "closed_while_idle" { v = $2 } END { print v + 0 }')"
  record g "$peer" "$rep" idle_failed "$(tr ' ' '\n' <<<"$line" | awk -F= '$1 == "idle_failed" { v = $2 } END { print v + 0 }')"
  if [ "$ok" -gt 0 ]; then
    record g "$peer" "$rep" rss_b_per_conn "$(awk -v a="$after" -v b="$before" -v n="$ok" 'BEGIN { printf "%.0f", (a - b) * 1024 / n }')"
    if [ -n "$live0" ] && [ -n "$live1" ]; then
      record g "$peer" "$rep" heap_b_per_conn "$(awk -v a="$live1" -v b="$live0" -v n="$ok" 'BEGIN { printf "%.0f", (a - b) / n }')"
      heap_diff "$RUN/tmp/histo0" "$RUN/tmp/histo1" "$ok" >"$RUN/heap-per-conn-$peer-$rep.txt"
    fi
  fi
  # The connections close; give the peer a moment before the next one runs.
  sleep 2
}

# (s): system calls per request, counted by strace -c on every thread of the peer while the load
# generator sends 1,000 req/s for 5 s (each request alone: no batching helps anyone).
measure_syscalls() { # peer rep
  local peer="$1" rep="$2" pid="${PIDS_OF[$1]}" q args=() t out sent strace_pid
  q=$(quiet_check)
  record s "$peer" "$rep" quiet "$q"
  log "(s) $peer rep $rep  [$q]"
  for p in $(peer_pids "$pid"); do for t in /proc/"$p"/task/*; do args+=(-p "${t##*/}"); done; done
  strace -c -f -o "$RUN/tmp/strace-$peer-$rep.txt" "${args[@]}" 2>/dev/null &
  strace_pid=$!; STARTED+=("$strace_pid")
  sleep 1
  out=$(timeout 60 taskset -c 0 "${LOADGEN[@]}" rate --url "http://127.0.0.1:${H1_PORT[$peer]}/" --connections 16 \
    --rate 1000 --duration 5 --warmup 0 2>&1) || true
  sleep 0.5
  kill -INT "$strace_pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$strace_pid" 2>/dev/null || break; sleep 0.1; done
  wait "$strace_pid" 2>/dev/null || true
  sent=$(tr ' ' '\n' <<<"$out" | awk -F= '$1 == "sent_total" { print $2 }')
  [ -n "$sent" ] && [ "$sent" -gt 0 ] || { record s "$peer" "$rep" note "no load"; return; }
  # strace -c: "% time seconds usecs/call calls errors syscall"; the total line names "total".
  awk -v n="$sent" -v peer="$peer" -v rep="$rep" '
    $NF == "total" { printf "s,%s,%s,syscalls_per_req,%.2f\n", peer, rep, $4 / n; next }
    $1 ~ /^[0-9.]+$/ && $4 ~ /^[0-9]+$/ { printf "s,%s,%s,sc_%s,%.2f\n", peer, rep, $NF, $4 / n }
  ' "$RUN/tmp/strace-$peer-$rep.txt" >>"$RESULTS"
}

# Live Java heap in bytes: the total of a class histogram, which runs a full GC first. The
# histogram is kept (second argument) so that the growth can be attributed to classes.
live_heap() {
  "$JCMD" "$1" GC.class_histogram >"$2" 2>/dev/null || true
  awk '/^Total/ { print $3 }' "$2"
}

# The classes that grew most between two class histograms, in bytes per connection.
heap_diff() { # before after connections
  awk -v n="$3" 'FNR == NR && $1 ~ /^[0-9]+:$/ { b[$4] = $3; bi[$4] = $2; next }
    $1 ~ /^[0-9]+:$/ { d = $3 - b[$4]; if (d > 0) printf "%8.0f B  %6.2f objects  %s\n", d / n, ($2 - bi[$4]) / n, $4 }
    FNR == NR { next }' "$1" "$2" | sort -rn | awk 'NR <= 25'
}

warm_up() {
  local peer secs short what
  for peer in "${ALL_PEERS[@]}"; do
    secs=$([[ "$peer" == sluice* ]] && echo "$JVM_WARMUP" || echo "$C_WARMUP")
    short=$((secs / 4 + 1))
    what="HTTP/1.1 ${secs}s"
    has_test c && what+=", h2c $((secs / 2 + 1))s"
    has_tls_test && what+=", HTTPS/1.1 $((secs / 2 + 1))s"
    has_test d && what+=", h2 over TLS ${short}s"
    has_test f && what+=", full handshakes ${short}s"
    has_test r && what+=", resumed handshakes ${short}s"
    has_test t && what+=", TCP ${short}s"
    log "warming up $peer: $what"
    timeout $((secs + 30)) taskset -c 0 wrk -t1 -c"$CONNS" -d"${secs}s" "http://127.0.0.1:${H1_PORT[$peer]}/" >/dev/null 2>&1 || true
    if has_test c; then
      timeout $((secs + 30)) taskset -c 0 h2load -t1 -c"$H2_CLIENTS" -m"$H2_STREAMS" -D "$(( secs / 2 + 1 ))" \
        "http://127.0.0.1:${H2C_PORT[$peer]}/" >/dev/null 2>&1 || true
    fi
    if has_tls_test; then
      timeout $((secs + 30)) taskset -c 0 wrk -t1 -c"$CONNS" -d"$((secs / 2 + 1))s" \
        "https://127.0.0.1:${TLS_PORT[$peer]}/" >/dev/null 2>&1 || true
    fi
    if has_test d; then
      timeout $((secs + 30)) taskset -c 0 h2load -t1 -c"$H2_CLIENTS" -m"$H2_STREAMS" -D "$short" \
        "https://127.0.0.1:${TLS_PORT[$peer]}/" >/dev/null 2>&1 || true
    fi
    if has_test f; then
      timeout $((secs + 30)) taskset -c 0 wrk -t1 -c"$HS_CONNS" -d"${short}s" -H 'Connection: close' \
        "https://127.0.0.1:${TLS_PORT[$peer]}/" >/dev/null 2>&1 || true
    fi
    if has_test r; then
      timeout $((secs + 60)) taskset -c 0 "${LOADGEN[@]}" handshakes --url "https://127.0.0.1:${RESUME_PORT[$peer]}/" \
        --connections "$HS_CONNS" --duration "$short" --warmup 0 >/dev/null 2>&1 || true
    fi
    if has_test t; then
      timeout $((secs + 30)) taskset -c 0 iperf3 -c 127.0.0.1 -p "${TCP_PORT[$peer]}" -t "$short" >/dev/null 2>&1 || true
    fi
  done
}

# Peers in a different order each repetition: A B C D, B C D A, ...
rotated() { # rep
  local n=${#ALL_PEERS[@]} i out=()
  for ((i = 0; i < n; i++)); do out+=("${ALL_PEERS[$(( (i + $1 - 1) % n ))]}"); done
  echo "${out[@]}"
}

median_of() { # test metric peers...
  local test="$1" metric="$2"; shift 2
  local p vals=()
  for p in "$@"; do
    vals+=("$(awk -F, -v t="$test" -v p="$p" -v m="$metric" '$1 == t && $2 == p && $4 == m && $5 ~ /^[0-9.]+$/ { print $5 }' "$RESULTS" \
      | sort -n | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }')")
  done
  printf '%s\n' "${vals[@]}"
}

# ----------------------------------------------------------------------------- profile
# A counter from a Sluice admin /stats (Envoy's "name: value" text format).
admin_counter() { curl -fsS -m 5 "http://127.0.0.1:${ADMIN_PORT[$1]}/stats" 2>/dev/null | awk -F': ' -v n="$2" '$1 == n { print $2 }'; }

# "tid name utime stime" of every thread of a process.
thread_ticks() {
  local t
  for t in /proc/"$1"/task/*; do
    awk -v tid="${t##*/}" -v name="$(tr ' ' '_' <"$t/comm" 2>/dev/null)" \
      '{ s=$0; sub(/.*\) /, "", s); split(s, f, " "); print tid, name, f[12], f[13] }' "$t/stat" 2>/dev/null
  done
}

# Records Sluice with JFR under the (a), (c) or (e) load, then prints the per-thread CPU split
# (user = Java, system = kernel: sockets and epoll) and the JfrSummary of the recording.
profile_sluice() {
  local peer="${SLUICES[0]}" pid jfr out t0 t1 requests
  pid="${PIDS_OF[$peer]}"; jfr="$RUN/$peer.jfr"; out="$RUN/profile.txt"
  # The load runs PROFILE + 14 s: from 2 s to 12 s the per-thread CPU split is taken without
  # JFR (the sampler's signals inflate system time and cost ~30 % throughput), then JFR records
  # PROFILE s, ending 2 s before the load does.
  local wrk_file="$RUN/tmp/profile-wrk.out" wrk_pid r0 r1 q0 q1 u0 u1 quiet
  quiet=$(quiet_check)
  log "profile: $quiet"
  if [ "$PROFILE_LOAD" = h2c ]; then
    timeout $((PROFILE + 50)) taskset -c 0 h2load -t1 -c"$H2_CLIENTS" -m"$H2_STREAMS" -D "$((PROFILE + 14))" \
      "http://127.0.0.1:${H2C_PORT[$peer]}/" >"$wrk_file" 2>&1 &
  elif [ "$PROFILE_LOAD" = https ]; then
    timeout $((PROFILE + 50)) taskset -c 0 wrk -t1 -c"$CONNS" -d"$((PROFILE + 14))s" --timeout 5s \
      "https://127.0.0.1:${TLS_PORT[$peer]}/" >"$wrk_file" 2>&1 &
  else
    timeout $((PROFILE + 50)) taskset -c 0 wrk -t1 -c"$CONNS" -d"$((PROFILE + 14))s" --timeout 5s \
      "http://127.0.0.1:${H1_PORT[$peer]}/" >"$wrk_file" 2>&1 &
  fi
  wrk_pid=$!; STARTED+=("$wrk_pid")
  sleep 2
  q0=$(admin_counter "$peer" http.bench.downstream_rq_total); u0=$(cpu_ticks "$pid")
  thread_ticks "$pid" | sort >"$RUN/tmp/threads0"
  local perf_pid=""
  if command -v perf >/dev/null 2>&1; then
    # A flat profile of native code and the kernel beside JFR's Java view: cpu-clock samples
    # (this VM has no hardware counters) at 499 Hz for the same 10 s, no call graphs (JIT code
    # keeps no frame pointers); perf itself runs on CPU 0.
    taskset -c 0 perf record -q -e cpu-clock -F 499 -p "$pid" -o "$RUN/perf.data" -- sleep 10 \
      >"$RUN/logs/perf-record.out" 2>&1 &
    perf_pid=$!; STARTED+=("$perf_pid")
  fi
  sleep 10
  thread_ticks "$pid" | sort >"$RUN/tmp/threads1"
  if [ -n "$perf_pid" ]; then wait "$perf_pid" 2>/dev/null || true; fi
  q1=$(admin_counter "$peer" http.bench.downstream_rq_total); u1=$(cpu_ticks "$pid")
  r0=$q1; t0=$u1
  "$JCMD" "$pid" JFR.start name=perf settings=profile filename="$jfr" >/dev/null
  sleep "$PROFILE"
  "$JCMD" "$pid" JFR.stop name=perf >/dev/null
  t1=$(cpu_ticks "$pid")
  r1=$(admin_counter "$peer" http.bench.downstream_rq_total)
  wait "$wrk_pid" 2>/dev/null || true
  local wrk_out; wrk_out=$(cat "$wrk_file")
  requests=$((r1 - r0))
  # JIT-compiled methods' names for perf, written to /tmp/perf-<pid>.map (removed below).
  [ -s "$RUN/perf.data" ] && "$JCMD" "$pid" Compiler.perfmap >/dev/null 2>&1 || true
  {
    local load_name
    case "$PROFILE_LOAD" in
      h2c) load_name="h2load -c$H2_CLIENTS -m$H2_STREAMS (h2c)" ;;
      https) load_name="wrk -t1 -c$CONNS (HTTPS/1.1, TLS 1.3, keep-alive)" ;;
      *) load_name="wrk -t1 -c$CONNS (HTTP/1.1)" ;;
    esac
    echo "# Sluice profile: $load_name, JFR for ${PROFILE} s in the middle of it, proxy on CPU 1, $(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "# JVM flags: ${SLUICE_OPTS[$peer]}"
    echo "# machine before the load: $quiet"
    grep -E 'Requests/sec|requests in|Non-2xx|Socket errors|^finished in|^requests:|^status codes:' <<<"$wrk_out" | sed 's/^ */# /' || true
    awk -v t=$((u1 - u0)) -v hz="$CLK_TCK" -v r=$((q1 - q0)) \
      'BEGIN { if (r > 0) printf "# 10 s without JFR: %.0f req/s, proxy CPU per request %.1f us\n", r / 10, t * 1e6 / hz / r }'
    awk -v t=$((t1 - t0)) -v hz="$CLK_TCK" -v r="${requests:-0}" -v s="$PROFILE" \
      'BEGIN { if (r > 0) printf "# %d s with JFR: %.0f req/s, proxy CPU per request %.1f us\n", s, r / s, t * 1e6 / hz / r }'
    echo
    echo "CPU by thread, 10 s without JFR (share of the process's CPU; user = Java code and native libraries such as BoringSSL, system = kernel)"
    join <(awk '{ print $1, $2, $3, $4 }' "$RUN/tmp/threads0") <(awk '{ print $1, $3, $4 }' "$RUN/tmp/threads1") \
      | awk -v total=$((u1 - u0)) '{ u = $5 - $3; s = $6 - $4; if (u + s > 0) printf "  %6.2f%%  %-28s user %5.1f%%  system %5.1f%%\n", 100 * (u + s) / total, $2, 100 * u / total, 100 * s / total }' \
      | sort -rn
    if [ -s "$RUN/perf.data" ]; then
      echo
      echo "Native and kernel view, the same 10 s without JFR (perf, cpu-clock, whole process): by shared object"
      perf report -i "$RUN/perf.data" --stdio --sort dso 2>/dev/null | awk '/^ +[0-9.]+%/' | head -12 || true
      echo
      echo "  by symbol ([k] kernel, [.] user space; JIT-compiled Java named through Compiler.perfmap)"
      perf report -i "$RUN/perf.data" --stdio --sort dso,sym 2>/dev/null | awk '/^ +[0-9.]+%/' | head -40 || true
    fi
    echo
    "$JAVA" -cp "$PERF_JAR" dev.sluice.perf.report.JfrSummary "$jfr" 25
    local jfr_tool="${JFR_VIEW_TOOL:-}"
    if [ -z "$jfr_tool" ]; then
      for j in /usr/lib/jvm/temurin-2[1-9]*/bin/jfr /usr/lib/jvm/*-2[1-9]*/bin/jfr; do [ -x "$j" ] && { jfr_tool="$j"; break; }; done
    fi
    if [ -n "$jfr_tool" ]; then
      echo; "$jfr_tool" view --width 160 hot-methods "$jfr" 2>&1 || true
      echo; "$jfr_tool" view --width 160 allocation-by-site "$jfr" 2>&1 || true
      echo; "$jfr_tool" view --width 160 gc-pauses "$jfr" 2>&1 || true
    fi
  } >"$out"
  rm -f "/tmp/perf-$pid.map"
  cat "$out"
  log "profile written to $out (recording $jfr)"
}

# ----------------------------------------------------------------------------- main
main() {
  ensure_tools
  build
  local stamp; stamp=$(date +%Y%m%d-%H%M%S)
  RUN="${SLUICE_PERF_RUNS:-$here/target/compare}/$stamp"
  mkdir -p "$RUN/logs" "$RUN/hlog" "$RUN/tmp"
  RESULTS="$RUN/results.csv"
  echo "# test,peer,rep,metric,value" >"$RESULTS"

  for port in 18080 18081 18082 18090 18091 18092 18440 18441 18442 18450 18451 18452 18500 18501 18502 \
              18100 18200 18300 18320 18340; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then die "port $port is already in use"; fi
  done

  SLUICES=()
  declare -gA ADMIN_PORT=()
  if has_peer sluice; then
    if [ ${#SLUICE_VARIANTS[@]} -eq 0 ]; then
      SLUICES=(sluice); SLUICE_OPTS[sluice]="$(shipped_sluice_opts)"
    else
      for v in "${SLUICE_VARIANTS[@]}"; do
        local name="sluice-${v%%=*}"; SLUICES+=("$name"); SLUICE_OPTS[$name]="${v#*=}"
      done
    fi
  fi
  ALL_PEERS=()
  for p in direct nginx haproxy; do has_peer "$p" && ALL_PEERS+=("$p"); done
  ALL_PEERS+=("${SLUICES[@]}")

  local meta="$RUN/meta.txt"
  {
    echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "machine=$(nproc) CPUs, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM"
    echo "kernel=$(uname -r)"
    echo "jdk=$("$JAVA" -version 2>&1 | awk 'NR == 1')"
    echo "nginx=$(nginx -v 2>&1 | sed 's/.*version: //')"
    echo "haproxy=$(haproxy -v 2>&1 | awk 'NR == 1 { print $3 }')"
    echo "openssl=$(openssl version)"
    echo "wrk=$(wrk --version 2>&1 | awk 'NR == 1 { print $2 }')"
    echo "h2load=$(h2load --version 2>&1 | awk 'NR == 1')"
    has_test t && echo "iperf3=$(iperf3 --version 2>&1 | awk 'NR == 1 { print $2 }')"
    has_tls_test && echo "tls_libraries=nginx and HAProxy: the system OpenSSL; Sluice: BoringSSL (netty-tcnative-boringssl-static), or the JDK's provider where that does not load; clients: OpenSSL (wrk, h2load), BoringSSL (perf's handshake client for (r))"
    echo "layout=proxy pinned to CPU 1 with one worker/thread/event loop (Sluice --concurrency 1); backend nginx (1 worker, 13-byte body) and load generators on CPU 0; 127.0.0.1 only; proxies add x-forwarded-for/-proto, keep upstream connections alive"
    echo "reps=$REPS, peers alternated run by run; median [min–max]"
    echo "tests=$TESTS"
    [ ${#SLUICES[@]} -gt 0 ] && echo "sluice_jar=$SLUICE_JAR, built $(date -u -r "$SLUICE_JAR" '+%Y-%m-%d %H:%M UTC'); HEAD at run time: $(git -C "$root" log -1 --format='%h %s' 2>/dev/null | cut -c1-100)"
    echo "durations=(a)(c)(d)(e)(f)(r) ${DURATION} s each; (b) ${RATE_WARMUP} s warm-up + ${RATE_DURATION} s; (t) ${TCP_DURATION} s; JVM warm-up ${JVM_WARMUP} s of HTTP/1.1 plus shorter runs of the other loads before measuring; (g) Sluice ${IDLE_CONNS}, others ${PEER_IDLE_CONNS} connections"
    echo "load_before=$(cut -d' ' -f1-3 /proc/loadavg)"
    for s in "${SLUICES[@]}"; do
      if [ ${#SLUICE_VARIANTS[@]} -eq 0 ]; then echo "sluice_flags.$s=as shipped in ./sluice: ${SLUICE_OPTS[$s]}"
      else echo "sluice_flags.$s=${SLUICE_OPTS[$s]}"; fi
    done
  } >"$meta"
  log "run directory: $RUN"

  write_configs
  start_peers
  if [ "$PROFILE" -gt 0 ]; then
    warm_up
    profile_sluice
    return
  fi
  if has_test g; then
    for peer in "${ALL_PEERS[@]}"; do
      record g "$peer" 1 rss_start_mb "$(awk -v k="$(rss_kb "${PIDS_OF[$peer]}")" 'BEGIN { printf "%.1f", k / 1024 }')"
    done
  fi
  warm_up

  local rep peer
  if has_test a; then
    for ((rep = 1; rep <= REPS; rep++)); do for peer in $(rotated "$rep"); do measure a "$peer" "$rep"; done; done
  fi
  if has_test b; then
    local proxies=() slowest
    for peer in "${ALL_PEERS[@]}"; do [ "$peer" != direct ] && proxies+=("$peer"); done
    slowest=$(median_of a rps "${proxies[@]}" | sort -n | awk 'NR == 1')
    if [ -n "$FIXED_RATE_OPT" ]; then
      FIXED_RATE="$FIXED_RATE_OPT"
      echo "fixed_rate=$FIXED_RATE req/s (given with --rate), $CONNS connections" >>"$meta"
    else
      if [ -z "$slowest" ]; then
        slowest=10000; log "(b) no (a) figures; using 2 x 5000 req/s"
      fi
      FIXED_RATE=$(awk -v s="$slowest" 'BEGIN { printf "%.0f", s / 2 }')
      echo "fixed_rate=$FIXED_RATE req/s (50% of the slowest proxy's (a) median, $slowest req/s), $CONNS connections" >>"$meta"
    fi
    log "(b) fixed rate $FIXED_RATE req/s"
    for ((rep = 1; rep <= REPS; rep++)); do for peer in $(rotated "$rep"); do measure b "$peer" "$rep"; done; done
  fi
  for t in c d e f r t; do
    has_test "$t" || continue
    for ((rep = 1; rep <= REPS; rep++)); do for peer in $(rotated "$rep"); do measure "$t" "$peer" "$rep"; done; done
  done
  if has_test g; then
    for ((rep = 1; rep <= REPS; rep++)); do for peer in $(rotated "$rep"); do measure_idle "$peer" "$rep"; done; done
  fi
  if has_test s && command -v strace >/dev/null 2>&1; then
    for ((rep = 1; rep <= REPS; rep++)); do for peer in $(rotated "$rep"); do measure_syscalls "$peer" "$rep"; done; done
  fi

  # What Sluice itself counted: resets, 5xx, timeouts.
  for s in "${SLUICES[@]}"; do
    curl -fsS -m 10 "http://127.0.0.1:${ADMIN_PORT[$s]}/stats" >"$RUN/logs/$s-stats.txt" 2>/dev/null \
      || log "$s: admin /stats did not answer"
  done
  {
    echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)"
    local total ok
    total=$(awk -F, '$4 == "quiet"' "$RESULTS" | wc -l); ok=$(awk -F, '$4 == "quiet" && $5 ~ /^ok/' "$RESULTS" | wc -l)
    echo "quiet=$ok of $total runs started on a quiet machine (both CPUs < ${QUIET_BUSY}% busy over 2 s; bounded wait ${QUIET_MAX_WAIT} s)"
  } >>"$meta"
  stop_all

  local report_args=("$RUN")
  if [ -n "$KEEP_FROM" ]; then
    report_args+=(--keep-from "$KEEP_FROM")
    for k in "${KEEP_PEERS[@]}"; do report_args+=(--keep-peer "$k"); done
  fi
  "$JAVA" -cp "$PERF_JAR" dev.sluice.perf.report.Report "${report_args[@]}" >"$RUN/RESULTS.md"
  if [ -f "$here/RESULTS-xds.md" ]; then
    cat >>"$RUN/RESULTS.md" <<'EOC'

## xDS updates

The figures of dynamic configuration (10,000-route RDS updates, 1,000-cluster CDS, 10,000-endpoint
EDS, heap per route/cluster/endpoint, latency during updates) are in
[RESULTS-xds.md](RESULTS-xds.md), written by `perf/xds-bench.sh`.
EOC
  fi
  cp "$RUN/RESULTS.md" "$OUT"
  cat "$OUT"
  log "written $OUT (raw figures in $RUN)"
}

main
