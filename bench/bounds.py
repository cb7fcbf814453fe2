#!/usr/bin/env python3
"""Hostile inputs of issue #18 against one eureka-server holding INSTANCES (100,000) instances.

Starts the server on a free 127.0.0.1 port (read-only cache refreshed every second, read-write entries expiring
after 1 s, so the refresh regenerates every VIP key read), fills it through peer-replication batches of Register
items, then measures, each on a keep-alive connection:

  decode-json   a registration with 70,000 metadata keys (~0.98 MB JSON): status and time to the answer
  decode-xml    the same with 50,000 keys in XML
  vips          3,000 distinct GET /eureka/vips/hostile-N: time of the slowest and the total
  refresh       heartbeats back to back for REFRESH_S seconds while the next refresh ticks regenerate those 3,000
                keys: the slowest heartbeat (what a stalled loop shows a client)
  batch         1,000 stale heartbeats of one record near the metadata bounds (256 keys x 3.8 KB), gzipped: request and
                reply sizes, time
and, around each, the loop probe's histograms from /metrics: probe firings during that phase that came more than 10 ms
late (wall clock: other processes on the machine count too) and that followed more than 10 ms of loop-thread CPU
(busy: what the node's own callbacks held the loop for).

Standard library only:  python3 bench/bounds.py --bin .build/release/eureka-server
The server is stopped by its PID (SIGTERM, SIGKILL after 10 s), also on failure; every loop is bounded in count.
Only 127.0.0.1 is addressed.
"""
import argparse
import gzip
import http.client
import json
import re
import subprocess
import time

from benchlib import HOST, free_port, log, stop_pid

LISTENING = re.compile(r"eureka-server listening on 127\.0\.0\.1 port (\d+)")


def instance(app, iid, vip, dirty, metadata=None):
    return {"instanceId": iid, "hostName": iid, "app": app, "ipAddr": "10.0.0.1", "status": "UP",
            "port": {"$": 8080, "@enabled": "true"},
            "dataCenterInfo": {"@class": "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo", "name": "MyOwn"},
            "leaseInfo": {"renewalIntervalInSecs": 30, "durationInSecs": 90}, "vipAddress": vip,
            "metadata": metadata or {"management.port": "8080"}, "lastDirtyTimestamp": str(dirty)}


class Client:
    def __init__(self, port):
        self.conn = http.client.HTTPConnection(HOST, port, timeout=60)

    def send(self, method, path, body=None, headers=None):
        started = time.monotonic()
        self.conn.request(method, path, body=body, headers=headers or {})
        reply = self.conn.getresponse()
        data = reply.read()
        return reply.status, data, time.monotonic() - started


