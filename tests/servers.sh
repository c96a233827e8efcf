#!/usr/bin/env bash
# Throwaway PostgreSQL 15 and MariaDB servers for the test suite (run as root; no systemd needed).
#
#   tests/servers.sh start DIR   # idempotent; the LAST stdout lines are
#                                #   export NEXTORM_TEST_POSTGRES_URL=postgresql://nextorm:nextorm@127.0.0.1:PORT/nextorm_test
#                                #   export NEXTORM_TEST_MARIADB_URL=mariadb://nextorm:nextorm@127.0.0.1:PORT/nextorm_test
#                                # (progress and errors go to stderr), so:
#                                #   eval "$(tests/servers.sh start DIR | grep ^export)"
#   tests/servers.sh stop DIR    # stops both; succeeds when nothing runs
#
# Sourced (`. tests/servers.sh`) it only defines functions; servers_up / servers_down start
# servers in a fresh temp dir and stop them (trap) when the calling script exits.
# Layout: DIR/pg (data dir + unix socket, owned by postgres), DIR/pg.log,
#         DIR/my (data dir, owned by mysql), DIR/myrun (socket, pid file, error.log).
# Ports: first free from 55432 (PostgreSQL) and 53306 (MariaDB); override the starting
# points with NEXTORM_PG_PORT / NEXTORM_MY_PORT.
set -euo pipefail

PG_BIN=/usr/lib/postgresql/15/bin
SERVERS_SH=$(realpath "${BASH_SOURCE[0]}")

log() { echo "servers.sh: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Something listens on the port (ss if present, else try to connect).
port_busy() {
    [[ -n $(ss -Hltn "sport = :$1" 2>/dev/null) ]] || (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
free_port() {
    local p=$1
    while port_busy "$p"; do
        p=$((p + 1))
        ((p < $1 + 100)) || die "no free port in $1..$p"
    done
    echo "$p"
}

set_paths() {
    D=$1
    MY_SOCK=$D/myrun/mysqld.sock
    MY_PID=$D/myrun/mysqld.pid
}

# ---- PostgreSQL (refuses to run as root: everything as the postgres user) ----
as_pg() { runuser -u postgres -- "$@"; }
pg_running() { [[ -f $D/pg/postmaster.pid ]] && as_pg "$PG_BIN/pg_ctl" status -D "$D/pg" >/dev/null 2>&1; }

pg_start() {
    if [[ ! -f $D/pg/PG_VERSION ]]; then
        rm -rf "$D/pg"
        install -d -o postgres -g postgres -m 700 "$D/pg"
        # trust on the unix socket (admin below), passwords over TCP (what the tests use)
        as_pg "$PG_BIN/initdb" -D "$D/pg" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
            --encoding=UTF8 --locale=C.UTF-8 >"$D/pg-initdb.log" 2>&1 \
            || { cat "$D/pg-initdb.log" >&2; die "initdb failed"; }
        cat >>"$D/pg/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$D/pg'
# throwaway instance: no durability, for speed
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    fi
    if ! pg_running; then
        local port attempt started=
        port=${NEXTORM_PG_PORT:-55432}
        touch "$D/pg.log" && chown postgres: "$D/pg.log"
        # A port free when checked can be taken before the server binds it (another program's
        # ephemeral port): then the next free one.
        for attempt in 1 2 3; do
            port=$(free_port "$port")
            if as_pg "$PG_BIN/pg_ctl" start -w -t 60 -D "$D/pg" -l "$D/pg.log" -o "-p $port" \
                >/dev/null; then
                started=1
                break
            fi
            port=$((port + 1))
        done
        [[ -n $started ]] || { tail -n 30 "$D/pg.log" >&2; die "PostgreSQL did not start (log: $D/pg.log)"; }
    fi
    PG_PORT=$(sed -n 4p "$D/pg/postmaster.pid") # line 4 of postmaster.pid is the port
    # \gexec runs the generated statement only when the role/database does not exist yet.
    as_pg "$PG_BIN/psql" -h "$D/pg" -p "$PG_PORT" -U postgres -d postgres -qAt -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
SELECT 'CREATE ROLE nextorm LOGIN SUPERUSER PASSWORD ''nextorm''' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'nextorm')\gexec
SELECT 'CREATE DATABASE nextorm_test OWNER nextorm' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'nextorm_test')\gexec
SQL
}

pg_stop() {
    [[ -f $D/pg/postmaster.pid ]] || return 0
    as_pg "$PG_BIN/pg_ctl" stop -D "$D/pg" -m fast -w -t 60 >/dev/null 2>&1 || true
}

# ---- MariaDB (root@localhost authenticates by unix_socket: we are OS root) ----
my_client() { mariadb --no-defaults --protocol=socket -S "$MY_SOCK" -u root "$@"; }
my_ping() { mariadb-admin --no-defaults --protocol=socket -S "$MY_SOCK" -u root ping >/dev/null 2>&1; }

my_start() {
    install -d -o mysql -g mysql "$D/myrun"
    if [[ ! -d $D/my/mysql ]]; then
        rm -rf "$D/my"
        mariadb-install-db --no-defaults --datadir="$D/my" --user=mysql --skip-test-db \
            >"$D/my-install.log" 2>&1 || { cat "$D/my-install.log" >&2; die "mariadb-install-db failed"; }
    fi
    if ! my_ping; then
        local port i attempt
        port=${NEXTORM_MY_PORT:-53306}
        # A port free when checked can be taken before the server binds it: then the next one.
        for attempt in 1 2 3; do
            port=$(free_port "$port")
            install -o mysql -g mysql -m 644 /dev/null "$D/myrun/error.log" # mariadbd writes it as mysql
            # --no-defaults means compiled-in latin1: set Debian's utf8mb4 defaults explicitly.
            setsid -f mariadbd --no-defaults --user=mysql --datadir="$D/my" --socket="$MY_SOCK" \
                --pid-file="$MY_PID" --port="$port" --bind-address=127.0.0.1 --skip-name-resolve \
                --log-error="$D/myrun/error.log" --character-set-server=utf8mb4 \
                --collation-server=utf8mb4_general_ci --innodb-flush-log-at-trx-commit=2 \
                </dev/null >/dev/null 2>&1
            for ((i = 0; i < 600; i++)); do # up to 60 s
                my_ping && break
                grep -q '\[ERROR\] Aborting' "$D/myrun/error.log" && break
                sleep 0.1
            done
            my_ping && break
            grep -q 'Address already in use' "$D/myrun/error.log" || break
            # (mariadbd has exited: the data directory is free for the next attempt)
            port=$((port + 1))
        done
        my_ping || { tail -n 30 "$D/myrun/error.log" >&2; die "MariaDB did not start (log: $D/myrun/error.log)"; }
    fi
    MY_PORT=$(my_client -N -e 'SELECT @@port')
    # 127.0.0.1 is the host seen over TCP with --skip-name-resolve; '%' for anything else.
    my_client <<'SQL'
CREATE DATABASE IF NOT EXISTS nextorm_test;
CREATE USER IF NOT EXISTS 'nextorm'@'127.0.0.1' IDENTIFIED BY 'nextorm';
CREATE USER IF NOT EXISTS 'nextorm'@'%' IDENTIFIED BY 'nextorm';
CREATE USER IF NOT EXISTS 'nextorm'@'localhost' IDENTIFIED BY 'nextorm';
GRANT ALL PRIVILEGES ON *.* TO 'nextorm'@'127.0.0.1', 'nextorm'@'%', 'nextorm'@'localhost';
SQL
}

my_stop() {
    local pid="" i
    [[ -f $MY_PID ]] && pid=$(cat "$MY_PID")
    # a stale pid file may name a recycled pid: only ever signal a mariadbd
    [[ -n $pid && $(cat "/proc/$pid/comm" 2>/dev/null) == mariadbd ]] || pid=""
    if [[ -z $pid ]]; then # no live pid file: ask over the socket, if anything answers there
        my_ping && { mariadb-admin --no-defaults --protocol=socket -S "$MY_SOCK" -u root shutdown >/dev/null 2>&1 || true; }
        return 0
    fi
    # SIGTERM is mariadbd's normal clean shutdown (mariadb-admin shutdown polls in 1 s steps)
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < 600; i++)); do # wait up to 60 s for the process to go away
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    log "MariaDB (pid $pid) still running after 60 s"
}

