"""Multi-process clusters of eureka-server nodes for the end-to-end tests (test_cluster.py).

Every node of a cluster gets a fixed port chosen in advance (free_port) and the same full peer list, so each one
must exclude itself from that list (spec 7.1). Nodes are started, SIGKILLed, SIGSTOPped, resumed and restarted by
their PID only; `Cluster.stop_all` resumes and stops every process it started, also after a failure.

Also here: the JSON bodies and requests the tests send, a Prometheus text parser, a pipelined registration driver
fast enough to load a node with 10,000 registrations in a few seconds, a heartbeat load with client-style failover,
and a fake peer that serves a canned registry slowly (to observe a node while its start-up sync runs).
"""
import atexit
import gzip
import http.client
import json
import os
import queue
import re
import signal
import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, urlencode

import requests

from conftest import SERVER_BIN, STOP_TIMEOUT_S, wait_listening
from e2e_util import LOCALHOST, free_port, parse_applications, wait_until

# The short timers of the replication contract: one sync attempt, fast peer timeouts, 3 s expiry of cancel/status
# tasks, immediate reads everywhere, eviction every second without self-preservation, no empty-sync window.
CLUSTER_SETTINGS = (
    "--eureka.server.registry-sync-retries=1",
    "--eureka.server.registry-sync-retry-wait-ms=200",
    "--eureka.server.peer-node-read-timeout-ms=1000",
    "--eureka.server.peer-node-connect-timeout-ms=200",
    "--eureka.server.max-time-for-replication=3000",
    "--eureka.server.use-read-only-response-cache=false",
    "--eureka.node.immediate-cache-propagation=true",
    "--eureka.server.eviction-interval-timer-in-ms=1000",
    "--eureka.server.enable-self-preservation=false",
    "--eureka.server.wait-time-in-ms-when-sync-empty=0",
)

JSON = {"Accept": "application/json"}
REPLICATION = {"x-netflix-discovery-replication": "true"}
HTTP_TIMEOUT_S = 5

# Every process started here that has not been reaped yet; killed by PID if the interpreter exits without the
# fixtures' teardown (e.g. on a second Ctrl-C).
_LIVE = set()


@atexit.register
def _kill_leftovers():
    for proc in list(_LIVE):
        if proc.poll() is None:
            for sig in (signal.SIGCONT, signal.SIGKILL):
                try:
                    os.kill(proc.pid, sig)
                except ProcessLookupError:
                    pass


def peer_url(port):
    return f"http://{LOCALHOST}:{port}/eureka/"


def distinct_free_ports(count):
    """`count` different ports that were free a moment ago."""
    ports = []
    for _ in range(count * 20):
        port = free_port()
        if port not in ports:
            ports.append(port)
        if len(ports) == count:
            return ports
    raise AssertionError(f"could not find {count} distinct free ports")


