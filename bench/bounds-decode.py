#!/usr/bin/env python3
"""Loop-thread CPU (eureka_loop_busy_max_seconds of a fresh node, probe every 1 ms) for one registration with many
metadata keys, JSON and XML: what decoding such a body holds the loop for. python3 bench/bounds-decode.py (from the
repository root, after swift build -c release). Each server is stopped by its PID."""
import http.client, json, re, subprocess, os, signal, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import free_port
from bounds import instance, LISTENING
def run(label, body, ctype):
    port = free_port()
    proc = subprocess.Popen([".build/release/eureka-server", f"--server.port={port}", "--server.address=127.0.0.1", "--logging.level.root=warn", "--eureka.node.loop-probe-interval-ms=1"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        for raw in proc.stdout:
            if LISTENING.search(raw.decode()): break
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        c.request("POST", "/eureka/apps/BIG", body, {"Content-Type": ctype}); r = c.getresponse(); r.read()
        c.request("GET", "/metrics"); t = c.getresponse().read().decode()
        busy = float(re.search(r'^eureka_loop_busy_max_seconds (\S+)', t, re.M).group(1))
        print(f"{label} bytes={len(body)} status={r.status} loop busy max={busy*1000:.1f} ms")
    finally:
        os.kill(proc.pid, signal.SIGTERM); proc.wait(timeout=10)
for keys in (0, 17_500, 70_000):
    meta = {f"k{n:05d}": "v" for n in range(keys)}
    run(f"json keys={keys}", json.dumps({"instance": instance("BIG", "big-1", "big", 1000, meta)}, separators=(",", ":")), "application/json")
for keys in (12_500, 50_000):
    meta = "".join(f"<k{n:05d}>v</k{n:05d}>" for n in range(keys))
    run(f"xml keys={keys}", "<instance><instanceId>b</instanceId><hostName>b</hostName><app>BIG</app><ipAddr>10.0.0.1</ipAddr><status>UP</status><dataCenterInfo class=\"x\"><name>MyOwn</name></dataCenterInfo><metadata>" + meta + "</metadata></instance>", "application/xml")
