#!/usr/bin/env python3
"""A webhook receiver for the notification tests, on loopback.

    webhook_receiver.py --port-file FILE --log FILE --mode FILE --secret SECRET

Listens on 127.0.0.1 on a free port, writes the port to --port-file once it
listens, and answers every POST as the --mode file says at that moment
("200", "500", or "sleep SECONDS" before a 200; 200 when the file is
missing), so a test can change its behaviour between requests. Each request
is appended to --log as one JSON line: path, the webhook-id,
webhook-timestamp and webhook-signature headers, the body, whether the
Standard Webhooks signature verifies with --secret (checked here with
Python's hmac and base64, independently of livesop), and the status
answered.
"""
import argparse
import base64
import hashlib
import hmac
import http.server
import json
import os
import threading
import time


def verify(secret, msg_id, timestamp, body, header):
    key = base64.b64decode(secret[len("whsec_"):])
    signed = msg_id.encode() + b"." + timestamp.encode() + b"." + body
    expected = base64.b64encode(
        hmac.new(key, signed, hashlib.sha256).digest()).decode()
    # A header may carry several space-separated signatures.
    for part in header.split(" "):
        version, _, signature = part.partition(",")
        if version == "v1" and hmac.compare_digest(signature, expected):
            return True
    return False


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--mode", required=True)
    parser.add_argument("--secret", required=True)
    args = parser.parse_args()
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            try:
                with open(args.mode) as f:
                    mode = f.read().strip() or "200"
            except OSError:
                mode = "200"
            status = 200
            if mode.startswith("sleep"):
                time.sleep(float(mode.split()[1]))
            else:
                status = int(mode)
            msg_id = self.headers.get("webhook-id", "")
            timestamp = self.headers.get("webhook-timestamp", "")
            signature = self.headers.get("webhook-signature", "")
            record = {
                "path": self.path,
                "id": msg_id,
                "timestamp": timestamp,
                "signature": signature,
                "content_type": self.headers.get("Content-Type", ""),
                "body": body.decode("utf-8", "replace"),
                "verified": verify(args.secret, msg_id, timestamp, body,
                                   signature),
                "status": status,
                "mode": mode,
            }
            with lock:
                with open(args.log, "a") as f:
                    f.write(json.dumps(record) + "\n")
            try:
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok" if status < 300 else b"receiver says no")
            except OSError:
                pass  # the sender gave up waiting

        def log_message(self, *unused):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    temp = args.port_file + ".tmp"
    with open(temp, "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(temp, args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
