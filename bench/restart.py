#!/usr/bin/env python3
"""Warm restart figures at scale (docs/warm-restart.md): restore time, snapshot write time and the longest copy
slice on the loop, for a registry of --instances instances.

Writes a version-1 snapshot of N instances (the format is simple enough to produce here, which also checks that a
file written by another program is accepted), starts the server on it and reads `snapshot_restored` from its log;
then, --writes times, registers one instance so the registry changed and reads the next `snapshot_written` line
(instances, bytes, slices, max_slice_cpu_us, max_slice_us, copy_us, encode_us, write_us). While each write runs, one client thread
measures the latency of single-instance reads, to show what the copy slices cost a request. Finally SIGTERM and
the final snapshot's line. Stdlib only; 127.0.0.1 only; every process it starts is stopped by its PID.

    python3 bench/restart.py --bin .build/release/eureka-server --instances 100000
"""
import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import zlib

FIELD = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|\S+)')


def instance_line(app, iid, now_ms):
    inst = {
        "instanceId": iid, "hostName": f"{iid}.example", "app": app, "ipAddr": "10.1.2.3", "status": "UP",
        "overriddenStatus": "UNKNOWN", "port": {"$": 8080, "@enabled": "true"},
        "securePort": {"$": 443, "@enabled": "false"}, "countryId": 1,
        "dataCenterInfo": {"@class": "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo", "name": "MyOwn"},
        "leaseInfo": {"renewalIntervalInSecs": 30, "durationInSecs": 90},
        "metadata": {"zone": "zone-a", "version": "1.2.3"},
        "homePageUrl": f"http://{iid}.example:8080/", "statusPageUrl": f"http://{iid}.example:8080/info",
        "healthCheckUrl": f"http://{iid}.example:8080/health", "vipAddress": app.lower(),
        "secureVipAddress": app.lower(), "isCoordinatingDiscoveryServer": "false",
        "lastUpdatedTimestamp": str(now_ms), "lastDirtyTimestamp": str(now_ms), "actionType": "ADDED",
    }
    return json.dumps({"instance": inst}, separators=(",", ":")).encode() + b"\n"


def write_snapshot(path, instances, apps):
    now_ms = int(time.time() * 1000)
    body = b"".join(instance_line(f"APP-{i % apps}", f"i-{i}", now_ms) for i in range(instances))
    header = json.dumps({"createdAt": now_ms, "node": "bench:0", "instances": instances}, separators=(",", ":"))
    with open(path, "wb") as f:
        f.write(b"EUREKA-SNAPSHOT 1\n" + header.encode() + b"\n" + body)
        f.write(f"END {len(body)} {zlib.crc32(body):08x}\n".encode())
    return os.path.getsize(path)


class LogTail:
    """Lines of the server's stderr, read by a thread; `wait(event)` returns the fields of the next such line."""

    def __init__(self, stream):
        self.lines = []
        self.cond = threading.Condition()
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream):
        for raw in stream:
            with self.cond:
                self.lines.append(raw.decode("utf-8", "replace"))
                self.cond.notify_all()

    def wait(self, event, start, timeout):
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for i in range(start, len(self.lines)):
                    fields = dict((k, v.strip('"')) for k, v in FIELD.findall(self.lines[i]))
                    if fields.get("event") == event:
                        return fields, i + 1
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise SystemExit(f"no {event} line within {timeout} s; last lines: {self.lines[-5:]}")
                self.cond.wait(remaining)


