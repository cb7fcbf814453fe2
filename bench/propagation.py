#!/usr/bin/env python3
"""Replication propagation delay: how long after node A acknowledges a registration node C shows it.

Starts three eureka-server nodes on free 127.0.0.1 ports, each given the full peer list, with
--eureka.node.immediate-cache-propagation=true (cached reads regenerate on change, so C's own cache adds ~nothing).
Registers COUNT instances one at a time on A (one POST every SPACING ms on a keep-alive connection) and, for
each, measures the time from A's 204 to the first answer from C that shows it:

  instance   GET /eureka/apps/{APP}/{id} on C (read from the registry, never stale), polled for every
             instance still outstanding, round after round;
  registry   GET /eureka/apps on C (the cached full document, JSON), polled back to back.

Each figure is the time the showing answer was received, so it includes up to one polling round (printed as
"round"). Prints p50/p99/max per path and a Markdown section for bench/RESULTS.md on stdout; progress and
errors go to stderr. --standalone measures the same on A itself (one node, no replication): the floor.

Standard library only:  python3 bench/propagation.py --bin .build/release/eureka-server
Every process it starts is stopped by its PID (SIGTERM, SIGKILL after 10 s), also on failure or Ctrl-C; all load is
bounded (COUNT registrations, TIMEOUT per instance). Only 127.0.0.1 is addressed.
"""
import argparse
import datetime
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

from benchlib import HOST, log

REPO = Path(__file__).resolve().parent.parent
LISTENING = re.compile(r"eureka-server listening on 127\.0\.0\.1 port (\d+)")
INSTANCE_ID = re.compile(rb'"instanceId"\s*:\s*"([^"]+)"')
START_TIMEOUT_S = 20
STOP_TIMEOUT_S = 10

NODE_SETTINGS = [
    "--eureka.node.immediate-cache-propagation=true",
    # a quick start when the other nodes are not up yet: one sync attempt, no empty-sync 403 window
    "--eureka.server.registry-sync-retries=1",
    "--eureka.server.registry-sync-retry-wait-ms=200",
    "--eureka.server.wait-time-in-ms-when-sync-empty=0",
]


def free_ports(count):
    ports = set()
    while len(ports) < count:
        with socket.socket() as s:
            s.bind((HOST, 0))
            ports.add(s.getsockname()[1])
    return sorted(ports)


class Node:
    def __init__(self, name, binary, port, peers, extra, log_dir):
        self.name, self.port = name, port
        self.args = [binary, f"--server.port={port}", f"--server.address={HOST}", *NODE_SETTINGS, *extra]
        if peers:
            self.args.append(f"--eureka.client.service-url.defaultZone={peers}")
        self.stdout_path = Path(log_dir) / f"{name}.stdout.log"
        self.stderr_path = Path(log_dir) / f"{name}.stderr.log"
        self.proc = None

    def start(self):
        self._stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=self._stderr, stdin=subprocess.DEVNULL)
        lines = queue.Queue()

        def read():
            with open(self.stdout_path, "wb") as out:
                for raw in self.proc.stdout:
                    out.write(raw)
                    out.flush()
                    lines.put(raw.decode("utf-8", "replace"))
            lines.put(None)
        threading.Thread(target=read, daemon=True).start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                line = lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                line = None
            if line is None:
                raise RuntimeError(f"node {self.name} did not start (see {self.stderr_path})")
            if LISTENING.search(line):
                return

    def wait_open(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=1)
                conn.request("GET", "/actuator/health")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
                conn.close()
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"node {self.name} not open for traffic within {timeout} s")

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        os.kill(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            log(f"node {self.name} (pid {self.proc.pid}) ignored SIGTERM; SIGKILL")
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=STOP_TIMEOUT_S)
        self._stderr.close()


def registration(app, iid, ts):
    return json.dumps({"instance": {
        "instanceId": iid, "hostName": iid.split(":")[0], "app": app, "ipAddr": HOST, "status": "UP",
        "overriddenStatus": "UNKNOWN", "port": {"$": 8080, "@enabled": "true"},
        "securePort": {"$": 443, "@enabled": "false"}, "countryId": 1,
        "dataCenterInfo": {"@class": "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo", "name": "MyOwn"},
        "leaseInfo": {"renewalIntervalInSecs": 30, "durationInSecs": 90},
        "metadata": {"@class": "java.util.Collections$EmptyMap"}, "vipAddress": app.lower(),
        "secureVipAddress": app.lower(), "isCoordinatingDiscoveryServer": "false",
        "lastUpdatedTimestamp": str(ts), "lastDirtyTimestamp": str(ts)}}).encode()