class Node:
    """One eureka-server process on a fixed port; it can be killed, paused, resumed and started again on the same
    port. stdout lines go to `<name>.stdout.log`, stderr to `<name>.stderr.log` (appended across restarts)."""

    def __init__(self, name, port, args, log_dir):
        if not SERVER_BIN.is_file():
            raise AssertionError(f"server binary not found: {SERVER_BIN} (run `swift build` first)")
        self.name = name
        self.port = port
        self.args = [str(SERVER_BIN), f"--server.port={port}", f"--server.address={LOCALHOST}", *args]
        self.log_dir = Path(log_dir)
        self.stdout_path = self.log_dir / f"{name}.stdout.log"
        self.stderr_path = self.log_dir / f"{name}.stderr.log"
        self.base_url = f"http://{LOCALHOST}:{port}"
        self.eureka_url = f"{self.base_url}/eureka"
        self.peer_url = peer_url(port)
        self.proc = None
        self.paused = False
        self.starts = 0
        self.exit_codes = []  # of earlier processes (killed or stopped)
        self._reader = None
        self._stderr = None
        self._lines = None
        self._terminated = False
        self._session = threading.local()

    # -- process control (by PID only) --

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def start(self):
        """Starts the process and waits for its listening line (which must name our port). Does not wait for the
        node to open for traffic: see wait_open()."""
        assert not self.running(), f"{self.name} is already running (pid {self.pid})"
        self.starts += 1
        self._stderr = open(self.stderr_path, "ab")
        self._stderr.write(f"--- start #{self.starts}: {' '.join(self.args[1:])}\n".encode())
        self._stderr.flush()
        self._lines = queue.Queue()
        self.paused = False
        self._terminated = False
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=self._stderr, stdin=subprocess.DEVNULL,
                                     cwd=self.log_dir)
        _LIVE.add(self.proc)
        self._reader = threading.Thread(target=self._read_stdout, args=(self.proc, self._lines),
                                        name=f"{self.name}-stdout-{self.proc.pid}", daemon=True)
        self._reader.start()
        try:
            self._wait_listening()
        except BaseException:
            self.stop(check=False)
            raise
        return self

    def _read_stdout(self, proc, lines):
        with open(self.stdout_path, "ab") as log:
            log.write(f"--- start #{self.starts}, pid {proc.pid}\n".encode())
            for raw in proc.stdout:  # ends at EOF, i.e. when the process exits
                log.write(raw)
                log.flush()
                lines.put(raw.decode("utf-8", "replace").rstrip("\n"))
        lines.put(None)

    def _wait_listening(self):
        port = wait_listening(self._lines, self.proc, self.args, self.logs_tail, name=self.name)
        assert port == self.port, f"{self.name} listens on {port}, not {self.port}"

    def wait_open(self, timeout=15):
        """Waits until /actuator/health answers 200 (the node is open for traffic, spec 5.6 and 10)."""
        wait_until(lambda: self.health() == 200, timeout, interval=0.05, message=f"{self.name} open for traffic")

    def kill(self):
        """SIGKILL (a crash); waits for the process to be gone."""
        assert self.running(), f"{self.name} is not running"
        self.resume()
        os.kill(self.pid, signal.SIGKILL)
        self._reap(self.proc.wait(timeout=STOP_TIMEOUT_S))

    def pause(self):
        assert self.running(), f"{self.name} is not running"
        os.kill(self.pid, signal.SIGSTOP)
        self.paused = True

    def resume(self):
        if self.paused and self.running():
            os.kill(self.pid, signal.SIGCONT)
        self.paused = False

    def restart(self):
        """Starts a new process on the same port (after kill() or stop())."""
        return self.start()

    def terminate(self):
        """Sends SIGTERM once (after SIGCONT if paused); does not wait."""
        if self.running() and not self._terminated:
            self.resume()
            os.kill(self.pid, signal.SIGTERM)
            self._terminated = True

    def stop(self, check=True):
        """SIGCONT if paused, SIGTERM, bounded wait, SIGKILL only as a fallback. With `check`, asserts that the
        process exited 0 on SIGTERM. Returns the exit code (None if never started). A process already gone through
        kill() is not checked again."""
        if self.proc is None:
            return None
        if self._reader is None:  # reaped by kill() or an earlier stop()
            return self.exit_codes[-1] if self.exit_codes else None
        self.resume()
        killed = False
        self.terminate()
        try:
            rc = self.proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.kill(self.pid, signal.SIGKILL)
            rc = self.proc.wait(timeout=STOP_TIMEOUT_S)
            killed = True
        self._reap(rc)
        if check:
            assert not killed, f"{self.name} (pid {self.proc.pid}) ignored SIGTERM for {STOP_TIMEOUT_S} s"
            assert rc == 0, f"{self.name} exited with {rc} after SIGTERM; {self.logs_tail()}"
        return rc

    def _reap(self, rc):
        if self._reader is not None:
            self._reader.join(timeout=STOP_TIMEOUT_S)
            self._reader = None
            self.proc.stdout.close()
            self._stderr.close()
            self.exit_codes.append(rc)
        _LIVE.discard(self.proc)

    def logs_tail(self, chars=2000):
        def tail(path):
            try:
                return path.read_text(errors="replace")[-chars:]
            except OSError:
                return ""
        return f"{self.name} stdout: {tail(self.stdout_path)!r}; stderr: {tail(self.stderr_path)!r}"

    # -- HTTP --

    @property
    def http(self):
        """A requests.Session per thread (keep-alive), never through a proxy."""
        session = getattr(self._session, "value", None)
        if session is None:
            session = requests.Session()
            session.trust_env = False
            self._session.value = session
        return session

    def request(self, method, path, **kwargs):
        kwargs.setdefault("timeout", HTTP_TIMEOUT_S)
        return self.http.request(method, f"{self.base_url}{path}", **kwargs)

    def health(self):
        try:
            return self.request("GET", "/actuator/health", timeout=1).status_code
        except requests.RequestException:
            return None

    def __repr__(self):
        return f"Node({self.name}, port {self.port}, pid {self.pid})"


