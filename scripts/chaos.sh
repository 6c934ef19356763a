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
#
# Options (each sets the ChaosMain setting of the same name):
#   --exactly-once     exactly-once delivery into a ReplicatedMergeTree on 18.16 (ZooKeeper started
#                      too), checked by id: dup must be 0        (CHAOS_EXACTLY_ONCE=1)
#   --engine chdb      the chDB 26.5 engine inside the pipeline's JVM instead of 18.16; with
#                      --exactly-once a MergeTree with a deduplication window and tokens (CHAOS_ENGINE)
#   --instances N      N pipelines in one consumer group; each kill hits one (CHAOS_INSTANCES)
#   --bad-every N      every Nth message is not JSON and must be in the error table once (CHAOS_BAD_EVERY)
set -euo pipefail
while [ $# -gt 0 ]; do
  case "$1" in
    --exactly-once) export CHAOS_EXACTLY_ONCE=1 ;;
    --engine) export CHAOS_ENGINE="$2"; shift ;;
    --instances) export CHAOS_INSTANCES="$2"; shift ;;
    --bad-every) export CHAOS_BAD_EVERY="$2"; shift ;;
    *) echo "chaos.sh: unknown option $1 (see the comment at the top of scripts/chaos.sh)" >&2; exit 2 ;;
  esac
  shift
done
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
java -Xmx1g -Dtributary.testkit.dir="$ROOT/target/chaos" -cp "$CP" dev.tributary.bench.chaos.ChaosMain < /dev/null || status=$? # the embedded engine reads stdin
echo "[chaos] finished in $(( $(date +%s) - started )) s (exit $status)"
exit $status
