#!/usr/bin/env bash
# innovnet: fetch (from Maven Central) and run a single-node Apache Kafka 4.x
# broker in KRaft combined mode (controller + broker in one small JVM).
#
#   deploy/kafka/kafka.sh fetch     jars -> <data>/kafka/libs (skipped when up to date)
#   deploy/kafka/kafka.sh start     fetch, format storage once, start, wait until ready
#   deploy/kafka/kafka.sh stop      SIGTERM, wait up to 30 s, then SIGKILL
#   deploy/kafka/kafka.sh restart   stop + start
#   deploy/kafka/kafka.sh status    print "running ..." / "not running" (always exits 0)
#
# Environment:
#   KAFKA_PORT             client (PLAINTEXT) port on localhost   (default 9092)
#   KAFKA_CONTROLLER_PORT  KRaft controller port on localhost     (default 9093)
#   KAFKA_HEAP             JVM heap options                       (default "-Xms256m -Xmx512m")
#   KAFKA_JVM_OPTS         extra JVM options, appended            (default empty)
#   KAFKA_START_TIMEOUT    seconds to wait for readiness          (default 120)
#   KAFKA_STOP_TIMEOUT     seconds to wait after SIGTERM          (default 30)
#   INNOVNET_DATA_DIR      state root                             (default <repo>/.data)
#
# Layout under <data>/kafka/: libs/ (jar cache), server.properties (generated),
# cluster.id, data/ (log.dirs incl. KRaft metadata), logs/ (log4j2 files),
# kafka.log (JVM stdout/stderr of the current run), kafka.pid.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd -P)"

POM="$SCRIPT_DIR/pom.xml"
TEMPLATE="$SCRIPT_DIR/server.properties"
LOG4J_CONFIG="$SCRIPT_DIR/log4j2.yaml"

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_HEAP="${KAFKA_HEAP:--Xms256m -Xmx512m}"
KAFKA_JVM_OPTS="${KAFKA_JVM_OPTS:-}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-120}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"

DATA_ROOT="${INNOVNET_DATA_DIR:-$REPO_ROOT/.data}"
case "$DATA_ROOT" in
  /*) ;;
  *) DATA_ROOT="$PWD/$DATA_ROOT" ;;
esac

KDIR="$DATA_ROOT/kafka"
LIBS="$KDIR/libs"
STAMP="$LIBS/.pom.sha256"
PROPS="$KDIR/server.properties"
CLUSTER_ID_FILE="$KDIR/cluster.id"
DATA_DIR="$KDIR/data"
LOG_DIR="$KDIR/logs"
CONSOLE_LOG="$KDIR/kafka.log"
PID_FILE="$KDIR/kafka.pid"
LOCK_FILE="$KDIR/.kafka.lock"

# The line KafkaRaftServer logs once the broker is unfenced and serving.
READY_LINE="Kafka Server started"

say() { echo "kafka: $*"; }
die() { echo "innovnet: $*" >&2; exit 1; }

check_settings() {
  local p
  for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" "$KAFKA_START_TIMEOUT" "$KAFKA_STOP_TIMEOUT"; do
    [[ "$p" =~ ^[0-9]+$ ]] || die "KAFKA_PORT, KAFKA_CONTROLLER_PORT, KAFKA_START_TIMEOUT and KAFKA_STOP_TIMEOUT must be numbers (got '$p')"
  done
  [[ "$KAFKA_PORT" != "$KAFKA_CONTROLLER_PORT" ]] \
    || die "KAFKA_PORT and KAFKA_CONTROLLER_PORT must differ (both are $KAFKA_PORT)"
}

# Serialise start/stop/fetch of the same data dir (two test runners starting at once).
take_lock() {
  command -v flock >/dev/null 2>&1 || return 0
  mkdir -p "$KDIR"
  exec 9>"$LOCK_FILE"
  flock -w $((KAFKA_START_TIMEOUT + KAFKA_STOP_TIMEOUT + 60)) 9 \
    || die "another kafka.sh is busy with $KDIR (lock $LOCK_FILE)"
}

# ---------------------------------------------------------------- java / maven

JAVA=""
find_java() {
  [[ -n "$JAVA" ]] && return 0
  local candidate="" out major
  if [[ -n "${JAVA_HOME:-}" && -x "${JAVA_HOME}/bin/java" ]]; then
    candidate="$JAVA_HOME/bin/java"
  elif command -v java >/dev/null 2>&1; then
    candidate="$(command -v java)"
  else
    die "Java 17+ is needed to run Kafka; install openjdk-17-jre-headless"
  fi
  out="$("$candidate" -version 2>&1)" \
    || die "Java 17+ is needed to run Kafka ('$candidate -version' failed); install openjdk-17-jre-headless"
  # 'openjdk version "17.0.15" ...', 'java version "1.8.0_392"' -> 17 / 1
  major="$(printf '%s\n' "$out" | sed -n -E 's/.*version "([0-9]+).*/\1/p' | head -n 1)"
  [[ "$major" == 1 ]] && major="$(printf '%s\n' "$out" | sed -n -E 's/.*version "1\.([0-9]+).*/\1/p' | head -n 1)"
  [[ "$major" =~ ^[0-9]+$ ]] \
    || die "Java 17+ is needed to run Kafka (cannot read the version of $candidate); install openjdk-17-jre-headless"
  (( major >= 17 )) \
    || die "Java 17+ is needed to run Kafka (found Java $major at $candidate); install openjdk-17-jre-headless"
  JAVA="$candidate"
}

