#!/usr/bin/env bash
# Side-by-side benchmark of issue 17: shcr against a bare Vert.x fan-out and a blocking aggregator, all
# three asking the same 20 fake FHIR sources (10-600 ms) for one Patient search each, over the same URL and
# SSE shape. One command prints the table:
#
#   bench/run.sh [SECONDS=20] [ROUNDS=2]
#
# Environment: BENCH_LEVELS (closed-loop client counts, default "200 2000"), BENCH_HOLD (streams held
# open, default 10000; 0 skips), BENCH_PORT_BASE (default 18700: fake network +0 (Spine) and +20..+39
# (the sources), bare +1, blocking +2, shcr +3, its metrics +9), BENCH_BUILD=1 (rebuild target/shcr.jar first), SHCR_JAVA_OPTS (default -Xmx1g),
# SHCR_JAR (another build of shcr to measure, e.g. the commit before a change), BENCH_KEEP=1 (keep the
# work directory with every log), BENCH_MAX_VIEWS (shcr's admission cap in the closed and open loops,
# default 300: what this 2-core machine serves within its deadlines; the hold raises it to HOLD + 1,000),
# BENCH_MAX_WAITING and BENCH_MAX_WAIT_MS (its admission queue: views past the cap wait in order for a
# place, default 2000 for up to 15000 ms, so that every client of the c=2000 closed loop can wait rather
# than be refused and retry at once: 1,700 waiters behind a cap of 300 served at ~150 views/s wait ~11 s;
# BENCH_MAX_WAITING=0 measures the refuse-at-once node, and older builds ignore both).
# Spine's and the sources' queues are sized from the cap by shcr itself (waiters ask nothing upstream). BENCH_HOLD_ONLY=1 runs the hold alone,
# BENCH_HUNG=0 skips the hung-sources run (shcr alone, 19 sources hanging, BENCH_HUNG_RATE views a second),
# BENCH_HOLD_RATE (default 250) views opened a second in the hold (1,000/s is past a 2-core node's capacity:
# the hold then measures overload, not holding), BENCH_HOLD_JAVA_OPTS (default SHCR_JAVA_OPTS) shcr's JVM options for the hold.
# Contestants alternate within each round, after a warm-up, so ratios are fair on a busy machine; note
# `uptime` beside the figures. Nothing here is part of `mvn verify`.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SECS=${1:-20}
ROUNDS=${2:-2}
LEVELS=${BENCH_LEVELS:-"200 2000"}
HOLD=${BENCH_HOLD:-10000}
BASE=${BENCH_PORT_BASE:-18700}
SHCR_OPTS=${SHCR_JAVA_OPTS:--Xmx1g}
JAR=${SHCR_JAR:-$ROOT/target/shcr.jar}
if [[ -z ${SHCR_JAR:-} && ( ! -f $JAR || ${BENCH_BUILD:-0} == 1 ) ]]; then
  (cd "$ROOT" && mvn -B -q -o package -DskipTests)
