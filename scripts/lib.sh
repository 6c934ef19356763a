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