servers_start() {
    mkdir -p "$1"
    set_paths "$(cd "$1" && pwd -P)"
    chmod go+x "$D" # postgres and mysql must reach DIR/pg and DIR/my
    runuser -u postgres -- test -x "$D" || die "user postgres cannot enter $D (a parent directory is private?)"
    local t0=$SECONDS
    pg_start
    my_start
    log "PostgreSQL on 127.0.0.1:$PG_PORT, MariaDB on 127.0.0.1:$MY_PORT ($((SECONDS - t0)) s)"
    echo "export NEXTORM_TEST_POSTGRES_URL=postgresql://nextorm:nextorm@127.0.0.1:$PG_PORT/nextorm_test"
    echo "export NEXTORM_TEST_MARIADB_URL=mariadb://nextorm:nextorm@127.0.0.1:$MY_PORT/nextorm_test"
}

servers_stop() {
    [[ -d $1 ]] || return 0
    set_paths "$(cd "$1" && pwd -P)"
    pg_stop
    my_stop
}

# For sourcing scripts: start servers in a fresh temp dir, export the URLs, and stop them
# (deleting the dir) when the calling shell exits -- also on failure or Ctrl-C.
servers_up() {
    NEXTORM_SERVERS_DIR=$(mktemp -d /tmp/nextorm-servers.XXXXXX)
    trap servers_down EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    local out
    out=$(bash "$SERVERS_SH" start "$NEXTORM_SERVERS_DIR") || return 1
    eval "$(grep '^export ' <<<"$out")"
}
servers_down() {
    [[ -n ${NEXTORM_SERVERS_DIR:-} ]] || return 0
    bash "$SERVERS_SH" stop "$NEXTORM_SERVERS_DIR" || true
    rm -rf "$NEXTORM_SERVERS_DIR"
    NEXTORM_SERVERS_DIR=
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
    case "${1:-} ${2:+x}" in
    "start x") servers_start "$2" ;;
    "stop x") servers_stop "$2" ;;
    *) die "usage: $0 start|stop DIR" ;;
    esac
fi
