#!/usr/bin/env bash
# Real syslog-over-TLS receivers (rsyslog, syslog-ng) on 127.0.0.1 for the syslog sink's
# integration tests (Tests/ForwarderTests/Syslog*Tests.swift).
#
#   syslog-receivers.sh install [--check]          unpack rsyslog + rsyslog-openssl + syslog-ng-core
#                                                  into $CF_SYSLOG_PREFIX (default /opt/cf-syslog-peers)
#   syslog-receivers.sh certs DIR                  test PKI (CA, server, client, wrong CA/client)
#   syslog-receivers.sh start rsyslog|syslog-ng DIR PORT [--mtls] [--certs CERTDIR] [--server-cert NAME]
#                             [--transport tls|tcp|udp]
#                                                  (NAME.pem/NAME-key.pem in CERTDIR; default server,
#                                                  wrong-server = a certificate for elsewhere.test;
#                                                  transport default tls; tcp/udp: rsyslog only)
#   syslog-receivers.sh stop DIR                   SIGTERM (SIGKILL after 10 s) the receiver in DIR
#   syslog-receivers.sh status DIR                 exit 0 if running, 3 if not
#
# Why unpacked and not installed: Debian's rsyslog and syslog-ng-core both Provide/Conflict
# system-log-daemon, and installing either would start a system logger and write /etc. The .debs
# are fetched with `apt-get download` and extracted with `dpkg-deb -x`; only their library
# dependencies are installed with apt-get (they start no services).
#
# Each receiver writes DIR/received.log: one JSON object per message with the string fields
# pri version timestamp hostname app_name procid msgid sd msg. `start` returns once the daemon
# itself listens on PORT (so a test can connect at once) and prints its pid.
set -euo pipefail
trap '' PIPE

PREFIX="${CF_SYSLOG_PREFIX:-/opt/cf-syslog-peers}"
PKGS=(rsyslog rsyslog-openssl syslog-ng-core)
NAME=syslog-receivers
export DEBIAN_FRONTEND=noninteractive

