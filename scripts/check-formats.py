#!/usr/bin/env python3
"""Validate forwarder output lines with independent third-party parsers.

    scripts/check-formats.py --kind cef FILE        # one CEF record per line
    some-command | scripts/check-formats.py --kind rfc5424

--kind cef      each line must parse with PyPI `cefp` (cefp.parse), which must return the header
                fields (version, device vendor/product/version/event_class_id, name, severity) and an
                `outcome` extension of success, failure or unknown (every event carries one).
--kind rfc5424  each line must parse with PyPI `syslog-rfc5424-parser` (SyslogMessage.parse). A line
                may start with an RFC 5425 octet-count prefix ("123 <134>1 ..."); it is stripped after
                checking that the count equals the message's byte length.

--kind sentinel each line is one `mode: azure_monitor` row, checked against the custom table that
                ships in examples/sentinel/table.json (parsed here with the standard library, not
                the forwarder's list): every key a declared column, every value of the column's
                type (dateTime: ISO 8601 with a zone, int, string non-empty, dynamic an object),
                and TimeGenerated, ActivityId, ActivityType, EventOutcome, Severity, RawRecord
                present, with RawRecord.id == ActivityId.

--kind otlp     FILE is a directory of captured OTLP/HTTP request bodies (`request-<n>.bin`, gzip or
                not, protobuf or OTLP/JSON), each decoded as an ExportLogsServiceRequest with PyPI `opentelemetry-proto`
                (the official generated Python classes); every log record is checked against its
                own body (the original record): time_unix_nano = created_at to the nanosecond,
                event_name and attribute event.name = type, log.record.uid = id, severity number
                and text one of the documented pairs, user.email / client.address /
                user_agent.original = the actor's fields, attribute keys semantic conventions or
                claude.*, and the resource's service.name and organisation. One line per record.

--kind sigv4    each line is one request the S3 sink signs (`benchmark sigv4 --emit-requests`): its
                decoded path and query parameters are encoded here with urllib (the path must equal
                ours), then the request is signed again with PyPI `botocore`'s S3SigV4Auth at the
                same date and credentials; Authorization, X-Amz-Date, X-Amz-Content-SHA256 and
                X-Amz-Security-Token must equal the headers our signer added.

Prints "N passed, N failed" and exits 1 when any line fails (2 when a parser is not installed).
Install the parsers with: pip install cefp syslog-rfc5424-parser opentelemetry-proto botocore
"""

import argparse
import re
import sys

OCTET_PREFIX = re.compile(rb"^([1-9][0-9]*) (?=<)")


def check_cef(line):
    import cefp

    record = cefp.parse(line.decode("utf-8"))
    if not isinstance(record, dict):
        raise ValueError("cefp.parse returned %r" % (record,))
    device = record.get("device") or {}
    missing = [key for key in ("version", "name", "severity") if record.get(key) is None]
    missing += ["device." + key for key in ("vendor", "product", "version", "event_class_id") if device.get(key) is None]
    if missing:
        raise ValueError("missing header fields: " + ", ".join(missing))
    outcome = (record.get("extension") or {}).get("outcome")
    if outcome not in ("success", "failure", "unknown"):
        raise ValueError("outcome is %r, not success/failure/unknown" % (outcome,))


def check_rfc5424(line):
    from syslog_rfc5424_parser import SyslogMessage

    match = OCTET_PREFIX.match(line)
    if match:
        line = line[match.end():]
        if int(match.group(1)) != len(line):
            raise ValueError("octet count %s but the message has %d bytes" % (match.group(1).decode(), len(line)))
    SyslogMessage.parse(line.decode("utf-8"))


def sentinel_columns():
    import json
    import os

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "sentinel", "table.json")
    with open(path, encoding="utf-8") as handle:
        template = json.load(handle)
    columns = template["resources"][0]["properties"]["schema"]["columns"]
    return {column["name"]: column["type"] for column in columns}


def check_sentinel(line, columns):
    import datetime
    import json

    row = json.loads(line.decode("utf-8"))
    if not isinstance(row, dict):
        raise ValueError("not a JSON object")
    for key, value in row.items():
        kind = columns.get(key)
        if kind is None:
            raise ValueError("column %s is not in the table" % key)
        if kind == "dateTime":
            parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
            if parsed.tzinfo is None:
                raise ValueError("%s has no time zone" % key)
        elif kind == "int":
            if not isinstance(value, int) or isinstance(value, bool):
                raise ValueError("%s is %r, not an int" % (key, value))
        elif kind == "string":
            if not isinstance(value, str) or not value:
                raise ValueError("%s is %r, not a non-empty string" % (key, value))
        elif kind == "dynamic":
            if not isinstance(value, dict):
                raise ValueError("%s is not an object" % key)
        else:
            raise ValueError("table column %s has unexpected type %s" % (key, kind))
    missing = [key for key in ("TimeGenerated", "ActivityId", "ActivityType", "EventOutcome", "Severity", "RawRecord")
               if key not in row]
    if missing:
        raise ValueError("missing columns: " + ", ".join(missing))
    if row["RawRecord"].get("id") != row["ActivityId"]:
        raise ValueError("RawRecord.id differs from ActivityId")

