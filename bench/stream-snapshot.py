#!/usr/bin/env python3
"""The change stream's snapshot at a large registry (docs/change-stream.md): INSTANCES registered, then one stream
opened and its snapshot read whole, while a second connection sends heartbeats back to back. The figure is the
heartbeat latency during the snapshot (its max shows how long the loop was held) and the time to the snapshot.

Standard library only:  python3 bench/stream-snapshot.py --bin .build/release/eureka-server [--instances 100000]
Bounded: INSTANCES registrations, one stream, heartbeats only while the snapshot is read, a deadline on every wait.
The server is stopped by its PID (SIGTERM, SIGKILL after 10 s), also on failure. Only 127.0.0.1 is addressed.
"""
import argparse
import http.client
import json
import socket
import subprocess
import threading
import time

from benchlib import HOST, free_port, log, metrics_text, stop_pid, wait_accepting


def busy_buckets(port):
    """eureka_loop_busy_seconds' cumulative bucket counts: loop-thread CPU time between two probe firings."""
    text = metrics_text(port, timeout=30)
    buckets = {}
    for line in text.splitlines():
        if line.startswith('eureka_loop_busy_seconds_bucket{le="') and "+Inf" not in line:
            bound = float(line.split('"')[1])
            buckets[bound] = int(line.split()[1])
    return buckets


def worst_bucket(before, after):
    """The smallest bound that holds every probe window added between the two readings."""
    added_total = max(after.values()) - max(before.values()) if after else 0
    for bound in sorted(after):
        if after[bound] - before.get(bound, 0) >= added_total:
            return bound
    return float("inf")


def register_range(port, start, end):
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    for i in range(start, end):
        body = json.dumps({"instance": {
            "instanceId": f"i{i}", "hostName": f"h{i}.example", "app": f"APP{i % 500}", "ipAddr": "10.0.0.1",
            "status": "UP", "vipAddress": f"vip{i % 500}", "port": {"$": 8080, "@enabled": "true"},
            "dataCenterInfo": {"@class": "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo", "name": "MyOwn"}}})
        conn.request("POST", f"/eureka/apps/APP{i % 500}", body, {"Content-Type": "application/json"})
        resp = conn.getresponse()
        resp.read()
        if resp.status != 204:
            raise RuntimeError(f"register answered {resp.status}")
    conn.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=".build/release/eureka-server")
    parser.add_argument("--instances", type=int, default=100000)
    parser.add_argument("--deadline", type=float, default=600)
    args = parser.parse_args()
    deadline = time.monotonic() + args.deadline
    port = free_port()
    server = None
    try:
        server = subprocess.Popen([args.bin, f"--server.address={HOST}", f"--server.port={port}",
                                   "--eureka.node.change-stream-enabled=true", "--logging.level.root=warn"],
                                  stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        wait_accepting(port, server, deadline)
        started = time.monotonic()
        workers = [threading.Thread(target=register_range, args=(port, k * args.instances // 4, (k + 1) * args.instances // 4))
                   for k in range(4)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        log(f"{args.instances} registered in {time.monotonic() - started:.1f} s")

        latencies = []
        reading = threading.Event()
        reading.set()

        def heartbeats():
            conn = http.client.HTTPConnection(HOST, port, timeout=30)
            while reading.is_set() and time.monotonic() < deadline:
                sent = time.monotonic()
                conn.request("PUT", "/eureka/apps/APP0/i0")
                resp = conn.getresponse()
                resp.read()
                latencies.append((time.monotonic() - sent) * 1000)
            conn.close()

        beat = threading.Thread(target=heartbeats)
        beat.start()
        time.sleep(0.5)  # a baseline of heartbeats before the stream opens
        baseline = len(latencies)
        busy_before = busy_buckets(port)
        sock = socket.create_connection((HOST, port), timeout=60)
        opened = time.monotonic()
        sock.sendall(b"GET /eureka/stream HTTP/1.1\r\nHost: x\r\n\r\n")
        # Only the head and the tail are kept: concatenating 70 MB in Python would hold the GIL and stall the
        # heartbeat thread, a client-side stall that would show up as the server's.
        head = b""
        tail = b""
        total = 0
        first_byte = None
        while b"event: snapshot" not in head or not tail.endswith(b"\n\n\r\n"):
            chunk = sock.recv(1 << 20)
            if not chunk or time.monotonic() > deadline:
                raise RuntimeError("stream ended before its snapshot")
            total += len(chunk)
            if len(head) < 4096:
                head += chunk[:4096]
            if first_byte is None and b"event: snapshot" in head:
                first_byte = time.monotonic()
            tail = (tail + chunk)[-16:]
        done = time.monotonic()
        reading.clear()
        beat.join()
        time.sleep(0.2)  # the last slices' release and the probe's next firing
        busy_bound = worst_bucket(busy_before, busy_buckets(port))
        sock.close()
        during = latencies[baseline:]
        ordered = sorted(during)
        print("\n".join([
            f"## {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC stream-snapshot.py: snapshot of {args.instances} instances",
            "",
            f"`python3 bench/stream-snapshot.py --bin {args.bin} --instances {args.instances}`",
            "",
            f"- snapshot: first byte {((first_byte or done) - opened) * 1000:.0f} ms after the request, "
            f"{total / 1e6:.1f} MB read by {(done - opened) * 1000:.0f} ms",
            f"- heartbeats on another connection meanwhile: {len(during)}, p50 {ordered[len(ordered) // 2]:.2f} ms, "
            f"p99 {ordered[int(len(ordered) * 0.99)]:.2f} ms, max {ordered[-1]:.2f} ms "
            f"(in the 0.5 s before the stream: p50 {sorted(latencies[:baseline])[baseline // 2]:.2f} ms, "
            f"max {max(latencies[:baseline]):.2f} ms)",
            f"- loop-thread CPU between two probe firings (eureka_loop_busy_seconds, immune to other processes) "
            f"during the snapshot: at most {busy_bound * 1000:g} ms (histogram bucket)",
        ]))
    finally:
        stop_pid(server)


if __name__ == "__main__":
    main()
