#!/usr/bin/env bash
# Installs everything Tributary's build, tests and demo need on a Debian or Ubuntu machine:
#   - JDK 17 and Maven (apt), Node.js and npm (apt), ClickHouse server 18.16 and kcat (apt);
#   - the Kafka broker 4.3.1 (KRaft) and its log binding, from Maven Central;
#   - ZooKeeper 3.9.5 (for ReplicatedMergeTree tables on ClickHouse 18.16), the libraries it loads at
#     start-up and a log binding, from Maven Central;
#   - the Apicurio Registry 3.3.3 (Confluent-compatible API), from Maven Central;
#   - kinesis-mock (npm kinesis-local), dynalite (a DynamoDB API server) and the KPL aggregator
#     (npm aws-kinesis-agg), each pinned by scripts/deps/<name>/package-lock.json;
#   - the chDB 26.5 engine library (npm @chdb/lib-linux-x64-gnu).
# Idempotent: whatever is already in place is reported and skipped.
#
# Server artifacts go to $TRIBUTARY_DEPS (default ~/.cache/tributary), where the test kit
# (module testkit) looks for them.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEPS=${TRIBUTARY_DEPS:-$HOME/.cache/tributary}
KAFKA_VERSION=4.3.1
ZOOKEEPER_VERSION=3.9.5
APICURIO_VERSION=3.3.3
CHDB_VERSION=26.5.3