class Watcher(threading.Thread):
    """Polls node C for the outstanding instances; records when each was first seen."""

    def __init__(self, port, mode, timeout):
        super().__init__(daemon=True, name=f"watch-{mode}")
        self.port, self.mode, self.timeout = port, mode, timeout
        self.lock = threading.Lock()
        self.outstanding = {}  # id -> (app, ack time)
        self.seen = {}  # id -> seconds after the ack
        self.lost = []
        self.rounds = 0
        self.round_time = 0.0
        self.errors = 0
        self.done = threading.Event()

    def add(self, app, iid, acked):
        with self.lock:
            self.outstanding[iid] = (app, acked)

    def pending(self):
        with self.lock:
            return len(self.outstanding)

    def run(self):
        conn = None
        while not self.done.is_set() or self.pending():
            with self.lock:
                todo = list(self.outstanding.items())
            if not todo:
                time.sleep(0.0005)
                continue
            began = time.perf_counter()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(HOST, self.port, timeout=5)
                if self.mode == "instance":
                    for iid, (app, acked) in todo:
                        conn.request("GET", f"/eureka/apps/{app}/{iid}", headers={"Accept": "application/json"})
                        resp = conn.getresponse()
                        resp.read()
                        if resp.status == 200:
                            self._found(iid, acked, time.perf_counter())
                else:
                    conn.request("GET", "/eureka/apps", headers={"Accept": "application/json"})
                    resp = conn.getresponse()
                    body = resp.read()
                    now = time.perf_counter()
                    if resp.status == 200:
                        present = {m.decode() for m in INSTANCE_ID.findall(body)}
                        for iid, (app, acked) in todo:
                            if iid in present:
                                self._found(iid, acked, now)
            except (OSError, http.client.HTTPException):
                self.errors += 1
                if conn is not None:
                    conn.close()
                conn = None
                time.sleep(0.01)
            self.rounds += 1
            self.round_time += time.perf_counter() - began
            now = time.perf_counter()
            with self.lock:
                for iid, (app, acked) in list(self.outstanding.items()):
                    if now - acked > self.timeout:
                        del self.outstanding[iid]
                        self.lost.append(iid)
        if conn is not None:
            conn.close()

    def _found(self, iid, acked, at):
        with self.lock:
            if iid in self.outstanding:
                del self.outstanding[iid]
                self.seen[iid] = at - acked


def metrics(port):
    """GET /metrics as {"name{labels}": value}."""
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        conn.request("GET", "/metrics")
        resp = conn.getresponse()
        text = resp.read().decode("utf-8", "replace")
    finally:
        conn.close()
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.rpartition(" ")
            try:
                samples[key] = float(value)
            except ValueError:
                pass
    return samples


def total(samples, name, *parts):
    """The sum of the samples of `name` whose label sets contain every one of `parts`."""
    return int(sum(v for k, v in samples.items()
                   if (k == name or k.startswith(name + "{")) and all(p in k for p in parts)))


def replication_counters(source, target):
    """One line on what A sent to each peer and what C received, read before the nodes stop."""
    a, c = metrics(source.port), metrics(target.port)
    peers = sorted({k.split('peer="')[1].split('"')[0] for k in a if 'peer="' in k})
    parts = []
    for peer in peers:
        label = f'peer="{peer}"'
        port = peer.rstrip("/").split(":")[-1].split("/")[0]
        unsuccessful = total(a, "eureka_replication_outcomes_total", label) - total(
            a, "eureka_replication_outcomes_total", label, 'outcome="success"')
        parts.append(f"to :{port} {total(a, 'eureka_replication_items_sent_total', label)} items in "
                     f"{total(a, 'eureka_replication_batches_sent_total', label)} batches, "
                     f"{total(a, 'eureka_replication_dropped_total', label)} dropped, "
                     f"{total(a, 'eureka_replication_retries_total', label)} retried, "
                     f"{unsuccessful} unsuccessful batches, {total(a, 'eureka_replication_queue_depth', label)} queued")
    return (f"A sent {'; '.join(parts) or 'nothing'}. C received "
            f"{total(c, 'eureka_replication_items_received_total')} items in "
            f"{total(c, 'eureka_replication_batches_received_total')} batches.")


def percentile(values, p):
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * p // 100) - 1)]


def summary(watcher):
    delays = list(watcher.seen.values())
    mean_round = watcher.round_time / watcher.rounds * 1000 if watcher.rounds else 0.0
    if not delays:
        return {"n": 0, "lost": len(watcher.lost), "round": mean_round}
    return {"n": len(delays), "lost": len(watcher.lost), "round": mean_round,
            "p50": percentile(delays, 50) * 1000, "p99": percentile(delays, 99) * 1000, "max": max(delays) * 1000}


def machine():
    mem = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f", {kb // 1048576} GiB RAM"
    except (OSError, AttributeError):
        pass
    os_name = platform.system()
    try:
        os_name = re.search(r'PRETTY_NAME="([^"]+)"', Path("/etc/os-release").read_text()).group(1)
    except (OSError, AttributeError):
        pass
    return f"{os.cpu_count()} cores{mem}, {os_name}, kernel {platform.release()}"


