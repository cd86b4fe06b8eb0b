#!/usr/bin/env bash
# CPU per view, A/B: two builds of shcr side by side on the bench's fake network (bench/run.sh), each
# warmed up, then measured in turns: a closed loop of C clients for SECONDS, and the server's own CPU
# (utime + stime from /proc/PID/stat) over the views it served. Wall-clock throughput on a shared
# machine is noise; CPU per served view is the figure to compare (docs/performance.md, "Reconciliation").
#
#   bench/cpu-per-view.sh JAR_A JAR_B [ROUNDS=3] [SECONDS=15] [C=40]
#
# Prints one line per measurement (`cpu-per-view name=A round=1 views=... cpuMs=... msPerView=...`) and
# the mean and spread of each. Ports from BENCH_PORT_BASE (default 18700): fake network +0 and +20..+39,
# A +3 (metrics +9), B +4 (metrics +8). SHCR_JAVA_OPTS (default -Xmx1g) for both. BENCH_KEEP=1 keeps logs.
# BENCH_WARMUP (default 20) seconds of each of the three warm-up runs per build (the JIT takes minutes on a busy machine).
# BENCH_JFR=DIR records each build after its warm-up (settings=profile) into DIR/A.jfr and DIR/B.jfr.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR_A=$(realpath "$1"); JAR_B=$(realpath "$2")
ROUNDS=${3:-3}; SECS=${4:-15}; C=${5:-40}
BASE=${BENCH_PORT_BASE:-18700}
OPTS=${SHCR_JAVA_OPTS:--Xmx1g}
WORK=$(mktemp -d /tmp/shcr-cpv.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [[ ${BENCH_KEEP:-0} == 1 ]] && echo "logs in $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

javac -d "$WORK/classes" -cp "$JAR_A" "$ROOT"/bench/src/shcr/bench/*.java
CP=$WORK/classes:$JAR_A
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
start() { # name jar port metrics-port
  mkdir -p "$WORK/data-$1"
  env SHCR_DATA="$WORK/data-$1" \
    SHCR_ACCESS_POLICY__SPINE__CONSENT__BASE_URL=http://127.0.0.1:$BASE/spine \
    SHCR_ACCESS_POLICY__SPINE__PDS__BASE_URL=http://127.0.0.1:$BASE/spine \
    SHCR_OPERATIONS__METRICS__PORT=$4 \
    SHCR_SERVICE__ADMISSION__MAX_VIEWS=300 SHCR_SERVICE__ADMISSION__MAX_VIEWS_PER_USER=20000 \
    java $OPTS -jar "$2" serve --config "$WORK/conf" --trust-demo-key --port "$3" > "$WORK/shcr-$1.log" 2>&1 &
  echo $!
}
PID_A=$(start A "$JAR_A" $((BASE + 3)) $((BASE + 9)))
PID_B=$(start B "$JAR_B" $((BASE + 4)) $((BASE + 8)))
PIDS+=("$PID_A" "$PID_B")
wait_port "$BASE"; wait_port $((BASE + 3)); wait_port $((BASE + 4))
TOKEN=$(java -jar "$JAR_A" token --persona ed-doctor --config "$WORK/conf" 2>/dev/null | tail -1)

ticks() { local s; s=$(cat /proc/$1/stat); s=${s##*) }; set -- $s; echo $(( ${12} + ${13} )); }
systicks() { local s; s=$(cat /proc/$1/stat); s=${s##*) }; set -- $s; echo "${13}"; }
measure() { # name pid port seconds -> "views cpuMs"
  local t0 t1 s0 s1 line
  t0=$(ticks "$2"); s0=$(systicks "$2")
  line=$(java -Xmx512m -cp "$CP" shcr.bench.LoadGen closed "$1" "$3" "$TOKEN" "$C" "$4" "$2" | grep '^RESULT')
  t1=$(ticks "$2"); s1=$(systicks "$2")
  echo "$line" >> "$WORK/results"
  local views refused
  views=$(sed 's/.* views=\([0-9]*\).*/\1/' <<< "$line"); refused=$(sed 's/.* refused=\([0-9]*\).*/\1/' <<< "$line")
  echo "$views $(( (t1 - t0) * 1000 / $(getconf CLK_TCK) )) $refused $(( (s1 - s0) * 1000 / $(getconf CLK_TCK) ))"
}
# Warm-up: the JIT, the token and Spine caches, the pools.
WARM=${BENCH_WARMUP:-20}
for w in 1 2 3; do measure A "$PID_A" $((BASE + 3)) "$WARM" > /dev/null; measure B "$PID_B" $((BASE + 4)) "$WARM" > /dev/null; done
if [[ -n ${BENCH_JFR:-} ]]; then
  mkdir -p "$BENCH_JFR"
  jcmd "$PID_A" JFR.start name=cpv settings=profile > /dev/null; jcmd "$PID_B" JFR.start name=cpv settings=profile > /dev/null
fi
for round in $(seq 1 "$ROUNDS"); do
  for name in A B; do
    if [[ $name == A ]]; then pid=$PID_A; port=$((BASE + 3)); else pid=$PID_B; port=$((BASE + 4)); fi
    read -r views cpu refused sys < <(measure "$name" "$pid" "$port" "$SECS")
    printf 'cpu-per-view name=%s round=%d views=%d refused=%d cpuMs=%d sysMs=%d msPerView=%.2f load=%s\n' "$name" "$round" "$views" \
      "$refused" "$cpu" "$sys" "$(awk -v c="$cpu" -v v="$views" 'BEGIN { print v ? c / v : 0 }')" "$(cut -d' ' -f1 /proc/loadavg)" \
      | tee -a "$WORK/summary"
  done
done
if [[ -n ${BENCH_JFR:-} ]]; then
  jcmd "$PID_A" JFR.dump name=cpv filename="$BENCH_JFR/A.jfr" > /dev/null; jcmd "$PID_B" JFR.dump name=cpv filename="$BENCH_JFR/B.jfr" > /dev/null
fi
awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
       n[f["name"]]++; s[f["name"]] += f["msPerView"]; q[f["name"]] += f["msPerView"] ^ 2
       if (!(f["name"] in lo) || f["msPerView"] < lo[f["name"]]) lo[f["name"]] = f["msPerView"]
       if (f["msPerView"] > hi[f["name"]]) hi[f["name"]] = f["msPerView"] }
     END { for (k in n) { m = s[k] / n[k]; sd = sqrt(q[k] / n[k] - m * m)
       printf "mean name=%s msPerView=%.2f sd=%.2f min=%.2f max=%.2f runs=%d\n", k, m, sd, lo[k], hi[k], n[k] } }' "$WORK/summary" | sort
echo "A=$JAR_A B=$JAR_B C=$C ${SECS}s x $ROUNDS"