class Cluster:
    """N nodes named a, b, c, ... on fixed ports, each given the full peer list (itself included)."""

    def __init__(self, log_dir, size, extra_args=(), extra_peers=()):
        self.ports = distinct_free_ports(size)
        self.peer_list = ",".join([peer_url(p) for p in self.ports] + list(extra_peers))
        args = (*CLUSTER_SETTINGS, f"--eureka.client.service-url.defaultZone={self.peer_list}", *extra_args)
        self.nodes = [Node(chr(ord("a") + i), port, args, log_dir) for i, port in enumerate(self.ports)]

    def __getitem__(self, index):
        return self.nodes[index]

    def __iter__(self):
        return iter(self.nodes)

    def __len__(self):
        return len(self.nodes)

    def start(self, *nodes, wait_open=True):
        """Starts the given nodes (default: all), one after the other, and waits until each is open."""
        for node in nodes or self.nodes:
            node.start()
            if wait_open:
                node.wait_open()
        return self

    def others(self, node):
        return [n for n in self.nodes if n is not node]

    def stop_all(self, check=True):
        """Resumes every paused node, then SIGTERMs every running one (all first, then waits), SIGKILL as a
        fallback. With `check`, asserts each exited 0."""
        for node in self.nodes:
            try:
                node.resume()
            except ProcessLookupError:
                pass
        for node in self.nodes:
            try:
                node.terminate()
            except ProcessLookupError:
                pass
        errors = []
        for node in self.nodes:
            try:
                node.stop(check=check)
            except Exception as e:  # stop the others anyway
                errors.append(f"{type(e).__name__}: {e}")
        assert not errors, errors


# -- instances and requests --

def now_ms():
    return int(time.time() * 1000)


def instance_doc(app, instance_id, *, status="UP", duration=5, renewal=1, dirty_ts=None, metadata=None,
                 overridden="UNKNOWN", port=8080):
    """A registration body in the Java client's JSON shape (spec 2.1)."""
    ts = str(dirty_ts if dirty_ts is not None else now_ms())
    host = instance_id.split(":")[0]
    return {"instance": {
        "instanceId": instance_id, "hostName": host, "app": app.upper(), "ipAddr": LOCALHOST,
        "status": status, "overriddenStatus": overridden,
        "port": {"$": port, "@enabled": "true"}, "securePort": {"$": 443, "@enabled": "false"},
        "countryId": 1,
        "dataCenterInfo": {"@class": "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo", "name": "MyOwn"},
        "leaseInfo": {"renewalIntervalInSecs": renewal, "durationInSecs": duration},
        "metadata": metadata or {"@class": "java.util.Collections$EmptyMap"},
        "vipAddress": app.lower(), "secureVipAddress": app.lower(), "isCoordinatingDiscoveryServer": "false",
        "lastUpdatedTimestamp": ts, "lastDirtyTimestamp": ts,
    }}


def ipath(app, instance_id):
    return f"/eureka/apps/{app}/{quote(instance_id, safe='')}"


def register(node, app, instance_id, *, replicated=False, **fields):
    """POST /eureka/apps/{APP}; asserts 204. Returns the lastDirtyTimestamp sent (int)."""
    body = instance_doc(app, instance_id, **fields)
    headers = {"Content-Type": "application/json", **JSON, **(REPLICATION if replicated else {})}
    r = node.request("POST", f"/eureka/apps/{app}", data=json.dumps(body), headers=headers)
    assert r.status_code == 204, (node.name, app, instance_id, r.status_code, r.text[:300])
    return int(body["instance"]["lastDirtyTimestamp"])


def heartbeat(node, app, instance_id, **params):
    """PUT /eureka/apps/{APP}/{id}[?params]; returns the status code."""
    query = f"?{urlencode(params)}" if params else ""
    return node.request("PUT", ipath(app, instance_id) + query, headers=JSON).status_code


def instance(node, app, instance_id):
    """GET /eureka/apps/{APP}/{id} as JSON (read from the registry, never stale); None on 404."""
    r = node.request("GET", ipath(app, instance_id), headers=JSON)
    if r.status_code == 404:
        return None
    assert r.status_code == 200, (node.name, r.status_code, r.text[:300])
    return r.json()["instance"]