say() { echo "[setup] $*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

APT_UPDATED=0
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    say "apt packages present: $*"
    return
  fi
  if ! command -v apt-get >/dev/null; then
    say "ERROR: apt-get not found; install by hand: ${missing[*]} (see README.md, Requirements)"
    exit 1
  fi
  if [ $APT_UPDATED = 0 ]; then
    say "apt-get update"
    as_root apt-get update -qq
    APT_UPDATED=1
  fi
  say "apt-get install ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

mkdir -p "$DEPS"

# --- toolchain -------------------------------------------------------------------------------
if ! command -v javac >/dev/null || ! javac -version 2>&1 | grep -qE 'javac (1[7-9]|[2-9][0-9])'; then
  apt_install openjdk-17-jdk-headless
else
  say "JDK present: $(javac -version 2>&1)"
fi
command -v mvn >/dev/null && say "Maven present: $(mvn -v 2>/dev/null | head -1 | sed 's/\x1b\[[0-9;]*m//g')" || apt_install maven
if command -v node >/dev/null && command -v npm >/dev/null; then
  say "Node.js present: $(node --version), npm $(npm --version 2>/dev/null)"
else
  apt_install nodejs npm
fi

# --- ClickHouse server (the only Debian package: 18.16) and kcat ---------------------------
apt_install clickhouse-server clickhouse-client kcat

# --- Kafka broker ----------------------------------------------------------------------------
KAFKA_HOME="$DEPS/kafka-$KAFKA_VERSION"
if [ -f "$KAFKA_HOME/lib/kafka_2.13-$KAFKA_VERSION.jar" ] && [ -f "$KAFKA_HOME/.complete" ]; then
  say "Kafka broker $KAFKA_VERSION present in $KAFKA_HOME"
else
  say "resolving Kafka broker $KAFKA_VERSION from Maven Central into $KAFKA_HOME/lib"
  rm -rf "$KAFKA_HOME"
  mvn -B -q -ntp -Dstyle.color=never -f "$ROOT/scripts/deps/kafka/pom.xml" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$KAFKA_HOME/lib"
  touch "$KAFKA_HOME/.complete"
fi

# --- ZooKeeper (ClickHouse 18.16 keeps ReplicatedMergeTree tables' metadata in it) ------------
ZOOKEEPER_HOME="$DEPS/zookeeper-$ZOOKEEPER_VERSION"
if [ -f "$ZOOKEEPER_HOME/lib/zookeeper-$ZOOKEEPER_VERSION.jar" ] && [ -f "$ZOOKEEPER_HOME/.complete" ] \
    && cmp -s "$ROOT/scripts/deps/zookeeper/pom.xml" "$ZOOKEEPER_HOME/pom.xml"; then
  say "ZooKeeper $ZOOKEEPER_VERSION present in $ZOOKEEPER_HOME"
else
  say "resolving ZooKeeper $ZOOKEEPER_VERSION from Maven Central into $ZOOKEEPER_HOME/lib"
  rm -rf "$ZOOKEEPER_HOME"
  mvn -B -q -ntp -Dstyle.color=never -f "$ROOT/scripts/deps/zookeeper/pom.xml" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$ZOOKEEPER_HOME/lib"
  cp "$ROOT/scripts/deps/zookeeper/pom.xml" "$ZOOKEEPER_HOME/pom.xml"
  touch "$ZOOKEEPER_HOME/.complete"
fi

# --- Apicurio Registry -----------------------------------------------------------------------
APICURIO_HOME="$DEPS/apicurio-registry-$APICURIO_VERSION"
if [ -f "$APICURIO_HOME/quarkus-run.jar" ]; then
  say "Apicurio Registry $APICURIO_VERSION present in $APICURIO_HOME"
else
  say "resolving Apicurio Registry $APICURIO_VERSION from Maven Central"
  tmp=$(mktemp -d)
  mvn -B -q -ntp -Dstyle.color=never dependency:copy -Dartifact="io.apicurio:apicurio-registry-app:$APICURIO_VERSION:tar.gz:all" \
      -DoutputDirectory="$tmp"
  rm -rf "$APICURIO_HOME.partial" && mkdir -p "$APICURIO_HOME.partial"
  tar -xzf "$tmp"/apicurio-registry-app-*.tar.gz -C "$APICURIO_HOME.partial"
  # The archive holds one top folder with quarkus-run.jar in it, or the files themselves.
  run_jar=$(find "$APICURIO_HOME.partial" -maxdepth 3 -name quarkus-run.jar | head -1)
  rm -rf "$APICURIO_HOME" && mv "$(dirname "$run_jar")" "$APICURIO_HOME"
  rm -rf "$APICURIO_HOME.partial" "$tmp"
fi
# The registry needs Java 21 or newer; the test kit picks the newest JDK under /usr/lib/jvm.
has_jdk21() {
  local j
  for j in /usr/lib/jvm/*/bin/java; do
    [ -x "$j" ] && "$j" -version 2>&1 | head -1 | grep -qE '"(2[1-9]|[3-9][0-9])' && return 0
  done
  return 1
}
if has_jdk21; then
  say "JDK 21+ for the schema registry present"
else
  say "no JDK 21+ under /usr/lib/jvm: installing openjdk-21-jdk-headless for the schema registry"
  apt_install openjdk-21-jdk-headless
fi

# --- npm-pinned test servers and tools ------------------------------------------------------
# Each is installed from scripts/deps/<name>/package-lock.json into $DEPS/<name>, and reinstalled
# when that lock file changes.
npm_pinned() {
  local name=$1 marker=$2 what=$3
  local home="$DEPS/$name"
  if [ -f "$home/node_modules/$marker" ] && cmp -s "$ROOT/scripts/deps/$name/package-lock.json" "$home/package-lock.json"; then
    say "$what present in $home"
  else
    say "installing $what (pinned by scripts/deps/$name/package-lock.json)"
    mkdir -p "$home"
    cp "$ROOT/scripts/deps/$name/package.json" "$ROOT/scripts/deps/$name/package-lock.json" "$home/"
    (cd "$home" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
}
npm_pinned kinesis-mock kinesis-local/main.js "kinesis-mock (npm kinesis-local)"
npm_pinned dynalite dynalite/cli.js "dynalite (npm dynalite, a DynamoDB API server for the Kinesis Client Library's leases)"
npm_pinned kpl-aggregator aws-kinesis-agg/index.js "the KPL record aggregator (npm aws-kinesis-agg)"

# --- chDB engine library ---------------------------------------------------------------------
CHDB_HOME="$DEPS/chdb-$CHDB_VERSION"
if [ -f "$CHDB_HOME/libchdb.so" ]; then
  say "chDB $CHDB_VERSION present in $CHDB_HOME"
else
  say "fetching chDB $CHDB_VERSION (npm @chdb/lib-linux-x64-gnu, ~170 MB)"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "@chdb/lib-linux-x64-gnu@$CHDB_VERSION" >/dev/null)
  tar -xzf "$tmp"/chdb-lib-linux-x64-gnu-*.tgz -C "$tmp" package/libchdb.so
  mkdir -p "$CHDB_HOME"
  mv "$tmp/package/libchdb.so" "$CHDB_HOME/libchdb.so.partial"
  mv "$CHDB_HOME/libchdb.so.partial" "$CHDB_HOME/libchdb.so"
  rm -rf "$tmp"
fi

say "done: server artifacts in $DEPS"
