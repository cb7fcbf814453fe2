#!/usr/bin/env python3
"""Anti-entropy digest cost (docs/anti-entropy.md) at 100,000 instances over 100 applications.

Starts two eureka-server nodes A and B on free 127.0.0.1 ports, peers of each other, with
--eureka.node.anti-entropy-interval-ms=INTERVAL. Loads the same INSTANCES registrations into both as replicated
registrations (so neither forwards them and both hold identical states: nothing differs), waits until each node has
had an in-sync round, then reads both nodes' /metrics before and after ROUNDS intervals:

  sender side    eureka_anti_entropy_loop_seconds_total / _sent_bytes_total / _received_bytes_total per round
                 (loop time to build the digest and read the answer; body bytes each way)
  answering side eureka_http_server_request_duration_seconds{endpoint="batch"} per request (the digest answers are
                 the only requests of that class in the window: no clients, no changes)

Then the bounded worst case: POSTs of {"apps":{}} to B (every application differs), whose answer is truncated at
the reply cap (docs/anti-entropy.md): its bytes plain and gzipped, B's loop time per answer
(eureka_anti_entropy_answer_loop_seconds_total: collecting the states; the JSON and gzip run on the pool) and its
request duration (which includes the pool's work), and B's largest loop-thread CPU time between two probe firings.

Standard library only:  python3 bench/antientropy.py --bin .build/release/eureka-server
Every process it starts is stopped by its PID (SIGTERM, SIGKILL after 10 s), also on failure or Ctrl-C; all load is
bounded (INSTANCES registrations per node, a timeout per phase). Only 127.0.0.1 is addressed.
"""
import argparse
import datetime
import gzip
import http.client
import json
import os
import platform
import queue
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchlib import HOST, free_port

REPO = Path(__file__).resolve().parent.parent
LISTENING = re.compile(r"eureka-server listening on 127\.0\.0\.1 port (\d+)")
SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$')


class Node:
    def __init__(self, name, binary, port, args, log_dir):
        self.name, self.port = name, port
        self.log = open(Path(log_dir) / f"{name}.log", "wb")
        self.proc = subprocess.Popen([binary, f"--server.port={port}", f"--server.address={HOST}", *args],
                                     stdout=subprocess.PIPE, stderr=self.log, stdin=subprocess.DEVNULL)
        lines = queue.Queue()
        threading.Thread(target=self._read, args=(lines,), daemon=True).start()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=0.5)
            except queue.Empty:
                continue
            if line is None:
                raise RuntimeError(f"{name} exited at start")
            if LISTENING.search(line):
                return
        raise RuntimeError(f"{name} did not listen within 20 s")

    def _read(self, lines):
        for raw in self.proc.stdout:
            self.log.write(raw)
            lines.put(raw.decode("utf-8", "replace"))
        lines.put(None)

    def request(self, method, path, body=None, headers=None, timeout=60):
        conn = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, dict(resp.getheaders()), resp.read()
        finally:
            conn.close()

    def metrics(self):
        status, _, body = self.request("GET", "/metrics")
        assert status == 200, status
        samples = {}
        for line in body.decode().splitlines():
            m = SAMPLE.match(line)
            if m:
                samples[(m.group(1), m.group(2) or "")] = float(m.group(3))
        return samples

    def stop(self):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self.log.close()


def metric(samples, name, **labels):
    """The sum of the samples of `name` whose labels include every given one."""
    total = 0.0
    for (n, lbl), value in samples.items():
        if n == name and all(f'{k}="{v}"' in lbl for k, v in labels.items()):
            total += value
    return total


def bodies(instances, apps, now_ms):
    for index in range(instances):
        app = f"APP{index % apps:03d}"
        iid = f"host-{index}:{app.lower()}:8080"
        doc = {"instance": {
            "instanceId": iid, "hostName": f"host-{index}", "app": app, "ipAddr": "10.0.0.1", "status": "UP",
            "overriddenStatus": "UNKNOWN", "port": {"$": 8080, "@enabled": "true"},
            "securePort": {"$": 443, "@enabled": "false"}, "countryId": 1,
            "dataCenterInfo": {"@class": "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo", "name": "MyOwn"},
            "leaseInfo": {"renewalIntervalInSecs": 30, "durationInSecs": 3600},
            "vipAddress": app.lower(), "secureVipAddress": app.lower(),
            "lastUpdatedTimestamp": str(now_ms), "lastDirtyTimestamp": str(now_ms)}}
        yield app, json.dumps(doc).encode()


