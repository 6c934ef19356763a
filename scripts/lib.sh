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
