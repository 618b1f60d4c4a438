#!/usr/bin/env bash
# The local stack: Kafka and PostgreSQL (private, under .data/, unless KAFKA_BOOTSTRAP_SERVERS /
# DATABASE_URL name existing servers), one database per service, the topics, then the services.
#   stack.sh prepare   servers, databases and topics; leaves them running (make test)
#   stack.sh up        prepare, then run every service in the foreground; Ctrl-C stops it all
#   stack.sh down      stop the services, Kafka and PostgreSQL started here
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export INNOVNET_DATA_DIR=${INNOVNET_DATA_DIR:-$ROOT/.data}
VENV_BIN=$ROOT/.venv/bin
export PATH=$VENV_BIN:$PATH
cd "$ROOT"

say() { printf 'innovnet: %s\n' "$*"; }
fail() { printf 'innovnet: %s\n' "$*" >&2; exit 1; }

services() { "$VENV_BIN/python" -m services.runtime.catalog; }

port_is_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_kafka() {
  if [ -n "${KAFKA_BOOTSTRAP_SERVERS:-}" ]; then
    say "using the Kafka at $KAFKA_BOOTSTRAP_SERVERS"
  else
    bash deploy/kafka/kafka.sh start
  fi
}

start_postgres() {
  if [ -n "${DATABASE_URL:-}" ]; then
    say "using the PostgreSQL server of DATABASE_URL"
  else
    bash deploy/postgres/postgres.sh start
  fi
  # One database per service, and the key vault that seals personal data.
  # shellcheck disable=SC2046
  bash deploy/postgres/postgres.sh createdbs $(services | cut -d' ' -f1) vault
}

prepare() {
  [ -x "$VENV_BIN/python" ] || fail "no .venv: run 'make up' or 'make test', which create it"
  start_kafka
  start_postgres
  "$VENV_BIN/innovnet" topics create \
    --bootstrap-servers "${KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}"
}

check_service_ports_free() {
  local name port
  while read -r name port; do
    if port_is_open "$port"; then
      fail "port $port (for $name) is already taken; stop what holds it ('make down' stops an earlier stack)"
    fi
  done < <(services)
  # The newsletter's bounce receiver (SMTP), unless NEWSLETTER_BOUNCE_PORT=0 turns it off.
  port=${NEWSLETTER_BOUNCE_PORT:-8026}
  if [ "$port" != 0 ] && port_is_open "$port"; then
    fail "port $port (for the newsletter's bounce receiver) is already taken; stop what holds it or set NEWSLETTER_BOUNCE_PORT"
  fi
}

print_urls() {
  local name port what
  say "services:"
  while read -r name port; do
    # The gateway serves pages, not a JSON API: it has no /docs.
    what="/docs, /health, /ready, /metrics"
    [ "$name" = gateway ] && what="the pages; /health, /ready, /metrics"
    printf '  %-14s http://127.0.0.1:%s  (%s)\n' "$name" "$port" "$what"
  done < <(services)
  [ "${NEWSLETTER_BOUNCE_PORT:-8026}" = 0 ] ||
    printf '  %-14s smtp://127.0.0.1:%s  (the newsletter bounce receiver: return paths, unsubscribe mails)\n' \
      bounces "${NEWSLETTER_BOUNCE_PORT:-8026}"
  printf '  %-14s %s\n' mailsink "smtp://127.0.0.1:8025  (every email sent, in .data/mail/)"
  printf '  %-14s %s\n' kafka "${KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}"
  [ -n "${DATABASE_URL:-}" ] || printf '  %-14s %s\n' postgres "$(bash deploy/postgres/postgres.sh url)"
  say "Ctrl-C stops everything"
}

# Once every service answers /ready, say where people open the system.
announce_when_ready() {
  "$VENV_BIN/python" - "${INNOVNET_PUBLIC_URL:-http://localhost:8000}" <<'PY' &
import sys, time
import httpx
from services.runtime.catalog import SERVICE_PORTS
def ready(port):
    try:
        return httpx.get(f"http://127.0.0.1:{port}/ready", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
for _ in range(180):
    if all(ready(port) for port in SERVICE_PORTS.values()):
        print(f"innovnet: ready: open {sys.argv[1]} (its emails, sign-in links too, land in .data/mail/)", flush=True)
        break
    time.sleep(1)
else:
    print("innovnet: not every service is ready after 3 minutes; see the log above", flush=True)
PY
}

stop_servers() {
  [ -n "${KAFKA_BOOTSTRAP_SERVERS:-}" ] || bash deploy/kafka/kafka.sh stop
  [ -n "${DATABASE_URL:-}" ] || bash deploy/postgres/postgres.sh stop
}

kafka_running() { bash deploy/kafka/kafka.sh status | grep -q 'running (pid'; }
postgres_running() { bash deploy/postgres/postgres.sh status >/dev/null 2>&1; }

# On the way out of `up`: stop the servers `up` started, and leave alone those that were
# already running (`make test` left them, or another terminal uses them).
stop_servers_started_here() {
  if [ -z "${KAFKA_BOOTSTRAP_SERVERS:-}" ] && [ "$kafka_was_running" = no ]; then
    bash deploy/kafka/kafka.sh stop
  fi
  if [ -z "${DATABASE_URL:-}" ] && [ "$postgres_was_running" = no ]; then
    bash deploy/postgres/postgres.sh stop
  fi
}

up() {
  # The local stack runs on the built-in development secrets, which production (the default
  # when INNOVNET_ENV is unset) refuses.
  export INNOVNET_ENV=${INNOVNET_ENV:-development}
  check_service_ports_free
  kafka_was_running=no postgres_was_running=no
  kafka_running && kafka_was_running=yes
  postgres_running && postgres_was_running=yes
  prepare
  print_urls
  trap stop_servers_started_here EXIT
  mkdir -p "$INNOVNET_DATA_DIR"
  # honcho forwards Ctrl-C to every service and returns when they have stopped.
  honcho --procfile Procfile --app-root "$ROOT" start &
  echo $! > "$INNOVNET_DATA_DIR/services.pid"
  announce_when_ready
  wait $! || true
  rm -f "$INNOVNET_DATA_DIR/services.pid"
}

down() {
  local pidfile=$INNOVNET_DATA_DIR/services.pid
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    kill -TERM "$(cat "$pidfile")"
    say "services stopped"
  fi
  rm -f "$pidfile"
  stop_servers
}

case "${1:-}" in
  prepare) prepare ;;
  up) up ;;
  down) down ;;
  *) fail "usage: deploy/stack.sh prepare|up|down" ;;
esac
