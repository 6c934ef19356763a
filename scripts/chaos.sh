#!/usr/bin/env bash
# Installs what is needed (scripts/setup.sh), builds, then runs the chaos test
# (dev.tributary.bench.chaos.ChaosMain): a pipeline in its own JVM ingests 1,000,000 JSON messages
# from Kafka into ClickHouse 18.16 while the run SIGKILLs and restarts the pipeline (10 times),
# restarts the Kafka broker (2) and ClickHouse (2), and stalls ClickHouse behind a loopback proxy for
# longer than the sink's request timeout (3). At the end it checks every message id and prints
#   RESULT chaos lost=… dup=… kills=… broker_restarts=… ch_restarts=… stalls=…
# and exits non-zero if anything was lost (or the pipeline died by itself). Everything runs on 127.0.0.1; servers and the pipeline
# are stopped by process id. Settings: CHAOS_MESSAGES, CHAOS_KILLS, CHAOS_BROKER_RESTARTS,
# CHAOS_CH_RESTARTS, CHAOS_STALLS, CHAOS_STALL_SECONDS, CHAOS_PRODUCE_SECONDS, CHAOS_SEED
# (see ChaosMain). Server data and the pipeline's logs are under target/chaos/.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/lib.sh"

bash "$ROOT/scripts/setup.sh"

trap 'stop_leftover_servers "$ROOT"' EXIT
cd "$ROOT"
echo "[chaos] building"
CP=$(private_classpath "$ROOT" bench chaos)

rm -rf "$ROOT/target/chaos"
echo "[chaos] running"
started=$(date +%s)
status=0
java -Xmx1g -Dtributary.testkit.dir="$ROOT/target/chaos" -cp "$CP" dev.tributary.bench.chaos.ChaosMain || status=$?
echo "[chaos] finished in $(( $(date +%s) - started )) s (exit $status)"
exit $status