pom_sum() { sha256sum "$POM" | cut -d' ' -f1; }

libs_current() {
  [[ -f "$STAMP" && "$(cat "$STAMP")" == "$(pom_sum)" ]] && compgen -G "$LIBS/kafka_2.13-*.jar" >/dev/null
}

do_fetch() { # [quiet]
  find_java
  if libs_current; then
    [[ "${1:-}" == quiet ]] || say "jars up to date in $LIBS"
    return 0
  fi
  command -v mvn >/dev/null 2>&1 \
    || die "Maven is needed to fetch Kafka from Maven Central; install maven (apt-get install maven)"
  mkdir -p "$KDIR"
  local tmp="$KDIR/libs.tmp.$$" mvn_log="$KDIR/fetch.log" started=$SECONDS
  rm -rf "$tmp"
  say "fetching Kafka jars from Maven Central into $LIBS ..."
  if ! mvn -B -q -f "$POM" dependency:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory="$tmp" >"$mvn_log" 2>&1 </dev/null; then
    rm -rf "$tmp"
    tail -n 25 "$mvn_log" >&2 || true
    die "Maven could not fetch the Kafka jars (full log: $mvn_log)"
  fi
  compgen -G "$tmp/kafka_2.13-*.jar" >/dev/null || { rm -rf "$tmp"; die "Maven ran but no kafka_2.13 jar arrived in $tmp (log: $mvn_log)"; }
  pom_sum >"$tmp/.pom.sha256"
  rm -rf "$LIBS"
  mv "$tmp" "$LIBS"
  say "fetched $(find "$LIBS" -name '*.jar' | wc -l) jars ($(du -sh "$LIBS" | cut -f1)) in $((SECONDS - started)) s"
}

# ---------------------------------------------------------------- processes

# Is $1 a live (non-zombie) process running our broker (kafka.Kafka with our properties file)?
is_our_broker() {
  local pid="$1" state cmdline
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/stat" ]] || return 1
  state="$(sed -E 's/^.*\) ([A-Za-z]).*$/\1/' "/proc/$pid/stat" 2>/dev/null)" || return 1
  [[ "$state" != Z && "$state" != X ]] || return 1
  cmdline="$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  grep -qxF "kafka.Kafka" <<<"$cmdline" && grep -qxF "$PROPS" <<<"$cmdline"
}

# Print the pid of our running broker, from the pid file or (if that got lost) from /proc.
our_pid() {
  local pid=""
  [[ -f "$PID_FILE" ]] && pid="$(tr -dc '0-9' <"$PID_FILE")"
  if [[ -n "$pid" ]] && is_our_broker "$pid"; then
    echo "$pid"; return 0
  fi
  local f
  while IFS= read -r f; do
    pid="${f#/proc/}"; pid="${pid%/cmdline}"
    if is_our_broker "$pid"; then
      echo "$pid" >"$PID_FILE"
      echo "$pid"; return 0
    fi
  done < <(grep -lsF -- "$PROPS" /proc/[0-9]*/cmdline 2>/dev/null || true)
  return 1
}

