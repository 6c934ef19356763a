#!/usr/bin/env bash
# Installs what is needed (scripts/setup.sh), then runs the main job end to end: starts ClickHouse
# and a Kafka broker on loopback, produces 200,000 deterministic GitHub-events JSON messages to a
# 5-partition topic, runs the Quickstart pipeline until the topic is drained, prints the row count
# and a sample query, and stops the servers. DEMO_MESSAGES overrides the message count.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/lib.sh"

bash "$ROOT/scripts/setup.sh"

trap 'stop_leftover_servers "$ROOT"' EXIT
cd "$ROOT"
echo "[demo] building"
CP=$(private_classpath "$ROOT" examples demo)
echo "[demo] running"
java -Dtributary.testkit.dir="$ROOT/target/demo" \
     -cp "$CP" \
     dev.tributary.examples.Demo "${DEMO_MESSAGES:-200000}"
echo "[demo] done"
