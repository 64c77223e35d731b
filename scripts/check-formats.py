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

Prints "N passed, N failed" and exits 1 when any line fails (2 when a parser is not installed).
Install the parsers with: pip install cefp syslog-rfc5424-parser
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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kind", required=True, choices=["cef", "rfc5424", "sentinel"])
    parser.add_argument("file", nargs="?", help="input file (default: standard input)")
    parser.add_argument("-q", "--quiet", action="store_true", help="do not print failing lines")
    args = parser.parse_args(argv)

    try:
        if args.kind == "sentinel":
            pass
        elif args.kind == "cef":
            import cefp  # noqa: F401
        else:
            import syslog_rfc5424_parser  # noqa: F401
    except ImportError as error:
        print("missing parser (%s); run: pip install cefp syslog-rfc5424-parser" % error, file=sys.stderr)
        return 2

    if args.kind == "sentinel":
        columns = sentinel_columns()

        def check(line):
            check_sentinel(line, columns)
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


if __name__ == "__main__":
    sys.exit(main())
