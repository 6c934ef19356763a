# Shared by the scripts in this folder: sourced, not run.

# Maven, quiet about downloads and colours, in batch mode.
mvn_batch() {
  mvn -B -ntp -Dstyle.color=never "$@"
}

# Stops, by process id, every test server whose pid file is still under a target/testkit (or
# target/demo) folder: a backstop for a test JVM that died before it could stop its servers.
stop_leftover_servers() {
  local root=$1 pidfile pid
  while IFS= read -r pidfile; do
    pid=$(cat "$pidfile" 2>/dev/null || true)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      echo "[cleanup] stopping leftover server pid $pid ($(dirname "$pidfile"))"
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
  done < <(find "$root" -path '*/target/*' -name pid -type f 2>/dev/null)
}

# Builds MODULE and what it depends on, and prints a class path to run its programs with: its
# classes and its runtime dependencies, copied into target/NAME-lib. Other checkouts on the same
# machine share the local Maven repository; with copies, their builds cannot swap a jar under a
# running program (a child JVM then fails with NoClassDefFoundError). Tributary's own jars are
# taken from this checkout's build: one reactor packages them and resolves the class path against
# them, so nothing is installed into the shared local repository.
#   CP=$(private_classpath "$ROOT" bench chaos)
private_classpath() {
  local root=$1 module=$2 lib=$1/target/$3-lib jar name own path
  mvn_batch -q package dependency:build-classpath -DskipTests -pl "$module" -am -Dmdep.includeScope=runtime \
      -Dmdep.outputFile=target/runtime-classpath.txt >&2
  rm -rf "$lib" && mkdir -p "$lib"
  path="$root/$module/target/classes"
  IFS=: read -ra jars < "$root/$module/target/runtime-classpath.txt"
  for jar in "${jars[@]}"; do
    name=$(basename "$jar")
    own=""
    case $name in
      tributary-*) own=$(ls "$root"/*/target/"$name" 2>/dev/null | head -1) ;;
    esac
    cp -p "${own:-$jar}" "$lib/$name"
    path="$path:$lib/$name"
  done
  echo "$path"
}

# --- Servers for scripts ---------------------------------------------------------------------
# The shell counterparts of the test kit's ZooKeeperServer and ClickHouseServer (module testkit),
# for scripts that run servers without a JVM of their own: each server listens on 127.0.0.1 only,
# keeps its configuration, data, log and pid file in the folder given (under target/, so that
# stop_leftover_servers finds it), and is stopped by its process id (stop_pid).
#   start_zookeeper "$ROOT/target/x/zookeeper"                       # sets ZK_PORT, ZK_PID
#   start_clickhouse "$ROOT/target/x/clickhouse" "$ZK_PORT"          # sets CH_HTTP_PORT, CH_TCP_PORT, CH_PID
#   curl -sS "http://127.0.0.1:$CH_HTTP_PORT/" --data-binary "CREATE TABLE t (id UInt64)
#       ENGINE = ReplicatedMergeTree('/clickhouse/tables/t', '{replica}') ORDER BY id"
#   stop_pid "$CH_PID"; stop_pid "$ZK_PID"

ZOOKEEPER_VERSION=3.9.5

# Prints a TCP port on which nothing listens at 127.0.0.1 (a random one from 20000-59999).
free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$(( 20000 + RANDOM % 40000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  echo "free_port: no free port found on 127.0.0.1" >&2
  return 1
}

# Stops a process by its id: SIGTERM, then SIGKILL if it is still there after GRACE seconds (20).
stop_pid() {
  local pid=$1 grace=${2:-20}
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 $(( grace * 10 ))); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}

# Waits up to SECONDS for COMMAND to succeed while process PID lives; on failure prints the end of LOG.
_await_server() {
  local what=$1 pid=$2 log=$3 seconds=$4; shift 4
  for _ in $(seq 1 $(( seconds * 10 ))); do
    "$@" && return 0
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "[servers] $what exited before it was ready; end of $log:" >&2
      tail -30 "$log" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "[servers] $what was not ready within $seconds s; end of $log:" >&2
  tail -30 "$log" >&2
  stop_pid "$pid" 5
  return 1
}

_zookeeper_ok() {
  local reply
  reply=$( (exec 3<>"/dev/tcp/127.0.0.1/$1" && printf ruok >&3 && cat <&3) 2>/dev/null) || return 1
  [ "$reply" = imok ]
}

# start_zookeeper DIR: starts ZooKeeper (installed by scripts/setup.sh) with its data in DIR, on a
# free 127.0.0.1 port and with its admin server off, and waits until it serves. Sets ZK_PORT, ZK_PID.
start_zookeeper() {
  local dir=$1 deps=${TRIBUTARY_DEPS:-$HOME/.cache/tributary} lib
  lib="$deps/zookeeper-$ZOOKEEPER_VERSION/lib"
  if [ ! -d "$lib" ]; then
    echo "[servers] ZooKeeper $ZOOKEEPER_VERSION is not installed in $lib; run scripts/setup.sh" >&2
    return 1
  fi
  mkdir -p "$dir/data"
  ZK_PORT=$(free_port)
  cat > "$dir/zoo.cfg" <<CFG
tickTime=2000
dataDir=$dir/data
clientPort=$ZK_PORT
clientPortAddress=127.0.0.1
admin.enableServer=false
4lw.commands.whitelist=ruok,srvr
maxClientCnxns=0
CFG
  java -Xms32m -Xmx256m -XX:+UseSerialGC -Djava.awt.headless=true -cp "$lib/*" \
      org.apache.zookeeper.server.ZooKeeperServerMain "$dir/zoo.cfg" >> "$dir/server.log" 2>&1 < /dev/null &
  ZK_PID=$!
  echo "$ZK_PID" > "$dir/pid"
  _await_server zookeeper "$ZK_PID" "$dir/server.log" 60 _zookeeper_ok "$ZK_PORT" || return 1
  echo "[servers] ZooKeeper $ZOOKEEPER_VERSION on 127.0.0.1:$ZK_PORT (pid $ZK_PID)"
}

_clickhouse_ok() {
  curl -sf -o /dev/null "http://127.0.0.1:$1/ping"
}

# start_clickhouse DIR [ZK_PORT]: starts clickhouse-server (18.16, the Debian package) with its
# configuration and data in DIR on free 127.0.0.1 ports, and waits until it answers. With ZK_PORT, it
# keeps ReplicatedMergeTree tables in that ZooKeeper, with the macros {shard} = 1 and
# {replica} = r1. Sets CH_HTTP_PORT, CH_TCP_PORT, CH_PID.
start_clickhouse() {
  local dir=$1 zk_port=${2:-} binary zookeeper=""
  binary=${TRIBUTARY_CLICKHOUSE_SERVER:-$(command -v clickhouse-server || echo /usr/sbin/clickhouse-server)}
  if [ ! -x "$binary" ]; then
    echo "[servers] clickhouse-server is not installed; run scripts/setup.sh" >&2
    return 1
  fi
  mkdir -p "$dir"/{log,data,tmp,user_files,format_schemas}
  CH_HTTP_PORT=$(free_port)
  CH_TCP_PORT=$(free_port)
  if [ -n "$zk_port" ]; then
    # A replica without an interserver HTTP port never starts: it never merges and refuses inserts at 300 parts.
    zookeeper="<zookeeper><node><host>127.0.0.1</host><port>$zk_port</port></node></zookeeper>
    <macros><shard>1</shard><replica>r1</replica></macros>
    <interserver_http_host>127.0.0.1</interserver_http_host>
    <interserver_http_port>$(free_port)</interserver_http_port>"
  fi
  cat > "$dir/config.xml" <<CFG
<?xml version="1.0"?>
<yandex>
    <logger>
        <level>information</level>
        <log>$dir/log/clickhouse-server.log</log>
        <errorlog>$dir/log/clickhouse-server.err.log</errorlog>
        <size>100M</size>
        <count>2</count>
    </logger>
    <listen_host>127.0.0.1</listen_host>
    <http_port>$CH_HTTP_PORT</http_port>
    <tcp_port>$CH_TCP_PORT</tcp_port>
    <path>$dir/data/</path>
    <tmp_path>$dir/tmp/</tmp_path>
    <user_files_path>$dir/user_files/</user_files_path>
    <format_schema_path>$dir/format_schemas/</format_schema_path>
    <users_config>$dir/users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <timezone>UTC</timezone>
    <mark_cache_size>268435456</mark_cache_size>
    <max_concurrent_queries>200</max_concurrent_queries>
    <keep_alive_timeout>3</keep_alive_timeout>
    $zookeeper
</yandex>
CFG
  cat > "$dir/users.xml" <<'CFG'
<?xml version="1.0"?>
<yandex>
    <profiles>
        <default>
            <allow_experimental_low_cardinality_type>1</allow_experimental_low_cardinality_type>
            <input_format_skip_unknown_fields>1</input_format_skip_unknown_fields>
        </default>
    </profiles>
    <users>
        <default>
            <password></password>
            <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
        </default>
    </users>
    <quotas><default></default></quotas>
</yandex>
CFG
  "$binary" --config-file="$dir/config.xml" >> "$dir/stdout.log" 2>&1 < /dev/null &
  CH_PID=$!
  echo "$CH_PID" > "$dir/pid"
  _await_server clickhouse "$CH_PID" "$dir/stdout.log" 60 _clickhouse_ok "$CH_HTTP_PORT" || return 1
  echo "[servers] ClickHouse on http://127.0.0.1:$CH_HTTP_PORT (pid $CH_PID)${zk_port:+, ZooKeeper 127.0.0.1:$zk_port}"
}
