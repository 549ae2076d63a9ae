"""A delaying HTTP proxy on loopback for the collection benchmark (scripts/bench-collect.sh).

Usage: delay-proxy.py PORT UPSTREAM DELAY_MS LOG [CANNED]

Listens on 127.0.0.1:PORT and forwards every request to UPSTREAM (a moto server on loopback)
after sleeping DELAY_MS, so each AWS call costs at least one simulated network round trip.
It appends one JSON line per request to LOG: the AWS service, region and operation, its input
parameters, start and end times (seconds, monotonic clock) and the access key that signed it
(to tell the two accounts apart; moto's keys are fake).

CANNED (optional) is a JSON file {"Operation": {...}} of answers for operations moto does not
implement (it answers the Glue integration APIs with HTTP 500, which the SDK then retries):
those are answered by the proxy itself, after the same delay, as AWS answers them.

Threads serve concurrent connections (HTTP/1.1 keep-alive), so concurrency is preserved.
"""

import http.client
import json
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "date", "server"}
S3_SUBRESOURCES = {
    "location": "GetBucketLocation",
    "policy": "GetBucketPolicy",
    "encryption": "GetBucketEncryption",
}


def credential(headers):
    """(access key, region, service) from the SigV4 Authorization header."""
    auth = headers.get("Authorization", "")
    for part in auth.replace(",", " ").split():
        if part.startswith("Credential="):
            scope = part[len("Credential=") :].split("/")
            if len(scope) >= 4:
                return scope[0], scope[2], scope[3]
    return None, None, None


def json_body(body):
    try:
        return json.loads(body or b"{}")
    except ValueError:
        return None


def operation(service, method, path, headers, body):
    """The AWS operation name and its input parameters (so the same call can be replayed)."""
    target = headers.get("X-Amz-Target")
    if target:
        return target.rsplit(".", 1)[-1], json_body(body)
    content_type = headers.get("Content-Type", "")
    if "x-www-form-urlencoded" in content_type:
        form = dict(urllib.parse.parse_qsl(body.decode("utf-8", "replace")))
        return form.pop("Action", "?"), {k: v for k, v in form.items() if k != "Version"}
    parsed = urllib.parse.urlsplit(path)
    if service == "s3":
        bucket = {"Bucket": parsed.path.strip("/").split("/")[0]}
        keys = [k.split("=")[0] for k in parsed.query.split("&") if k]
        for key in keys:
            if key in S3_SUBRESOURCES and method == "GET":
                return S3_SUBRESOURCES[key], bucket
        return f"{method} {parsed.path}", bucket
    # REST-JSON services (Lake Formation): the operation is the path, the input the body.
    return parsed.path.strip("/").split("/")[0] or "?", json_body(body)


class Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    upstream = None
    delay = 0.0
    log = None
    canned = {}
    lock = threading.Lock()
    local = threading.local()

    def log_message(self, *_):
        pass

    def body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))

    def connection_upstream(self):
        conn = getattr(self.local, "conn", None)
        if conn is None:
            host, port = self.upstream
            conn = self.local.conn = http.client.HTTPConnection(host, port, timeout=60)
        return conn

    def forward(self, body):
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        headers["Content-Length"] = str(len(body))
        for attempt in range(2):
            conn = self.connection_upstream()
            try:
                conn.request(self.command, self.path, body=body, headers=headers)
                resp = conn.getresponse()
                return resp.status, resp.getheaders(), resp.read()
            except (http.client.HTTPException, OSError):
                conn.close()
                self.local.conn = None
                if attempt:
                    raise
        raise RuntimeError("unreachable")

    def handle_any(self):
        start = time.monotonic()
        body = self.body()
        access_key, region, service = credential(self.headers)
        op, params = operation(service, self.command, self.path, self.headers, body)
        time.sleep(self.delay)
        if op in self.canned:
            payload = json.dumps(self.canned[op]).encode()
            status, headers = 200, [("Content-Type", "application/x-amz-json-1.1")]
        else:
            status, headers, payload = self.forward(body)
        self.send_response_only(status)
        for k, v in headers:
            if k.lower() not in HOP_BY_HOP:
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
        self.wfile.flush()
        entry = {
            "service": service,
            "region": region,
            "operation": op,
            "start": start,
            "end": time.monotonic(),
            "status": status,
            "access_key": access_key,
            "canned": op in self.canned,
        }
        if params is not None:
            entry["input"] = params
        if op == "AssumeRole" and status == 200:
            # Which account's keys these are: the later calls signed with them belong to it.
            text = payload.decode("utf-8", "replace")
            if "<AccessKeyId>" in text:
                entry["issued_key"] = text.split("<AccessKeyId>")[1].split("<")[0]
        with self.lock:
            self.log.write(json.dumps(entry) + "\n")
            self.log.flush()

    do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = handle_any


def main(port, upstream, delay_ms, log_path, canned_path=None):
    parsed = urllib.parse.urlsplit(upstream)
    if parsed.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("the upstream must be on loopback")
    Proxy.upstream = (parsed.hostname, parsed.port or 80)
    Proxy.delay = int(delay_ms) / 1000.0
    Proxy.log = open(log_path, "a", encoding="utf-8")
    if canned_path:
        with open(canned_path, encoding="utf-8") as f:
            Proxy.canned = json.load(f)
    # socketserver's default listen backlog is 5: a burst of concurrent connections beyond
    # it has its SYNs dropped and retried a second later, a stall of the proxy, not of zetl.
    ThreadingHTTPServer.request_queue_size = 128
    server = ThreadingHTTPServer(("127.0.0.1", int(port)), Proxy)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) not in (5, 6):
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
