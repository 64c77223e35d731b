#!/usr/bin/env python3
"""End-to-end benchmarks for docs/performance.md (issue 8), run by scripts/bench.sh. Not a test.

Every process under measurement runs on its own and is reaped with wait4(), so its CPU seconds
and peak RSS (ru_maxrss) are its own; the mock API, rsyslog and this driver are separate processes
whose CPU is reported next to it. Benchmarks:

  mock-serve   the mock API's serving ceiling: pages of --limit walked by a raw client, saved
               as NDJSON for syslog-ng
  file         backfill of --events activities -> CEF gzip archive (ours vs the Python SDK pipeline
               vs `gzip -6` on the same bytes)
  tls          backfill -> CEF, RFC 5424, octet counting over one TLS connection -> rsyslog; the same
               for the Python SDK pipeline and for syslog-ng reading the NDJSON dump; rsyslog's own
               ingest ceiling with pre-formatted frames of the same size from a minimal sender
  stall        peak RSS of a backfill whose only sink never reads (RSS must stay flat)
  idle         RSS and CPU of `run` with nothing new upstream

    scripts/bench-e2e.py --bin .build-release/release/compliance-forwarder [--events 1000000]
        [--only file,tls] [--idle-seconds 60] [--stall-seconds 20] [--json out.json]
        [--corpus benchmarks/data/hostile-pages [--corpus-cycles 5]]

With --corpus, the activities are recorded page bodies (page-NNN.json or .json.gz, in name order)
served by a small HTTP server of this script in its own process instead of the mock: the records
of an independent simulator, byte for byte. --corpus-cycles N serves them N times (--events is
then N x the corpus's records); cycle c gets its own ids (`activity_01...` becomes
`activity_<c+1, two digits>...`, same length) and its `created_at` years moved back so that the
cycles stay in ascending order. Nothing else in a record changes.
"""

import argparse
import gzip
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEERS = os.environ.get("CF_SYSLOG_PREFIX", "/opt/cf-syslog-peers")
API_KEY = "sk-ant-api01-benchmark-not-secret"
CLK_TCK = os.sysconf("SC_CLK_TCK")