def registry(node, expect_ok=True):
    """GET /eureka/apps as JSON -> {APP: {id: instance}}; None for a non-200 answer unless expect_ok."""
    r = node.request("GET", "/eureka/apps", headers=JSON)
    if r.status_code != 200:
        assert not expect_ok, (node.name, r.status_code, r.text[:300])
        return None
    return parse_applications(r.json())


def all_ids(apps, prefix=""):
    """{(APP, id)} of a parsed registry, only apps whose name starts with `prefix`."""
    return {(app, iid) for app, instances in apps.items() if app.startswith(prefix) for iid in instances}


def overrides(node):
    r = node.request("GET", "/eureka/serverinfo/statusoverrides")
    assert r.status_code == 200, (node.name, r.status_code)
    return r.json()


def status_page(node):
    r = node.request("GET", "/eureka/status", headers=JSON)
    assert r.status_code == 200, (node.name, r.status_code)
    return r.json()


def url_list(text):
    """'http://a/eureka/, http://b/eureka/' or 'http://a/eureka/,http://b/eureka/,' -> [urls]."""
    return [u.strip() for u in (text or "").split(",") if u.strip()]


# -- metrics --

_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)')
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_prometheus(text):
    """Prometheus text format -> {(name, frozenset(labels.items())): float}."""
    samples = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = _SAMPLE.match(line)
        if not m:
            continue
        labels = frozenset(_LABEL.findall(m.group(2) or ""))
        samples[(m.group(1), labels)] = float(m.group(3))
    return samples


class Metrics:
    def __init__(self, samples):
        self.samples = samples

    def get(self, name, **labels):
        """The sample with exactly these labels, or None."""
        return self.samples.get((name, frozenset(labels.items())))

    def total(self, name, **labels):
        """Sum over every sample of `name` whose labels include `labels` (0 if none)."""
        want = set(labels.items())
        return sum(v for (n, ls), v in self.samples.items() if n == name and want <= set(ls))

    def has(self, name):
        return any(n == name for n, _ in self.samples)

    def require(self, name, **labels):
        value = self.get(name, **labels)
        assert value is not None, f"metric {name}{labels} missing; have {sorted({n for n, _ in self.samples})}"
        return value


def metrics(node, timeout=HTTP_TIMEOUT_S):
    r = node.request("GET", "/metrics", timeout=timeout)
    assert r.status_code == 200, (node.name, r.status_code)
    return Metrics(parse_prometheus(r.text))


# -- fast registration driver --

def _read_response(reader):
    """One HTTP/1.1 response from a buffered reader -> (status, body bytes)."""
    status_line = reader.readline()
    if not status_line:
        raise ConnectionError("connection closed")
    status = int(status_line.split()[1])
    length = 0
    while True:
        line = reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    return status, reader.read(length) if length else b""


def register_many(node, bodies, connections=4, window=64, timeout=60):
    """Registers every (app, body bytes) pair on `node` as fast as the node allows: `connections` keep-alive
    connections, each with up to `window` pipelined requests in flight (answers come back in order, spec 1.8).
    Bounded by `timeout` seconds. Returns the list of answer status codes (one per body, in no particular order)."""
    work = list(bodies)
    shares = [work[i::connections] for i in range(connections)]
    results, errors = [], []
    deadline = time.monotonic() + timeout

    def drive(share):
        sock = socket.create_connection((LOCALHOST, node.port), timeout=timeout)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            reader = sock.makefile("rb")
            for start in range(0, len(share), window):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"registrations still running after {timeout} s")
                chunk = share[start:start + window]
                out = bytearray()
                for app, body in chunk:
                    out += (f"POST /eureka/apps/{app} HTTP/1.1\r\nHost: {LOCALHOST}:{node.port}\r\n"
                            f"Content-Type: application/json\r\nAccept: application/json\r\n"
                            f"Content-Length: {len(body)}\r\n\r\n").encode() + body
                sock.sendall(out)
                for _ in chunk:
                    results.append(_read_response(reader)[0])
        except Exception as e:
            errors.append(repr(e))
        finally:
            sock.close()

    threads = [threading.Thread(target=drive, args=(s,), daemon=True) for s in shares if s]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(0.1, deadline - time.monotonic()) + 5)
    assert not errors, errors[:3]
    assert not any(t.is_alive() for t in threads), "registration driver did not finish"
    return results


