"""A delaying HTTP proxy on loopback for the collection benchmark (scripts/bench-collect.sh).

Usage: delay-proxy.py PORT UPSTREAM DELAY_MS LOG [CANNED]

Listens on 127.0.0.1:PORT and forwards every request to UPSTREAM (a moto server on loopback)
after sleeping DELAY_MS, so each AWS call costs at least one simulated network round trip.
It appends one JSON line per request to LOG: the AWS service, region and operation, its input
parameters, start and end times (seconds, monotonic clock) and the access key that signed it
(to tell the two accounts apart; moto's keys are fake).

CANNED (optional) is a JSON file {"Operation": {...}} of answers for operations moto does not
implement (an answer may depend on the request: {"$by": "Param", "answers": {VALUE: answer}}
picks the answer by an input parameter, {"$per_query": result} answers GetMetricData with
that result for each query Id) (it answers the Glue integration APIs with HTTP 500, which the SDK then retries; it
has no Redshift Serverless; it does not speak the Smithy RPC v2 CBOR protocol the SDK and the
CLI use for CloudWatch): those are answered by the proxy itself, after the same delay, as AWS
answers them, in the protocol of the request (JSON, or CBOR for `/service/S/operation/OP`).
A timestamp in an answer is written {"$epoch": SECONDS}.

Threads serve concurrent connections (HTTP/1.1 keep-alive), so concurrency is preserved.
"""

import base64
import datetime
import http.client
import json
import struct
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


# ------------------------------------------------------------ a minimal CBOR (RFC 8949)


def cbor_encode(value):
    """CBOR of a JSON-like value; {"$epoch": s} becomes a timestamp (tag 1)."""

    def head(major, n):
        if n < 24:
            return bytes([major << 5 | n])
        for info, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
            if n < 1 << (8 * struct.calcsize(fmt)):
                return bytes([major << 5 | info]) + struct.pack(fmt, n)
        raise ValueError(n)

    if value is None:
        return b"\xf6"
    if value is True or value is False:
        return b"\xf5" if value else b"\xf4"
    if isinstance(value, int):
        return head(0, value) if value >= 0 else head(1, -1 - value)
    if isinstance(value, float):
        return b"\xfb" + struct.pack(">d", value)
    if isinstance(value, str):
        raw = value.encode()
        return head(3, len(raw)) + raw
    if isinstance(value, list):
        return head(4, len(value)) + b"".join(cbor_encode(v) for v in value)
    if isinstance(value, dict):
        if list(value) == ["$epoch"]:
            return b"\xc1" + cbor_encode(float(value["$epoch"]))
        return head(5, len(value)) + b"".join(
            cbor_encode(k) + cbor_encode(v) for k, v in value.items()
        )
    raise TypeError(type(value))


def cbor_decode(data):
    """The JSON-like value of a CBOR item: timestamps as ISO-8601 text, bytes as base64."""

    def item(i):
        first = data[i]
        major, info = first >> 5, first & 31
        i += 1
        if major == 7:
            if info == 25:
                return struct.unpack(">e", data[i : i + 2])[0], i + 2
            if info == 26:
                return struct.unpack(">f", data[i : i + 4])[0], i + 4
            if info == 27:
                return struct.unpack(">d", data[i : i + 8])[0], i + 8
            return {20: False, 21: True, 22: None, 23: None}[info], i
        if info == 31:  # indefinite length: items up to the 0xff break
            out = [] if major in (4, 5) else b""
            while data[i] != 0xFF:
                v, i = item(i)
                out = out + ([v] if major in (4, 5) else (v.encode() if major == 3 else v))
            i += 1
            if major == 5:
                return dict(zip(out[::2], out[1::2])), i
            if major == 3:
                return out.decode(), i
            return out, i
        if info < 24:
            n = info
        else:
            size = 1 << (info - 24)
            n = int.from_bytes(data[i : i + size], "big")
            i += size
        if major == 0:
            return n, i
        if major == 1:
            return -1 - n, i
        if major in (2, 3):
            raw = data[i : i + n]
            return (raw.decode() if major == 3 else base64.b64encode(raw).decode()), i + n
        if major == 4:
            out = []
            for _ in range(n):
                v, i = item(i)
                out.append(v)
            return out, i
        if major == 5:
            out = {}
            for _ in range(n):
                k, i = item(i)
                out[k], i = item(i)
            return out, i
        if major == 6:
            v, i = item(i)
            if n == 1:
                t = datetime.datetime.fromtimestamp(v, datetime.timezone.utc)
                return t.isoformat().replace("+00:00", "Z"), i
            return v, i
        raise ValueError(f"CBOR major type {major}")

    if not data:
        return {}
    return item(0)[0]


def plain(value):
    """A canned answer for JSON protocols: {"$epoch": s} is just the number."""
    if isinstance(value, dict):
        if list(value) == ["$epoch"]:
            return value["$epoch"]
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def answer_for(canned, params):
    """The canned answer for this request (see CANNED in the module documentation)."""
    params = params if isinstance(params, dict) else {}
    if isinstance(canned, dict) and "$by" in canned:
        return canned["answers"].get(str(params.get(canned["$by"])), {})
    if isinstance(canned, dict) and "$per_query" in canned:
        return {
            "MetricDataResults": [
                {**canned["$per_query"], "Id": q.get("Id")}
                for q in params.get("MetricDataQueries") or []
            ],
            "Messages": [],
        }
    return canned


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
    if "/operation/" in path and headers.get("smithy-protocol") == "rpc-v2-cbor":
        return path.rsplit("/operation/", 1)[1].split("?")[0], cbor_decode(body)
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
        if op in self.canned and self.headers.get("smithy-protocol") == "rpc-v2-cbor":
            payload = cbor_encode(answer_for(self.canned[op], params))
            status = 200
            headers = [("Content-Type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor")]
        elif op in self.canned:
            payload = json.dumps(plain(answer_for(self.canned[op], params))).encode()
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