def probe_over_10ms(client):
    """Probe firings so far that came more than 10 ms late, and those after more than 10 ms of loop-thread CPU."""
    _, text, _ = client.send("GET", "/metrics")
    text = text.decode()
    counts = []
    for name in ("eureka_loop_lag_seconds", "eureka_loop_busy_seconds"):
        count = int(re.search(rf"^{name}_count (\d+)", text, re.M).group(1))
        within = int(re.search(rf'^{name}_bucket\{{le="0\.01"\}} (\d+)', text, re.M).group(1))
        counts.append(count - within)
    return counts


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=".build/release/eureka-server")
    parser.add_argument("--instances", type=int, default=100_000)
    parser.add_argument("--refresh-seconds", type=float, default=6.0)
    args = parser.parse_args()
    port = free_port()
    proc = subprocess.Popen([args.bin, f"--server.port={port}", f"--server.address={HOST}",
                             "--eureka.server.response-cache-update-interval-ms=1000",
                             "--eureka.server.response-cache-auto-expiration-in-seconds=1",
                             "--eureka.server.enable-self-preservation=false", "--logging.level.root=warn"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    results = {}
    try:
        for raw in proc.stdout:
            if LISTENING.search(raw.decode("utf-8", "replace")):
                break
        else:
            raise RuntimeError("server did not start")
        c = Client(port)
        json_headers = {"Content-Type": "application/json", "Accept": "application/json"}

        log(f"registering {args.instances} instances (batches of 500 Register items)")
        for start in range(0, args.instances, 500):
            items = [{"appName": f"APP{n // 10}", "id": f"i{n}", "action": "Register",
                      "instanceInfo": instance(f"APP{n // 10}", f"i{n}", f"vip-{n // 10}", 1000)}
                     for n in range(start, min(start + 500, args.instances))]
            status, _, _ = c.send("POST", "/eureka/peerreplication/batch", json.dumps({"replicationList": items}), json_headers)
            assert status == 200, status

        def phase(name, action):
            before = probe_over_10ms(c)
            outcome = action()
            after = probe_over_10ms(c)
            results[name] = dict(outcome, probe_lag_over_10ms=after[0] - before[0], probe_busy_over_10ms=after[1] - before[1])
            log(f"{name}: {results[name]}")

        def decode_json():
            meta = {f"k{n:05d}": "v" for n in range(70_000)}
            body = json.dumps({"instance": instance("BIG", "big-1", "big", 1000, meta)}, separators=(",", ":"))
            status, reply, took = c.send("POST", "/eureka/apps/BIG", body, json_headers)
            return {"body_bytes": len(body), "status": status, "ms": round(took * 1000, 1), "reply": reply.decode()[:120]}
        phase("decode-json", decode_json)

        def decode_xml():
            meta = "".join(f"<k{n:05d}>v</k{n:05d}>" for n in range(50_000))
            body = ("<instance><instanceId>big-2</instanceId><hostName>big-2</hostName><app>BIG</app><ipAddr>10.0.0.1</ipAddr>"
                    "<status>UP</status><dataCenterInfo class=\"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo\">"
                    f"<name>MyOwn</name></dataCenterInfo><metadata>{meta}</metadata></instance>")
            status, reply, took = c.send("POST", "/eureka/apps/BIG", body, {"Content-Type": "application/xml"})
            return {"body_bytes": len(body), "status": status, "ms": round(took * 1000, 1)}
        phase("decode-xml", decode_xml)

        def vips():
            slowest, started = 0.0, time.monotonic()
            for n in range(3_000):
                status, _, took = c.send("GET", f"/eureka/vips/hostile-{n}", headers={"Accept": "application/json"})
                assert status == 200
                slowest = max(slowest, took)
            return {"lookups": 3000, "slowest_ms": round(slowest * 1000, 2), "total_s": round(time.monotonic() - started, 2)}
        phase("vips", vips)

        def refresh():
            slowest, count, deadline = 0.0, 0, time.monotonic() + args.refresh_seconds
            while time.monotonic() < deadline and count < 1_000_000:
                status, _, took = c.send("PUT", "/eureka/apps/APP0/i0?status=UP&lastDirtyTimestamp=1000")
                assert status == 200, status
                slowest, count = max(slowest, took), count + 1
            return {"heartbeats": count, "slowest_heartbeat_ms": round(slowest * 1000, 2)}
        phase("refresh", refresh)

        def batch():
            meta = {f"key{n}": "v" * 3_800 for n in range(256)}
            register = {"appName": "FAT", "id": "fat", "action": "Register", "instanceInfo": instance("FAT", "fat", "fat", 9000, meta)}
            status, _, _ = c.send("POST", "/eureka/peerreplication/batch", json.dumps({"replicationList": [register]}), json_headers)
            assert status == 200
            stale = {"appName": "FAT", "id": "fat", "lastDirtyTimestamp": 1, "status": "UP", "action": "Heartbeat"}
            body = gzip.compress(json.dumps({"replicationList": [stale] * 1000}).encode())
            status, reply, took = c.send("POST", "/eureka/peerreplication/batch", body,
                                         dict(json_headers, **{"Content-Encoding": "gzip"}))
            results_list = json.loads(reply)["responseList"]
            return {"request_gzip_bytes": len(body), "status": status, "reply_bytes": len(reply), "ms": round(took * 1000, 1),
                    "records_in_reply": sum(1 for r in results_list if "responseEntity" in r)}
        phase("batch", batch)
        print(json.dumps(results, indent=1))
    finally:
        stop_pid(proc)


if __name__ == "__main__":
    main()