def register(base, app, iid):
    body = json.loads(instance_line(app, iid, int(time.time() * 1000)))
    req = urllib.request.Request(f"{base}/eureka/apps/{app}", data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status == 204, r.status


def read_latencies(base, stop, out):
    """Single-instance reads back to back until `stop` is set (bounded: at most 200,000 requests)."""
    for n in range(200_000):
        if stop.is_set():
            return
        t = time.perf_counter()
        with urllib.request.urlopen(f"{base}/eureka/apps/APP-1/i-1", timeout=10) as r:
            r.read()
        out.append((time.perf_counter() - t) * 1e6)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=".build/release/eureka-server")
    ap.add_argument("--instances", type=int, default=100_000)
    ap.add_argument("--apps", type=int, default=1_000)
    ap.add_argument("--writes", type=int, default=3)
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="eureka-restart-bench-")
    path = os.path.join(work, "registry.snapshot")
    t = time.monotonic()
    size = write_snapshot(path, args.instances, args.apps)
    print(f"snapshot of {args.instances} instances, {size} bytes, written by this script in {time.monotonic() - t:.1f} s")

    started = time.monotonic()
    proc = subprocess.Popen([args.bin, "--server.address=127.0.0.1", "--server.port=0",
                             f"--eureka.node.snapshot-path={path}", "--eureka.node.snapshot-interval-ms=1000",
                             "--eureka.server.use-read-only-response-cache=false"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    try:
        line = proc.stdout.readline().decode()
        m = re.search(r"port (\d+)", line)
        if not m:
            raise SystemExit(f"no listening line: {line!r}")
        listening_s = time.monotonic() - started
        base = f"http://127.0.0.1:{m.group(1)}"
        log = LogTail(proc.stderr)
        restored, at = log.wait("snapshot_restored", 0, 120)
        with urllib.request.urlopen(f"{base}/eureka/apps/APP-1/i-1", timeout=10) as r:
            assert r.status == 200
        print(f"restore: {restored['instances']} instances in {restored['restore_ms']} ms "
              f"(process start to listening line {listening_s * 1000:.0f} ms)")

        # Baseline: the same reads for 3 s with no snapshot being written (the machine's own noise).
        latencies, stop = [], threading.Event()
        reader = threading.Thread(target=read_latencies, args=(base, stop, latencies))
        reader.start()
        time.sleep(3)
        stop.set()
        reader.join(timeout=30)
        latencies.sort()
        baseline = (len(latencies), latencies[int(len(latencies) * 0.99)], latencies[-1])

        rows = []
        for w in range(args.writes):
            latencies, stop = [], threading.Event()
            reader = threading.Thread(target=read_latencies, args=(base, stop, latencies))
            register(base, "APP-NEW", f"new-{w}")
            reader.start()
            written, at = log.wait("snapshot_written", at, 120)
            stop.set()
            reader.join(timeout=30)
            latencies.sort()
            worst = latencies[-1] if latencies else 0
            p99 = latencies[int(len(latencies) * 0.99)] if latencies else 0
            rows.append((f"interval {w + 1}", written, len(latencies), p99, worst))
        proc.send_signal(signal.SIGTERM)
        final, at = log.wait("snapshot_written", at, 120)
        rows.append(("shutdown", final, 0, 0, 0))
        rc = proc.wait(timeout=60)
        print(f"server exited with {rc}")

        print(f"\nreads with no snapshot running (3 s): {baseline[0]} reads, p99 {baseline[1]:.0f} us, max {baseline[2]:.0f} us")
        print("\n| write | instances | bytes | slices | max slice CPU on loop (us) | max slice wall (us) "
              "| copy first to last slice (us) | encode (us) | write+fsync+rename (us) | reads during write "
              "| read p99 (us) | read max (us) |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|")
        for name, f, n, p99, worst in rows:
            print(f"| {name} | {f['instances']} | {f['bytes']} | {f['slices']} | {f['max_slice_cpu_us']} "
                  f"| {f['max_slice_us']} | {f['copy_us']} | {f['encode_us']} | {f['write_us']} | {n or '-'} "
                  f"| {p99:.0f} | {worst:.0f} |")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
        for name in ("registry.snapshot", "registry.snapshot.tmp"):
            try:
                os.unlink(os.path.join(work, name))
            except FileNotFoundError:
                pass
        os.rmdir(work)


if __name__ == "__main__":
    sys.exit(main())
