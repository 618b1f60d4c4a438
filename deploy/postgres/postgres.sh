#!/usr/bin/env bash
# Private PostgreSQL 15 cluster for the local stack and the tests.
#
#   postgres.sh install            install the PostgreSQL 15 server binaries if missing (root: apt-get)
#   postgres.sh start              initdb once, start on 127.0.0.1:$PGPORT_LOCAL, wait until ready
#   postgres.sh createdbs NAME...  idempotently create role NAME (password NAME) + database NAME owned by it
#                                  (against $DATABASE_URL instead when it is set)
#   postgres.sh stop               fast shutdown if running
#   postgres.sh status             exit 0 if running, 3 if not
#   postgres.sh url                superuser URL of the private cluster
#
# Environment: PGPORT_LOCAL (default 5433), INNOVNET_DATA_DIR (default <repo>/.data),
#              PG_BINDIR (optional: use the PostgreSQL 15 binaries in this directory).
# Layout: $INNOVNET_DATA_DIR/postgres/{data,run,postgres.log}
set -euo pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
REPO_ROOT=$(cd -- "$SCRIPT_DIR/../.." && pwd -P)

PG_MAJOR=15
HOST=127.0.0.1
PORT=${PGPORT_LOCAL:-5433}
SUPERUSER=postgres
SUPERPASS=postgres
DATA_ROOT=${INNOVNET_DATA_DIR:-$REPO_ROOT/.data}
case $DATA_ROOT in /*) ;; *) DATA_ROOT=$PWD/$DATA_ROOT ;; esac
BINDIR=

# The server is handed real paths: when $DATA_ROOT/postgres is a symlink (see prepare_dir),
# the postgres user may not be able to traverse the link's own directory.
set_pg_dir() {
    PG_DIR=$1
    DATA=$PG_DIR/data
    RUN=$PG_DIR/run
    LOG=$PG_DIR/postgres.log
}
PG_LINK=$DATA_ROOT/postgres
if [ -L "$PG_LINK" ]; then set_pg_dir "$(readlink -m -- "$PG_LINK")"; else set_pg_dir "$PG_LINK"; fi

log() { printf 'postgres: %s\n' "$*"; }
die() { printf 'postgres: %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }

case $PORT in '' | *[!0-9]*) die "PGPORT_LOCAL must be a port number, got '$PORT'" ;; esac

# --- binaries ---------------------------------------------------------------

server_major() { "$1/postgres" --version 2>/dev/null | awk '{split($3, v, "."); print v[1]}'; }

# Sets BINDIR to a directory holding initdb, pg_ctl and postgres of major $PG_MAJOR.
# The Debian path comes first: /usr/local/bin may hold wrappers or links to another version.
find_bindir() {
    local c candidates=()
    if [ -n "${PG_BINDIR:-}" ]; then
        candidates=("$PG_BINDIR")
    else
        candidates=("/usr/lib/postgresql/$PG_MAJOR/bin")
        if command -v pg_config >/dev/null 2>&1; then
            c=$(pg_config --bindir 2>/dev/null || true)
            [ -n "$c" ] && candidates+=("$c")
        fi
    fi
    for c in "${candidates[@]}"; do
        if [ -x "$c/initdb" ] && [ -x "$c/pg_ctl" ] && [ -x "$c/postgres" ] \
            && [ "$(server_major "$c")" = "$PG_MAJOR" ]; then
            BINDIR=$(cd -- "$c" && pwd -P)
            return 0
        fi
    done
    return 1
}

apt_has_candidate() {
    local c
    c=$(apt-cache policy "$1" 2>/dev/null | awk '$1 == "Candidate:" {print $2}')
    [ -n "$c" ] && [ "$c" != "(none)" ]
}

apt_install() { # apt_install PKG...: non-interactive, no recommends; apt-get update only if needed
    export DEBIAN_FRONTEND=noninteractive
    local p need_update=
    for p in "$@"; do apt_has_candidate "$p" || need_update=1; done
    [ -z "$need_update" ] || apt-get update -q
    for p in "$@"; do
        apt_has_candidate "$p" || die "apt knows no package $p (Debian 12 'bookworm' ships PostgreSQL $PG_MAJOR)"
    done
    local opts=(-y -q --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
    # Stale package lists give 404s: refresh once and retry.
    apt-get install "${opts[@]}" "$@" || { apt-get update -q && apt-get install "${opts[@]}" "$@"; }
}

ensure_binaries() {
    find_bindir && return 0
    is_root || die "PostgreSQL $PG_MAJOR server binaries not found: as root run 'apt-get install -y --no-install-recommends postgresql-$PG_MAJOR' (Debian 12), then re-run"
    [ -z "${PG_BINDIR:-}" ] || die "PG_BINDIR=$PG_BINDIR holds no PostgreSQL $PG_MAJOR initdb/pg_ctl/postgres"
    command -v apt-get >/dev/null 2>&1 || die "PostgreSQL $PG_MAJOR server binaries not found and there is no apt-get: install the PostgreSQL $PG_MAJOR server, then re-run"
    local had_main=
    [ -e "/etc/postgresql/$PG_MAJOR/main" ] && had_main=1
    log "installing postgresql-$PG_MAJOR with apt-get"
    apt_install "postgresql-$PG_MAJOR"
    # Debian's postinst creates a system-wide 'main' cluster on the first free port from 5432
    # (which may be ours) and may start it. We never use it: drop it if this install made it.
    if [ -z "$had_main" ] && [ -e "/etc/postgresql/$PG_MAJOR/main" ] && command -v pg_dropcluster >/dev/null 2>&1; then
        pg_dropcluster --stop "$PG_MAJOR" main
        log "dropped the empty system cluster $PG_MAJOR/main that the Debian package created (unused here)"
    fi
    find_bindir || die "installed postgresql-$PG_MAJOR but found no PostgreSQL $PG_MAJOR binaries in /usr/lib/postgresql/$PG_MAJOR/bin"
}

client_bin() { # client_bin NAME: psql / pg_isready, from BINDIR or PATH
    if [ -n "$BINDIR" ] && [ -x "$BINDIR/$1" ]; then
        printf '%s\n' "$BINDIR/$1"
    elif command -v "$1" >/dev/null 2>&1; then
        command -v "$1"
    else
        return 1
    fi
}

# --- running as the postgres OS user --------------------------------------

# PostgreSQL refuses to run as root: as root, run server tools as the 'postgres' user.
as_pg() {
    if is_root; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

pg_can() { (cd / && runuser -u postgres -- test "$1" "$2") 2>/dev/null; }

path_hash() { printf '%s' "$1" | sha256sum | cut -c1-12; }

# Creates $PG_DIR (and $RUN) so that the server's user owns and reaches it.
prepare_dir() {
    mkdir -p "$DATA_ROOT"
    if ! is_root; then
        [ -w "$DATA_ROOT" ] || [ -d "$PG_DIR" ] || die "cannot create $PG_DIR as $(id -un): set INNOVNET_DATA_DIR to a writable directory"
        [ ! -e "$PG_DIR" ] || [ -O "$PG_DIR" ] || die "$PG_DIR belongs to $(stat -c %U "$PG_DIR"), not $(id -un): run as that user, or set INNOVNET_DATA_DIR"
        mkdir -p "$PG_DIR" "$RUN"
        chmod 700 "$PG_DIR"
        return 0
    fi
    id -u postgres >/dev/null 2>&1 || die "no OS user 'postgres' to run the server as (apt-get install postgresql-$PG_MAJOR creates it)"
    local real
    if [ -L "$PG_LINK" ]; then
        real=$PG_DIR
        mkdir -p "$real" # the target may have been cleaned away
    elif [ -d "$PG_LINK" ]; then
        real=$PG_LINK
    elif pg_can -x "$DATA_ROOT"; then
        real=$PG_LINK
        mkdir "$real"
    else
        # The repo's parent directories are closed to the postgres user: keep the cluster where
        # it can reach it (a persistent place: /var/tmp is aged out by tmpfiles on newer systems).
        real=/var/lib/innovnet/postgres-$(path_hash "$DATA_ROOT")
        mkdir -p "$real"
        ln -s "$real" "$PG_LINK"
        set_pg_dir "$real"
        log "the postgres user cannot reach $DATA_ROOT: cluster kept in $real, symlinked from $PG_LINK"
    fi
    mkdir -p "$real/run"
    local f
    for f in "$real" "$real/run" "$real/data" "$LOG"; do
        if [ -e "$f" ] && [ "$(stat -c %U "$f")" != postgres ]; then
            chown -R postgres:postgres "$real"
            break
        fi
    done
    chmod 700 "$real"
    pg_can -w "$real/run" || die "the postgres user cannot use $PG_DIR (a parent directory is closed to it): remove it, or set INNOVNET_DATA_DIR to a directory it can reach"
}

# --- server state ------------------------------------------------------------

running() {
    [ -f "$DATA/postmaster.pid" ] || return 1
    find_bindir || return 1
    as_pg "$BINDIR/pg_ctl" status -D "$DATA" >/dev/null 2>&1
}

pid_line() { sed -n "${1}p" "$DATA/postmaster.pid" 2>/dev/null | tr -d '[:space:]'; } # 1: pid, 4: port

port_in_use() { (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null; }

sql_quote() { printf "'%s'" "${1//\'/\'\'}"; }

write_conf() {
    # unix socket path must fit in sun_path (107 bytes); if it does not, serve TCP only.
    local sockdirs=$RUN
    if [ $((${#RUN} + 15)) -gt 107 ]; then
        sockdirs=
        log "socket directory path too long for a unix socket: serving TCP only"
    fi
    local conf=$DATA/innovnet.conf
    cat >"$conf" <<EOF
# Written by deploy/postgres/postgres.sh on every start: edits here are overwritten.
listen_addresses = '$HOST'
port = $PORT
unix_socket_directories = $(sql_quote "$sockdirs")
# A whole stack holds about 90 connections, and make test runs two test files at once, the
# browser tests' stack held for the whole run beside the other worker's stacks.
max_connections = 600
shared_buffers = 128MB
# Data safety first, even on a dev/test box.
fsync = on
synchronous_commit = on
full_page_writes = on
timezone = 'UTC'
log_timezone = 'UTC'
logging_collector = off
log_line_prefix = '%m [%p] %q%u@%d '
EOF
    if is_root; then chown postgres:postgres "$conf"; fi
    chmod 600 "$conf"
}

init_cluster() {
    local tmp=$PG_DIR/data.initdb-tmp pwfile locale=C
    rm -rf "$tmp"
    if locale -a 2>/dev/null | grep -ix 'c\.utf-\?8' >/dev/null; then locale=C.UTF-8; fi
    pwfile=$(mktemp "$PG_DIR/.pwfile.XXXXXX")
    # shellcheck disable=SC2064 # expand now: pwfile is local
    trap "rm -f $(printf %q "$pwfile")" EXIT
    printf '%s\n' "$SUPERPASS" >"$pwfile"
    if is_root; then chown postgres:postgres "$pwfile"; fi
    log "initdb into $DATA (UTF8, locale $locale)"
    if ! as_pg "$BINDIR/initdb" -D "$tmp" -U "$SUPERUSER" --pwfile="$pwfile" \
        --encoding=UTF8 --locale="$locale" --data-checksums \
        --auth-host=scram-sha-256 --auth-local=trust >"$PG_DIR/initdb.log" 2>&1; then
        tail -n 20 "$PG_DIR/initdb.log" >&2
        rm -rf "$tmp"
        die "initdb failed (log: $PG_DIR/initdb.log)"
    fi
    rm -f "$pwfile"
    trap - EXIT
    if is_root; then chown postgres:postgres "$PG_DIR/initdb.log"; fi
    printf "\ninclude_if_exists = 'innovnet.conf'\n" >>"$tmp/postgresql.conf"
    mv "$tmp" "$DATA" # only a complete cluster ever appears as data/
}

# --- subcommands ---------------------------------------------------------------

cmd_install() {
    ensure_binaries
    log "PostgreSQL $PG_MAJOR server binaries in $BINDIR"
}

cmd_start() {
    ensure_binaries
    prepare_dir
    if running; then
        local p
        p=$(pid_line 4)
        log "already running on $HOST:${p:-$PORT} (pid $(pid_line 1))"
        [ -z "$p" ] || [ "$p" = "$PORT" ] || log "note: it listens on $p, not PGPORT_LOCAL=$PORT; stop and start it to move"
        return 0
    fi
    if port_in_use; then
        local hint=
        if command -v pg_lsclusters >/dev/null 2>&1; then
            hint=$(pg_lsclusters -h 2>/dev/null | awk -v p="$PORT" '$3 == p && $4 == "online" {printf " (system cluster %s/%s: pg_ctlcluster %s %s stop)", $1, $2, $1, $2}')
        fi
        die "port $PORT on $HOST is already in use by another process$hint; free it or set PGPORT_LOCAL"
    fi
    [ -f "$DATA/PG_VERSION" ] || init_cluster
    local v
    v=$(cat "$DATA/PG_VERSION")
    [ "$v" = "$PG_MAJOR" ] || die "$DATA holds a PostgreSQL $v cluster, not $PG_MAJOR: remove $PG_DIR to start afresh"
    write_conf
    as_pg "$BINDIR/pg_ctl" start -D "$DATA" -l "$LOG" -W -s
    local isready deadline=$((SECONDS + 60))
    isready=$(client_bin pg_isready) || die "pg_isready not found"
    until "$isready" -q -h "$HOST" -p "$PORT" -t 2; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            tail -n 20 "$LOG" >&2 || true
            die "not ready on $HOST:$PORT after 60 s (log: $LOG)"
        fi
        sleep 0.2
        if ! running; then
            sleep 0.5
            if ! running; then
                tail -n 20 "$LOG" >&2 || true
                die "server exited during start-up (log: $LOG)"
            fi
        fi
    done
    log "ready on $HOST:$PORT"
}

cmd_stop() {
    if running; then
        as_pg "$BINDIR/pg_ctl" stop -D "$DATA" -m fast -w -s
        log "stopped"
    else
        log "not running"
    fi
}

cmd_status() {
    if running; then
        log "running on $HOST:$(pid_line 4) (pid $(pid_line 1), data $DATA)"
    else
        log "not running (data $DATA)"
        return 3
    fi
}

cmd_url() { printf 'postgresql://%s:%s@%s:%s/postgres\n' "$SUPERUSER" "$SUPERPASS" "$HOST" "$PORT"; }

cmd_createdbs() {
    [ $# -gt 0 ] || die "usage: postgres.sh createdbs NAME..."
    local name
    for name in "$@"; do
        [[ $name =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || die "bad database name '$name' (lower-case letters, digits, _)"
    done
    local conn psql
    if [ -n "${DATABASE_URL:-}" ]; then
        conn=$DATABASE_URL
        find_bindir || true
        if ! psql=$(client_bin psql); then
            is_root || die "psql not found: as root run 'apt-get install -y --no-install-recommends postgresql-client-$PG_MAJOR', then re-run"
            apt_install "postgresql-client-$PG_MAJOR"
            psql=$(client_bin psql) || psql=/usr/lib/postgresql/$PG_MAJOR/bin/psql
        fi
    else
        running || cmd_start
        conn="host=$HOST port=$PORT user=$SUPERUSER dbname=postgres"
        export PGPASSWORD=$SUPERPASS
        psql=$(client_bin psql) || die "psql not found"
    fi
    q() { "$psql" -X -q -v ON_ERROR_STOP=1 -At -d "$conn" -c "$1"; }
    local role_msg
    for name in "$@"; do
        # Names are checked above to be plain identifiers, safe to splice into SQL.
        if [ -n "$(q "SELECT 1 FROM pg_roles WHERE rolname = '$name'")" ]; then
            role_msg="role $name already present"
        else
            q "CREATE ROLE $name LOGIN PASSWORD '$name'"
            role_msg="role $name created"
        fi
        if [ -n "$(q "SELECT 1 FROM pg_database WHERE datname = '$name'")" ]; then
            log "database $name already present ($role_msg)"
        else
            q "CREATE DATABASE $name OWNER $name ENCODING 'UTF8'"
            # Each service reaches only its own database (as deploy/postgres/init-databases.sh does).
            q "REVOKE ALL ON DATABASE $name FROM PUBLIC"
            log "database $name created, owned by $name ($role_msg)"
        fi
        # Extensions a service needs, made as the superuser (existing databases get them too).
        for extension in $(extensions_of "$name"); do
            "$psql" -X -q -v ON_ERROR_STOP=1 -At -d "$conn" -c "\\connect $name" \
                -c "CREATE EXTENSION IF NOT EXISTS $extension SCHEMA public"
        done
    done
}

# The extensions a service's database needs (as deploy/postgres/init-databases.sh knows them):
# the observatory's catalogue searches with accents ignored.
extensions_of() {
    case $1 in
        observatory) echo unaccent ;;
    esac
}

usage() {
    cat <<EOF
usage: ${0##*/} install | start | createdbs NAME... | stop | status | url
  private PostgreSQL $PG_MAJOR on $HOST:\$PGPORT_LOCAL (now $PORT), data in $PG_DIR
EOF
}

cmd=${1:-}
[ $# -eq 0 ] || shift
case $cmd in
    install) cmd_install ;;
    start) cmd_start ;;
    createdbs) cmd_createdbs "$@" ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    url) cmd_url ;;
    -h | --help | help) usage ;;
    *) usage >&2; exit 2 ;;
esac
