#!/usr/bin/env bash
# A real PostgreSQL server on 127.0.0.1 for the state backend's integration tests
# (Tests/ForwarderTests/Postgres*Tests.swift), run as an unprivileged user in a directory of its own.
#
#   postgres-server.sh install [--check]     the Debian `postgresql` package (its own cluster is not used)
#   postgres-server.sh start DIR PORT [CERT KEY]
#                                            initdb in DIR (first time), start on 127.0.0.1:PORT,
#                                            return once it accepts connections; prints the URL
#                                            (user `forwarder`, password in DIR/password, database `forwarder`);
#                                            with CERT and KEY (PEM), TLS is on (plain connections still allowed)
#   postgres-server.sh stop DIR              fast shutdown (SIGKILL after 10 s)
#   postgres-server.sh kill DIR              SIGKILL the postmaster (a crash, for tests)
#
# Why not the packaged cluster: it needs systemd and root; a test wants a server of its own that it
# can stop and restart. initdb refuses to run as root, so as root the server runs as `nobody`.
set -euo pipefail

NAME=postgres-server
die() { echo "$NAME: ERROR: $*" >&2; exit 1; }

bindir() {
    local d
    for d in /usr/lib/postgresql/*/bin; do
        [[ -x $d/initdb && -x $d/pg_ctl ]] && { echo "$d"; return 0; }
    done
    return 1
}

as_owner() {
    if [[ $(id -u) == 0 ]]; then
        runuser -u nobody -- "$@"
    else
        "$@"
    fi
}

cmd=${1:-}
case $cmd in
install)
    if bindir >/dev/null; then exit 0; fi
    [[ ${2:-} == --check ]] && exit 1
    SUDO=""
    [[ $(id -u) != 0 ]] && SUDO=sudo
    export DEBIAN_FRONTEND=noninteractive
    echo "$NAME: apt-get install postgresql" >&2
    $SUDO apt-get update -qq
    # policy-rc.d 101: the package must not start its own cluster (no init system in CI anyway).
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    $SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    $SUDO rm -f /usr/sbin/policy-rc.d
    bindir >/dev/null || die "postgresql installed but initdb not found"
    ;;
start)
    dir=${2:?DIR} port=${3:?PORT} cert=${4:-} key=${5:-}
    bin=$(bindir) || die "PostgreSQL is not installed: run $0 install"
    mkdir -p "$dir"
    options="-h 127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=50"
    if [[ -n $cert ]]; then
        # The server reads its key only if the server's user owns it and nobody else can.
        cp "$cert" "$dir/server.crt"; cp "${key:?KEY}" "$dir/server.key"; chmod 600 "$dir/server.key"
        [[ $(id -u) == 0 ]] && chown nobody "$dir/server.crt" "$dir/server.key"
        options+=" -c ssl=on -c ssl_cert_file=$dir/server.crt -c ssl_key_file=$dir/server.key"
    fi
    if [[ ! -f $dir/data/PG_VERSION ]]; then
        head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$dir/password"
        [[ $(id -u) == 0 ]] && chown -R nobody "$dir"
        chmod 700 "$dir"
        as_owner "$bin/initdb" -D "$dir/data" -U forwarder --pwfile="$dir/password" \
            --auth-host=scram-sha-256 --auth-local=trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 ||
            die "initdb failed: $(tail -5 "$dir/initdb.log")"
    fi
    # The server outlives this script: it must not inherit a caller's pipe (a test reading this
    # script's output to EOF would wait for the server to exit), so descriptors above 2 are closed.
    (
        for fd in /proc/$BASHPID/fd/*; do fd=${fd##*/}; ((fd > 2)) && eval "exec $fd>&-" 2>/dev/null; done
        exec </dev/null >/dev/null 2>&1
        as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
            -o "$options" start
    ) || die "start failed: $(tail -5 "$dir/server.log")"
    as_owner "$bin/psql" -h "$dir" -p "$port" -U forwarder -d postgres -qAt \
        -c "SELECT 1 FROM pg_database WHERE datname = 'forwarder'" | grep -q 1 ||
        as_owner "$bin/createdb" -h "$dir" -p "$port" -U forwarder forwarder
    echo "postgres://forwarder@127.0.0.1:$port/forwarder"
    ;;
stop)
    dir=${2:?DIR}
    bin=$(bindir) || exit 0
    [[ -f $dir/data/postmaster.pid ]] || exit 0
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 10 stop >/dev/null 2>&1 ||
        kill -9 "$(head -1 "$dir/data/postmaster.pid")" 2>/dev/null || true
    ;;
kill)
    dir=${2:?DIR}
    [[ -f $dir/data/postmaster.pid ]] && kill -9 "$(head -1 "$dir/data/postmaster.pid")" 2>/dev/null || true
    ;;
*)
    sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
