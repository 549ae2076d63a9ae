"""Writes a zero-ETL integration's log stream into a moto server, as AWS documents it.

Usage: setup_logs.py ENDPOINT NOW_MILLIS INTEGRATION_ID

Log group `/aws-glue/zeroETL-integrations/logs/` (the Glue monitoring guide's spelling), stream
INTEGRATION_ID, with the documented event shapes: an IngestionStarted and an IngestionFailed
for table `orders` shortly before NOW_MILLIS, and an IngestionCompleted 30 hours earlier
(outside the doctor's 24-hour window, so it must not be read). Uses the credentials of the
environment (moto's default account). Prints the group and stream as JSON.
"""

import json
import sys

import boto3

GROUP = "/aws-glue/zeroETL-integrations/logs/"


def main(endpoint, now_millis, integration_id):
    logs = boto3.client("logs", endpoint_url=endpoint, region_name="us-east-1")
    logs.create_log_group(logGroupName=GROUP)
    logs.create_log_stream(logGroupName=GROUP, logStreamName=integration_id)
    arn = f"arn:aws:glue:us-east-1:123456789012:integration:{integration_id}"

    def event(minutes_ago, message_type, details):
        message = {"integrationArn": arn, "messageType": message_type, "details": details}
        return {"timestamp": now_millis - minutes_ago * 60_000, "message": json.dumps(message)}

    events = [
        event(30 * 60, "IngestionCompleted",
              {"tableName": "orders", "message": "Ingestion Job completed"}),
        event(10, "IngestionStarted", {"tableName": "orders", "message": "Ingestion Job started"}),
        event(9, "IngestionFailed", {
            "tableName": "orders",
            "errorMessage": "Failed to ingest data with error: Target Glue database not found.",
            "error_code": "client_error",
        }),
    ]
    logs.put_log_events(logGroupName=GROUP, logStreamName=integration_id, logEvents=events)
    print(json.dumps({"log_group": GROUP, "log_stream": integration_id}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
