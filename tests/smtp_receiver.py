#!/usr/bin/env python3
"""An SMTP server for the notification tests, on loopback (aiosmtpd).

    smtp_receiver.py --port-file FILE --dir DIR [--refuse FILE]

Listens on 127.0.0.1 on a free port, writes the port to --port-file once it
listens, and stores every message it accepts as DIR/N.eml. A recipient
listed (one address a line) in the --refuse file at that moment is refused
with "550 5.1.1 mailbox unavailable", so a test can refuse and then accept.
"""
import argparse
import asyncio
import os
import signal
import socket
import threading

from aiosmtpd.controller import Controller


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Handler:
    def __init__(self, directory, refuse):
        self.directory = directory
        self.refuse = refuse
        self.count = 0
        self.lock = threading.Lock()

    def refused(self):
        if not self.refuse:
            return set()
        try:
            with open(self.refuse) as f:
                return {line.strip() for line in f if line.strip()}
        except OSError:
            return set()

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address in self.refused():
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            name = os.path.join(self.directory, "%d.eml" % self.count)
        with open(name + ".tmp", "wb") as f:
            f.write(b"X-Envelope-To: " + ",".join(envelope.rcpt_tos).encode() +
                    b"\r\n")
            f.write(envelope.original_content or envelope.content)
        os.rename(name + ".tmp", name)
        return "250 Message accepted"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--refuse", default="")
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    port = free_port()
    controller = Controller(Handler(args.dir, args.refuse),
                            hostname="127.0.0.1", port=port)
    controller.start()
    temp = args.port_file + ".tmp"
    with open(temp, "w") as f:
        f.write(str(port))
    os.rename(temp, args.port_file)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *unused: stop.set())
    signal.signal(signal.SIGINT, lambda *unused: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
