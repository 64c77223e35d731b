#!/usr/bin/env python3
"""The pipeline a user would write with the community SDK, for side-by-side benchmarks.

Reads every activity through `claude_compliance_sdk.ComplianceClient(...).activities.iter(limit=5000)`,
formats each as CEF (the same header and the common extension keys compliance-forwarder emits) and
either sends it as RFC 5424 with octet counting over one TLS socket (RFC 5425), or writes it to a
gzip file. Written plainly, the way the SDK's README suggests, with no tuning beyond what a careful
user would do (one socket, one gzip stream, sendall per message).

    sdk_pipeline.py --base-url URL --syslog 127.0.0.1:6514 --ca ca.pem
    sdk_pipeline.py --base-url URL --gzip out.cef.gz [--level 6]
"""

import argparse
import datetime
import gzip
import socket
import ssl
import sys

from claude_compliance_sdk import ComplianceClient

HOSTNAME = socket.gethostname()


def cef_header(value):
    return str(value).replace("\\", "\\\\").replace("|", "\\|")


def cef_value(value):
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace("=", "\\=")
        .replace("\r", "\\r")
        .replace("\n", "\\n")
    )


def epoch_millis(created_at):
    stamp = datetime.datetime.fromisoformat(created_at.replace("Z", "+00:00"))
    return int(stamp.timestamp() * 1000)


def to_cef(activity):
    actor = activity.actor or {}
    name = activity.type.replace("_", " ").capitalize()
    outcome = "failure" if activity.type.endswith(("_failed", "_rejected")) else "success"
    severity = 5 if outcome == "failure" else 3
    extension = [
        ("rt", epoch_millis(activity.created_at)),
        ("externalId", activity.id),
        ("act", activity.type),
        ("outcome", outcome),
    ]
    user = actor.get("email_address") or actor.get("user_id") or actor.get("api_key_id")
    if user:
        extension.append(("suser", user))
    if actor.get("ip_address"):
        extension.append(("src", actor["ip_address"]))
    if actor.get("user_agent"):
        extension.append(("requestClientApplication", actor["user_agent"]))
    if activity.organization_id:
        extension.append(("cs1Label", "organizationId"))
        extension.append(("cs1", activity.organization_id))
    if actor.get("type"):
        extension.append(("cs2Label", "actorType"))
        extension.append(("cs2", actor["type"]))
    return "CEF:0|Anthropic|Claude Compliance API|1.0|%s|%s|%d|%s" % (
        cef_header(activity.type),
        cef_header(name),
        severity,
        " ".join("%s=%s" % (key, cef_value(value)) for key, value in extension),
    )


def to_syslog_frame(activity, cef):
    # RFC 5424: <PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG, local0.info = 134; RFC 6587 octet counting.
    timestamp = activity.created_at
    message = "<134>1 %s %s claude-compliance - %s - %s" % (timestamp, HOSTNAME, activity.type[:32], cef)
    data = message.encode("utf-8")
    return b"%d %s" % (len(data), data)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--api-key", default="sk-ant-api01-benchmark")
    parser.add_argument("--limit", type=int, default=5000)
    parser.add_argument("--rate-limit-rpm", type=int, default=600, help="the SDK's own pacing (its default); 0 turns it off")
    parser.add_argument("--syslog", help="HOST:PORT of an RFC 5425 (TLS) syslog receiver")
    parser.add_argument("--ca", help="CA file for the receiver's certificate")
    parser.add_argument("--gzip", help="write CEF lines to this gzip file instead")
    parser.add_argument("--level", type=int, default=6, help="gzip compression level")
    args = parser.parse_args()
    if bool(args.syslog) == bool(args.gzip):
        parser.error("give exactly one of --syslog and --gzip")

    count = 0
    with ComplianceClient(api_key=args.api_key, base_url=args.base_url, rate_limit_rpm=args.rate_limit_rpm) as client:
        activities = client.activities.iter(limit=args.limit, order="asc")
        if args.gzip:
            with gzip.open(args.gzip, "wt", encoding="utf-8", compresslevel=args.level) as out:
                for activity in activities:
                    out.write(to_cef(activity))
                    out.write("\n")
                    count += 1
        else:
            host, port = args.syslog.rsplit(":", 1)
            context = ssl.create_default_context(cafile=args.ca)
            with socket.create_connection((host, int(port))) as raw:
                with context.wrap_socket(raw, server_hostname="localhost") as tls:
                    for activity in activities:
                        tls.sendall(to_syslog_frame(activity, to_cef(activity)))
                        count += 1
                    tls.unwrap()
    print("sdk_pipeline: %d activities" % count, file=sys.stderr)


if __name__ == "__main__":
    main()
