#!/usr/bin/env bash
# CPU per view of two (or more) builds of shcr, A/B in one run (issue 17): the bench's fake network once,
# one shcr process per jar (each on its own port, all started together and warmed up), then ROUNDS rounds
# in which each jar in turn serves a closed loop of CLIENTS clients for SECONDS; the figure is the process's
# utime + stime (/proc/PID/stat fields 14 and 15) over the run, divided by the views served whole. Wall time
# and throughput on a shared machine are noise; CPU per view is what this compares. Refused views are
# printed beside it (a run with many refusals is starved: discard it).
#
#   bench/cpu-ab.sh ROUNDS SECONDS JAR...       e.g. bench/cpu-ab.sh 3 20 /tmp/main.jar target/shcr.jar
#
# Environment: BENCH_PORT_BASE (default 18700: fake network +0 and +20..+39, shcr number i on +3+i, its
# metrics on +50+i), CPU_AB_CLIENTS (default 40), CPU_AB_WARM (seconds of warm-up per jar, default 60: the
# JIT's own CPU counts, so a short warm-up makes the first round dearer), SHCR_JAVA_OPTS (default -Xmx1g),
# CPU_AB_JFR=DIR (a JFR profile of each jar from the end of its warm-up, DIR/jarN.jfr), BENCH_KEEP=1 keeps
# the work directory.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=$1; SECS=$2; shift 2
JARS=("$@")
BASE=${BENCH_PORT_BASE:-18700}
CLIENTS=${CPU_AB_CLIENTS:-40}
WARM=${CPU_AB_WARM:-60}
OPTS=${SHCR_JAVA_OPTS:--Xmx1g}
WORK=$(mktemp -d /tmp/shcr-cpu-ab.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [[ ${BENCH_KEEP:-0} == 1 ]] && echo "logs in $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

javac -d "$WORK/classes" -cp "${JARS[0]}" "$ROOT"/bench/src/shcr/bench/*.java
CP=$WORK/classes:${JARS[0]}
cp -r "$ROOT/conf" "$WORK/conf"
awk -v base="$BASE" '{
  if (match($0, /127\.0\.0\.1:[0-9]+\//)) {
    port = substr($0, RSTART + 10, RLENGTH - 11)
    $0 = substr($0, 1, RSTART + 9) (port - 18700 + base) substr($0, RSTART + RLENGTH - 1)
  }
  print
}' "$ROOT/bench/conf/sources.yaml" > "$WORK/conf/sources.yaml"

wait_port() { for _ in $(seq 1 240); do (echo > /dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.5; done; echo "port $1 never opened" >&2; exit 1; }

java -Xmx512m -cp "$CP" shcr.bench.FakeNetwork "$BASE" 20 10 600 20 > "$WORK/fake.log" 2>&1 & PIDS+=($!)
SHCR=()
for i in "${!JARS[@]}"; do
  env SHCR_DATA="$WORK/data$i" \
    SHCR_ACCESS_POLICY__SPINE__CONSENT__BASE_URL=http://127.0.0.1:$BASE/spine \
    SHCR_ACCESS_POLICY__SPINE__PDS__BASE_URL=http://127.0.0.1:$BASE/spine \
    SHCR_OPERATIONS__METRICS__PORT=$((BASE + 50 + i)) \
    SHCR_SERVICE__ADMISSION__MAX_VIEWS=300 SHCR_SERVICE__ADMISSION__MAX_VIEWS_PER_USER=20000 \
    java $OPTS -jar "${JARS[$i]}" serve --config "$WORK/conf" --trust-demo-key --port $((BASE + 3 + i)) > "$WORK/shcr$i.log" 2>&1 &
  SHCR+=($!); PIDS+=($!)
done
wait_port "$BASE"
for i in "${!JARS[@]}"; do wait_port $((BASE + 3 + i)); done
TOKEN=$(java -jar "${JARS[0]}" token --persona ed-doctor --config "$WORK/conf" 2>/dev/null | tail -1)

ticks() { awk '{print $14, $15}' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)
run() { # index seconds -> "views refused cpu_ms sys_ms"
  local pid=${SHCR[$1]} u0 s0 u1 s1 line
  read -r u0 s0 <<< "$(ticks "$pid")"
  line=$(java -Xmx512m -cp "$CP" shcr.bench.LoadGen closed shcr $((BASE + 3 + $1)) "$TOKEN" "$CLIENTS" "$2" "$pid" | grep '^RESULT')
  read -r u1 s1 <<< "$(ticks "$pid")"
  local views refused
  views=$(sed 's/.* views=\([0-9]*\).*/\1/' <<< "$line")
  refused=$(sed 's/.* refused=\([0-9]*\).*/\1/' <<< "$line")
  echo "$views $refused $(( (u1 + s1 - u0 - s0) * 1000 / HZ )) $(( (s1 - s0) * 1000 / HZ ))"
}
for i in "${!JARS[@]}"; do run "$i" "$WARM" > /dev/null; done
if [[ -n ${CPU_AB_JFR:-} ]]; then
  mkdir -p "$CPU_AB_JFR"
  for i in "${!JARS[@]}"; do jcmd "${SHCR[$i]}" JFR.start name=ab settings=profile > /dev/null; done
fi
echo "# $(date -u +%FT%TZ) $(nproc) cores, load:$(uptime | sed 's/.*average://'), $CLIENTS clients, $SECS s per run"
declare -A SUM
for round in $(seq 1 "$ROUNDS"); do
  for i in "${!JARS[@]}"; do
    read -r views refused ms sys <<< "$(run "$i" "$SECS")"
    per=$(awk -v m="$ms" -v v="$views" 'BEGIN {printf "%.2f", v ? m / v : 0}')
    echo "round $round jar $i ${JARS[$i]}: views=$views refused=$refused cpu=${ms}ms (system ${sys}ms) per_view=${per}ms load:$(cut -d' ' -f1 /proc/loadavg)"
    SUM[$i]="${SUM[$i]:-} $per"
  done
done
if [[ -n ${CPU_AB_JFR:-} ]]; then
  for i in "${!JARS[@]}"; do jcmd "${SHCR[$i]}" JFR.dump name=ab filename="$CPU_AB_JFR/jar$i.jfr" > /dev/null; done
fi
for i in "${!JARS[@]}"; do
  echo "jar $i ${JARS[$i]}: per view (ms)${SUM[$i]} -> $(awk '{s=0; for(k=1;k<=NF;k++){s+=$k; if(k==1||$k<lo)lo=$k; if(k==1||$k>hi)hi=$k} printf "mean %.2f, min %.2f, max %.2f", s/NF, lo, hi}' <<< "${SUM[$i]}")"
done
