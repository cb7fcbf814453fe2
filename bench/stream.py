#!/usr/bin/env python3
"""Change stream at scale (docs/change-stream.md): STREAMS server-sent-event subscribers on one node, a writer
changing statuses, and the time from each write to its event on the wire, plus the server's memory per subscriber.

Three processes: the server; a load process holding STREAMS - SAMPLE streams that read and discard; this process,
which holds SAMPLE streams that parse every event and runs the writer. Measuring on a few streams in a process of
their own keeps the load generator's own lag (Python reading 10,000 sockets) out of the figure.

For each of CHANGES writes (a status override flipped between OUT_OF_SERVICE and UP, one every 1/RATE s on a
keep-alive connection), latency = time the k-th change event arrived on a sample stream - time just before the
k-th PUT was sent (one clock: both in this process). Prints p50/p99/max over every (sample stream, change) pair,
the server's RSS before and after the streams opened (per subscriber), and a Markdown section for bench/RESULTS.md
on stdout; progress on stderr.

--burst B sends the writes B at a time, pipelined in one segment on the writer's connection, so the node makes B
changes in one loop turn (every 1/RATE s); each of the B changes is timed from the moment the burst was sent.
--callgrind runs the server under valgrind's callgrind, instrumenting only the writes (callgrind_control turns it
on before the first write and dumps after the last), and prints the user-space instructions per event: a figure
that does not depend on the machine's load (use a few hundred streams: the server runs ~50x slower).

Standard library only:  python3 bench/stream.py --bin .build/release/eureka-server [--streams 10000]
Bounded: STREAMS connections, CHANGES writes, every wait has a deadline (--deadline, 600 s). Every process it starts
is stopped by its PID (SIGTERM, SIGKILL after 10 s), also on failure. Only 127.0.0.1 is addressed. The soft
descriptor limit is raised to 20,000 for the load process and the server (each holds one side of every stream).
"""
import argparse
import asyncio
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time

from benchlib import HOST, free_port, log, metrics_text, raise_fd_limit, stop_pid, wait_accepting


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cpu_seconds(pid, kernel_only=False):
    """utime + stime (or stime alone) of a process, from /proc."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = int(fields[12]) if kernel_only else int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def metric(port, name):
    text = metrics_text(port)
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return None


def histogram(port, name):
    """A Prometheus histogram of /metrics as {upper bound in seconds: cumulative count}."""
    text = metrics_text(port)
    buckets = {}
    prefix = name + '_bucket{le="'
    for line in text.splitlines():
        if line.startswith(prefix):
            bound = line[len(prefix):line.index('"', len(prefix))]
            buckets[float("inf") if bound == "+Inf" else float(bound)] = int(float(line.split()[1]))
    return buckets


def worst_bucket(before, after):
    """The smallest bound under which every observation made between the two readings fell ("over 5 s" if none)."""
    total = after.get(float("inf"), 0) - before.get(float("inf"), 0)
    for bound in sorted(b for b in after if b != float("inf")):
        if after[bound] - before.get(bound, 0) >= total:
            return f"<= {bound * 1000:g} ms"
    return "over the last bound"


def read_replies(sock, count):
    """Reads `count` HTTP responses off a raw socket (status line, headers, Content-Length body); returns statuses."""
    data = b""
    statuses = []
    while len(statuses) < count:
        end = data.find(b"\r\n\r\n")
        if end >= 0:
            head = data[:end].decode("latin-1")
            length = 0
            for line in head.split("\r\n")[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
            if len(data) >= end + 4 + length:
                statuses.append(int(head.split(" ")[1]))
                data = data[end + 4 + length:]
                continue
        chunk = sock.recv(65536)
        if not chunk:
            raise RuntimeError("writer connection closed")
        data += chunk
    return statuses


def callgrind_total(path):
    """The Ir total of a callgrind dump (its `totals:` or `summary:` line)."""
    with open(path) as f:
        for line in f:
            if line.startswith("totals:") or line.startswith("summary:"):
                return int(line.split()[1])
    return 0


def register(port, instances):
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    for i in range(instances):
        body = json.dumps({"instance": {
            "instanceId": f"s{i}", "hostName": f"h{i}", "app": "STREAMBENCH", "ipAddr": "10.0.0.1", "status": "UP",
            "vipAddress": "streambench", "dataCenterInfo": {
                "@class": "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo", "name": "MyOwn"}}})
        conn.request("POST", "/eureka/apps/STREAMBENCH", body, {"Content-Type": "application/json"})
        resp = conn.getresponse()
        resp.read()
        if resp.status != 204:
            raise RuntimeError(f"register answered {resp.status}")
    conn.close()


REQUEST = b"GET /eureka/stream HTTP/1.1\r\nHost: x\r\n\r\n"


class Discard(asyncio.Protocol):
    """A load stream: counts bytes, keeps none."""

    def __init__(self, state):
        self.state = state
        self.headed = False

    def connection_made(self, transport):
        transport.write(REQUEST)

    def data_received(self, data):
        self.state["bytes"] += len(data)
        if not self.headed:
            self.headed = True
            self.state["headed"] += 1

    def connection_lost(self, exc):
        self.state["lost"] += 1


class Sample(asyncio.Protocol):
    """A sample stream: de-chunks and splits events, stamps each change event's arrival."""

    def __init__(self, arrivals):
        self.buffer = b""
        self.body = b""
        self.arrivals = arrivals
        self.headed = False
        self.snapshot = False

    def connection_made(self, transport):
        transport.write(REQUEST)

    def data_received(self, data):
        now = time.monotonic()
        self.buffer += data
        if not self.headed:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            self.headed = True
            self.buffer = self.buffer[end + 4:]
        while True:
            line_end = self.buffer.find(b"\r\n")
            if line_end < 0:
                break
            size = int(self.buffer[:line_end], 16)
            if len(self.buffer) < line_end + 2 + size + 2:
                break
            self.body += self.buffer[line_end + 2:line_end + 2 + size]
            self.buffer = self.buffer[line_end + 4 + size:]
        while True:
            end = self.body.find(b"\n\n")
            if end < 0:
                break
            block, self.body = self.body[:end], self.body[end + 2:]
            if block.startswith(b"event: change"):
                self.arrivals.append(now)
            elif block.startswith(b"event: snapshot"):
                self.snapshot = True