def log(*parts):
    print("bench:", *parts, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, seconds=120, proc=None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError("process exited before listening on %d" % port)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("nothing listens on 127.0.0.1:%d" % port)


def proc_cpu(pid):
    """CPU seconds (user + system) of a live process, from /proc/<pid>/stat."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except (OSError, IndexError, ValueError):
        return 0.0


def proc_status(pid):
    """VmRSS, VmHWM, RssAnon (private heap and stacks) and RssFile (mapped code) of a live process, in bytes."""
    values = {}
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(("VmRSS:", "VmHWM:", "RssAnon:", "RssFile:")):
                    key, value = line.split(":", 1)
                    values[key] = int(value.split()[0]) * 1024
    except OSError:
        pass
    return values


class LineCounter:
    """Counts the lines a receiver has written so far, reading only what is new."""

    def __init__(self, path):
        self.path = path
        self.offset = 0
        self.lines = 0
        self.bytes = 0

    def count(self):
        try:
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                while True:
                    chunk = f.read(1 << 22)
                    if not chunk:
                        break
                    self.lines += chunk.count(b"\n")
                    self.offset += len(chunk)
        except FileNotFoundError:
            pass
        self.bytes = self.offset
        return self.lines


class Measured:
    """One process under measurement: started now, reaped with wait4 for its own rusage."""

    def __init__(self, args, env=None, cwd=None, stdout=None):
        self.args = args
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            args, env=env, cwd=cwd, stdin=subprocess.DEVNULL,
            stdout=stdout or subprocess.DEVNULL, stderr=subprocess.PIPE if stdout is None else subprocess.STDOUT,
        )
        self.ended = None
        self.hwm = 0
        self.rusage = None
        self.status = None
        self.stderr = b""
        if self.proc.stderr is not None:
            self._reader = threading.Thread(target=self._read_stderr, daemon=True)
            self._reader.start()

    def _read_stderr(self):
        self.stderr = self.proc.stderr.read()

    @property
    def pid(self):
        return self.proc.pid

    def poll(self):
        if self.rusage is not None:
            return True
        # VmHWM, not ru_maxrss: Linux carries the forking parent's peak into the child's ru_maxrss
        # across exec, so the driver's own size would show up there.
        self.hwm = max(self.hwm, proc_status(self.proc.pid).get("VmHWM", 0))
        pid, status, usage = os.wait4(self.proc.pid, os.WNOHANG)
        if pid == 0:
            return False
        self._reaped(status, usage)
        return True

    def wait(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.poll():
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError("%s did not exit" % self.args[0])
            time.sleep(0.01)
        return self

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.rusage is None:
            try:
                os.kill(self.proc.pid, sig)
            except ProcessLookupError:
                pass
            try:
                self.wait(timeout)
            except TimeoutError:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.wait()
        return self

    def _reaped(self, status, usage):
        self.ended = time.monotonic()
        self.rusage = usage
        self.status = os.waitstatus_to_exitcode(status)
        self.proc.returncode = self.status
        if self.proc.stderr is not None:
            self._reader.join(5)

    @property
    def cpu(self):
        return self.rusage.ru_utime + self.rusage.ru_stime

    @property
    def peak_rss(self):
        return self.hwm

    def check(self, what):
        if self.status not in (0, -signal.SIGTERM, 143):
            raise RuntimeError("%s exited with %s: %s" % (what, self.status, self.stderr.decode(errors="replace")[-2000:]))


# ------------------------------------------------------------------ peers

class Rsyslog:
    """rsyslog 8.2302 (imtcp + ossl, one ruleset) writing each message's raw text as one line."""

    def __init__(self, workdir, certs):
        self.dir = os.path.join(workdir, "rsyslog")
        os.makedirs(os.path.join(self.dir, "work"), exist_ok=True)
        self.port = free_port()
        self.out = os.path.join(self.dir, "received.log")
        moddir = os.path.dirname(next(
            os.path.join(d, f) for d, _, fs in os.walk(os.path.join(PEERS, "usr/lib")) for f in fs if f == "lmnsd_ossl.so"))
        conf = os.path.join(self.dir, "rsyslog.conf")
        with open(conf, "w") as f:
            f.write("""global(workDirectory="{d}/work" maxMessageSize="64k" processInternalMessages="on" net.enableDNS="off"
    defaultNetstreamDriver="ossl" defaultNetstreamDriverCAFile="{c}/ca.pem"
    defaultNetstreamDriverCertFile="{c}/server.pem" defaultNetstreamDriverKeyFile="{c}/server-key.pem")
module(load="imtcp" streamDriver.name="ossl" streamDriver.mode="1" streamDriver.authMode="anon" maxSessions="10")
template(name="bench_raw" type="string" string="%rawmsg%\\n")
ruleset(name="bench") {{
    action(type="omfile" file="{d}/received.log" template="bench_raw" ioBufferSize="1m" flushOnTXEnd="on")
}}
input(type="imtcp" address="127.0.0.1" port="{p}" ruleset="bench")
action(type="omfile" file="{d}/daemon.log")
""".format(d=self.dir, c=certs, p=self.port))
        self.proc = subprocess.Popen(
            [os.path.join(PEERS, "usr/sbin/rsyslogd"), "-n", "-f", conf, "-i", os.path.join(self.dir, "pid"), "-M", moddir],
            stdin=subprocess.DEVNULL, stdout=open(os.path.join(self.dir, "rsyslogd.out"), "w"), stderr=subprocess.STDOUT)
        wait_listening(self.port, 20, self.proc)

    def reset(self):
        """Empties the output file between runs (rsyslog reopens it on HUP)."""
        if os.path.exists(self.out):
            os.unlink(self.out)
        os.kill(self.proc.pid, signal.SIGHUP)
        time.sleep(0.3)
        return LineCounter(self.out)

    def cpu(self):
        return proc_cpu(self.proc.pid)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def syslogng_moddir():
    base = os.path.join(PEERS, "usr/lib/syslog-ng")
    for name in sorted(os.listdir(base)):
        if os.path.exists(os.path.join(base, name, "libafsocket.so")):
            return os.path.join(base, name)
    raise RuntimeError("syslog-ng modules not found under %s" % base)


def syslogng_forwarder_conf(workdir, ndjson, certs, port):
    """syslog-ng as a forwarder: NDJSON file -> json-parser -> CEF via templates -> RFC 5425 (TLS)."""
    version = os.path.basename(syslogng_moddir())
    cef = []
    for key, source in (("rt", "${S_UNIXTIME}${S_MSEC}"), ("externalId", "${.a.id}"), ("act", "${.a.type}"),
                        ("suser", "${.a.actor.email_address}"), ("src", "${.a.actor.ip_address}"),
                        ("requestClientApplication", "${.a.actor.user_agent}"),
                        ("cs1", "${.a.organization_id}"), ("cs2", "${.a.actor.type}")):
        cef.append('    set("%s" value(".cef.%s") condition("%s" ne ""));' % (source, key, source))
    cef.append('    set("organizationId" value(".cef.cs1Label") condition("${.a.organization_id}" ne ""));')
    cef.append('    set("actorType" value(".cef.cs2Label"));')
    return """@version: {v}
options {{ stats-freq(0); mark-freq(0); use-dns(no); dns-cache(no); log-msg-size(65536); frac-digits(0);
          keep-timestamp(yes); threaded(yes); }};
source s_ndjson {{ file("{n}" flags(no-parse) follow-freq(1) log-fetch-limit(1000) log-iw-size(100000)); }};
parser p_activity {{
    json-parser(prefix(".a."));
    date-parser(format("%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z") template("${{.a.created_at}}"));
}};
rewrite r_cef {{
{cef}
    set("CEF:0|Anthropic|Claude Compliance API|1.0|${{.a.type}}|${{.a.type}}|3|$(format-cef-extension --subkeys .cef.)" value("MESSAGE"));
    set("claude-compliance" value("PROGRAM"));
    set("${{.a.type}}" value("MSGID"));
}};
destination d_tls {{
    syslog("127.0.0.1" port({p}) transport("tls") tls(ca-file("{c}/ca.pem") peer-verify(required-trusted))
        log-fifo-size(100000));
}};
log {{ source(s_ndjson); parser(p_activity); rewrite(r_cef); destination(d_tls); flags(flow-control); }};
source s_internal {{ internal(); }};
destination d_internal {{ file("{w}/syslog-ng-forwarder.log"); }};
log {{ source(s_internal); destination(d_internal); }};
""".format(v=version, n=ndjson, c=certs, p=port, w=workdir, cef="\n".join(cef))


# ------------------------------------------------------------------ API side

class APIProcess:
    """An API server in a process of its own: its CPU and RSS are not the driver's."""

    def cpu(self):
        return proc_cpu(self.proc.pid)

    def rss(self):
        return proc_status(self.proc.pid).get("VmRSS", 0)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class MockAPI(APIProcess):
    """`compliance-forwarder mock-api` in its own process, rate limit raised out of the way.

    --prerender: the mock keeps every record's JSON, so serving a page is a copy. The real API runs
    on other machines; here the mock shares the two cores with what is measured."""

    def __init__(self, binary, events, hours, rate_limit=10_000_000):
        self.port = free_port()
        self.base_url = "http://127.0.0.1:%d" % self.port
        started = time.monotonic()
        self.proc = subprocess.Popen(
            [binary, "mock-api", "--port", str(self.port), "--backlog", str(events), "--backlog-hours", str(hours),
             "--live-rate", "0", "--late-fraction", "0", "--rate-limit", str(rate_limit), "--no-access-records",
             "--seed", "1", "--prerender"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_listening(self.port, 300, self.proc)
        self.startup_seconds = time.monotonic() - started



def dump_pages(base_url, limit, ndjson_path=None):
    """Walks every page (order=asc, after_id) with a raw client: the mock's serving rate. With
    `ndjson_path`, also writes the same activities as NDJSON for syslog-ng (slow in Python, and
    not part of the serving time)."""
    host, port = base_url.rsplit("/", 1)[1].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=120)
    cursor = None
    records = 0
    body_bytes = 0
    serve_seconds = 0.0
    ndjson = open(ndjson_path, "wb") if ndjson_path else None
    try:
        while True:
            path = "/v1/compliance/activities?order=asc&limit=%d" % limit
            if cursor:
                path += "&after_id=" + cursor
            started = time.monotonic()
            connection.request("GET", path, headers={"x-api-key": API_KEY})
            response = connection.getresponse()
            body = response.read()
            serve_seconds += time.monotonic() - started
            if response.status != 200:
                raise RuntimeError("mock answered %d: %s" % (response.status, body[:300]))
            body_bytes += len(body)
            # The envelope's tail holds has_more and last_id; parse the records only when needed.
            tail = body[body.rfind(b'"has_more"'):]
            has_more = tail.startswith(b'"has_more":true')
            match = tail.find(b'"last_id":"')
            cursor = tail[match + 11:tail.index(b'"', match + 11)].decode() if match >= 0 else None
            if ndjson is not None or not has_more:
                page = json.loads(body)
                records += len(page["data"])
                if ndjson is not None:
                    for record in page["data"]:
                        ndjson.write(json.dumps(record, separators=(",", ":"), ensure_ascii=False).encode())
                        ndjson.write(b"\n")
            else:
                records += limit
            if not has_more or not cursor:
                break
    finally:
        if ndjson is not None:
            ndjson.close()
    return {"records": records, "bytes_per_record": body_bytes / max(records, 1), "serve_seconds": serve_seconds}


CORPUS_SERVER = r"""
import gzip, http.server, json, os, sys, urllib.parse
directory, cycles, port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
names = sorted(n for n in os.listdir(directory) if n.endswith((".json", ".json.gz")))
originals = []
for name in names:
    with open(os.path.join(directory, name), "rb") as f:
        data = f.read()
    originals.append(gzip.decompress(data) if name.endswith(".gz") else data)
pages, follows = [], {}
last_year = 2026
for cycle in range(cycles):
    year = b"%d-" % (last_year - (cycles - 1 - cycle))
    for body in originals:
        body = body.replace(b'"activity_01', b'"activity_%02d' % (cycle + 1))
        body = body.replace(b'"created_at":"2026-', b'"created_at":"' + year)
        if len(pages) < cycles * len(originals) - 1:
            body = body.replace(b'"has_more":false', b'"has_more":true')
        pages.append(body)
for index, body in enumerate(pages):
    tail = body[body.rfind(b'"last_id":"') + 11:]
    follows[tail[:tail.index(b'"')].decode()] = index + 1
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        after = query.get("after_id", [None])[0]
        index = 0 if after is None else follows.get(after)
        if index is None or index >= len(pages):
            self.send_response(400)
            body = b'{"type":"error","error":{"type":"invalid_request_error","message":"unknown after_id"}}'
        else:
            self.send_response(200)
            body = pages[index]
        self.send_header("content-type", "application/json")
        self.send_header("request-id", "req_corpus_%d" % (index or 0))
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
print(cycles * sum(len(json.loads(body)["data"]) for body in originals), flush=True)
http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
"""


class CorpusAPI(APIProcess):
    """Recorded page bodies served in their order by `after_id` (see --corpus), in its own process
    so that its CPU is not the driver's."""

    def __init__(self, directory, cycles):
        self.port = free_port()
        self.base_url = "http://127.0.0.1:%d" % self.port
        started = time.monotonic()
        self.proc = subprocess.Popen([sys.executable, "-c", CORPUS_SERVER, directory, str(cycles), str(self.port)],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.records = int(self.proc.stdout.readline())
        wait_listening(self.port, 120, self.proc)
        self.startup_seconds = time.monotonic() - started



# ------------------------------------------------------------------ senders

BLAST_SENDER = r'''
import socket, ssl, sys, time
host, port, cafile, count, size = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
prefix = b"<134>1 2026-11-28T10:00:00.000Z bench claude-compliance - claude_chat_viewed - CEF:0|Anthropic|Claude Compliance API|1.0|claude_chat_viewed|Claude chat viewed|3|externalId="
batch_size = 1000
def frame(i):
    body = prefix + b"%012d msg=" % i
    body += b"x" * max(size - len(body) - len(str(size)) - 1, 0)
    return b"%d %s" % (len(body), body)
context = ssl.create_default_context(cafile=cafile)
with socket.create_connection((host, port)) as raw, context.wrap_socket(raw, server_hostname="localhost") as tls:
    sent = 0
    while sent < count:
        n = min(batch_size, count - sent)
        tls.sendall(b"".join(frame(sent + i) for i in range(n)))
        sent += n
    tls.unwrap()
'''


class Staller:
    """A TCP listener that accepts and never reads: a syslog receiver that has stalled."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.connections = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            self.connections.append(connection)

    def close(self):
        for connection in self.connections:
            connection.close()
        self.sock.close()


# ------------------------------------------------------------------ forwarder configs

def forwarder_config(path, base_url, workdir, sinks, start="-7d", extra_source=""):
    with open(path, "w") as f:
        f.write("""source:
  base_url: {u}
  api_key: {k}
  start: "{s}"
  page_size: 5000
{x}checkpoint:
  path: {w}/state/checkpoint.json
dead_letter:
  directory: {w}/state/dead-letter
log:
  level: warning
sinks:
{sinks}""".format(u=base_url, k=API_KEY, s=start, w=workdir, x=extra_source, sinks=sinks))
    return path


def syslog_sink(port, certs, transport="tls"):
    tls = "    tls: {{ ca_file: {c}/ca.pem }}\n".format(c=certs) if transport == "tls" else ""
    return """  - name: siem
    type: syslog
    format: cef
    address: 127.0.0.1:{p}
    transport: {t}
    framing: octet_counting
    header: rfc5424
{tls}""".format(p=port, t=transport, tls=tls)


def file_sink(directory, level=6):
    return """  - name: archive
    type: file
    format: cef
    directory: {d}
    compression_level: {l}
    rotate: {{ max_bytes: 1GiB, max_age: 1h }}
""".format(d=directory, l=level)


def rfc3339(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


# ------------------------------------------------------------------ the runs

class Bench:
    def __init__(self, args):
        self.args = args
        self.binary = os.path.abspath(args.bin)
        self.workdir = tempfile.mkdtemp(prefix="cf-bench-", dir=args.workdir)
        self.certs = os.path.join(self.workdir, "certs")
        subprocess.run([os.path.join(ROOT, "scripts/syslog-receivers.sh"), "certs", self.certs], check=True)
        self.results = {"events": args.events, "machine": machine()}
        self.api = None
        self.mock = None
        self.rsyslog = None
        self.hours = max(args.events / 100_000, 1.0)

    def close(self):
        for peer in (self.mock, self.rsyslog):
            if peer is not None:
                peer.stop()
        if not self.args.keep:
            shutil.rmtree(self.workdir, ignore_errors=True)
        else:
            log("kept", self.workdir)

    def since_until(self):
        now = time.time()
        if self.args.corpus:
            return "2000-01-01T00:00:00Z", rfc3339(now + 60)
        return rfc3339(now - self.hours * 3600 - 3600), rfc3339(now + 60)

    def start_api(self):
        if self.args.corpus:
            self.mock = CorpusAPI(self.args.corpus, self.args.corpus_cycles)
            self.args.events = self.results["events"] = self.mock.records
            log("corpus %s x %d cycles: %d activities, served in %.1f s; walking its pages" % (
                self.args.corpus, self.args.corpus_cycles, self.mock.records, self.mock.startup_seconds))
        else:
            log("starting mock-api with %d activities" % self.args.events)
            self.mock = MockAPI(self.binary, self.args.events, self.hours)
            log("mock ready in %.1f s; walking its pages" % self.mock.startup_seconds)
        cpu0 = self.mock.cpu()
        started = time.monotonic()
        ndjson = None
        if "tls" in self.args.only and "syslog-ng" not in self.args.without:
            ndjson = os.path.join(self.workdir, "activities.ndjson")
        dumped = dump_pages(self.mock.base_url, self.args.limit, ndjson)
        elapsed = time.monotonic() - started
        mock_cpu = self.mock.cpu() - cpu0
        self.results["mock_serve"] = {
            "records": dumped["records"], "bytes_per_record": round(dumped["bytes_per_record"]),
            "records_per_s": round(dumped["records"] / dumped["serve_seconds"]),
            "mock_cpu_us_per_record": round(mock_cpu / dumped["records"] * 1e6, 2),
            "mock_rss_mib": round(self.mock.rss() / 1048576, 1), "walk_seconds": round(elapsed, 2),
        }
        log("mock-serve", self.results["mock_serve"])
        if dumped["records"] != self.args.events:
            raise RuntimeError("mock served %d records, expected %d" % (dumped["records"], self.args.events))
        self.api = self.mock

    def api_cpu(self):
        return self.api.cpu()

    def forwarder_env(self):
        env = dict(os.environ)
        for item in self.args.env:
            key, _, value = item.partition("=")
            env[key] = value
        return env

    def forwarder(self, name, sinks, run_dir=None):
        run_dir = run_dir or os.path.join(self.workdir, name)
        os.makedirs(run_dir, exist_ok=True)
        config = forwarder_config(os.path.join(run_dir, "forwarder.yaml"), self.api.base_url, run_dir, sinks)
        since, until = self.since_until()
        return [self.binary, "backfill", "--config", config, "--since", since, "--until", until], run_dir

    def measure(self, name, args, counter=None, expected=None, stop_when_counted=False, env=None, cwd=None):
        """Runs one process to completion (or, for a daemon, until the receiver has everything)."""
        api0, rs0 = self.api_cpu(), self.rsyslog.cpu() if self.rsyslog else 0.0
        load0 = os.getloadavg()[0]
        process = Measured(args, env=env, cwd=cwd)
        done_at = None
        while True:
            exited = process.poll()
            if counter is not None and done_at is None and counter.count() >= expected:
                done_at = time.monotonic()
            if exited and (counter is None or done_at is not None):
                break
            if stop_when_counted and done_at is not None:
                process.stop()
                break
            if exited and counter is not None:
                # The sender is gone; give the receiver a moment to write what it has.
                if time.monotonic() - process.ended > 30:
                    raise RuntimeError("%s: receiver has %d of %d lines 30 s after the sender exited"
                                       % (name, counter.count(), expected))
            if time.monotonic() - process.started > self.args.timeout:
                process.stop(signal.SIGKILL)
                raise RuntimeError("%s did not finish in %d s" % (name, self.args.timeout))
            time.sleep(0.02)
        if not stop_when_counted:
            process.check(name)
        finished = done_at if done_at is not None else process.ended
        if done_at is not None and process.ended is not None:
            finished = max(done_at, process.ended) if not stop_when_counted else done_at
        seconds = finished - process.started
        events = expected or self.args.events
        result = {
            "events": events,
            "seconds": round(seconds, 3),
            "events_per_s": round(events / seconds),
            "cpu_s": round(process.cpu, 3),
            "cpu_s_per_million": round(process.cpu / events * 1e6, 2),
            "cpu_us_per_event": round(process.cpu / events * 1e6, 3),
            "peak_rss_mib": round(process.peak_rss / 1048576, 1),
            "api_cpu_s": round(self.api_cpu() - api0, 2),
            # Other work on the machine skews wall-clock rates (CPU seconds much less): say how busy it was.
            "load_average_1m": [round(load0, 1), round(os.getloadavg()[0], 1)],
        }
        if self.rsyslog:
            result["rsyslog_cpu_s"] = round(self.rsyslog.cpu() - rs0, 2)
        if counter is not None:
            result["received"] = counter.count()
            result["bytes_per_line"] = round(counter.bytes / max(counter.lines, 1), 1)
        log(name, result)
        return result

    # -------------------------------------------------------------- file archive

    def bench_file(self):
        n = self.args.events
        out = {}
        argv, run_dir = self.forwarder("file-ours", file_sink(os.path.join(self.workdir, "file-ours", "archive")))
        out["ours"] = self.measure("file ours (CEF, gzip -6)", argv, env=self.forwarder_env())
        archive = os.path.join(run_dir, "archive")
        files = sorted(os.path.join(archive, f) for f in os.listdir(archive) if f.endswith(".gz"))
        plain = os.path.join(self.workdir, "archive.cef")
        lines = 0
        with open(plain, "wb") as target:
            for path in files:
                with gzip.open(path, "rb") as source:
                    data = source.read()
                    lines += data.count(b"\n")
                    target.write(data)
        if lines != n:
            raise RuntimeError("archive holds %d lines, expected %d" % (lines, n))
        out["ours"]["compressed_bytes"] = sum(os.path.getsize(p) for p in files)
        out["ours"]["plain_bytes"] = os.path.getsize(plain)
        with open(plain + ".gz", "wb") as compressed:
            gz = Measured(["gzip", "-6", "-c", plain], stdout=compressed).wait()
        gz_size = os.path.getsize(plain + ".gz")
        os.unlink(plain + ".gz")
        out["gzip_6_same_bytes"] = {"cpu_s": round(gz.cpu, 3), "cpu_s_per_million": round(gz.cpu / n * 1e6, 2),
                                    "compressed_bytes": gz_size}
        log("gzip -6 on the same bytes", out["gzip_6_same_bytes"])
        self.results["file"] = out
        if "python" in self.args.without:
            return
        target = os.path.join(self.workdir, "file-python.cef.gz")
        out["python_sdk"] = self.measure("file python SDK (CEF, gzip 6)", [
            sys.executable, os.path.join(ROOT, "benchmarks/python/sdk_pipeline.py"), "--base-url", self.api.base_url,
            "--gzip", target, "--level", "6"])
        with gzip.open(target, "rb") as f:
            python_lines = sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 22), b""))
        if python_lines != n:
            raise RuntimeError("python archive holds %d lines, expected %d" % (python_lines, n))
        out["python_sdk"]["compressed_bytes"] = os.path.getsize(target)
        shutil.rmtree(os.path.join(run_dir, "archive"), ignore_errors=True)
        os.unlink(plain)

    # -------------------------------------------------------------- TLS to rsyslog

    def bench_tls(self):
        n = self.args.events
        out = {}
        if self.rsyslog is None:
            self.rsyslog = Rsyslog(self.workdir, self.certs)
        counter = self.rsyslog.reset()
        argv, _ = self.forwarder("tls-ours", syslog_sink(self.rsyslog.port, self.certs))
        out["ours"] = self.measure("tls ours -> rsyslog", argv, counter, n, env=self.forwarder_env())
        frame_size = int(out["ours"]["bytes_per_line"])
        self.results["tls"] = out

        counter = self.rsyslog.reset()
        out["rsyslog_ceiling"] = self.measure("rsyslog ingest ceiling (%d-byte frames, 1 TLS connection)" % frame_size, [
            sys.executable, "-c", BLAST_SENDER, "127.0.0.1", str(self.rsyslog.port),
            os.path.join(self.certs, "ca.pem"), str(n), str(frame_size)], counter, n)
        out["rsyslog_ceiling"]["frame_bytes"] = frame_size

        if "python" not in self.args.without:
            counter = self.rsyslog.reset()
            out["python_sdk"] = self.measure("tls python SDK -> rsyslog", [
                sys.executable, os.path.join(ROOT, "benchmarks/python/sdk_pipeline.py"), "--base-url", self.api.base_url,
                "--syslog", "127.0.0.1:%d" % self.rsyslog.port, "--ca", os.path.join(self.certs, "ca.pem")], counter, n)
        if "syslog-ng" in self.args.without:
            return
        counter = self.rsyslog.reset()
        conf_dir = os.path.join(self.workdir, "syslog-ng-fwd")
        os.makedirs(conf_dir, exist_ok=True)
        conf = os.path.join(conf_dir, "syslog-ng.conf")
        with open(conf, "w") as f:
            f.write(syslogng_forwarder_conf(conf_dir, os.path.join(self.workdir, "activities.ndjson"), self.certs,
                                            self.rsyslog.port))
        moddir = syslogng_moddir()
        env = dict(os.environ, LD_LIBRARY_PATH=os.path.join(PEERS, "usr/lib/syslog-ng"))
        out["syslog_ng"] = self.measure("tls syslog-ng (NDJSON file) -> rsyslog", [
            os.path.join(PEERS, "usr/sbin/syslog-ng"), "-F", "--no-caps", "-f", conf, "--module-path=" + moddir,
            "-p", os.path.join(conf_dir, "pid"), "-R", os.path.join(conf_dir, "persist"), "-c", "ctl"],
            counter, n, stop_when_counted=True, env=env, cwd=conf_dir)

    # -------------------------------------------------------------- stalled sink

    def bench_stall(self):
        staller = Staller()
        argv, run_dir = self.forwarder("stall", syslog_sink(staller.port, self.certs, transport="tcp"))
        process = Measured(argv, env=self.forwarder_env())
        samples = []
        last_status = {}
        started = time.monotonic()
        try:
            while time.monotonic() - started < self.args.stall_seconds:
                time.sleep(0.5)
                if process.poll():
                    raise RuntimeError("stalled backfill exited: %s" % process.stderr.decode(errors="replace")[-2000:])
                status = proc_status(process.pid)
                samples.append((round(time.monotonic() - started, 1), status.get("VmRSS", 0), status.get("VmHWM", 0)))
                last_status = status
        finally:
            process.stop(signal.SIGKILL)
            staller.close()
        marks = [next(s for s in samples if s[0] >= t) for t in (2, 5, 10, 20, 40, 80) if samples and samples[-1][0] >= t]
        if samples and samples[-1] not in marks:
            marks.append(samples[-1])
        self.results["stall"] = {
            "seconds": self.args.stall_seconds,
            "peak_rss_mib": round(process.peak_rss / 1048576, 1),
            "vmhwm_mib_at": {str(t): round(h / 1048576, 1) for t, _, h in marks},
            "rss_mib_at": {str(t): round(r / 1048576, 1) for t, r, _ in marks},
            "rss_anon_mib": round(last_status.get("RssAnon", 0) / 1048576, 1),
            "rss_file_mib": round(last_status.get("RssFile", 0) / 1048576, 1),
            "cpu_s": round(process.cpu, 2),
        }
        log("stall", self.results["stall"])

    # -------------------------------------------------------------- idle

    def bench_idle(self):
        if self.rsyslog is None:
            self.rsyslog = Rsyslog(self.workdir, self.certs)
        run_dir = os.path.join(self.workdir, "idle")
        os.makedirs(run_dir, exist_ok=True)
        sinks = syslog_sink(self.rsyslog.port, self.certs) + file_sink(os.path.join(run_dir, "archive"))
        config = forwarder_config(os.path.join(run_dir, "forwarder.yaml"), self.mock.base_url, run_dir, sinks,
                                  start="now")
        process = Measured([self.binary, "run", "--config", config], env=self.forwarder_env())
        try:
            time.sleep(5)
            if process.poll():
                raise RuntimeError("run exited: %s" % process.stderr.decode(errors="replace")[-2000:])
            cpu0, t0 = proc_cpu(process.pid), time.monotonic()
            peak = 0
            while time.monotonic() - t0 < self.args.idle_seconds:
                time.sleep(1)
                peak = max(peak, proc_status(process.pid).get("VmRSS", 0))
            status = proc_status(process.pid)
            cpu = proc_cpu(process.pid) - cpu0
            elapsed = time.monotonic() - t0
        finally:
            process.stop()
        self.results["idle"] = {
            "seconds": round(elapsed),
            "rss_mib": round(status.get("VmRSS", 0) / 1048576, 1),
            "peak_rss_mib": round(status.get("VmHWM", 0) / 1048576, 1),
            "rss_anon_mib": round(status.get("RssAnon", 0) / 1048576, 1),
            "rss_file_mib": round(status.get("RssFile", 0) / 1048576, 1),
            "cpu_s": round(cpu, 3),
            "cpu_percent": round(cpu / elapsed * 100, 3),
        }
        log("idle", self.results["idle"])


def machine():
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            model = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {"cpus": os.cpu_count(), "cpu": model, "kernel": os.uname().release,
            "python": sys.version.split()[0]}


def summary(results):
    lines = []
    def row(name, r):
        lines.append("%-46s %9s ev/s  %7s CPU s/M  %6s MiB peak" % (
            name, "{:,}".format(r["events_per_s"]), r["cpu_s_per_million"], r["peak_rss_mib"]))
    if "mock_serve" in results:
        m = results["mock_serve"]
        lines.append("%-46s %9s rec/s  %5s µs mock CPU/record" % ("mock API serving (raw client)",
                                                                   "{:,}".format(m["records_per_s"]), m["mock_cpu_us_per_record"]))
    if "file" in results:
        f = results["file"]
        row("file: ours (CEF, gzip 6)", f["ours"])
        g = f["gzip_6_same_bytes"]
        lines.append("%-46s %9s        %7s CPU s/M  (%d vs our %d bytes)" % (
            "file: gzip -6 on the same plain bytes", "", g["cpu_s_per_million"], g["compressed_bytes"],
            f["ours"]["compressed_bytes"]))
        if "python_sdk" in f:
            row("file: Python SDK (CEF, gzip 6)", f["python_sdk"])
            lines.append("  ratio ours/python: throughput %.2fx, CPU per event %.2fx" % (
                f["ours"]["events_per_s"] / f["python_sdk"]["events_per_s"],
                f["ours"]["cpu_s"] / f["python_sdk"]["cpu_s"]))
    if "tls" in results:
        t = results["tls"]
        row("tls: ours -> rsyslog", t["ours"])
        for key, label in (("python_sdk", "tls: Python SDK -> rsyslog"), ("syslog_ng", "tls: syslog-ng (NDJSON) -> rsyslog")):
            if key in t:
                row(label, t[key])
        row("tls: rsyslog ceiling (blast, %d B frames)" % t["rsyslog_ceiling"]["frame_bytes"], t["rsyslog_ceiling"])
        for other in (k for k in ("python_sdk", "syslog_ng") if k in t):
            lines.append("  ratio ours/%s: throughput %.2fx, CPU per event %.2fx" % (
                other, t["ours"]["events_per_s"] / t[other]["events_per_s"], t["ours"]["cpu_s"] / t[other]["cpu_s"]))
        lines.append("  ours / rsyslog ceiling: %.0f%%" % (t["ours"]["events_per_s"] / t["rsyslog_ceiling"]["events_per_s"] * 100))
    if "stall" in results:
        s = results["stall"]
        lines.append("stalled sink, %d s of backfill: peak RSS %s MiB (VmHWM over time %s; at the end %s anon + %s file)" % (
            s["seconds"], s["peak_rss_mib"], s["vmhwm_mib_at"], s["rss_anon_mib"], s["rss_file_mib"]))
    if "idle" in results:
        i = results["idle"]
        lines.append("idle run, %d s: RSS %s MiB (%s anon + %s file; peak %s), CPU %s s (%s%%)" % (
            i["seconds"], i["rss_mib"], i["rss_anon_mib"], i["rss_file_mib"], i["peak_rss_mib"], i["cpu_s"], i["cpu_percent"]))
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True, help="the release compliance-forwarder binary")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--limit", type=int, default=5000)
    parser.add_argument("--only", default="file,tls,stall,idle")
    parser.add_argument("--without", default="", help="comma-separated: python, syslog-ng (skip those peers)")
    parser.add_argument("--env", action="append", default=[], metavar="K=V",
                        help="environment for our forwarder only (e.g. MALLOC_ARENA_MAX=2)")
    parser.add_argument("--idle-seconds", type=float, default=60)
    parser.add_argument("--stall-seconds", type=float, default=20)
    parser.add_argument("--timeout", type=float, default=600, help="per measured process")
    parser.add_argument("--workdir", default=None, help="parent of the scratch directory (default: $TMPDIR)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    parser.add_argument("--json", help="also write the results here")
    parser.add_argument("--corpus", help="serve these recorded page bodies instead of the mock (see above)")
    parser.add_argument("--corpus-cycles", type=int, default=1, help="serve the corpus this many times")
    args = parser.parse_args()
    bench = Bench(args)
    try:
        bench.start_api()
        for name in args.only.split(","):
            getattr(bench, "bench_" + name.strip())()
    finally:
        bench.close()
    print(summary(bench.results))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(bench.results, f, indent=2)


if __name__ == "__main__":
    main()
