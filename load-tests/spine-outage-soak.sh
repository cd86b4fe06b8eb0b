#!/usr/bin/env bash
# The soak of issue 11: 300 SSE streams for 3 minutes against the demo in quiet mode, with Spine
# black-holed in the middle; shows the node recovers by itself. See docs/performance.md.
#
#   load-tests/spine-outage-soak.sh [streams] [seconds] [downAt] [upAt] [wait|spin]
#   (defaults 300 180 75 105 wait: a refused stream waits as Retry-After says; spin: asks again at once)
#
# Ports (change with SOAK_PORT_BASE, default 18610): service +0, simulator +10, Spine proxy +11.
# Needs the jar (mvn -B -q package -DskipTests) and the test classes (run from the project root).
set -euo pipefail

STREAMS=${1:-300}
SECONDS_TOTAL=${2:-180}
DOWN_AT=${3:-75}
UP_AT=${4:-105}
CLIENTS=${5:-wait}
BASE=${SOAK_PORT_BASE:-18610}
SERVICE_PORT=$BASE
SIMULATOR_PORT=$((BASE + 10))
PROXY_PORT=$((BASE + 11))

cd "$(dirname "$0")/.."
[ -f target/shcr.jar ] || mvn -B -q package -DskipTests
mvn -B -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test

WORK=$(mktemp -d /tmp/shcr-soak-XXXXXX)
cp -r conf "$WORK/conf"
CONF="$WORK/conf"
sed -i "s/port: 8080/port: $SERVICE_PORT/" "$CONF/service.yaml"
sed -i "s/port: 8090/port: $SIMULATOR_PORT/" "$CONF/simulator.yaml"
sed -i "s#127.0.0.1:8090/#127.0.0.1:$SIMULATOR_PORT/#g" "$CONF/sources.yaml"
# Spine goes through the soak's proxy, which can black-hole it.
sed -i "s#http://127.0.0.1:8090/spine#http://127.0.0.1:$PROXY_PORT/spine#g" "$CONF/access-policy.yaml"
sed -i "s#dataDir: data/audit#dataDir: $WORK/audit#" "$CONF/audit.yaml"

java -Xmx1g -jar target/shcr.jar demo --quiet --config "$CONF" > "$WORK/demo.log" 2>&1 &
DEMO=$!
trap 'kill $DEMO 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -s -o /dev/null "http://127.0.0.1:$SERVICE_PORT/health/live" && break
  sleep 0.5
done

java -Xmx1g -cp "target/test-classes:target/classes:$(cat target/cp.txt)" io.shcr.bench.SpineOutageSoak \
  "$CONF" "http://127.0.0.1:$SERVICE_PORT" "$PROXY_PORT" "$SIMULATOR_PORT" "$STREAMS" "$SECONDS_TOTAL" "$DOWN_AT" "$UP_AT" "$CLIENTS"

echo "Service log: $WORK/demo.log ($(grep -c 'Promise already completed' "$WORK/demo.log" || true) x 'Promise already completed'," \
  "$(grep -c ' ERROR ' "$WORK/demo.log" || true) ERROR lines)"