def commit():
    try:
        return subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, timeout=5).stdout.strip() or "?"
    except (OSError, subprocess.SubprocessError):
        return "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default=str(REPO / ".build" / "release" / "eureka-server"), help="server binary")
    ap.add_argument("--count", type=int, default=1000, help="registrations (default 1000)")
    ap.add_argument("--spacing-ms", type=float, default=20.0, help="pause between registrations (default 20)")
    ap.add_argument("--timeout-s", type=float, default=10.0, help="give up on an instance after this (default 10)")
    ap.add_argument("--standalone", action="store_true", help="one node, read back on the same node (the floor)")
    ap.add_argument("--log-dir", help="node logs (default: a fresh temporary directory)")
    ap.add_argument("--server-arg", action="append", default=[], help="extra --name=value for every node")
    opts = ap.parse_args()
    if not Path(opts.bin).is_file():
        sys.exit(f"server binary not found: {opts.bin} (swift build -c release)")
    log_dir = opts.log_dir or tempfile.mkdtemp(prefix="propagation-")
    Path(log_dir).mkdir(parents=True, exist_ok=True)

    size = 1 if opts.standalone else 3
    ports = free_ports(size)
    peers = "" if opts.standalone else ",".join(f"http://{HOST}:{p}/eureka/" for p in ports)
    nodes = [Node("abc"[i], opts.bin, p, peers, opts.server_arg, log_dir) for i, p in enumerate(ports)]
    source, target = nodes[0], nodes[-1]
    watchers = []
    counters = None
    try:
        for node in nodes:
            node.start()
        for node in nodes:
            node.wait_open()
        log(f"{size} node(s) up on ports {ports}; logs in {log_dir}")
        watchers = [Watcher(target.port, "instance", opts.timeout_s), Watcher(target.port, "registry", opts.timeout_s)]
        for w in watchers:
            w.start()
        conn = http.client.HTTPConnection(HOST, source.port, timeout=5)
        started = time.perf_counter()
        for i in range(opts.count):
            slot = started + i * opts.spacing_ms / 1000
            delay = slot - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            app = f"PROP-{i % 10}"
            iid = f"prop-{i}:{app.lower()}:8080"
            conn.request("POST", f"/eureka/apps/{app}", body=registration(app, iid, int(time.time() * 1000)),
                         headers={"Content-Type": "application/json", "Accept": "application/json"})
            resp = conn.getresponse()
            resp.read()
            acked = time.perf_counter()
            if resp.status != 204:
                raise RuntimeError(f"registration {i} answered {resp.status}")
            for w in watchers:
                w.add(app, iid, acked)
            if not any(w.seen for w in watchers) and all(w.lost for w in watchers):
                raise RuntimeError(f"no registration reached node {target.name} within {opts.timeout_s} s: "
                                   f"does this build replicate?")
            if (i + 1) % 100 == 0:
                log(f"{i + 1} registered; seen on {target.name}: instance {len(watchers[0].seen)}, "
                    f"registry {len(watchers[1].seen)}")
        for w in watchers:
            w.done.set()
        for w in watchers:
            w.join(timeout=opts.timeout_s + 10)
        conn.close()
        if not opts.standalone:
            time.sleep(1)  # a last batch in flight
            counters = replication_counters(source, target)
            log(counters)
    finally:
        for w in watchers:
            w.done.set()
        for node in nodes:
            node.stop()

    inst, reg = summary(watchers[0]), summary(watchers[1])
    if inst["n"] == 0 and reg["n"] == 0:
        sys.exit(f"no registration was seen on node {target.name}; logs in {log_dir}")

    def cell(s, key):
        return f"{s[key]:.1f}" if key in s else "-"

    setup = "standalone (A reads its own)" if opts.standalone else "3 nodes, A -> C"
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    args, skip = [], False
    for a in sys.argv[1:]:  # the command as given, without the (machine-specific) log directory
        if skip:
            skip = False
        elif a == "--log-dir":
            skip = True
        elif not a.startswith("--log-dir="):
            args.append(a)
    command = " ".join(["python3 bench/propagation.py", *args])
    print(f"## {now} propagation.py\n")
    print(f"- Machine: {machine()}")
    print(f"- Command: `{command}` (commit {commit()})")
    print(f"- Settings: {setup}; {opts.count} registrations {opts.spacing_ms:g} ms apart on one keep-alive "
          f"connection; every node: `{' '.join(NODE_SETTINGS + opts.server_arg)}`")
    print("\nDelay from A's 204 to the first answer from the reading node that shows the instance (ms; includes up "
          "to one polling round):\n")
    print("| setup | read on the target | seen | lost | p50 | p99 | max | polling round (ms) |")
    print("|---|---|---|---|---|---|---|---|")
    for label, s in (("GET /eureka/apps/{APP}/{id}", inst), ("GET /eureka/apps (JSON)", reg)):
        print(f"| {setup} | {label} | {s['n']} | {s['lost']} | {cell(s, 'p50')} | {cell(s, 'p99')} | "
              f"{cell(s, 'max')} | {s['round']:.1f} |")
    if counters:
        print(f"\nReplication counters at the end (GET /metrics): {counters}")
    if inst["lost"] or reg["lost"]:
        sys.exit(f"{inst['lost']} / {reg['lost']} registrations never seen within {opts.timeout_s} s")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
    except RuntimeError as e:
        sys.exit(f"error: {e}")