fi
WORK=$(mktemp -d /tmp/shcr-bench.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [[ ${BENCH_KEEP:-0} == 1 ]] && echo "logs in $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

javac -d "$WORK/classes" -cp "$JAR" "$ROOT"/bench/src/shcr/bench/*.java
CP=$WORK/classes:$JAR

# shcr's configuration: the repository's, with the bench's sources and the fake Spine.
config() { # dir deadlineMs
  cp -r "$ROOT/conf" "$1"
  # Each source's port (18720 + i in the file) moves with BASE, as FakeNetwork.sourcePort places it.
  awk -v base="$BASE" -v deadline="$2" '{
    if (match($0, /127\.0\.0\.1:[0-9]+\//)) {
      port = substr($0, RSTART + 10, RLENGTH - 11)
      $0 = substr($0, 1, RSTART + 9) (port - 18700 + base) substr($0, RSTART + RLENGTH - 1)
    }
    sub(/deadlineMs: 2500/, "deadlineMs: " deadline)
    print
  }' "$ROOT/bench/conf/sources.yaml" > "$1/sources.yaml"
}
config "$WORK/conf" 2500
config "$WORK/conf-hold" 120000

wait_port() { for _ in $(seq 1 120); do (echo > /dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.5; done; echo "port $1 never opened" >&2; exit 1; }

java -Xmx512m -cp "$CP" shcr.bench.FakeNetwork "$BASE" 20 10 600 20 > "$WORK/fake.log" 2>&1 & PIDS+=($!)
java -Xmx512m -cp "$CP" shcr.bench.BareFanout $((BASE + 1)) "$BASE" 20 > "$WORK/bare.log" 2>&1 & BARE=$!; PIDS+=($BARE)
java -Xmx1g -cp "$CP" shcr.bench.BlockingAggregator $((BASE + 2)) "$BASE" 20 > "$WORK/blocking.log" 2>&1 & BLOCKING=$!; PIDS+=($BLOCKING)

start_shcr() { # conf-dir, extra env...
  local conf=$1; shift
  env SHCR_DATA="$WORK/data" \
    SHCR_ACCESS_POLICY__SPINE__CONSENT__BASE_URL=http://127.0.0.1:$BASE/spine \
    SHCR_ACCESS_POLICY__SPINE__PDS__BASE_URL=http://127.0.0.1:$BASE/spine \
    SHCR_OPERATIONS__METRICS__PORT=$((BASE + 9)) \
    SHCR_SERVICE__ADMISSION__MAX_VIEWS=$MAX_VIEWS SHCR_SERVICE__ADMISSION__MAX_VIEWS_PER_USER=20000 \
    SHCR_SERVICE__ADMISSION__QUEUE__MAX_WAITING=$MAX_WAITING SHCR_SERVICE__ADMISSION__QUEUE__MAX_WAIT_MS=$MAX_WAIT_MS \
    "$@" java $SHCR_OPTS -jar "$JAR" serve --config "$conf" --trust-demo-key --port $((BASE + 3)) >> "$WORK/shcr.log" 2>&1 &
  SHCR=$!; PIDS+=($SHCR)
  wait_port $((BASE + 3))
}
MAX_VIEWS=${BENCH_MAX_VIEWS:-300}
MAX_WAITING=${BENCH_MAX_WAITING:-2000}
MAX_WAIT_MS=${BENCH_MAX_WAIT_MS:-15000}
start_shcr "$WORK/conf"
wait_port "$BASE"; wait_port $((BASE + 1)); wait_port $((BASE + 2))
TOKEN=$(java -jar "$JAR" token --persona ed-doctor --config "$WORK/conf" 2>/dev/null | tail -1)

port_of() { case $1 in bare) echo $((BASE + 1));; blocking) echo $((BASE + 2));; shcr) echo $((BASE + 3));; esac; }
pid_of() { case $1 in bare) echo $BARE;; blocking) echo $BLOCKING;; shcr) echo $SHCR;; esac; }
run_load() { # mode name level seconds [hold rate]
  java -Xmx1g -cp "$CP" shcr.bench.LoadGen "$1" "$2" "$(port_of "$2")" "$TOKEN" "$3" "$4" "$(pid_of "$2")" ${5:-} | grep '^RESULT'
}
load() { run_load "$@" | tee -a "$WORK/results"; }

echo "# $(date -u +%FT%TZ) $(nproc) cores, uptime:$(uptime | sed 's/.*load/ load/'), ${SECS} s per run, $ROUNDS rounds" > "$WORK/results"
if [[ ${BENCH_HOLD_ONLY:-0} == 1 ]]; then LEVELS=""; ROUNDS=0; fi
[[ -n $LEVELS ]] && for c in 10 50; do for name in bare blocking shcr; do run_load closed "$name" $c 10 > /dev/null; done; done   # warm-up
for level in $LEVELS; do
  for round in $(seq 1 "$ROUNDS"); do
    for name in bare blocking shcr; do load closed "$name" "$level" "$SECS"; done
  done
done
# Open loop at half the bare fan-out's closed-loop capacity at the first level.
# (RESULT lines: $2 name, $3 mode, $4 level, $7 vps.)
RATE=$(awk -v l="${LEVELS%% *}" '$2=="name=bare" && $3=="mode=closed" && $4=="level="l {split($7,a,"="); s+=a[2]; n++} END {printf "%d", n ? s/n/2 : 50}' "$WORK/results")
for round in $(seq 1 "$ROUNDS"); do
  for name in bare blocking shcr; do load open "$name" "$RATE" "$SECS"; done
done
# Hung sources: every source but RXN hangs, shcr alone, open loop at BENCH_HUNG_RATE (default 20) views a
# second: each view must complete (its hung sources reported timed out) within the sources' deadline
# (2,500 ms in bench/conf/sources.yaml) + 50 ms of the fan-out, whatever the breakers do.
if [[ ${BENCH_HUNG:-1} == 1 && ${BENCH_HOLD_ONLY:-0} != 1 ]]; then
  curl -s "http://127.0.0.1:$BASE/admin/hold?ms=600000" > /dev/null
  load hung shcr "${BENCH_HUNG_RATE:-20}" "$SECS"
  curl -s "http://127.0.0.1:$BASE/admin/hold?ms=0" > /dev/null
fi
if [[ $HOLD -gt 0 ]]; then
  kill "$SHCR"; wait "$SHCR" 2>/dev/null || true
  MAX_VIEWS=$((HOLD + 1000))
  SHCR_OPTS=${BENCH_HOLD_JAVA_OPTS:-$SHCR_OPTS}
  start_shcr "$WORK/conf-hold" SHCR_SERVICE__RECORD__DEADLINE_MS=120000 SHCR_SERVICE__RECORD__HEARTBEAT_MS=60000
  curl -s "http://127.0.0.1:$BASE/admin/hold?ms=600000" > /dev/null
  load hold shcr "$HOLD" 10 "${BENCH_HOLD_RATE:-250}" &
  HOLDER=$!
  # The heap of the held streams, by class, while they are held (the hold lasts 10 s once all are open).
  for _ in $(seq 1 600); do grep -q 'mode=hold' "$WORK/results" 2>/dev/null && break
    if [[ $(ls /proc/$SHCR/fd 2>/dev/null | wc -l) -ge $HOLD ]]; then sleep 5; jcmd "$SHCR" GC.class_histogram > "$WORK/histogram.txt" 2>/dev/null || true; break; fi
    sleep 1; done
  wait "$HOLDER"
  curl -s "http://127.0.0.1:$BASE/admin/hold?ms=0" > /dev/null
fi

awk -f "$ROOT/bench/table.awk" "$WORK/results"
if [[ -s $WORK/histogram.txt ]]; then
  echo; echo "heap while holding $HOLD streams (jcmd GC.class_histogram, top 15):"; sed -n '1,17p' "$WORK/histogram.txt"
fi