# -- heartbeat load with client-style failover --

class LoadClient:
    """One simulated instance: registered on its home node, heartbeating every `period` seconds. Like a Java
    client it sticks to the node that last answered and moves to the next node after a network failure; a 404
    makes it register again (on the node it now uses)."""

    def __init__(self, app, instance_id, node_index, duration, renewal):
        self.app, self.instance_id = app, instance_id
        self.node_index = node_index
        self.duration, self.renewal = duration, renewal
        self.body = json.dumps(instance_doc(app, instance_id, duration=duration, renewal=renewal)).encode()
        self.registered = False
        self.reregistrations = 0


class HeartbeatLoad:
    """Background load on a cluster, bounded in time and count: `initial` instances spread over the nodes, then
    new registrations at `reg_rate` per second up to `max_new`, every instance heartbeating every `period` s.

    One worker thread per node sends the requests of the instances currently using that node over one keep-alive
    connection; a worker whose node fails (connection error or `request_timeout`) moves all its instances to the
    next node and marks its node down for `cooldown` s. Every request is timed: `samples` holds
    (node index, start monotonic time, seconds, status or None)."""

    def __init__(self, cluster, prefix="LOAD", initial=30, reg_rate=10, max_new=100, period=0.5, duration=5,
                 renewal=1, request_timeout=0.5, cooldown=3.0, max_seconds=120):
        self.cluster = cluster
        self.prefix = prefix
        self.period = period
        self.request_timeout = request_timeout
        self.cooldown = cooldown
        self.reg_rate, self.max_new = reg_rate, max_new
        self.duration, self.renewal = duration, renewal
        self.deadline = time.monotonic() + max_seconds
        self.lock = threading.Lock()
        self.clients = []
        self.samples = []
        self.errors = []
        self.down_until = [0.0] * len(cluster)
        self.failovers = []  # (node index, reason, clients moved)
        self.stop_event = threading.Event()
        self.registering = threading.Event()
        self.registering.set()
        self._count = 0
        for _ in range(initial):
            self._new_client()
        self.threads = [threading.Thread(target=self._worker, args=(i,), name=f"load-{i}", daemon=True)
                        for i in range(len(cluster))]
        self.threads.append(threading.Thread(target=self._registrar, name="load-registrar", daemon=True))

    def _new_client(self, node_index=None):
        n = self._count
        self._count += 1
        if node_index is None:
            node_index = n % len(self.cluster)
        app = f"{self.prefix}-{n % 5}"
        client = LoadClient(app, f"{self.prefix.lower()}-{n}:{app.lower()}:8080", node_index, self.duration,
                            self.renewal)
        with self.lock:
            self.clients.append(client)
        return client

    def start(self):
        for t in self.threads:
            t.start()
        return self

    def stop_registering(self):
        self.registering.clear()

    def stop(self):
        self.stop_event.set()
        for t in self.threads:
            t.join(timeout=10)
        assert not any(t.is_alive() for t in self.threads), "load threads did not stop"

    def expected_ids(self):
        """{(APP, id)} of every instance that registered and keeps heartbeating."""
        with self.lock:
            return {(c.app, c.instance_id) for c in self.clients if c.registered}

    def _worker(self, index):
        node = self.cluster[index]
        conn = None
        next_round = time.monotonic()
        while not self.stop_event.is_set() and time.monotonic() < self.deadline:
            now = time.monotonic()
            if now < next_round:
                self.stop_event.wait(next_round - now)
                continue
            next_round = now + self.period
            if now < self.down_until[index]:
                continue
            with self.lock:
                mine = [c for c in self.clients if c.node_index == index]
            for client in mine:
                if self.stop_event.is_set():
                    break
                try:
                    if conn is None:
                        conn = http.client.HTTPConnection(LOCALHOST, node.port, timeout=self.request_timeout)
                    self._exchange(conn, index, client)
                except (OSError, http.client.HTTPException) as e:
                    if conn is not None:
                        conn.close()
                    conn = None
                    self._fail_over(index, repr(e))
                    break
        if conn is not None:
            conn.close()

    def _timed(self, conn, index, method, path, body=None, headers=None):
        start = time.monotonic()
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            resp.read()
        except BaseException:
            with self.lock:
                self.samples.append((index, start, time.monotonic() - start, None))
            raise
        with self.lock:
            self.samples.append((index, start, time.monotonic() - start, resp.status))
        return resp.status

    def _exchange(self, conn, index, client):
        if client.registered:
            status = self._timed(conn, index, "PUT", ipath(client.app, client.instance_id), headers=JSON)
            if status == 200:
                return
            if status != 404:
                self.errors.append(f"heartbeat {client.instance_id} on node {index}: {status}")
                return
            client.reregistrations += 1
        status = self._timed(conn, index, "POST", f"/eureka/apps/{client.app}", body=client.body,
                             headers={"Content-Type": "application/json", **JSON})
        if status == 204:
            client.registered = True
        else:
            self.errors.append(f"register {client.instance_id} on node {index}: {status}")

    def _fail_over(self, index, reason):
        self.down_until[index] = time.monotonic() + self.cooldown
        target = self._next_up(index)
        with self.lock:
            moved = 0
            for client in self.clients:
                if client.node_index == index:
                    client.node_index = target
                    moved += 1
            self.failovers.append((index, reason, moved))

    def _next_up(self, index):
        now = time.monotonic()
        for step in range(1, len(self.cluster) + 1):
            candidate = (index + step) % len(self.cluster)
            if self.down_until[candidate] <= now:
                return candidate
        return (index + 1) % len(self.cluster)

    def _registrar(self):
        interval = 1.0 / self.reg_rate if self.reg_rate > 0 else None
        made = 0
        while interval and made < self.max_new and not self.stop_event.is_set() and time.monotonic() < self.deadline:
            self.stop_event.wait(interval)
            if not self.registering.is_set():
                continue
            home = self._count % len(self.cluster)
            if self.down_until[home] > time.monotonic():
                home = self._next_up(home)
            self._new_client(home)  # the node's worker registers it on its next round
            made += 1

    def latencies(self, node_indexes, start, end):
        """Seconds of every request to the given nodes started within [start, end] (monotonic)."""
        with self.lock:
            return [d for i, t, d, _ in self.samples if i in node_indexes and start <= t <= end]