OTLP_SEVERITIES = {9: "INFO", 10: "INFO2", 13: "WARN", 18: "ERROR2"}
OTLP_SEMANTIC_KEYS = {
    "event.name", "log.record.uid", "user.id", "user.email", "client.address", "user_agent.original", "url.full",
    "http.request.method", "http.response.status_code", "file.name",
}


def rfc3339_nanoseconds(text):
    """Nanoseconds since the epoch of an RFC 3339 time, exact (datetime keeps only microseconds)."""
    import calendar

    match = re.match(r"^(\d{4})-(\d\d)-(\d\d)[Tt](\d\d):(\d\d):(\d\d)(\.\d+)?([Zz]|[+-]\d\d:\d\d)$", text)
    if not match:
        raise ValueError("created_at %r is not RFC 3339" % text)
    year, month, day, hour, minute, second = (int(match.group(i)) for i in range(1, 7))
    seconds = calendar.timegm((year, month, day, hour, minute, second))
    zone = match.group(8)
    if zone not in ("Z", "z"):
        sign = 1 if zone[0] == "+" else -1
        seconds -= sign * (int(zone[1:3]) * 3600 + int(zone[4:6]) * 60)
    fraction = (match.group(7) or ".")[1:]
    return seconds * 1_000_000_000 + int((fraction + "000000000")[:9])


def otlp_value(value):
    kind = value.WhichOneof("value")
    if kind == "array_value":
        return [otlp_value(item) for item in value.array_value.values]
    return getattr(value, kind) if kind else None


def otlp_records(path):
    """(resource attributes, scope, record) for every log record of one captured request body."""
    import gzip

    from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest

    with open(path, "rb") as handle:
        body = handle.read()
    if body[:2] == b"\x1f\x8b":
        body = gzip.decompress(body)
    if body[:1] == b"{":
        # OTLP/JSON: protobuf's own JSON parser (lowerCamelCase names, integer enums, int64 strings).
        from google.protobuf import json_format

        request = json_format.Parse(body.decode("utf-8"), ExportLogsServiceRequest())
    else:
        request = ExportLogsServiceRequest.FromString(body)
    for resource_logs in request.resource_logs:
        resource = {pair.key: otlp_value(pair.value) for pair in resource_logs.resource.attributes}
        for scope_logs in resource_logs.scope_logs:
            for record in scope_logs.log_records:
                yield resource, scope_logs.scope, record


def check_otlp(item):
    import json

    resource, scope, record = item
    if resource.get("service.name") != "compliance-forwarder" or not resource.get("service.version"):
        raise ValueError("resource lacks service.name/service.version: %r" % resource)
    if scope.name != "compliance-forwarder":
        raise ValueError("scope name %r" % scope.name)
    original = json.loads(record.body.string_value)
    attributes = {}
    for pair in record.attributes:
        if pair.key in attributes:
            raise ValueError("attribute %s twice" % pair.key)
        if pair.key not in OTLP_SEMANTIC_KEYS and not pair.key.startswith("claude."):
            raise ValueError("attribute %s is neither a semantic convention nor claude.*" % pair.key)
        attributes[pair.key] = otlp_value(pair.value)
    if record.time_unix_nano != rfc3339_nanoseconds(original["created_at"]):
        raise ValueError("time_unix_nano %d is not created_at %s" % (record.time_unix_nano, original["created_at"]))
    if record.observed_time_unix_nano == 0:
        raise ValueError("observed_time_unix_nano missing")
    if record.event_name != original["type"] or attributes.get("event.name") != original["type"]:
        raise ValueError("event_name/event.name %r is not type %r" % (record.event_name, original["type"]))
    if attributes.get("log.record.uid") != original["id"]:
        raise ValueError("log.record.uid is not the activity id")
    if OTLP_SEVERITIES.get(record.severity_number) != record.severity_text:
        raise ValueError("severity %d %r" % (record.severity_number, record.severity_text))
    actor = original.get("actor") or {}
    for field, key in (("ip_address", "client.address"), ("user_agent", "user_agent.original"),
                       ("email_address", "user.email")):
        if actor.get(field) and attributes.get(key) != actor[field]:
            raise ValueError("%s %r is not actor.%s %r" % (key, attributes.get(key), field, actor[field]))
    status = attributes.get("http.response.status_code")
    if status is not None and not isinstance(status, int):
        raise ValueError("http.response.status_code is not an int")
    if not isinstance(attributes.get("claude.event.category"), list):
        raise ValueError("claude.event.category is not an array")
    if original.get("organization_id") and resource.get("claude.organization.id") != original["organization_id"]:
        raise ValueError("resource organisation differs from the record's")


