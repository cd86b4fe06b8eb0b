#!/usr/bin/env bash
# What a refusal costs: shcr at a small admission cap under a c=2000 closed loop, with JFR, then the
# profile summarised (bench/jfr-top.py). Needs a work directory kept by `BENCH_KEEP=1 bench/run.sh` (its
# compiled bench classes and conf), made with the same BENCH_PORT_BASE.
#
#   bench/refusals.sh JAR OUT KEPT_WORK_DIR [CAP=50] [SECONDS=20]
set -euo pipefail
JAR=$1; OUT=$2; K=$3; CAP=${4:-50}; SECS=${5:-20}
BASE=${BENCH_PORT_BASE:-18700}
W=$(mktemp -d /tmp/shcr-refusals.XXXX)
java -Xmx512m -cp "$K/classes:$JAR" shcr.bench.FakeNetwork $BASE 20 10 600 20 > $W/fake.log 2>&1 & FAKE=$!
env SHCR_DATA=$W/data SHCR_ACCESS_POLICY__SPINE__CONSENT__BASE_URL=http://127.0.0.1:$BASE/spine \
  SHCR_ACCESS_POLICY__SPINE__PDS__BASE_URL=http://127.0.0.1:$BASE/spine SHCR_OPERATIONS__METRICS__PORT=$((BASE+9)) \
  SHCR_SERVICE__ADMISSION__MAX_VIEWS=$CAP SHCR_SERVICE__ADMISSION__MAX_VIEWS_PER_USER=20000 \
  java -Xmx1g -XX:StartFlightRecording=settings=profile,filename=$W/rec.jfr -jar $JAR serve --config $K/conf --trust-demo-key --port $((BASE+3)) > $W/shcr.log 2>&1 & SHCR=$!
for _ in $(seq 1 120); do (echo > /dev/tcp/127.0.0.1/$((BASE+3))) 2>/dev/null && break; sleep 0.5; done
TOKEN=$(java -jar $JAR token --persona ed-doctor --config $K/conf 2>/dev/null | tail -1)
java -Xmx1g -cp "$K/classes:$JAR" shcr.bench.LoadGen closed shcr $((BASE+3)) "$TOKEN" 50 5 $SHCR > /dev/null
java -Xmx1g -cp "$K/classes:$JAR" shcr.bench.LoadGen closed shcr $((BASE+3)) "$TOKEN" 2000 $SECS $SHCR | grep RESULT > $OUT
jcmd $SHCR JFR.dump filename=$W/rec.jfr > /dev/null
kill $SHCR $FAKE; wait $SHCR $FAKE 2>/dev/null || true
jfr print --stack-depth 40 --events jdk.ExecutionSample $W/rec.jfr > $W/samples.txt
python3 "$(dirname "$0")/jfr-top.py" $W/samples.txt >> $OUT
ls $W/data >> $OUT; du -sh $W/data >> $OUT
echo "work $W" >> $OUT