# Does something accept TCP connections on localhost:$1 ?
port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" >/dev/null 2>&1
}

log_tail() {
  echo "---- last lines of $CONSOLE_LOG ----" >&2
  tail -n 40 "$CONSOLE_LOG" >&2 2>/dev/null || echo "(no log)" >&2
  echo "----" >&2
}

# ---------------------------------------------------------------- configuration

write_props() {
  mkdir -p "$KDIR" "$DATA_DIR" "$LOG_DIR"
  local tmp="$PROPS.tmp.$$"
  {
    echo "# GENERATED by deploy/kafka/kafka.sh from deploy/kafka/server.properties on every start."
    echo "# Edit that file (or KAFKA_PORT / KAFKA_CONTROLLER_PORT / INNOVNET_DATA_DIR), not this one."
    echo
    grep -v -E '^[[:space:]]*(log\.dirs|listeners|advertised\.listeners|controller\.quorum\.voters|controller\.quorum\.bootstrap\.servers)[[:space:]]*[=:]' "$TEMPLATE"
    echo
    echo "############################# run-time settings (kafka.sh) #############################"
    echo "listeners=PLAINTEXT://localhost:$KAFKA_PORT,CONTROLLER://localhost:$KAFKA_CONTROLLER_PORT"
    echo "advertised.listeners=PLAINTEXT://localhost:$KAFKA_PORT"
    echo "controller.quorum.voters=1@localhost:$KAFKA_CONTROLLER_PORT"
    echo "log.dirs=$DATA_DIR"
  } >"$tmp"
  mv "$tmp" "$PROPS"
}

ensure_cluster_id() {
  [[ -s "$CLUSTER_ID_FILE" ]] && return 0
  local id=""
  if [[ -f "$DATA_DIR/meta.properties" ]]; then
    # Storage already formatted but the id file got lost: keep the formatted one.
    id="$(sed -n -E 's/^cluster\.id=(.*)$/\1/p' "$DATA_DIR/meta.properties" | head -n 1)"
  fi
  if [[ -z "$id" ]]; then
    id="$("$JAVA" -Xmx64m -cp "$LIBS/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1 | tr -d '[:space:]')" || true
  fi
  [[ "$id" =~ ^[A-Za-z0-9_-]{22}$ ]] || die "could not generate a Kafka cluster id (got '$id')"
  echo "$id" >"$CLUSTER_ID_FILE"
}

format_storage_once() {
  [[ -f "$DATA_DIR/meta.properties" ]] && return 0
  local id; id="$(tr -d '[:space:]' <"$CLUSTER_ID_FILE")"
  say "formatting $DATA_DIR (cluster id $id) ..."
  # Static single-voter quorum (controller.quorum.voters), so no --standalone.
  if ! "$JAVA" -Xmx256m -cp "$LIBS/*" kafka.tools.StorageTool format \
        --config "$PROPS" --cluster-id "$id" --ignore-formatted >"$KDIR/format.log" 2>&1 </dev/null; then
    cat "$KDIR/format.log" >&2
    die "formatting the Kafka storage failed (log: $KDIR/format.log)"
  fi
}

launch() {
  local -a heap jvm extra
  read -r -a heap <<<"$KAFKA_HEAP"
  read -r -a extra <<<"$KAFKA_JVM_OPTS"
  jvm=(
    -server
    -XX:+UseSerialGC
    -XX:MaxDirectMemorySize=128m
    -XX:MaxMetaspaceSize=256m
    -XX:ReservedCodeCacheSize=64m
    -XX:CICompilerCount=2
    -XX:+ExitOnOutOfMemoryError
    -Djava.awt.headless=true
    -Dkafka.logs.dir="$LOG_DIR"
    -Dlog4j2.configurationFile="$LOG4J_CONFIG"
  )
  # Double fork: the subshell exits at once, so the JVM is re-parented (never a
  # zombie of ours); setsid puts it in its own session, away from the caller's
  # terminal and process group (Ctrl-C in a test run does not hit it); fd 9
  # (our lock) is closed so the broker does not hold it.
  (
    cd "$KDIR"
    setsid nohup "$JAVA" "${heap[@]}" "${jvm[@]}" "${extra[@]}" \
      -cp "$LIBS/*" kafka.Kafka "$PROPS" >"$CONSOLE_LOG" 2>&1 </dev/null 9>&- &
    echo $! >"$PID_FILE"
  )
}