def load(node, work, connections=4, window=64, timeout=300):
    """Pipelined replicated registrations (x-netflix-discovery-replication: true: not forwarded to the peer)."""
    shares = [work[i::connections] for i in range(connections)]
    failures = []

    def drive(share):
        sock = socket.create_connection((HOST, node.port), timeout=timeout)
        reader = sock.makefile("rb")
        try:
            for start in range(0, len(share), window):
                chunk = share[start:start + window]
                out = bytearray()
                for app, body in chunk:
                    out += (f"POST /eureka/apps/{app} HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: application/json\r\n"
                            f"x-netflix-discovery-replication: true\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
                sock.sendall(out)
                for _ in chunk:
                    status = int(reader.readline().split()[1])
                    length = 0
                    while True:
                        line = reader.readline()
                        if line in (b"\r\n", b""):
                            break
                        if line.lower().startswith(b"content-length:"):
                            length = int(line.split(b":")[1])
                    reader.read(length)
                    if status != 204:
                        failures.append(status)
        finally:
            sock.close()

    threads = [threading.Thread(target=drive, args=(share,)) for share in shares]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    assert not failures, failures[:5]


def wait_for(condition, timeout, message):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise RuntimeError(f"timed out: {message}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=str(REPO / ".build" / "release" / "eureka-server"))
    parser.add_argument("--instances", type=int, default=100_000)
    parser.add_argument("--apps", type=int, default=100)
    parser.add_argument("--interval-ms", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--worst", type=int, default=5, help="truncated worst-case digests sent to B")
    parser.add_argument("--worst-encoding", default="gzip", help="Accept-Encoding of the worst-case digests (identity: none)")
    args = parser.parse_args()

    log_dir = tempfile.mkdtemp(prefix="eureka-antientropy-")
    ports = [free_port(), free_port()]
    peers = ",".join(f"http://{HOST}:{p}/eureka/" for p in ports)
    settings = ["--eureka.server.registry-sync-retries=1", "--eureka.server.registry-sync-retry-wait-ms=200",
                "--eureka.server.wait-time-in-ms-when-sync-empty=0", "--logging.level.root=warn",
                f"--eureka.node.anti-entropy-interval-ms={args.interval_ms}",
                f"--eureka.client.service-url.defaultZone={peers}"]
    nodes = []
    try:
        for name, port in zip("AB", ports):
            nodes.append(Node(name, args.bin, port, settings, log_dir))
        a, b = nodes
        work = list(bodies(args.instances, args.apps, int(time.time() * 1000)))
        for node in nodes:
            started = time.monotonic()
            load(node, work)
            print(f"{node.name}: {args.instances} registrations in {time.monotonic() - started:.1f} s", file=sys.stderr)
        for node, other in ((a, b), (b, a)):
            wait_for(lambda: metric(node.metrics(), "eureka_anti_entropy_rounds_total", outcome="in_sync") >= 1,
                     3 * args.interval_ms / 1000 + 10, f"an in-sync round of {node.name}")
        before = {n.name: n.metrics() for n in nodes}
        time.sleep(args.rounds * args.interval_ms / 1000 + 1)
        after = {n.name: n.metrics() for n in nodes}

        rows = []
        for node in nodes:
            m0, m1 = before[node.name], after[node.name]
            delta = lambda name, **labels: metric(m1, name, **labels) - metric(m0, name, **labels)
            rounds = delta("eureka_anti_entropy_rounds_total")
            in_sync = delta("eureka_anti_entropy_rounds_total", outcome="in_sync")
            answers = delta("eureka_http_server_request_duration_seconds_count", endpoint="batch")
            answer_s = delta("eureka_http_server_request_duration_seconds_sum", endpoint="batch")
            rows.append((node.name, int(rounds), int(in_sync),
                         delta("eureka_anti_entropy_sent_bytes_total") / max(rounds, 1),
                         delta("eureka_anti_entropy_received_bytes_total") / max(rounds, 1),
                         1e6 * delta("eureka_anti_entropy_loop_seconds_total") / max(rounds, 1),
                         int(answers), 1e6 * answer_s / max(answers, 1)))

        m0 = b.metrics()
        plain = b"{}"
        times = []
        for _ in range(args.worst):
            started = time.monotonic()
            status, headers, body = b.request("POST", "/eureka/peerreplication/digest", body=b'{"apps":{}}',
                                              headers={"Content-Type": "application/json", "Accept-Encoding": args.worst_encoding})
            times.append(time.monotonic() - started)
            assert status == 200, status
            wire = len(body)
            plain = gzip.decompress(body) if headers.get("Content-Encoding") == "gzip" else body
        m1 = b.metrics()
        worst_answers = metric(m1, "eureka_http_server_request_duration_seconds_count", endpoint="batch") - \
            metric(m0, "eureka_http_server_request_duration_seconds_count", endpoint="batch")
        worst_s = metric(m1, "eureka_http_server_request_duration_seconds_sum", endpoint="batch") - \
            metric(m0, "eureka_http_server_request_duration_seconds_sum", endpoint="batch")
        loop_answers = metric(m1, "eureka_anti_entropy_answers_total") - metric(m0, "eureka_anti_entropy_answers_total")
        loop_s = metric(m1, "eureka_anti_entropy_answer_loop_seconds_total") - metric(m0, "eureka_anti_entropy_answer_loop_seconds_total")
        reply = json.loads(plain)
        states = sum(len(v) for v in reply["apps"].values())

        stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        print(f"### Anti-entropy digest cost ({stamp}, {platform.node()}, {os.cpu_count()} cores)\n")
        print(f"`python3 bench/antientropy.py --instances {args.instances} --apps {args.apps} "
              f"--interval-ms {args.interval_ms} --rounds {args.rounds}`: two nodes holding the same {args.instances:,} "
              f"instances over {args.apps} applications (nothing differs).\n")
        print("| node | rounds (in sync) | request bytes / round | answer bytes / round | sender loop us / round "
              "| digests answered | answering loop us / digest |")
        print("|---|---|---|---|---|---|---|")
        for name, rounds, in_sync, sent, received, loop_us, answers, answer_us in rows:
            print(f"| {name} | {rounds} ({in_sync}) | {sent:,.0f} | {received:,.0f} | {loop_us:,.0f} | {answers} | {answer_us:,.0f} |")
        print(f"\nWorst case, a digest naming no application sent to B ({args.worst} times): {states:,} states, "
              f"truncated={reply['truncated']}, {len(plain):,} bytes plain, {wire:,} on the wire (Accept-Encoding: "
              f"{args.worst_encoding}); B's loop time {1e6 * loop_s / max(loop_answers, 1):,.0f} us per answer "
              f"({int(loop_answers)} answers), request duration {1e6 * worst_s / max(worst_answers, 1):,.0f} us "
              f"(pool work included; request to reply as a client saw it: median "
              f"{1e3 * sorted(times)[len(times) // 2]:.1f} ms).")
    finally:
        for node in nodes:
            node.stop()


if __name__ == "__main__":
    main()