def check_sigv4(line):
    import datetime
    import json
    import types
    from unittest import mock
    from urllib.parse import quote, unquote

    import botocore.auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    sample = json.loads(line)
    # Encode the key the way botocore's S3 serializer does; the sink must send the same path.
    path = quote(sample["decoded_path"], safe="/~")
    if path != sample["path"]:
        raise ValueError("path %r, botocore would send %r" % (sample["path"], path))
    params = [tuple(pair) for pair in sample["parameters"]]
    sent = [tuple(unquote(part) for part in (pair.split("=", 1) + [""])[:2])
            for pair in sample["query"].split("&") if pair]
    if sent != params:
        raise ValueError("query %r does not carry the parameters %r" % (sample["query"], params))
    body = sample["body"].encode("utf-8") if sample["body"] is not None else b""
    request = AWSRequest(method=sample["method"], url="%s://%s%s" % (sample["scheme"], sample["host"], path),
                         headers=dict(sample["headers"]), data=body, params=params)
    if sample["payload"] == "unsigned":
        request.context["client_config"] = types.SimpleNamespace(s3={"payload_signing_enabled": False})
    credentials = Credentials(sample["access_key"], sample["secret_key"], sample["session_token"])
    auth = botocore.auth.S3SigV4Auth(credentials, "s3", sample["region"])
    when = datetime.datetime.strptime(sample["date"], "%Y%m%dT%H%M%SZ")
    if hasattr(botocore.auth, "get_current_datetime"):
        with mock.patch.object(botocore.auth, "get_current_datetime", return_value=when):
            auth.add_auth(request)
    else:  # botocore before 1.34 read datetime.datetime.utcnow() directly
        with mock.patch.object(botocore.auth.datetime, "datetime", wraps=datetime.datetime) as clock:
            clock.utcnow.return_value = when
            auth.add_auth(request)
    ours = {name.lower(): value for name, value in sample["signed"]}
    theirs = {name.lower(): request.headers[name] for name in
              ("Authorization", "X-Amz-Date", "X-Amz-Content-SHA256", "X-Amz-Security-Token") if name in request.headers}
    if ours != theirs:
        differing = sorted(name for name in set(ours) | set(theirs) if ours.get(name) != theirs.get(name))
        raise ValueError("%s: headers differ from botocore: %s\n  ours:     %s\n  botocore: %s" % (
            sample["name"], ", ".join(differing), ours.get("authorization"), theirs.get("authorization")))
    print("sigv4 %s: same signature as botocore %s" % (sample["name"], botocore.__version__))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kind", required=True, choices=["cef", "rfc5424", "sentinel", "otlp", "sigv4"])
    parser.add_argument("file", nargs="?", help="input file (default: standard input)")
    parser.add_argument("-q", "--quiet", action="store_true", help="do not print failing lines")
    args = parser.parse_args(argv)

    try:
        if args.kind == "sentinel":
            pass
        elif args.kind == "otlp":
            import opentelemetry.proto.collector.logs.v1.logs_service_pb2  # noqa: F401
        elif args.kind == "cef":
            import cefp  # noqa: F401
        elif args.kind == "sigv4":
            import botocore.auth  # noqa: F401
        else:
            import syslog_rfc5424_parser  # noqa: F401
    except ImportError as error:
        print("missing parser (%s); run: pip install cefp syslog-rfc5424-parser opentelemetry-proto botocore"
              % error,
              file=sys.stderr)
        return 2

    if args.kind == "otlp":
        return check_otlp_directory(args.file, args.quiet)

    if args.kind == "sentinel":
        columns = sentinel_columns()

        def check(line):
            check_sentinel(line, columns)
    elif args.kind == "sigv4":
        check = check_sigv4
    else:
        check = check_cef if args.kind == "cef" else check_rfc5424
    stream = open(args.file, "rb") if args.file else sys.stdin.buffer
    passed = failed = 0
    with stream:
        # Split on LF only: U+2028/U+2029 or a lone CR inside a record are not line ends.
        for number, raw in enumerate(stream.read().split(b"\n"), start=1):
            if raw.endswith(b"\r"):
                raw = raw[:-1]
            if not raw:
                continue
            try:
                check(raw)
                passed += 1
            except Exception as error:  # any parser failure counts as a failed line
                failed += 1
                if not args.quiet:
                    print("line %d: %s: %s" % (number, type(error).__name__, error), file=sys.stderr)
                    print("  %r" % raw[:300], file=sys.stderr)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def check_otlp_directory(directory, quiet):
    import os

    passed = failed = 0
    names = sorted(name for name in os.listdir(directory) if name.endswith(".bin"))
    for name in names:
        try:
            items = list(otlp_records(os.path.join(directory, name)))
        except Exception as error:  # the whole body failed to decode
            failed += 1
            print("%s: %s: %s" % (name, type(error).__name__, error), file=sys.stderr)
            continue
        for number, item in enumerate(items, start=1):
            try:
                check_otlp(item)
                passed += 1
            except Exception as error:
                failed += 1
                if not quiet:
                    print("%s record %d: %s: %s" % (name, number, type(error).__name__, error), file=sys.stderr)
    if not names:
        print("no captured request bodies in %s" % directory, file=sys.stderr)
        failed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