# Wait until pid $1 logs READY_LINE and answers on KAFKA_PORT.
wait_ready() {
  local pid="$1" started="$2" deadline=$((SECONDS + KAFKA_START_TIMEOUT))
  while :; do
    if ! is_our_broker "$pid"; then
      log_tail
      rm -f "$PID_FILE"
      die "Kafka exited during start-up (see $CONSOLE_LOG and $LOG_DIR/server.log)"
    fi
    if grep -qF "$READY_LINE" "$CONSOLE_LOG" 2>/dev/null && port_open "$KAFKA_PORT"; then
      say "ready on localhost:$KAFKA_PORT (pid $pid, $((SECONDS - started)) s)"
      return 0
    fi
    if (( SECONDS >= deadline )); then
      log_tail
      kill -KILL "$pid" 2>/dev/null || true
      rm -f "$PID_FILE"
      die "Kafka did not become ready on localhost:$KAFKA_PORT within ${KAFKA_START_TIMEOUT} s; killed it (see $CONSOLE_LOG)"
    fi
    sleep 0.25
  done
}

# ---------------------------------------------------------------- commands

cmd_fetch() {
  take_lock
  do_fetch
}

cmd_start() {
  local started=$SECONDS pid p
  take_lock
  do_fetch quiet
  if pid="$(our_pid)"; then
    if [[ ! -f "$CONSOLE_LOG" ]] || grep -qF "$READY_LINE" "$CONSOLE_LOG"; then
      if port_open "$KAFKA_PORT"; then
        say "already running (pid $pid) on localhost:$KAFKA_PORT"
        return 0
      fi
      die "our Kafka is running (pid $pid) but does not answer on localhost:$KAFKA_PORT (started with another KAFKA_PORT?); run '$0 stop' first"
    fi
    say "already starting (pid $pid); waiting for it"
    wait_ready "$pid" "$started"
    return 0
  fi
  rm -f "$PID_FILE"
  for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    if port_open "$p"; then
      die "port $p on localhost is taken by another process (not this repo's Kafka: no live $PID_FILE); stop it, or set KAFKA_PORT / KAFKA_CONTROLLER_PORT"
    fi
  done
  write_props
  ensure_cluster_id
  format_storage_once
  launch
  pid="$(tr -dc '0-9' <"$PID_FILE")"
  wait_ready "$pid" "$started"
}

cmd_stop() {
  local pid deadline
  take_lock
  if ! pid="$(our_pid)"; then
    rm -f "$PID_FILE"
    say "not running"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + KAFKA_STOP_TIMEOUT))
  while is_our_broker "$pid" && (( SECONDS < deadline )); do
    sleep 0.2
  done
  if is_our_broker "$pid"; then
    say "pid $pid still running after ${KAFKA_STOP_TIMEOUT} s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while is_our_broker "$pid"; do sleep 0.1; done
  fi
  rm -f "$PID_FILE"
  say "stopped (pid $pid)"
}

cmd_status() {
  local pid
  if pid="$(our_pid)"; then
    if port_open "$KAFKA_PORT"; then
      say "running (pid $pid) on localhost:$KAFKA_PORT"
    else
      say "running (pid $pid), not answering on localhost:$KAFKA_PORT (yet)"
    fi
  else
    say "not running"
  fi
  return 0
}

usage() {
  sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'
}

main() {
  check_settings
  case "${1:-}" in
    fetch) cmd_fetch ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    restart) cmd_stop; cmd_start ;;
    status) cmd_status ;;
    -h|--help|help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"
