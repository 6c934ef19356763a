#!/usr/bin/env bash
# Installs what is needed (scripts/setup.sh), then runs the main job end to end.
# For now: starts ClickHouse and a Kafka broker on loopback, prints their addresses, runs one SQL
# round trip and stops them. (The [kafka] milestone gives it its real job.)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/lib.sh"

bash "$ROOT/scripts/setup.sh"

trap 'stop_leftover_servers "$ROOT"' EXIT
cd "$ROOT"
echo "[demo] building"
mvn_batch -q install -DskipTests -pl testkit -am
mvn_batch -q dependency:build-classpath -pl testkit -Dmdep.includeScope=runtime -Dmdep.outputFile=target/runtime-classpath.txt
echo "[demo] starting servers"
java -Dtributary.testkit.dir="$ROOT/target/demo" \
     -cp "$ROOT/testkit/target/classes:$(cat "$ROOT/testkit/target/runtime-classpath.txt")" \
     dev.tributary.testkit.ServersCli smoke
echo "[demo] done"