def converge(problem, timeout, interval=0.1, message="convergence"):
    """Polls `problem()` (None when the condition holds, else a description of what is still wrong) until it
    returns None; bounded in time and rounds. Returns the seconds it took; the error names the last problem."""
    start = time.monotonic()
    deadline = start + timeout
    last = None
    for _ in range(int(timeout / interval) + 2):
        last = problem()
        if last is None:
            return time.monotonic() - start
        if time.monotonic() >= deadline:
            break
        time.sleep(interval)
    raise AssertionError(f"no {message} within {timeout} s: {last}")


def percentile(values, p):
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # ceil
    return ordered[int(rank) - 1]


# -- a fake peer --

class FakePeer:
    """A stand-in peer on its own port: answers the start-up sync's GET /eureka/apps with a canned registry after
    `delay` seconds, and every batch with 200 per item. Records (method, path, headers) of every request."""

    def __init__(self, applications_doc, delay=0.0):
        self.doc = json.dumps(applications_doc).encode()
        self.delay = delay
        self.requests = []
        self.items = []  # every batch item received, inflated when gzipped
        peer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _reply(self, code, body=b"", ctype="application/json"):
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                peer.requests.append(("GET", self.path, dict(self.headers)))
                if self.path.split("?")[0].rstrip("/") == "/eureka/apps":
                    time.sleep(peer.delay)
                    self._reply(200, peer.doc)
                else:
                    self._reply(404)

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                peer.requests.append(("POST", self.path, dict(self.headers)))
                if self.headers.get("Content-Encoding", "").lower() == "gzip":
                    body = gzip.decompress(body)
                if self.path.rstrip("/") == "/eureka/peerreplication/batch":
                    items = json.loads(body or b"{}").get("replicationList", [])
                    peer.items.extend(items)
                    self._reply(200, json.dumps({"responseList": [{"statusCode": 200} for _ in items]}).encode())
                else:
                    self._reply(404)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer((LOCALHOST, 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = peer_url(self.port)
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                       name="fake-peer", daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def applications_doc(instances):
    """An Applications document (spec 3.9) holding the given instance dicts (without wrappers)."""
    by_app = {}
    for inst in instances:
        by_app.setdefault(inst["app"], []).append(inst)
    return {"applications": {"versions__delta": "1", "apps__hashcode": "",
                             "application": [{"name": app, "instance": insts} for app, insts in by_app.items()]}}
