#!/usr/bin/env python3
"""Loop stalls at scale (issue 19): does the node keep serving while the full registry is rebuilt?

Starts one node (pinned to TARGET core 1 like the other benches) with immediate cache propagation, preloads
--instances (100,000) over --apps (100) with bench/bin/preload, makes the full registry cached in every format
(JSON/XML x plain/gzip, full and delta), then runs two phases of --duration seconds each:

  idle:    heartbeats and the probe only;
  loaded:  the same, plus --changes status changes a second (OUT_OF_SERVICE/UP in turn, each invalidating the full
           registry), --registrations new instances a second, and one client per format fetching the full registry
           in a loop (so every refresh is read).

Figures per phase:
  - loop lag: the latency of a trivial request (a heartbeat of one instance) sent every --probe-ms on its own
    otherwise idle keep-alive connection: max and p99 (a stalled loop answers it late);
  - heartbeat latency: --hb-procs processes x --hb-conns connections, one request in flight each (like the Java
    client), p50/p99/p99.9/max;
  - fetches completed per format, and how long after the last change the next fetch shows it (staleness).

Standard library only; every process it starts is stopped by its PID. Clients are pinned to core 0.
Example: python3 bench/stall.py --bin .build/release/eureka-server --instances 100000 --duration 20
"""
import argparse
import array
import bisect
import multiprocessing as mp
import os
import re
import signal
import socket
import subprocess
import sys
import time

from benchlib import free_port, stop_pid

HERE = os.path.dirname(os.path.abspath(__file__))
PREFIX = "bench"
DIRTY_TS = "1732440000000"


def names(i, apps):
    vip = f"{PREFIX}-app-{i % apps}"
    return vip.upper(), f"{PREFIX}-{i}:{vip}:8080"