async def open_streams(port, count, factory, deadline):
    loop = asyncio.get_running_loop()
    gate = asyncio.Semaphore(200)  # connections being set up at once: the listen backlog is not flooded

    async def one():
        async with gate:
            for _ in range(20):
                try:
                    return (await loop.create_connection(factory, HOST, port))[1]
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    await asyncio.sleep(0.05)
            raise RuntimeError("could not connect")
    return await asyncio.gather(*(one() for _ in range(count)))


def load_role(args):
    """The load process: opens its streams, says READY, holds them until stdin closes, then prints its counts."""
    raise_fd_limit()
    state = {"bytes": 0, "headed": 0, "lost": 0}
    deadline = time.monotonic() + args.deadline

    async def main():
        await open_streams(args.port, args.count, lambda: Discard(state), deadline)
        while state["headed"] < args.count and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        print(f"READY {state['headed']}", flush=True)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, sys.stdin.read)  # until the parent closes our stdin
        print(json.dumps(state), flush=True)
    asyncio.run(main())


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=".build/release/eureka-server")
    parser.add_argument("--streams", type=int, default=10000)
    parser.add_argument("--sample", type=int, default=100)
    parser.add_argument("--changes", type=int, default=100)
    parser.add_argument("--rate", type=float, default=5.0, help="writes per second")
    parser.add_argument("--instances", type=int, default=20)
    parser.add_argument("--deadline", type=float, default=600)
    parser.add_argument("--burst", type=int, default=1, help="writes sent together (pipelined), every 1/RATE s")
    parser.add_argument("--callgrind", action="store_true", help="server under callgrind: Ir per event")
    parser.add_argument("--role", default="main")
    parser.add_argument("--port", type=int)
    parser.add_argument("--count", type=int)
    args = parser.parse_args()
    if args.role == "load":
        return load_role(args)

    raise_fd_limit()
    deadline = time.monotonic() + args.deadline
    port = free_port()
    server = load = None
    try:
        wrapper = []
        # Dumps (and the stripped binary) under bench/out/, git-ignored, kept for callgrind_annotate.
        dump_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "out", f"stream-callgrind-{time.strftime('%Y%m%d-%H%M%S')}")
        dump_prefix = os.path.join(dump_dir, "callgrind.out")
        if args.callgrind:
            os.makedirs(dump_dir, exist_ok=True)
            log(f"callgrind dumps in {dump_dir}")
            # valgrind 3.19 cannot read the DWARF 5 of Swift's release builds: give it a copy without debug info.
            subprocess.run(["strip", "--strip-debug", "-o", dump_prefix + ".bin", args.bin], check=True)
            wrapper = ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={dump_prefix}.%p"]
        server = subprocess.Popen(wrapper + [dump_prefix + ".bin" if args.callgrind else args.bin, f"--server.address={HOST}", f"--server.port={port}",
                                   "--eureka.node.change-stream-enabled=true",
                                   f"--eureka.node.change-stream-max-subscribers={args.streams + 100}",
                                   "--logging.level.root=warn"],
                                  stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, preexec_fn=raise_fd_limit)
        wait_accepting(port, server, deadline)
        register(port, args.instances)
        rss_before = rss_kib(server.pid)
        loads = args.streams - args.sample
        log(f"server pid {server.pid} port {port}, RSS {rss_before} KiB; opening {loads} load streams")
        load = subprocess.Popen([sys.executable, __file__, "--role", "load", "--port", str(port), "--count", str(loads),
                                 "--deadline", str(args.deadline)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        ready = load.stdout.readline().strip()
        log(f"load process: {ready}")
        sends = []
        arrivals = [[] for _ in range(args.sample)]

        def writer():
            # One raw keep-alive connection: a burst's requests leave in one segment and are answered in order.
            sock = socket.create_connection((HOST, port), timeout=30)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            k = 0
            while k < args.changes:
                burst = min(args.burst, args.changes - k)
                requests = b""
                for j in range(k, k + burst):
                    value = "OUT_OF_SERVICE" if j % 2 == 0 else "UP"
                    requests += f"PUT /eureka/apps/STREAMBENCH/s0/status?value={value} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
                now = time.monotonic()
                sends.extend([now] * burst)
                sock.sendall(requests)
                statuses = read_replies(sock, burst)
                if any(status != 200 for status in statuses):
                    raise RuntimeError(f"status update answered {statuses}")
                k += burst
                time.sleep(1 / args.rate)
            sock.close()

        async def run():
            protocols = [Sample(arrivals[i]) for i in range(args.sample)]
            it = iter(protocols)
            await open_streams(port, args.sample, lambda: next(it), deadline)
            while not all(p.snapshot for p in protocols) and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            await asyncio.sleep(1)  # the load streams' snapshots have left
            result = {"rss_open": rss_kib(server.pid),
                      "subscribers": metric(port, "eureka_stream_subscribers")}
            log(f"all streams open: {result}; writing {args.changes} changes at {args.rate}/s")
            if args.callgrind:
                subprocess.run(["callgrind_control", "-i", "on", str(server.pid)], check=True, stdout=subprocess.DEVNULL)
            cpu_before = (cpu_seconds(server.pid), cpu_seconds(load.pid), cpu_seconds(server.pid, kernel_only=True))
            probe_before = (histogram(port, "eureka_loop_lag_seconds"), histogram(port, "eureka_loop_busy_seconds"))
            thread = threading.Thread(target=writer)
            thread.start()
            while thread.is_alive() or any(len(a) < len(sends) for a in arrivals):
                if time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.05)
            thread.join()
            await asyncio.sleep(0.5)
            if args.callgrind:
                subprocess.run(["callgrind_control", "-d", "writes", str(server.pid)], check=True, stdout=subprocess.DEVNULL)
                subprocess.run(["callgrind_control", "-i", "off", str(server.pid)], check=True, stdout=subprocess.DEVNULL)
                dumps = sorted(f for f in os.listdir(dump_dir) if f.startswith(f"callgrind.out.{server.pid}."))
                result["callgrind_ir"] = callgrind_total(os.path.join(dump_dir, dumps[-1])) if dumps else 0
            result["server_cpu_s"] = cpu_seconds(server.pid) - cpu_before[0]
            result["load_cpu_s"] = cpu_seconds(load.pid) - cpu_before[1]
            result["server_sys_s"] = cpu_seconds(server.pid, kernel_only=True) - cpu_before[2]
            result["rss_end"] = rss_kib(server.pid)
            result["dropped"] = metric(port, "eureka_stream_subscribers_dropped_total")
            result["loop_lag_max_s"] = metric(port, "eureka_loop_lag_max_seconds")
            # The probe's firings during the writes only (the histograms differenced): how long the loop was held
            # (lag, which the machine's other load inflates) and its CPU between two firings (busy, which it does not).
            result["writes_lag"] = worst_bucket(probe_before[0], histogram(port, "eureka_loop_lag_seconds"))
            result["writes_busy"] = worst_bucket(probe_before[1], histogram(port, "eureka_loop_busy_seconds"))
            result["events_sent"] = metric(port, "eureka_stream_events_sent_total")
            return result

        result = asyncio.run(run())
        load.stdin.close()
        load_state = json.loads(load.stdout.readline() or "{}")
        latencies = [(a[k] - sends[k]) * 1000 for a in arrivals for k in range(min(len(a), len(sends)))]
        missing = sum(len(sends) - len(a) for a in arrivals)
        per_sub = (result["rss_open"] - rss_before) * 1024 / max(1, args.streams)
        lines = [
            f"## {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC stream.py: change stream, {args.streams} subscribers",
            "",
            f"`python3 bench/stream.py --bin {args.bin} --streams {args.streams} --sample {args.sample} "
            f"--changes {args.changes} --rate {args.rate} --instances {args.instances}"
            f"{f' --burst {args.burst}' if args.burst != 1 else ''}{' --callgrind' if args.callgrind else ''}`",
            "",
            f"- write -> change event on the wire, {len(latencies)} (sample stream, change) pairs over {args.sample} "
            f"streams: p50 {percentile(latencies, 50):.1f} ms, p99 {percentile(latencies, 99):.1f} ms, "
            f"max {max(latencies):.1f} ms; events missing on sample streams: {missing}; the writer waits for each "
            f"answer, so the rate it reached: {(len(sends) - 1) / max(1e-9, sends[-1] - sends[0]):.2f} changes/s",
            f"- server RSS: {rss_before} KiB with the registry, {result['rss_open']} KiB with {int(result['subscribers'] or 0)} "
            f"streams open after their snapshots ({per_sub:.0f} B per subscriber), {result['rss_end']} KiB at the end",
            f"- streams dropped: {int(result['dropped'] or 0)}; events queued: {int(result['events_sent'] or 0)}; "
            f"load streams lost: {load_state.get('lost')}, bytes they read: {load_state.get('bytes')}; "
            f"loop lag max (whole run, connecting included): {(result['loop_lag_max_s'] or 0) * 1000:.1f} ms; "
            f"during the writes, every probe firing: lag {result['writes_lag']}, loop CPU between firings "
            f"{result['writes_busy']}",
            f"- CPU during the writes: server {result['server_cpu_s']:.2f} s, {result['server_sys_s']:.2f} s of it in the kernel "
            f"({result['server_cpu_s'] * 1000 / max(1, args.changes):.1f} ms per change, "
            f"{result['server_cpu_s'] * 1e6 / max(1, args.changes * args.streams):.2f} us per event), "
            f"load process {result['load_cpu_s']:.2f} s; load average at the end {os.getloadavg()[0]:.1f}; server "
            f"user space {(result['server_cpu_s'] - result['server_sys_s']) * 1e6 / max(1, args.changes * args.streams):.2f} us "
            f"per event",
        ]
        if args.callgrind:
            lines.append(f"- callgrind (the writes only): {result.get('callgrind_ir', 0):,} Ir in the server's user space, "
                         f"{result.get('callgrind_ir', 0) / max(1, args.changes * args.streams):,.0f} Ir per event")
        print("\n".join(lines))
    finally:
        if load is not None and load.poll() is None:
            try:
                load.stdin.close()
            except Exception:
                pass
            stop_pid(load)
        stop_pid(server)


if __name__ == "__main__":
    main()
