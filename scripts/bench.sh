#!/usr/bin/env bash
# Installs what is needed (scripts/setup.sh), builds, then runs the benchmarks on this machine in
# one run: the end-to-end comparison (dev.tributary.bench.BenchMain: a bare Kafka consumer's CPU,
# ClickHouse's Native, RowBinary and JSONEachRow insert ceilings with the server's CPU, Tributary
# JSON and Avro each in its own JVM, ClickHouse's Kafka table engine with 1 and 4 consumers,
# latency, Tributary JSON into a ReplicatedMergeTree at least once and exactly once: RESULT json_eos)
# and the JMH microbenchmark of the hot path. Prints tables and RESULT lines
# (docs/performance.md says what each measures).
#   BENCH_MESSAGES (default 1000000), BENCH_PARTITIONS (4), BENCH_LATENCY_SECONDS (60),
#   BENCH_LATENCY_RATE (1000), BENCH_JMH=0 to skip JMH, BENCH_JFR=1 to profile the pipeline JVMs.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/lib.sh"

bash "$ROOT/scripts/setup.sh"

trap 'stop_leftover_servers "$ROOT"' EXIT
cd "$ROOT"
echo "[bench] building"
CP=$(private_classpath "$ROOT" bench bench)

echo "[bench] end to end"
java -Xmx3g ${BENCH_JAVA_OPTS:-} -Dtributary.testkit.dir="$ROOT/target/bench" -cp "$CP" dev.tributary.bench.BenchMain

if [ "${BENCH_JMH:-1}" != 0 ]; then
  echo "[bench] JMH: decode + map + encode of one record (JSON, Avro, Protobuf)"
  java -cp "$CP" org.openjdk.jmh.Main HotPathBenchmark -prof gc -rf text -rff "$ROOT/target/jmh-hotpath.txt" \
    | grep -E '^(Benchmark|HotPath|ProtobufHotPath)' || true
  for format in json avro protobuf; do
    awk -v f="$format" '$1 ~ f"DecodeMapEncode$" && $2 == "avgt" {ns=$4} $1 ~ f"DecodeMapEncode:gc.alloc.rate.norm$" {b=$4}
      END {printf "RESULT hotpath_%s ns_per_record=%s bytes_per_record=%s\n", f, ns, b}' "$ROOT/target/jmh-hotpath.txt"
  done
fi
