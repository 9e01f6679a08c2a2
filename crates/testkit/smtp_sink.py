"""A real SMTP server for the mail tests (aiosmtpd).

    python3 smtp_sink.py DIR [--refuse ADDRESS]...

Listens on 127.0.0.1 on a free port and prints "READY <port>" once it
accepts connections. Each message it accepts is written to DIR as
NNN.eml (the bytes received) with NNN.json beside it (the envelope). A
refused address gets "550 5.1.1 … User unknown" at RCPT TO. Stops when
standard input closes, or after two minutes whatever happens.
"""

import asyncio
import json
import os
import socket
import sys
import threading
import time

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, out, refused):
        self.out = out
        self.refused = {a.lower() for a in refused}
        self.count = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refused:
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            n = self.count
        base = os.path.join(self.out, "%03d" % n)
        data = envelope.original_content or envelope.content
        if isinstance(data, str):
            data = data.encode("utf-8")
        with open(base + ".json.tmp", "w") as f:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos}, f)
        with open(base + ".eml.tmp", "wb") as f:
            f.write(data)
        os.rename(base + ".json.tmp", base + ".json")
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    out = sys.argv[1]
    refused = [sys.argv[i + 1] for i, a in enumerate(sys.argv) if a == "--refuse"]
    port = free_port()
    controller = Controller(Sink(out, refused), hostname="127.0.0.1", port=port)
    controller.start()
    print("READY %d" % port, flush=True)
    deadline = time.time() + 120
    stop = threading.Event()

    def wait_for_stdin():
        sys.stdin.read()
        stop.set()

    threading.Thread(target=wait_for_stdin, daemon=True).start()
    while not stop.is_set() and time.time() < deadline:
        stop.wait(0.2)
    controller.stop()


if __name__ == "__main__":
    main()