class Conn:
    """One keep-alive HTTP/1.1 connection; reads exactly one response per request (Content-Length only)."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()
        self.scratch = bytearray(1 << 20)

    def request(self, raw):
        self.sock.sendall(raw)
        while b"\r\n\r\n" not in self.buf:
            self._more()
        head_end = self.buf.index(b"\r\n\r\n") + 4
        head = bytes(self.buf[:head_end])
        status = int(head.split(b" ", 2)[1])
        m = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
        length = int(m.group(1)) if m else 0
        del self.buf[:head_end]
        body_len = length
        if len(self.buf) >= length:
            body = bytes(self.buf[:length])
            del self.buf[:length]
            return status, body, body_len
        # Large bodies: count bytes, keep only the first 64 KiB (enough for the staleness check).
        kept = bytes(self.buf[:65536])
        remaining = length - len(self.buf)
        self.buf.clear()
        view = memoryview(self.scratch)
        while remaining > 0:
            n = self.sock.recv_into(view, min(remaining, len(self.scratch)))
            if n == 0:
                raise ConnectionError("closed mid-body")
            if len(kept) < 65536:
                kept += bytes(view[: min(n, 65536 - len(kept))])
            remaining -= n
        return status, kept, body_len

    def _more(self):
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("closed")
        self.buf += data


def heartbeat_request(i, apps):
    app, iid = names(i, apps)
    return (f"PUT /eureka/apps/{app}/{iid}?status=UP&lastDirtyTimestamp={DIRTY_TS} HTTP/1.1\r\n"
            f"Host: 127.0.0.1\r\nAccept: application/json\r\nContent-Length: 0\r\n\r\n").encode()


def pin_client(nice=0):
    """Core 0; `nice` > 0 for the throughput clients (fetchers), so that on the one client core they do not delay the
    heartbeat and probe clients, whose latencies would otherwise include their own wait for the core."""
    try:
        os.sched_setaffinity(0, {0})
    except OSError:
        pass
    if nice > 0:
        os.nice(nice)


def heartbeat_worker(port, apps, instances, conns, stop_at, offset, out):
    """Closed loop, one request in flight per connection, round-robin over connections (select)."""
    import selectors
    pin_client()
    sched0 = schedstat(os.getpid())
    sel = selectors.DefaultSelector()
    lat = []
    sent = array.array("d")  # CLOCK_MONOTONIC send time of each answered heartbeat, to match with the loop profile
    i = offset
    cs = []
    for _ in range(conns):
        c = Conn(port)
        c.sock.setblocking(False)
        cs.append(c)
    pending = {}
    for c in cs:
        c.sock.send(heartbeat_request(i % instances, apps))
        pending[c] = time.perf_counter()
        i += 7919
        sel.register(c.sock, selectors.EVENT_READ, c)
    errors = 0
    while time.time() < stop_at:
        for key, _ in sel.select(timeout=0.5):
            c = key.data
            data = c.sock.recv(65536)
            if not data:
                raise ConnectionError("heartbeat connection closed")
            c.buf += data
            while b"\r\n\r\n" in c.buf:
                end = c.buf.index(b"\r\n\r\n") + 4
                if not c.buf.startswith(b"HTTP/1.1 200"):
                    errors += 1
                del c.buf[:end]  # heartbeats answer without a body
                now = time.perf_counter()
                lat.append(now - pending[c])
                sent.append(pending[c])
                c.sock.send(heartbeat_request(i % instances, apps))
                pending[c] = time.perf_counter()
                i += 7919
    waited = tuple(b - a for a, b in zip(sched0, schedstat(os.getpid())))
    out.put(("hb", (lat, sent, waited), errors))


def probe_worker(port, apps, period_ms, stop_at, out):
    pin_client()
    c = Conn(port)
    req = heartbeat_request(0, apps)
    lat = []
    own_wait = []  # the probe's own time runnable but not running during each request (its core is shared)
    next_at = time.perf_counter()
    while time.time() < stop_at:
        next_at += period_ms / 1000
        w0 = schedstat(os.getpid())[1]
        t0 = time.perf_counter()
        status, _, _ = c.request(req)
        lat.append(time.perf_counter() - t0)
        own_wait.append((schedstat(os.getpid())[1] - w0) / 1e9)
        delay = next_at - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        else:
            next_at = time.perf_counter()
    out.put(("probe", (lat, own_wait), 0))


def fetch_worker(port, accept, gzip, path, stop_at, out, nice=0):
    pin_client(nice)
    c = Conn(port)
    headers = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: {accept}\r\n"
    if gzip:
        headers += "Accept-Encoding: gzip\r\n"
    req = (headers + "\r\n").encode()
    count = 0
    size = 0
    errors = 0
    while time.time() < stop_at:
        status, _, size = c.request(req)
        count += 1
        errors += status != 200
    out.put(("fetch", (accept, gzip, path, count, size), errors))


def register_body(i, apps):
    vip = f"stall-app-{i % apps}"
    app = vip.upper()
    host = f"stall-{i}"
    body = ('{"instance":{"instanceId":"%s:%s:8080","hostName":"%s","app":"%s","ipAddr":"10.9.%d.%d",'
            '"status":"UP","port":{"$":8080,"@enabled":"true"},"dataCenterInfo":{"@class":'
            '"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo","name":"MyOwn"},"vipAddress":"%s",'
            '"lastDirtyTimestamp":"%s"}}') % (host, vip, host, app, (i >> 8) & 255, i & 255, vip, DIRTY_TS)
    return app, body.encode()


def change_worker(port, apps, instances, changes, registrations, stop_at, out):
    """`changes` status changes and `registrations` new instances a second, spread evenly."""
    pin_client()
    c = Conn(port)
    events = []
    total = changes + registrations
    if total == 0:
        out.put(("changes", 0, 0))
        return
    period = 1.0 / total
    n = 0
    errors = 0
    next_at = time.perf_counter()
    while time.time() < stop_at:
        if n % total < changes:
            k = n // total * changes + n % total
            app, iid = names((k * 104729) % instances, apps)
            value = "OUT_OF_SERVICE" if (k // instances) % 2 == 0 else "UP"
            req = (f"PUT /eureka/apps/{app}/{iid}/status?value={value} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   f"Content-Length: 0\r\n\r\n").encode()
        else:
            app, body = register_body(n, apps)
            req = (f"POST /eureka/apps/{app} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                   f"Content-Length: {len(body)}\r\n\r\n").encode() + body
        status, _, _ = c.request(req)
        errors += status not in (200, 204)
        n += 1
        next_at += period
        delay = next_at - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
    out.put(("changes", n, errors))


def set_thread_slice(tid, nanos):
    """sched_setattr(tid, SCHED_OTHER, sched_runtime = nanos): a shorter slice than the pool threads' lets the
    woken loop preempt them at once (EEVDF; an unprivileged call)."""
    import ctypes
    import platform

    class Attr(ctypes.Structure):
        _fields_ = [("size", ctypes.c_uint32), ("policy", ctypes.c_uint32), ("flags", ctypes.c_uint64),
                    ("nice", ctypes.c_int32), ("priority", ctypes.c_uint32), ("runtime", ctypes.c_uint64),
                    ("deadline", ctypes.c_uint64), ("period", ctypes.c_uint64), ("util_min", ctypes.c_uint32),
                    ("util_max", ctypes.c_uint32)]
    numbers = {"x86_64": (315, 314), "aarch64": (275, 274)}[platform.machine()]
    libc = ctypes.CDLL(None, use_errno=True)
    attr = Attr()
    if libc.syscall(numbers[0], tid, ctypes.byref(attr), ctypes.sizeof(attr), 0) != 0:
        sys.exit(f"sched_getattr: {os.strerror(ctypes.get_errno())}")
    before = attr.runtime
    attr.size, attr.policy, attr.flags, attr.runtime = ctypes.sizeof(attr), 0, 0, nanos
    if libc.syscall(numbers[1], tid, ctypes.byref(attr), 0) != 0:
        sys.exit(f"sched_setattr: {os.strerror(ctypes.get_errno())}")
    print(f"loop thread {tid}: slice {before} ns -> {nanos} ns", file=sys.stderr)


def start_perf(path, tid):
    """perf record of one thread's CPU with call chains, until stop_perf (SIGINT lets perf write its file)."""
    return subprocess.Popen(["perf", "record", "-q", "-e", "cpu-clock", "-F", "1000", "--call-graph", "dwarf,16384", "-k", "CLOCK_MONOTONIC",
                             "-t", str(tid), "-o", path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop_perf(recorder):
    """SIGINT lets perf write its file."""
    stop_pid(recorder, signal.SIGINT, timeout=60)


def pct(values, p):
    if not values:
        return 0.0
    s = sorted(values)
    return s[min(len(s) - 1, int(len(s) * p))]


FORMATS = [("application/json", False), ("application/json", True), ("application/xml", False),
           ("application/xml", True)]


def run_phase(args, port, loaded):
    out = mp.Queue()
    stop_at = time.time() + args.duration
    procs = [mp.Process(target=probe_worker, args=(port, args.apps, args.probe_ms, stop_at, out))]
    for k in range(args.hb_procs):
        procs.append(mp.Process(target=heartbeat_worker,
                                args=(port, args.apps, args.instances, args.hb_conns, stop_at, k * 1000, out)))
    if loaded:
        procs.append(mp.Process(target=change_worker, args=(port, args.apps, args.instances, args.changes,
                                                            args.registrations, stop_at, out)))
        for accept, gz in FORMATS:
            procs.append(mp.Process(target=fetch_worker, args=(port, accept, gz, "/eureka/apps/", stop_at, out,
                                                               args.fetcher_nice)))
        procs.append(mp.Process(target=fetch_worker,
                                args=(port, "application/json", True, "/eureka/apps/delta", stop_at, out,
                                      args.fetcher_nice)))
    for p in procs:
        p.start()
    results = [out.get(timeout=args.duration + 600) for _ in procs]
    for p in procs:
        p.join(timeout=30)
        if p.is_alive():
            p.kill()
    return results


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def schedstat(tid):
    """(ns on a core, ns runnable but waiting for a core, times scheduled) of one thread: how long the loop thread
    waited for its core while something else (another process, a pool thread) ran there."""
    try:
        with open(f"/proc/{tid}/task/{tid}/schedstat") as f:
            run, wait, slices = (int(x) for x in f.read().split())
        return run, wait, slices
    except (OSError, ValueError):
        return 0, 0, 0


def metrics(port):
    c = Conn(port)
    _, body, _ = c.request(b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    c.sock.close()
    return {k: v for k, v in re.findall(r"(?m)^(eureka_cache_\w+) (\S+)$", body.decode())}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.path.join(HERE, "..", ".build", "release", "eureka-server"))
    ap.add_argument("--instances", type=int, default=100000)
    ap.add_argument("--apps", type=int, default=100)
    ap.add_argument("--duration", type=float, default=20)
    ap.add_argument("--changes", type=int, default=20)
    ap.add_argument("--registrations", type=int, default=20)
    ap.add_argument("--probe-ms", type=float, default=5)
    ap.add_argument("--hb-procs", type=int, default=1)
    ap.add_argument("--hb-conns", type=int, default=8)
    ap.add_argument("--target-core", default="1")
    ap.add_argument("--label", default="")
    ap.add_argument("--profile", default="",
                    help="file for the server's loop profile (eureka.node.loop-profile-path): prints, per phase, the "
                         "loop thread's CPU per callback kind and the longest callbacks")
    ap.add_argument("--top", type=int, default=15, help="callback kinds and single callbacks listed with --profile")
    ap.add_argument("--server-arg", action="append", default=[],
                    help="one more server flag (repeatable), e.g. --server-arg=--eureka.node.loop-slice-us=0")
    ap.add_argument("--loop-slice-us", type=int, default=0,
                    help="experiment for binaries without eureka.node.loop-slice-us: give the server's loop thread "
                         "(its main thread) this EEVDF time slice from outside once it is up (sched_setattr's "
                         "sched_runtime, Linux 6.12+; threads it starts later inherit it); 0: leave it")
    ap.add_argument("--fetcher-nice", type=int, default=19,
                    help="nice value of the full-registry fetch clients, which share core 0 with the heartbeat and "
                         "probe clients: at 0 (before 2026-12-05) the heartbeat client's latencies included its own "
                         "wait for that core behind them")
    ap.add_argument("--perf", default="",
                    help="file for `perf record` of the loop thread (the server's main thread) during the loaded "
                         "phase: CPU samples with DWARF call chains; read it with `perf report -i FILE`")
    args = ap.parse_args()

    subprocess.run(["make", "-s", "-C", HERE, "tools"], check=True)
    port = free_port()
    log = open(os.path.join(HERE, "out", f"stall-server-{port}.log"), "w") if os.path.isdir(
        os.path.join(HERE, "out")) else subprocess.DEVNULL
    profile = [f"--eureka.node.loop-profile-path={os.path.abspath(args.profile)}"] if args.profile else []
    server = subprocess.Popen(["taskset", "-c", args.target_core, args.bin, f"--server.port={port}",
                               "--server.address=127.0.0.1", "--eureka.node.immediate-cache-propagation=true",
                               "--eureka.server.enable-self-preservation=false"] + profile + args.server_arg,
                              stdout=log, stderr=log)
    spans = {}
    timed = {}
    waits = {}
    client_waits = {}
    probe_net = {}
    try:
        deadline = time.time() + 60
        while True:
            try:
                c = Conn(port)
                if c.request(b"GET /eureka/status HTTP/1.1\r\nHost: x\r\n\r\n")[0] == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline or server.poll() is not None:
                sys.exit("server did not start")
            time.sleep(0.2)
        if args.loop_slice_us:
            set_thread_slice(server.pid, args.loop_slice_us * 1000)
        subprocess.run(["taskset", "-c", "0", os.path.join(HERE, "bin", "preload"), "-p", str(port), "-n",
                        str(args.instances), "-m", str(args.apps), "-P", PREFIX, "-t", DIRTY_TS, "-e", "204", "-c",
                        "8", "-d", "16", "-T", "240"], check=True, timeout=300)
        # Every document the loaded phase reads is cached before the phases (the first read of each generates it,
        # with its reader waiting): the four full forms and the gzip delta. Until 2026-12-05 the delta was not, so
        # the loaded phase began with its first build, which a reader waits for (nice 19, not idle: PoolPriority).
        t0 = time.time()
        for path, accept, gz in [("/eureka/apps/", a, g) for a, g in FORMATS] + [("/eureka/apps/delta", "application/json", True)]:
            c = Conn(port)
            c.request((f"GET {path} HTTP/1.1\r\nHost: x\r\nAccept: {accept}\r\n" +
                       ("Accept-Encoding: gzip\r\n" if gz else "") + "\r\n").encode())
            c.sock.close()
        warm = time.time() - t0
        rows = []
        for phase, loaded in (("idle", False), ("loaded", True)):
            cpu0 = cpu_seconds(server.pid)
            sched0 = schedstat(server.pid)  # the main thread runs the loop
            began = time.monotonic()
            recorder = start_perf(args.perf, server.pid) if loaded and args.perf else None
            res = run_phase(args, port, loaded)
            stop_perf(recorder)
            spans[phase] = (began, time.monotonic())
            cpu = cpu_seconds(server.pid) - cpu0
            waits[phase] = tuple(b - a for a, b in zip(sched0, schedstat(server.pid)))
            probe, probe_wait = [x for kind, x, _ in res if kind == "probe"][0]
            probe_net[phase] = max(l - w for l, w in zip(probe, probe_wait)) if probe else 0.0
            hb = [v for kind, x, _ in res if kind == "hb" for v in x[0]]
            # (send time, latency) of every heartbeat: which loop iterations the slow ones waited for.
            hb_timed = [(t, v) for kind, x, _ in res if kind == "hb" for t, v in zip(x[1], x[0])]
            hb_err = sum(e for kind, _, e in res if kind == "hb")
            fetches = [(x, e) for kind, x, e in res if kind == "fetch"]
            changes = [(x, e) for kind, x, e in res if kind == "changes"]
            rows.append((phase, probe, hb, hb_err, fetches, changes, cpu))
            timed[phase] = hb_timed
            client_waits[phase] = [sum(x[2][i] for kind, x, _ in res if kind == "hb") for i in range(3)]
        m = metrics(port)
    finally:
        stop_pid(server, timeout=30)

    ms = lambda s: f"{s * 1000:.1f}"
    print(f"### stall.py {args.label}".rstrip())
    print()
    print(f"- Command: `python3 bench/stall.py --instances {args.instances} --apps {args.apps} --duration "
          f"{args.duration:g} --changes {args.changes} --registrations {args.registrations} --probe-ms "
          f"{args.probe_ms:g} --hb-procs {args.hb_procs} --hb-conns {args.hb_conns}" +
          (f" --target-core {args.target_core}" if args.target_core != "1" else "") +
          (f" --loop-slice-us {args.loop_slice_us}" if args.loop_slice_us else "") +
          (f" --fetcher-nice {args.fetcher_nice}" if args.fetcher_nice != 19 else "") +
          "".join(f" --server-arg={a}" for a in args.server_arg) + "`")
    print(f"- Server on core {args.target_core}, clients on core 0; first build of the four full forms and the delta: {warm:.1f} s" +
          (f"; loop thread slice {args.loop_slice_us} us (--loop-slice-us)" if args.loop_slice_us else ""))
    print()
    print("| phase | probe n | loop lag p99 (ms) | loop lag max (ms) | heartbeats | hb p50 (ms) | hb p99 (ms) "
          "| hb p99.9 (ms) | hb max (ms) | server CPU s | errors |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for phase, probe, hb, hb_err, fetches, changes, cpu in rows:
        errors = hb_err + sum(e for _, e in fetches) + sum(e for _, e in changes)
        print(f"| {phase} | {len(probe)} | {ms(pct(probe, 0.99))} | {ms(max(probe))} | {len(hb)} | "
              f"{ms(pct(hb, 0.5))} | {ms(pct(hb, 0.99))} | {ms(pct(hb, 0.999))} | {ms(max(hb))} | {cpu:.1f} | "
              f"{errors} |")
    print()
    print("Loop thread waiting for its core (/proc schedstat run delay): " + "; ".join(
        f"{phase} {wait / 1e6:.0f} ms over {n} schedulings ({wait / 1e3 / max(1, n):.1f} us each), "
        f"{run / 1e6:.0f} ms on the core" for phase, (run, wait, n) in waits.items()))
    print()
    print("Loop lag max net of the probe client's own wait for core 0 (its schedstat run delay during that request): " +
          "; ".join(f"{phase} {ms(v)} ms" for phase, v in probe_net.items()))
    print()
    print(f"Heartbeat clients waiting for core 0 (fetchers at nice {args.fetcher_nice}): " + "; ".join(
        f"{phase} {wait / 1e6:.0f} ms over {n} schedulings ({wait / 1e3 / max(1, n):.1f} us each)"
        for phase, (run, wait, n) in client_waits.items()))
    for phase, probe, hb, hb_err, fetches, changes, cpu in rows:
        if fetches:
            print()
            print(f"Fetches during `{phase}` ({args.duration:g} s): " + ", ".join(
                f"{path} {accept.split('/')[1]}{' gzip' if gz else ''}: {n} ({size} B)"
                for (accept, gz, path, n, size), _ in fetches) +
                  "; changes sent: " + ", ".join(str(n) for n, _ in changes) +
                  f"; errors: heartbeats {hb_err}, fetches {sum(e for _, e in fetches)}, "
                  f"changes {sum(e for _, e in changes)}")
    print()
    print("Cache metrics at the end: " + ", ".join(f"{k.replace('eureka_cache_', '')}={v}" for k, v in m.items()))
    if args.profile:
        print_profile(args, spans, timed)


def print_profile(args, spans, timed):
    """The server's loop profile (Loop/LoopProfile.swift): callbacks of 0.5 ms CPU or more, split by phase
    (CLOCK_MONOTONIC, which time.monotonic() reads too), and the whole run's tally per callback kind."""
    tallies, events, iterations = [], [], []
    with open(args.profile) as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            if fields[0] == "tally":
                tallies.append((fields[1], int(fields[2]), int(fields[3]), int(fields[4])))
            elif fields[0] == "event":
                events.append((int(fields[1]) / 1e6, fields[2], int(fields[3])))
            elif fields[0] == "iteration":
                iterations.append((int(fields[1]) / 1e6, fields[2], int(fields[3])))
    print()
    print("Loop-thread CPU per callback kind, whole run (start, preload, first builds, both phases; "
          "`eureka.node.loop-profile-path`):")
    print()
    print("| callback | count | CPU total (ms) | CPU max (ms) |")
    print("|---|---|---|---|")
    for label, count, total, peak in sorted(tallies, key=lambda t: -t[3])[:args.top]:
        print(f"| {label} | {count} | {total / 1e6:.1f} | {peak / 1e6:.2f} |")
    for phase, (began, ended) in spans.items():
        inside = [e for e in events if began <= e[0] <= ended]
        kinds = {}
        for _, label, cpu in inside:
            n, peak = kinds.get(label, (0, 0))
            kinds[label] = (n + 1, max(peak, cpu))
        print()
        print(f"Callbacks of 0.5 ms CPU or more during `{phase}`: {len(inside)}; by kind (count, max ms): " +
              (", ".join(f"{label} {n}, {peak / 1e6:.2f}" for label, (n, peak) in
                         sorted(kinds.items(), key=lambda kv: -kv[1][1])[:args.top]) or "none"))
        # One loop iteration is what the lag probe waits for: its CPU can be many short callbacks together.
        long_iterations = sorted((e for e in iterations if began <= e[0] <= ended), key=lambda e: -e[2])
        print()
        print(f"Loop iterations of 1 ms CPU or more (2 ms before p999) during `{phase}`: {len(long_iterations)} "
              f"({sum(1 for e in long_iterations if e[2] >= 2_000_000)} of 2 ms or more); the longest "
              f"(CPU ms: what ran, label xcount ms):")
        for _, parts, cpu in long_iterations[:5]:
            print(f"- {cpu / 1e6:.2f}: {parts}")
        print_slow_heartbeats(phase, timed.get(phase, []), iterations)


ITERATION_PART = re.compile(r"^(.*) x(\d+) ([\d.]+) ms$")


def overlapping(iterations, ends, sent, latency):
    """The recorded iterations (end time, parts, CPU ns; sorted by end) that ran while a heartbeat sent at `sent`
    was in flight: ended after it was sent and began (end minus CPU, a lower bound of the wall time) before it was
    answered."""
    found = []
    i = bisect.bisect_left(ends, sent)
    while i < len(iterations) and ends[i] <= sent + latency + 0.1:
        end, parts, cpu = iterations[i]
        if end - cpu / 1e9 <= sent + latency:
            found.append(iterations[i])
        i += 1
    return found


def print_slow_heartbeats(phase, timed, iterations):
    """Which long loop iterations the heartbeats at or above the phase's p99.9 waited behind, against how often any
    heartbeat overlaps one (the base rate): a cause on the loop shows as a much higher share for the slow ones;
    slow heartbeats that overlap none waited for something the profile cannot see (the kernel, a thread preempting
    the loop, the client)."""
    if not timed:
        return
    cut = pct([v for _, v in timed], 0.999)
    iterations = sorted(iterations)
    ends = [e[0] for e in iterations]
    slow = [(t, v) for t, v in timed if v >= cut]
    hit = 0
    shares = {}
    for t, v in slow:
        found = overlapping(iterations, ends, t, v)
        hit += bool(found)
        for _, parts, _ in found:
            for part in parts.split("; "):
                m = ITERATION_PART.match(part)
                if m:
                    shares[m.group(1)] = shares.get(m.group(1), 0.0) + float(m.group(3))
    step = max(1, len(timed) // 100000)
    sample = timed[::step]
    base = sum(1 for t, v in sample if overlapping(iterations, ends, t, v))
    print()
    print(f"Heartbeats at or above the p99.9 ({cut * 1000:.1f} ms) during `{phase}`: {len(slow)}; "
          f"{hit} ({100 * hit / max(1, len(slow)):.0f}%) overlapped a recorded loop iteration, against "
          f"{100 * base / max(1, len(sample)):.1f}% of all heartbeats; CPU of those iterations by label (ms): " +
          (", ".join(f"{label} {ms:.1f}" for label, ms in sorted(shares.items(), key=lambda kv: -kv[1])[:8])
           or "none"))


if __name__ == "__main__":
    main()
