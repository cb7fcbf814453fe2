"""Anti-entropy between peers (docs/anti-entropy.md) with real node processes on 127.0.0.1.

Peer B is cut off from A and SIGSTOPped past the replication task expiry while A cancels an instance, sets a
status override on another and updates a third one's metadata (4.9: its lastDirtyTimestamp stays); after SIGCONT it converges within one anti-entropy interval (5 s, the smallest allowed)
plus the batch delay, while the B of an identical pair without anti-entropy still holds the cancelled instance and
lacks the override and the metadata (heartbeats cannot repair them, spec 7.10). A Netflix-like peer that answers the digest 404 is
asked once and left alone.

Why a cuttable proxy between A and B and not SIGSTOP alone: on loopback the kernel completes A's connections to the
stopped process and queues A's batches (every retry too), and B applies them on SIGCONT, so nothing is lost (the
first version of this test saw B repaired before any anti-entropy round). The proxy refuses A's connections while
B is stopped, as a partition would, so A's cancel and status tasks really expire unsent.
"""
import shutil
import socket
import subprocess
import threading
import time

import pytest

from conftest import stop_each
from cluster_util import (CLUSTER_SETTINGS, JSON, FakePeer, Node, applications_doc, converge, distinct_free_ports,
                          instance, ipath, metrics, peer_url, register)

INTERVAL_S = 5.0
# max-time-for-replication is 3 s in CLUSTER_SETTINGS: a pause of 4.5 s outlives the cancel and status tasks.
PAUSE_S = 4.5
APP = "AE"
KEPT, CANCELLED, RELABELLED = "ae-kept:ae:8080", "ae-cancelled:ae:8080", "ae-relabelled:ae:8080"


def zone(node):
    relabelled = instance(node, APP, RELABELLED)
    return None if relabelled is None else relabelled.get("metadata", {}).get("zone")


