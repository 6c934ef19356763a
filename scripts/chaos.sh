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
#                      too), checked by id and by topic position: dup (rows of one record beyond
#                      the first) must be 0                      (CHAOS_EXACTLY_ONCE=1)
#   --engine chdb      the chDB 26.5 engine inside the pipeline's JVM instead of 18.16; with
#                      --exactly-once a MergeTree with a deduplication window and tokens (CHAOS_ENGINE)
#   --instances N      N pipelines in one consumer group; each kill hits one (CHAOS_INSTANCES)
#   --bad-every N      every Nth message is not JSON and must be in the error table once (CHAOS_BAD_EVERY)
#   --source kinesis   the Kinesis chaos run instead (dev.tributary.bench.chaos.KinesisChaosMain): a
#                      kinesis-mock stream of 4 shards into a ReplicatedMergeTree on 18.16, exactly-once,
#                      SIGKILLs of the pipeline and a reshard mid-run (a split, then a merge); prints
#                      RESULT kinesis_chaos lost=… dup=… kills=… reshards=… records=… unexpected_exits=…
#                      Settings: KCHAOS_RECORDS (30000), KCHAOS_SHARDS, KCHAOS_KILLS, KCHAOS_PRODUCE_SECONDS,
#                      KCHAOS_SEED, KCHAOS_EXACTLY_ONCE (1; 0: at-least-once into a MergeTree, for comparison).
#                      Only --exactly-once goes with it (the default there).
#   --source kinesis-lease  the chaos run of the lease-based mode (LeaseKinesisSource;
#                      dev.tributary.bench.chaos.KinesisLeaseChaosMain): an 8-shard kinesis-mock stream,
#                      leases in dynalite, at-least-once into a MergeTree on 18.16, 3 instances (child
#                      JVMs); mid-run one is SIGKILLed (the others must take its shards), a fourth joins
#                      (it must receive shards), shard 0 is split, shards 2 and 3 merged, one instance is
#                      stopped with SIGTERM (its shards handed off); each key's records must be handed
#                      out in the stream's order across the reshards, and the graceful stop may cause
#                      no more duplicates than its unacknowledged batches; prints
#                      RESULT kinesis_lease_chaos lost=… dup=… instances=4 killed=1 joined=1 graceful_stops=1
#                      reshards=2 takeover=yes|no join_received=yes|no handoff=yes|no records=… keys=…
#                      resharded_keys=… order_violations=… graceful_dup=… graceful_dup_bound=… seconds=…
#                      Settings: KLCHAOS_RECORDS (30000), KLCHAOS_KEYS (64 partition keys),
#                      KLCHAOS_PRODUCE_SECONDS (120), KLCHAOS_SEED.
#                      No other option goes with it.
set -euo pipefail
MAIN=dev.tributary.bench.chaos.ChaosMain
KAFKA_ONLY=""
EXACTLY_ONCE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --exactly-once) export CHAOS_EXACTLY_ONCE=1 KCHAOS_EXACTLY_ONCE=1; EXACTLY_ONCE=1 ;;
    --source)
      case "${2:-}" in
        kafka) MAIN=dev.tributary.bench.chaos.ChaosMain ;;
        kinesis) MAIN=dev.tributary.bench.chaos.KinesisChaosMain ;;
        kinesis-lease) MAIN=dev.tributary.bench.chaos.KinesisLeaseChaosMain ;;
        *) echo "chaos.sh: --source takes kafka, kinesis or kinesis-lease, not '${2:-}'" >&2; exit 2 ;;
      esac
      shift ;;
    --engine) export CHAOS_ENGINE="$2"; KAFKA_ONLY="$KAFKA_ONLY --engine"; shift ;;
    --instances) export CHAOS_INSTANCES="$2"; KAFKA_ONLY="$KAFKA_ONLY --instances"; shift ;;
    --bad-every) export CHAOS_BAD_EVERY="$2"; KAFKA_ONLY="$KAFKA_ONLY --bad-every"; shift ;;
    *) echo "chaos.sh: unknown option $1 (see the comment at the top of scripts/chaos.sh)" >&2; exit 2 ;;
  esac
  shift
done
if [ "$MAIN" = dev.tributary.bench.chaos.KinesisChaosMain ] && [ -n "$KAFKA_ONLY" ]; then
  echo "chaos.sh: ${KAFKA_ONLY# }: Kafka run only, not with --source kinesis" >&2; exit 2
fi
if [ "$MAIN" = dev.tributary.bench.chaos.KinesisLeaseChaosMain ] && [ -n "$KAFKA_ONLY$EXACTLY_ONCE" ]; then
  echo "chaos.sh: the lease-based run (at least once) takes no other option" >&2; exit 2
fi
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
java -Xmx1g -Dtributary.testkit.dir="$ROOT/target/chaos" -cp "$CP" "$MAIN" < /dev/null || status=$? # the embedded engine reads stdin
echo "[chaos] finished in $(( $(date +%s) - started )) s (exit $status)"
exit $status
