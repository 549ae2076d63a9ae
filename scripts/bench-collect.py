"""Helpers of scripts/bench-collect.sh (run with the moto venv's python).

  bench-collect.py canned SETUP_JSON OUT [VARIANT]
                                               answers for the APIs moto lacks
  bench-collect.py rounds LOG                  calls and sequential rounds of one run
  bench-collect.py replay LOG ENDPOINT         the same reads, one by one, with the aws CLI

Rounds: each logged call [start, end] is placed in wave 1 + the highest wave of the calls that
had already ended when it started (a call can only depend on answers it had received). The
number of waves is the length of the longest chain of calls that ran one after another: the
sequential rounds on the critical path. It is an upper bound: a call that merely started late
(a slow emulator) also counts as sequential. With a fixed delay on every call, wall time is
about rounds x delay plus the emulator's and zetl's own work; "slowest" per round shows how
long moto took beyond the delay.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import time

# Integer members of the inputs the doctor sends through the Query protocol (form values are
# text; the CLI validates types).
INTEGER_INPUTS = {"DurationSeconds", "MaxItems"}


def load(log):
    with open(log, encoding="utf-8") as f:
        calls = [json.loads(line) for line in f if line.strip()]
    return sorted(calls, key=lambda c: c["start"])


def canned(setup_json, out, variant="integrated"):
    """What AWS answers for the `integrated` setup (or `tables-N`) where moto cannot: the Glue
    integration APIs (moto: HTTP 500) for one ACTIVE integration of each table into the
    database, their LastSyncTimestamp metric a minute ago (CloudWatch over CBOR, which moto
    does not speak) and an empty Redshift Serverless (moto has none) for the console
    principal's probes. Answers that depend on the request are given by the proxy's `$by`
    (GetIntegrationTableProperties per TableName) and `$per_query` (one GetMetricData result
    per query) forms."""
    with open(setup_json, encoding="utf-8") as f:
        setup = json.load(f)[variant]
    database = setup["target_database"]
    # setup_variants.py creates the role under the /service-role/ path.
    role = setup["target_role"].replace(":role/", ":role/service-role/", 1)
    tables = setup.get("source_tables", [setup["source_table"]])
    arns = setup.get("integration_arns", [setup["integration_arn"]])
    now = time.time()
    synced = float(int(now - 60))

    def integration(table, arn):
        return {
            "IntegrationArn": arn,
            "SourceArn": table,
            "TargetArn": database,
            "Status": "ACTIVE",
            "CreateTime": {"$epoch": int(now - 7200)},
            "IntegrationConfig": {"RefreshInterval": "15", "ContinuousSync": True},
            "Errors": [],
        }

    def name(table):
        return table.rsplit("/", 1)[1]

    pairs = list(zip(tables, arns))
    answers = {
        "DescribeIntegrations": {
            "Integrations": [
                {**integration(t, a), "IntegrationName": f"{name(t)}-to-lake"} for t, a in pairs
            ]
        },
        "DescribeInboundIntegrations": {"InboundIntegrations": [integration(t, a) for t, a in pairs]},
        "ListMetrics": {
            "Metrics": [
                {
                    "Namespace": "AWS/Glue/ZeroETL",
                    "MetricName": "LastSyncTimestamp",
                    "Dimensions": [{"Name": "integrationArn", "Value": a}],
                }
                for a in arns
            ]
        },
        "GetMetricData": {
            "$per_query": {
                "Label": "LastSyncTimestamp",
                "Timestamps": [{"$epoch": synced}],
                "Values": [synced],
                "StatusCode": "Complete",
            }
        },
        "ListNamespaces": {"namespaces": []},
        "ListWorkgroups": {"workgroups": []},
        "GetIntegrationResourceProperty": {
            "ResourceArn": database,
            "TargetProcessingProperties": {"RoleArn": role},
        },
        "GetIntegrationTableProperties": {
            "$by": "TableName",
            "answers": {
                name(t): {
                    "ResourceArn": database,
                    "TableName": name(t),
                    "TargetTableConfig": {"UnnestSpec": "TOPLEVEL", "TargetTableName": name(t)},
                }
                for t in tables
            },
        },
    }
    with open(out, "w", encoding="utf-8") as f:
        json.dump(answers, f)


def waves(calls):
    placed = []
    for call in calls:
        before = [w for (c, w) in placed if c["end"] <= call["start"]]
        placed.append((call, 1 + max(before, default=0)))
    return placed


def rounds(log):
    calls = load(log)
    placed = waves(calls)
    depth = max((w for _, w in placed), default=0)
    t0 = calls[0]["start"] if calls else 0.0
    for w in range(1, depth + 1):
        ops = [c for c, cw in placed if cw == w]
        names = sorted({f'{c["service"]}:{c["operation"]}' for c in ops})
        first = min(c["start"] for c in ops) - t0
        slowest = max(c["end"] - c["start"] for c in ops)
        print(
            f"  round {w}: {len(ops):2d} calls from +{first * 1000:4.0f} ms, slowest"
            f" {slowest * 1000:4.0f} ms: {', '.join(names)}",
            file=sys.stderr,
        )
    print(f"{len(calls)} {depth}")


def kebab(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def cli_input(call):
    params = dict(call.get("input") or {})
    for k in INTEGER_INPUTS & params.keys():
        params[k] = int(params[k])
    return params


def replay(log, endpoint):
    """Runs every call of the doctor's run again with the aws CLI, one process per call,
    sequentially, as a person checking by hand would (one AssumeRole per account first, its
    keys then exported). Prints: number of CLI calls, the number that failed where the
    doctor's call had succeeded, wall seconds."""
    calls = load(log)
    with tempfile.TemporaryDirectory() as home:
        config = os.path.join(home, "config")
        with open(config, "w", encoding="utf-8") as f:
            # Path-style S3 on a loopback endpoint, as the doctor does.
            f.write("[default]\ns3 =\n    addressing_style = path\n")
        base = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("AWS_") and k not in ("HOME",)
        }
        base.update(
            HOME=home,
            AWS_CONFIG_FILE=config,
            AWS_SHARED_CREDENTIALS_FILE=os.path.join(home, "none"),
            AWS_EC2_METADATA_DISABLED="true",
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",
        )
        keys = {}  # the doctor's access key -> the replay's credentials for that account
        count, failed = 0, 0
        start = time.monotonic()
        for call in calls:
            # The CLI's names for the services as SigV4 scopes name them.
            service = {"s3": "s3api", "monitoring": "cloudwatch"}.get(call["service"], call["service"])
            env = dict(base)
            if call["operation"] != "AssumeRole" and call["access_key"] in keys:
                env.update(keys[call["access_key"]])
            cmd = [
                "aws", service, kebab(call["operation"]),
                "--endpoint-url", endpoint,
                "--region", call["region"] or "us-east-1",
                "--output", "json",
                "--cli-input-json", json.dumps(cli_input(call)),
            ]
            done = subprocess.run(cmd, env=env, capture_output=True, text=True)
            count += 1
            # A call the doctor also got an error for (a log group that does not exist: a
            # known "nothing logged") is expected to fail here too.
            if done.returncode != 0 and call.get("status", 200) == 200:
                failed += 1
                print(f"  aws {service} {kebab(call['operation'])}: {done.stderr.strip()[:200]}", file=sys.stderr)
            elif call["operation"] == "AssumeRole" and call.get("issued_key"):
                creds = json.loads(done.stdout)["Credentials"]
                keys[call["issued_key"]] = {
                    "AWS_ACCESS_KEY_ID": creds["AccessKeyId"],
                    "AWS_SECRET_ACCESS_KEY": creds["SecretAccessKey"],
                    "AWS_SESSION_TOKEN": creds["SessionToken"],
                }
        elapsed = time.monotonic() - start
    print(f"{count} {failed} {elapsed:.3f}")


if __name__ == "__main__":
    commands = {"canned": canned, "rounds": rounds, "replay": replay}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        raise SystemExit(__doc__)
    commands[sys.argv[1]](*sys.argv[2:])