die() { echo "$NAME: ERROR: $*" >&2; exit 1; }
note() { echo "$NAME: $*" >&2; }
usage() { sed -n '5,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

# ---------------------------------------------------------------- install

rsyslog_moddir() { dirname "$(find "$PREFIX/usr/lib" -name lmnsd_ossl.so -print -quit 2>/dev/null)"; }
syslogng_moddir() {
    local d
    for d in "$PREFIX"/usr/lib/syslog-ng/3.* "$PREFIX"/usr/lib/syslog-ng/4.*; do
        [[ -f $d/libafsocket.so ]] && { echo "$d"; return 0; }
    done
    return 1
}

installed_ok() {
    local f out rsmod sngmod
    [[ -x $PREFIX/usr/sbin/rsyslogd && -x $PREFIX/usr/sbin/syslog-ng && -f $PREFIX/.installed ]] || return 1
    rsmod=$(rsyslog_moddir) && [[ -f $rsmod/imtcp.so ]] || return 1
    sngmod=$(syslogng_moddir) || return 1
    for f in "$PREFIX/usr/sbin/rsyslogd" "$rsmod/imtcp.so" "$rsmod/lmnsd_ossl.so" "$PREFIX/usr/sbin/syslog-ng" \
             "$sngmod/libafsocket.so" "$sngmod/libaffile.so" "$sngmod/libjson-plugin.so" "$sngmod/libsyslogformat.so"; do
        [[ -e $f ]] || return 1
        out=$(LD_LIBRARY_PATH="$PREFIX/usr/lib/syslog-ng" ldd "$f" 2>&1) || return 1
        [[ $out != *"not found"* ]] || return 1
    done
    command -v openssl >/dev/null
}

cmd_install() {
    if [[ ${1:-} == --check ]]; then
        installed_ok && { echo "installed in $PREFIX"; exit 0; }
        echo "not installed in $PREFIX" >&2; exit 1
    fi
    if installed_ok; then note "already installed in $PREFIX"; exit 0; fi
    [[ $(id -u) == 0 ]] || die "install must run as root (apt-get)"
    local log p pol
    INSTALL_TMP=$(mktemp -d /tmp/cf-syslog-install.XXXXXX)
    trap 'rm -rf "${INSTALL_TMP:-}"' EXIT
    local tmp=$INSTALL_TMP
    log="$tmp/apt.log"
    local updated=0
    apt_update() { ((updated)) && return 0; note "apt-get update"; apt-get update -qq >>"$log" 2>&1 || { cat "$log" >&2; die "apt-get update failed"; }; updated=1; }
    for p in "${PKGS[@]}"; do
        pol=$(apt-cache policy "$p" 2>/dev/null || true)
        [[ $pol == *"Candidate: "[0-9]* ]] || { apt_update; break; }
    done
    mkdir -p "$tmp/debs"; chmod 755 "$tmp"; chown _apt "$tmp/debs" 2>/dev/null || true
    if ! (cd "$tmp/debs" && apt-get download -qq "${PKGS[@]}") >>"$log" 2>&1; then
        updated=0; apt_update
        (cd "$tmp/debs" && apt-get download -qq "${PKGS[@]}") >>"$log" 2>&1 || { cat "$log" >&2; die "apt-get download failed"; }
    fi
    # Library dependencies of the three packages (first alternative), minus the packages themselves.
    local deps=() missing=() d st
    mapfile -t deps < <(
        for deb in "$tmp"/debs/*.deb; do dpkg-deb -f "$deb" Depends; done |
        tr ',' '\n' | sed -e 's/|.*//' -e 's/(.*)//' -e 's/:any//' -e 's/[[:space:]]//g' |
        grep -v '^$' | sort -u | grep -vxF -e rsyslog -e rsyslog-openssl -e syslog-ng-core || true)
    command -v openssl >/dev/null || deps+=(openssl)
    for d in "${deps[@]}"; do
        st=$(dpkg-query -W -f='${Status}' "$d" 2>/dev/null || true)
        [[ $st == "install ok installed" ]] || missing+=("$d")
    done
    if ((${#missing[@]})); then
        note "apt-get install ${missing[*]}"
        if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
            apt_update
            apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$log" 2>&1 || { cat "$log" >&2; die "apt-get install failed"; }
        fi
    fi
    local stage="$PREFIX.new.$$"
    rm -rf "$stage"; mkdir -p "$stage"
    for deb in "$tmp"/debs/*.deb; do dpkg-deb -x "$deb" "$stage"; done
    rm -rf "${stage:?}/etc" "${stage:?}/lib/systemd" "${stage:?}/usr/lib/systemd" "${stage:?}/usr/share/doc" \
           "${stage:?}/usr/share/man" "${stage:?}/var"
    # shellcheck disable=SC2016 # dpkg-deb expands ${Package}
    for deb in "$tmp"/debs/*.deb; do dpkg-deb -W --showformat='${Package}=${Version}\n' "$deb"; done >"$stage/.installed"
    rm -rf "$PREFIX"; mkdir -p "$(dirname "$PREFIX")"; mv "$stage" "$PREFIX"
    installed_ok || die "installation in $PREFIX is incomplete (unresolved libraries)"
    note "installed in $PREFIX: $(tr '\n' ' ' <"$PREFIX/.installed")"
}

# ---------------------------------------------------------------- certificates

cmd_certs() {
    local dir=$1 f all=1 tmp
    local files=(ca.pem ca-key.pem server.pem server-key.pem client.pem client-key.pem
                 wrong-ca.pem wrong-ca-key.pem wrong-server.pem wrong-server-key.pem
                 wrong-client.pem wrong-client-key.pem)
    mkdir -p "$dir"
    for f in "${files[@]}"; do [[ -s $dir/$f ]] || all=0; done
    ((all)) && return 0
    command -v openssl >/dev/null || die "openssl not found"
    tmp=$(mktemp -d /tmp/cf-syslog-certs.XXXXXX)
    ossl() { openssl "$@" >>"$tmp/openssl.log" 2>&1 || { cat "$tmp/openssl.log" >&2; rm -rf "$tmp"; die "openssl $1 failed"; }; }
    make_ca() {
        ossl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tmp/$1-key.pem" \
            -out "$tmp/$1.pem" -days 3650 -sha256 -subj "/O=cf syslog test/CN=$2" \
            -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
            -addext "subjectKeyIdentifier=hash"
    }
    make_leaf() {  # name CN ca extension-lines
        ossl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tmp/$1-key.pem" \
            -out "$tmp/$1.csr" -subj "/O=cf syslog test/CN=$2"
        printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
            "subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid" "$4" >"$tmp/$1.ext"
        ossl x509 -req -in "$tmp/$1.csr" -CA "$tmp/$3.pem" -CAkey "$tmp/$3-key.pem" \
            -set_serial "0x$(openssl rand -hex 16)" -days 3650 -sha256 -extfile "$tmp/$1.ext" -out "$tmp/$1.pem"
    }
    make_ca ca "cf syslog test CA"
    make_ca wrong-ca "unrelated cf syslog test CA"
    make_leaf server localhost ca $'extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1'
    # Same CA as the good server but another name: for the server-name verification test.
    make_leaf wrong-server elsewhere.test ca $'extendedKeyUsage=serverAuth\nsubjectAltName=DNS:elsewhere.test'
    make_leaf client cf-syslog-test-client ca "extendedKeyUsage=clientAuth"
    make_leaf wrong-client cf-syslog-test-wrong-client wrong-ca "extendedKeyUsage=clientAuth"
    for f in "${files[@]}"; do
        case $f in *-key.pem) chmod 600 "$tmp/$f" ;; *) chmod 644 "$tmp/$f" ;; esac
        mv -f "$tmp/$f" "$dir/$f"
    done
    rm -rf "$tmp"
}

# ---------------------------------------------------------------- processes

pid_alive() {  # live, non-zombie process
    local state
    kill -0 "$1" 2>/dev/null || return 1
    state=$(awk '$1 == "State:" {print $2}' "/proc/$1/status" 2>/dev/null) || return 1
    [[ -n $state && $state != Z && $state != X ]]
}

pid_is_ours() {  # pid runs the config in DIR
    local cmd
    [[ $1 =~ ^[0-9]+$ ]] && pid_alive "$1" || return 1
    cmd=$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null) || return 1
    [[ $cmd == *"$2"* ]]
}

listen_inodes() {  # port [udp]: listening TCP sockets, or bound UDP sockets (state 07)
    local hex
    hex=$(printf '%04X' "$1")
    if [[ ${2:-tcp} == udp ]]; then
        cat /proc/net/udp /proc/net/udp6 2>/dev/null | awk -v p=":$hex" '
            $4 == "07" && substr($2, length($2) - 4) == p { print $10 }'
        return
    fi
    cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk -v p=":$hex" '
        $4 == "0A" && substr($2, length($2) - 4) == p { print $10 }'
}

pid_listens() {  # pid port [udp]
    local ino fds
    fds=$(ls -l "/proc/$1/fd" 2>/dev/null) || return 1
    for ino in $(listen_inodes "$2" "${3:-tcp}"); do [[ $fds == *"socket:[$ino]"* ]] && return 0; done
    return 1
}

read_pid() { [[ -s $1/receiver.pid ]] && tr -dc '0-9' <"$1/receiver.pid" || true; }

cmd_stop() {
    local dir=$1 pid i
    [[ -d $dir ]] || return 0
    pid=$(read_pid "$dir")
    if [[ -n $pid ]] && pid_is_ours "$pid" "$dir/receiver.conf"; then
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < 200; i++)); do pid_alive "$pid" || break; sleep 0.05; done
        if pid_alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; sleep 0.2; fi
    fi
    rm -f "$dir/receiver.pid"
}

cmd_status() {
    local pid
    pid=$(read_pid "$1")
    if [[ -n $pid ]] && pid_is_ours "$pid" "$1/receiver.conf"; then echo "running (pid $pid)"; return 0; fi
    echo "not running"; return 3
}

write_rsyslog_conf() {  # dir port certdir mtls transport
    local authmode=anon
    (($4)) && authmode=x509/certvalid
    mkdir -p "$1/work"
    echo "global(workDirectory=\"$1/work\" maxMessageSize=\"64k\" processInternalMessages=\"on\" net.enableDNS=\"off\""
    echo "    parser.escapeControlCharactersOnReceive=\"off\" parser.dropTrailingLFOnReception=\"off\""
    case $5 in
    tls) cat <<EOF
    defaultNetstreamDriver="ossl" defaultNetstreamDriverCAFile="$3/ca.pem"
    defaultNetstreamDriverCertFile="$3/$SERVER_CERT.pem" defaultNetstreamDriverKeyFile="$3/$SERVER_CERT-key.pem")
module(load="imtcp" streamDriver.name="ossl" streamDriver.mode="1" streamDriver.authMode="$authmode" maxSessions="100")
input(type="imtcp" address="127.0.0.1" port="$2" ruleset="cf_tls")
EOF
    ;;
    tcp) cat <<EOF
)
module(load="imtcp" maxSessions="100")
input(type="imtcp" address="127.0.0.1" port="$2" ruleset="cf_tls")
EOF
    ;;
    udp) cat <<EOF
)
module(load="imudp")
input(type="imudp" address="127.0.0.1" port="$2" ruleset="cf_tls" rcvbufSize="16m")
EOF
    ;;
    esac
    cat <<EOF
template(name="cf_json" type="list" option.jsonf="on") {
    property(outname="pri" name="pri" format="jsonf")
    property(outname="version" name="protocol-version" format="jsonf")
    property(outname="timestamp" name="timereported" dateFormat="rfc3339" format="jsonf")
    property(outname="hostname" name="hostname" format="jsonf")
    property(outname="app_name" name="app-name" format="jsonf")
    property(outname="procid" name="procid" format="jsonf")
    property(outname="msgid" name="msgid" format="jsonf")
    property(outname="sd" name="structured-data" format="jsonf")
    property(outname="msg" name="msg" format="jsonf")
}
ruleset(name="cf_tls") {
    action(type="omfile" file="$1/received.log" template="cf_json" fileCreateMode="0644" flushOnTXEnd="on" asyncWriting="off")
}
action(type="omfile" file="$1/daemon.log" fileCreateMode="0644")
EOF
}

write_syslogng_conf() {  # dir port certdir mtls version
    local verify=optional-untrusted
    (($4)) && verify=required-trusted
    cat <<EOF
@version: $5
options { log-msg-size(65536); use-dns(no); dns-cache(no); keep-hostname(yes); chain-hostnames(no);
          keep-timestamp(yes); frac-digits(6); stats-freq(0); mark-freq(0); };
source s_tls {
    syslog(ip("127.0.0.1") port($2) transport("tls") max-connections(100) log-iw-size(10000)
        tls(key-file("$3/$SERVER_CERT-key.pem") cert-file("$3/$SERVER_CERT.pem") ca-file("$3/ca.pem") peer-verify($verify)));
};
destination d_received {
    file("$1/received.log"
        template("\$(format-json --scope none pri=\${PRI} timestamp=\${ISODATE} hostname=\${HOST} app_name=\${PROGRAM} procid=\${PID} msgid=\${MSGID} sd=\${SDATA} msg=\${MSG})\n")
        flush-lines(1) perm(0644));
};
log { source(s_tls); destination(d_received); flags(flow-control); };
source s_internal { internal(); };
destination d_internal { file("$1/daemon.log" perm(0644)); };
log { source(s_internal); destination(d_internal); };
EOF
}

cmd_start() {
    local kind=$1 dir=$2 port=$3 mtls=0 certdir="" bin moddir version pid i transport=tls proto=tcp
    SERVER_CERT=server
    shift 3
    while (($#)); do
        case $1 in
            --mtls) mtls=1 ;;
            --certs) (($# >= 2)) || usage; certdir=$2; shift ;;
            --server-cert) (($# >= 2)) || usage; SERVER_CERT=$2; shift ;;
            --transport) (($# >= 2)) || usage; transport=$2; shift ;;
            *) usage ;;
        esac
        shift
    done
    [[ $port =~ ^[0-9]{4,5}$ ]] || die "PORT must be 1024-65535, got '$port'"
    mkdir -p "$dir"; dir=$(cd "$dir" && pwd -P)
    certdir=${certdir:-$dir}; mkdir -p "$certdir"; certdir=$(cd "$certdir" && pwd -P)
    cmd_certs "$certdir"
    cmd_stop "$dir"
    [[ $transport == tls || ( $kind == rsyslog && ( $transport == tcp || $transport == udp ) ) ]] ||
        die "transport $transport is not supported for $kind"
    [[ $transport == udp ]] && proto=udp
    [[ -z $(listen_inodes "$port" "$proto") ]] || die "port $port is already in use"
    touch "$dir/received.log"
    local args=()
    case $kind in
        rsyslog)
            bin="$PREFIX/usr/sbin/rsyslogd"; [[ -x $bin ]] || die "rsyslogd not installed (run: $0 install)"
            moddir=$(rsyslog_moddir)
            write_rsyslog_conf "$dir" "$port" "$certdir" "$mtls" "$transport" >"$dir/receiver.conf"
            "$bin" -N1 -f "$dir/receiver.conf" -M "$moddir" >"$dir/check.out" 2>&1 ||
                { cat "$dir/check.out" >&2; die "rsyslog rejected $dir/receiver.conf"; }
            args=("$bin" -n -f "$dir/receiver.conf" -i "$dir/receiver.pid" -M "$moddir")
            ;;
        syslog-ng)
            bin="$PREFIX/usr/sbin/syslog-ng"; [[ -x $bin ]] || die "syslog-ng not installed (run: $0 install)"
            moddir=$(syslogng_moddir) || die "syslog-ng modules not found"
            version=${moddir##*/}
            export LD_LIBRARY_PATH="$PREFIX/usr/lib/syslog-ng${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
            write_syslogng_conf "$dir" "$port" "$certdir" "$mtls" "$version" >"$dir/receiver.conf"
            "$bin" --syntax-only -f "$dir/receiver.conf" --module-path="$moddir" >"$dir/check.out" 2>&1 ||
                { cat "$dir/check.out" >&2; die "syslog-ng rejected $dir/receiver.conf"; }
            # Unix socket paths are limited to 107 bytes; the daemon runs in DIR.
            args=("$bin" -F --no-caps -f "$dir/receiver.conf" --module-path="$moddir" -p "$dir/receiver.pid"
                  -R "$dir/syslog-ng.persist" -c syslog-ng.ctl)
            ;;
        *) usage ;;
    esac
    rm -f "$dir/receiver.pid"
    # Detached, in DIR, no inherited descriptors (a test runner's pipes must not stay open).
    (
        for fd in /proc/$BASHPID/fd/*; do fd=${fd##*/}; ((fd > 2)) && eval "exec $fd>&-" 2>/dev/null; done
        cd "$dir" && exec setsid "${args[@]}" </dev/null >>"$dir/daemon.out" 2>&1
    ) &
    local launched=$!
    for ((i = 0; i < 200; i++)); do
        pid=$(read_pid "$dir")
        if [[ -n $pid ]] && pid_listens "$pid" "$port" "$proto"; then echo "$pid"; return 0; fi
        if ! pid_alive "$launched" && { [[ -z $pid ]] || ! pid_alive "$pid"; }; then break; fi
        sleep 0.05
    done
    tail -n 30 "$dir/daemon.out" "$dir/daemon.log" >&2 2>/dev/null || true
    [[ -n ${pid:-} ]] && kill -KILL "$pid" 2>/dev/null
    pid_alive "$launched" && kill -KILL "$launched" 2>/dev/null
    die "$kind did not listen on 127.0.0.1:$port ($transport)"
}

(($# >= 1)) || usage
case $1 in
    install) shift; cmd_install "$@" ;;
    certs) (($# == 2)) || usage; cmd_certs "$2" ;;
    start) (($# >= 4)) || usage; shift; cmd_start "$@" ;;
    stop) (($# == 2)) || usage; cmd_stop "$2" ;;
    status) (($# == 2)) || usage; cmd_status "$2" ;;
    *) usage ;;
esac
