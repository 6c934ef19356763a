#!/usr/bin/env bash
# Installs what is needed (scripts/setup.sh), then runs the whole test suite: unit tests
# (Surefire) and integration tests against real ClickHouse, Kafka, Kinesis, schema-registry and
# chDB servers (Failsafe). Extra arguments go to Maven, e.g. scripts/test.sh -pl core -am.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/lib.sh"

bash "$ROOT/scripts/setup.sh"

trap 'stop_leftover_servers "$ROOT"' EXIT
cd "$ROOT"
echo "[test] mvn verify $*"
mvn_batch verify "$@"
