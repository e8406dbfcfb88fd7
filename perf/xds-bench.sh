#!/usr/bin/env bash
# The xDS update benchmark of issue 4 ("Performance"): times RDS / CDS / EDS updates from the
# management server's setSnapshot to serving, heap per route / cluster / endpoint, and p99 request
# latency while a 10,000-route table is replaced, against a real java-control-plane server, for
# api_type GRPC (state of the world) and DELTA_GRPC (incremental). Writes perf/RESULTS-xds.md.
#
#   perf/xds-bench.sh                    # both api types, about 1.5 minutes
#   perf/xds-bench.sh GRPC               # one of them
#   perf/xds-bench.sh --keep DELTA_GRPC  # re-run one, keep the other's last figures in the report
#   perf/xds-bench.sh --report           # rewrite the report from the last figures only
#
# Each api type runs in its own JVM on 127.0.0.1 (see dev.sluice.perf.xds.XdsBench), with the
# JVM settings of the ./sluice launcher; the working tree is compiled first (offline Maven). The
# JFR recordings, logs and raw figures stay in perf/target/xds-bench/. Figures depend on the
# machine being otherwise idle: the load average around each run goes into the results.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/perf/target/xds-bench
RESULTS=$ROOT/perf/RESULTS-xds.md
JAVA=${JAVA:-java}
JFR_TOOL=${JFR_TOOL:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/jfr}
KEEP=0
REPORT_ONLY=0
case "${1:-}" in
  --keep) KEEP=1; shift ;;
  --report) KEEP=1; REPORT_ONLY=1; shift ;;
esac
APIS=("$@")
if [ ${#APIS[@]} -eq 0 ] && [ $REPORT_ONLY -eq 0 ]; then
  APIS=(GRPC DELTA_GRPC)
fi
for api in "${APIS[@]}"; do
  case $api in GRPC|DELTA_GRPC) ;; *) echo "usage: $0 [--keep|--report] [GRPC] [DELTA_GRPC]" >&2; exit 2 ;; esac
done

mkdir -p "$OUT"
if [ $KEEP -eq 0 ]; then
  rm -f "$OUT"/*.tsv "$OUT"/*.jfr "$OUT"/*.meta "$OUT"/*.log "$OUT"/hot-methods.txt
fi

echo "xds-bench: compiling the working tree (offline)" >&2
mvn -B -q -o -pl perf -am compile dependency:build-classpath -Dmdep.outputFile="$OUT/classpath.txt" >&2
CP=$ROOT/perf/target/classes:$(cat "$OUT/classpath.txt")

for api in ${APIS[@]+"${APIS[@]}"}; do
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  if awk -v l="${load_before%% *}" 'BEGIN { exit !(l > 1.0) }'; then
    echo "xds-bench: load average is $load_before; another benchmark may be running, figures will suffer" >&2
  fi
  started=$(date -u '+%H:%M')
  shared=""
  if pgrep -f perf/compare.sh >/dev/null; then
    shared="; perf/compare.sh was running on the machine meanwhile (this run was started between its repetitions)"
  fi
  echo "xds-bench: $api" >&2
  # The ./sluice launcher's JVM settings, so that GC pauses are those a user would see.
  timeout 900 "$JAVA" -XX:+UseParallelGC -Xms256m -Xmx1g -XX:+ExitOnOutOfMemoryError \
    -Dio.netty.leakDetection.level=disabled -XX:FlightRecorderOptions:stackdepth=256 \
    -cp "$CP" dev.sluice.perf.xds.XdsBench run --api "$api" --out "$OUT/$api.tsv" --jfr "$OUT/rds-$api.jfr" \
    2> >(tee "$OUT/$api.log" >&2)
  echo "$api ran $(date -u '+%Y-%m-%d') $started–$(date -u '+%H:%M') UTC; load average (1, 5, 15 min) before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)$shared" > "$OUT/$api.meta"
done

inputs=()
jfrs=()
if ! ls "$OUT"/*.tsv >/dev/null 2>&1; then
  echo "xds-bench: no figures in $OUT; run without --report first" >&2
  exit 1
fi
for api in GRPC DELTA_GRPC; do
  if [ -f "$OUT/$api.tsv" ]; then
    inputs+=("$OUT/$api.tsv")
    jfrs+=(--jfr "$api=$OUT/rds-$api.jfr")
  fi
done

hot=()
first=$(basename "${inputs[0]}" .tsv)
if [ -x "$JFR_TOOL" ] && [ -f "$OUT/rds-$first.jfr" ]; then
  "$JFR_TOOL" view --width 140 hot-methods "$OUT/rds-$first.jfr" > "$OUT/hot-methods.txt" 2>&1 || true
  hot=(--hot-methods "$OUT/hot-methods.txt")
fi

{
  echo "Written: $(date -u '+%Y-%m-%d %H:%M UTC') by \`perf/xds-bench.sh\`"
  echo "Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, $(uname -sr)"
  echo "JDK: $("$JAVA" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.runtime.version|java.vm.name/ { printf "%s ", $2 }')"
  echo "Commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . 2>/dev/null || echo ' (with uncommitted changes)')"
  cat "$OUT"/*.meta
} > "$OUT/meta.txt"

"$JAVA" -cp "$CP" dev.sluice.perf.xds.XdsBench report --out "$RESULTS" --meta "$OUT/meta.txt" "${hot[@]}" \
  "${jfrs[@]}" "${inputs[@]}"