class CuttableProxy:
    """A TCP relay from its own 127.0.0.1 port to `target_port`. cut() closes every relayed connection and refuses
    new ones (accepted and closed at once) until heal(). Threads are daemons; close() stops accepting."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.url = peer_url(self.port)
        self.is_cut = False
        self.lock = threading.Lock()
        self.pairs = []
        self.closed = False
        threading.Thread(target=self._accept, name="proxy-accept", daemon=True).start()

    def _accept(self):
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                if self.is_cut:
                    client.close()
                    continue
                try:
                    upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=1)
                    upstream.settimeout(None)
                except OSError:
                    client.close()
                    continue
                self.pairs.append((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        for s in (source, sink):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self):
        with self.lock:
            self.is_cut = True
            for pair in self.pairs:
                for s in pair:
                    try:
                        s.shutdown(socket.SHUT_RDWR)
                        s.close()
                    except OSError:
                        pass
            self.pairs = []

    def heal(self):
        with self.lock:
            self.is_cut = False

    def close(self):
        self.closed = True
        self.cut()
        self.listener.close()


@pytest.fixture
def pairs(tmp_path):
    """make(name, extra_args, extra_peers) -> (A, B, proxy): B is reached by A only through the proxy; B reaches A
    directly. Both started and open. Every process is stopped by PID at teardown (exit code 0 asserted)."""
    nodes, proxies = [], []

    def make(name, extra_args=(), extra_peers=()):
        log_dir = tmp_path / name
        log_dir.mkdir()
        a_port, b_port = distinct_free_ports(2)
        proxy = CuttableProxy(b_port)
        proxies.append(proxy)
        a_peers = ",".join([peer_url(a_port), proxy.url, *extra_peers])
        b_peers = ",".join([peer_url(a_port), peer_url(b_port)])
        a = Node(f"{name}-a", a_port, [*CLUSTER_SETTINGS, f"--eureka.client.service-url.defaultZone={a_peers}", *extra_args],
                 log_dir)
        b = Node(f"{name}-b", b_port, [*CLUSTER_SETTINGS, f"--eureka.client.service-url.defaultZone={b_peers}", *extra_args],
                 log_dir)
        for node in (a, b):
            nodes.append(node)
            node.start()
            node.wait_open()
        return a, b, proxy

    yield make
    for proxy in proxies:
        proxy.close()
    stop_each(nodes, lambda node: node.stop(check=True))


def stale_state(node):
    """What the paused peer must be repaired from: the cancelled instance still there, the override and the
    metadata update missing."""
    kept = instance(node, APP, KEPT)
    return (instance(node, APP, CANCELLED) is not None and kept is not None and kept["overriddenStatus"] != "OUT_OF_SERVICE"
            and zone(node) != "z9")


def repaired_problem(node):
    kept = instance(node, APP, KEPT)
    problems = []
    if instance(node, APP, CANCELLED) is not None:
        problems.append("cancelled instance still there")
    if kept is None or kept["overriddenStatus"] != "OUT_OF_SERVICE" or kept["status"] != "OUT_OF_SERVICE":
        problems.append(f"kept instance {None if kept is None else (kept['status'], kept['overriddenStatus'])}")
    if zone(node) != "z9":
        problems.append(f"metadata zone {zone(node)!r}")
    return problems or None


def repaired_rounds(node, peer):
    return metrics(node).get("eureka_anti_entropy_rounds_total", peer=peer, outcome="repaired")


def test_paused_peer_missing_a_cancel_and_an_override_converges_within_one_interval(pairs):
    netflix_like = FakePeer(applications_doc([]))
    try:
        on = pairs("on", ("--eureka.node.anti-entropy-interval-ms=5000",), extra_peers=(netflix_like.url,))
        off = pairs("off")
        for a, b, _ in (on, off):
            for iid in (KEPT, CANCELLED):
                register(a, APP, iid, duration=60, renewal=30)
            # A register task (a metadata update travels as one, 4.9) lives one renewal interval (7.6): 1 s here,
            # so it too expires unsent during the pause.
            register(a, APP, RELABELLED, duration=60, renewal=1)
            converge(lambda: None if all(instance(b, APP, iid) for iid in (KEPT, CANCELLED, RELABELLED)) else "not replicated", 5,
                     message="replication before the pause")
        for _, b, proxy in (on, off):
            proxy.cut()
            b.pause()
        for a, _, _ in (on, off):
            assert a.request("DELETE", ipath(APP, CANCELLED), headers=JSON).status_code == 200
            r = a.request("PUT", ipath(APP, KEPT) + "/status?value=OUT_OF_SERVICE", headers=JSON)
            assert r.status_code == 200, r.status_code
            r = a.request("PUT", ipath(APP, RELABELLED) + "/metadata?zone=z9")
            assert r.status_code == 200, r.status_code
        time.sleep(PAUSE_S)
        for _, b, proxy in (on, off):
            b.resume()
            proxy.heal()
        resumed = time.monotonic()

        a, b, proxy = on
        # Before A's first repairing round B still holds what it missed (the state is read first, the counter after,
        # so a zero counter proves no repair had been pushed when the state was read).
        stale = stale_state(b)
        if repaired_rounds(a, proxy.url) == 0:
            assert stale, "B was repaired before any anti-entropy round pushed a repair"
        took = converge(lambda: repaired_problem(b), INTERVAL_S * 1.1 + 3.0, interval=0.1,
                        message="anti-entropy repair of the paused peer")
        assert repaired_rounds(a, proxy.url) >= 1
        assert repaired_problem(a) is None
        print(f"converged {took:.2f} s after the check, {time.monotonic() - resumed:.2f} s after SIGCONT")

        # The same pause without anti-entropy: nothing repairs the peer, not even after more than one interval.
        time.sleep(max(0.0, resumed + INTERVAL_S * 1.1 + 1.0 - time.monotonic()))
        off_b = off[1]
        assert stale_state(off_b), ("without anti-entropy the paused peer should still miss the cancel, override and metadata",
                                    instance(off_b, APP, CANCELLED) is not None, instance(off_b, APP, KEPT), zone(off_b))

        # The Netflix-like peer answered 404 once and was left alone (asked again only after 10 intervals).
        assert metrics(a).get("eureka_anti_entropy_rounds_total", peer=netflix_like.url, outcome="not_speaking") == 1
        digests = [r for r in netflix_like.requests if r[1].rstrip("/").endswith("/peerreplication/digest")]
        assert len(digests) == 1, digests

        # The anti-entropy series are valid Prometheus text (promtool, when Debian's prometheus is installed).
        text = a.request("GET", "/metrics").text
        for series in ("eureka_anti_entropy_rounds_total{peer=", "eureka_anti_entropy_repairs_total{peer=",
                       "eureka_anti_entropy_loop_seconds_total{peer=", "eureka_anti_entropy_sent_bytes_total{peer="):
            assert series in text, series
        assert f'eureka_anti_entropy_repairs_total{{peer="{proxy.url}",action="cancel"}} 1' in text
        promtool = shutil.which("promtool")
        if promtool:
            check = subprocess.run([promtool, "check", "metrics"], input=text.encode(), capture_output=True, timeout=30)
            assert check.returncode == 0, (check.stdout.decode(), check.stderr.decode())
    finally:
        netflix_like.close()
