"""Multi-process cluster tests: peer replication (spec 7), start-up sync (5.6, 7.9) and their faults.

Every test starts its own nodes on fixed 127.0.0.1 ports, each given the same full peer list (itself included, so
self-exclusion, 7.1, is exercised everywhere), with the short timers of cluster_util.CLUSTER_SETTINGS. Instances
are registered with short leases and a 1 s renewal interval, which is also the expiry of their register and
heartbeat replication tasks (7.6). Changes are expected on the other nodes within PROPAGATION_S: batches leave
after at most 500 ms and the contract promises about 1-2 s; the margin is for a debug build on 2 shared cores.
"""
import json
import time

import pytest

from conftest import stop_each
from e2e_util import wait_until
from cluster_util import (JSON, REPLICATION, Cluster, FakePeer, HeartbeatLoad, all_ids, applications_doc, converge,
                          heartbeat, instance, instance_doc, ipath, metrics, now_ms, overrides, parse_applications,
                          percentile, register, register_many, registry, status_page, url_list)

PROPAGATION_S = 3.0


@pytest.fixture
def make_cluster(tmp_path):
    """Factory: make_cluster(size, extra_args=(), extra_peers=(), start=True) -> a started Cluster (logs under
    tmp_path/cluster-N/). Every process is resumed and stopped by PID at teardown; exit code 0 is asserted for
    every node not deliberately SIGKILLed."""
    clusters = []

    def make(size=3, extra_args=(), extra_peers=(), start=True):
        log_dir = tmp_path / f"cluster-{len(clusters)}"
        log_dir.mkdir()
        cluster = Cluster(log_dir, size, extra_args=extra_args, extra_peers=extra_peers)
        clusters.append(cluster)
        if start:
            cluster.start()
        return cluster

    yield make
    stop_each(clusters, lambda cluster: cluster.stop_all(check=True))


def everywhere(nodes, check, message):
    """Waits until check(node) is None for every node (else it describes what is wrong); PROPAGATION_S bound."""
    def problem():
        wrong = {n.name: p for n in nodes for p in [check(n)] if p is not None}
        return wrong or None
    return converge(problem, PROPAGATION_S, interval=0.05, message=message)


def fields(inst, *names):
    return None if inst is None else {k: inst.get(k) for k in names}


# ---------------------------------------------------------------------------------------------------------------
# Harness and standalone behaviour (independent of the sending side of replication)


def test_harness_runs_nodes_on_fixed_ports_and_survives_kill_pause_and_restart(make_cluster):
    """The cluster harness itself: three nodes on ports chosen in advance, each given the full peer list and every
    cluster setting, open for traffic; a SIGKILLed node restarts on the same port at once (SO_REUSEADDR, spec 1.8)
    even with connections it had accepted; a SIGSTOPped node answers nothing until SIGCONT."""
    c = make_cluster(3, extra_args=("--eureka.server.max-elements-in-peer-replication-pool=100",))
    for node in c:
        assert node.health() == 200
        own = status_page(node)["instanceInfo"]
        assert own["port"]["$"] == node.port, own["port"]
        assert registry(node) == {}

    victim = c[2]
    assert victim.health() == 200  # leaves a keep-alive connection open on the victim
    old_pid = victim.pid
    victim.kill()
    assert victim.exit_codes[-1] == -9
    victim.restart()
    assert victim.pid != old_pid
    victim.wait_open(timeout=5)

    paused = c[1]
    paused.pause()
    try:
        assert paused.health() is None  # 1 s timeout: a stopped process answers nothing
        assert c[0].health() == 200
    finally:
        paused.resume()
    paused.wait_open(timeout=5)


def test_changes_received_from_a_peer_are_never_forwarded(make_cluster):
    """A replicated register (individual form with the replication header, 7.3) and a batch item received by B stay
    on B: replicated work is never replicated again (4.12, 7.5)."""
    c = make_cluster(3)
    a, b, cc = c
    register(b, "ECHO", "echo-1:echo:8080", replicated=True, duration=30)
    item = {"appName": "ECHO", "id": "echo-2:echo:8080", "action": "Register", "status": "UP",
            "lastDirtyTimestamp": now_ms(),
            "instanceInfo": instance_doc("ECHO", "echo-2:echo:8080", duration=30)["instance"]}
    r = b.request("POST", "/eureka/peerreplication/batch", data=json.dumps({"replicationList": [item]}),
                  headers={"Content-Type": "application/json", **JSON})
    assert r.status_code == 200, (r.status_code, r.text[:300])
    assert r.json()["responseList"] == [{"statusCode": 200}]
    assert instance(b, "ECHO", "echo-1:echo:8080") and instance(b, "ECHO", "echo-2:echo:8080")
    # a replicated status change and heartbeat on B are not forwarded either
    assert b.request("PUT", ipath("ECHO", "echo-1:echo:8080") + "/status?value=OUT_OF_SERVICE",
                     headers=REPLICATION).status_code == 200
    assert b.request("PUT", ipath("ECHO", "echo-1:echo:8080"), headers=REPLICATION).status_code == 200

    time.sleep(PROPAGATION_S)  # what would have been forwarded has arrived by now
    for node in (a, cc):
        assert registry(node) == {}, node.name
        assert overrides(node) == {}, node.name
    assert metrics(b).total("eureka_replication_items_sent_total") == 0


# ---------------------------------------------------------------------------------------------------------------
# Replication of client changes (7.2-7.7): wait for the sending side


def test_every_client_change_on_one_node_reaches_the_other_two(make_cluster):
    """Register, heartbeat, status override, override removal (with and without value), re-registration, metadata
    update and cancel made by a client on A each show on B and C, read directly (GET /eureka/apps/{APP}/{id}) and
    through the full registry."""
    c = make_cluster(3)
    a = c[0]
    peers = c.others(a)
    app, iid = "ORDERS", "orders-1:orders:8080"

    def on_peers(want, message, full=True):
        def check(node):
            got = instance(node, app, iid)
            if got is None:
                return "absent"
            wrong = {k: got.get(k) for k, v in want.items() if got.get(k) != v}
            if full and not wrong:
                listed = registry(node).get(app, {}).get(iid)
                wrong = {f"full registry {k}": (listed or {}).get(k) for k, v in want.items()
                         if (listed or {}).get(k) != v}
            return wrong or None
        return everywhere(peers, check, message)

    ts = register(a, app, iid, duration=30, renewal=1, metadata={"zone": "z1"})
    on_peers({"status": "UP", "lastDirtyTimestamp": str(ts), "overriddenStatus": "UNKNOWN",
              "metadata": {"zone": "z1"}}, "register on B and C")
    for node in peers:
        assert instance(node, app, iid)["leaseInfo"]["durationInSecs"] == 30

    renewed_before = {n.name: instance(n, app, iid)["leaseInfo"]["lastRenewalTimestamp"] for n in peers}
    time.sleep(0.01)
    assert heartbeat(a, app, iid, status="UP", lastDirtyTimestamp=ts) == 200
    everywhere(peers, lambda n: None if instance(n, app, iid)["leaseInfo"]["lastRenewalTimestamp"]
               > renewed_before[n.name] else "lease not renewed", "heartbeat renewing the lease on B and C")

    assert a.request("PUT", ipath(app, iid) + "/status?value=OUT_OF_SERVICE").status_code == 200
    on_peers({"status": "OUT_OF_SERVICE", "overriddenStatus": "OUT_OF_SERVICE"}, "status override on B and C")
    everywhere(peers, lambda n: None if overrides(n).get(iid) == "OUT_OF_SERVICE" else overrides(n),
               "override map entry on B and C")

    assert a.request("DELETE", ipath(app, iid) + "/status?value=UP").status_code == 200
    on_peers({"status": "UP", "overriddenStatus": "UNKNOWN"}, "override removal (value=UP) on B and C")
    everywhere(peers, lambda n: None if iid not in overrides(n) else overrides(n), "override map entry removed")

    assert a.request("PUT", ipath(app, iid) + "/status?value=OUT_OF_SERVICE").status_code == 200
    on_peers({"status": "OUT_OF_SERVICE"}, "second status override on B and C")
    assert a.request("DELETE", ipath(app, iid) + "/status").status_code == 200
    on_peers({"status": "UNKNOWN", "overriddenStatus": "UNKNOWN"}, "override removal without value on B and C")
    everywhere(peers, lambda n: None if iid not in overrides(n) else overrides(n), "override map entry removed")

    # the client's next heartbeat is answered 404 (status UNKNOWN) and it registers again, UP
    assert heartbeat(a, app, iid, status="UP", lastDirtyTimestamp=ts) == 404
    ts2 = register(a, app, iid, duration=30, renewal=1, metadata={"zone": "z1"})
    on_peers({"status": "UP", "lastDirtyTimestamp": str(ts2)}, "re-registration on B and C")

    assert a.request("PUT", ipath(app, iid) + "/metadata?version=2&zone=z2").status_code == 200
    on_peers({"metadata": {"zone": "z2", "version": "2"}}, "metadata update on B and C")

    assert a.request("DELETE", ipath(app, iid)).status_code == 200
    everywhere(peers, lambda n: None if instance(n, app, iid) is None and app not in registry(n)
               else "still there", "cancel on B and C")


def test_peers_exclude_themselves_and_account_for_replication(make_cluster):
    """With the same full peer list, each node lists the two others as replicas (7.1, 2.15); after client changes
    on A, A counts sent batches and items per peer and reports both peers up and available, B and C count what they
    received and, never forwarding, send nothing."""
    c = make_cluster(3)
    a, b, cc = c
    for node in c:
        stats = status_page(node)["applicationStats"]
        assert url_list(stats["registered-replicas"]) == [n.peer_url for n in c.others(node)], (node.name, stats)

    for i in range(5):
        register(a, "BOOKS", f"books-{i}:books:8080", duration=30, renewal=1)
    everywhere((b, cc), lambda n: None if len(registry(n).get("BOOKS", {})) == 5 else registry(n),
               "registrations on B and C")
    assert a.request("PUT", ipath("BOOKS", "books-0:books:8080") + "/status?value=OUT_OF_SERVICE").status_code == 200
    assert a.request("DELETE", ipath("BOOKS", "books-1:books:8080")).status_code == 200
    everywhere((b, cc), lambda n: None if len(registry(n).get("BOOKS", {})) == 4
               and instance(n, "BOOKS", "books-0:books:8080")["status"] == "OUT_OF_SERVICE" else registry(n),
               "changes on B and C")

    def sender_done(node):
        m = metrics(node)
        depth = {p.name: m.get("eureka_replication_queue_depth", peer=p.peer_url) for p in (b, cc)}
        return None if all(v == 0 for v in depth.values()) else depth
    everywhere([a], sender_done, "A's queues drained")

    m = metrics(a)
    for peer in (b, cc):
        label = peer.peer_url
        assert 1 <= m.require("eureka_replication_batches_sent_total", peer=label) <= 7
        assert m.require("eureka_replication_items_sent_total", peer=label) >= 7  # 5 registers, a status, a cancel
        assert m.require("eureka_replication_peer_up", peer=label) == 1
        assert m.total("eureka_replication_outcomes_total", peer=label, outcome="success") >= 1
        for outcome in ("congestion", "permanent"):  # transient: A's start-up sync found B and C not yet started
            assert m.total("eureka_replication_outcomes_total", peer=label, outcome=outcome) == 0, outcome
        assert m.has("eureka_replication_dropped_total")
        assert m.total("eureka_replication_dropped_total", peer=label) == 0
    for peer in (b, cc):
        m = metrics(peer)
        assert m.require("eureka_replication_batches_received_total") >= 1
        assert m.require("eureka_replication_items_received_total") >= 7
        assert m.total("eureka_replication_items_sent_total") == 0, f"{peer.name} forwarded replicated work"
    stats = status_page(a)["applicationStats"]
    assert sorted(url_list(stats["available-replicas"])) == sorted([b.peer_url, cc.peer_url]), stats
    assert url_list(stats["unavailable-replicas"]) == [], stats


def test_heartbeats_on_one_node_keep_the_instance_alive_everywhere(make_cluster):
    """Heartbeats sent to A alone keep an instance with a 3 s lease alive on B and C for 8 s (heartbeats are
    replicated, 4.12); a sibling registered at the same time and never renewed expires on every node, which shows
    the leases really run out where nothing renews them."""
    c = make_cluster(3)
    a = c[0]
    peers = c.others(a)
    ts = register(a, "PULSE", "pulse-1:pulse:8080", duration=3, renewal=1)
    register(a, "PULSE", "pulse-2:pulse:8080", duration=3, renewal=1)
    everywhere(peers, lambda n: None if instance(n, "PULSE", "pulse-1:pulse:8080")
               and instance(n, "PULSE", "pulse-2:pulse:8080") else registry(n), "both instances on B and C")

    # the client's renewal interval is 1 s (a faster stream could keep replacing a still-pending heartbeat task,
    # whose batching wait may restart on replacement, 7.6)
    missing = []
    start = time.monotonic()
    end = start + 8
    next_beat = start
    while time.monotonic() < end:
        if time.monotonic() >= next_beat:
            assert heartbeat(a, "PULSE", "pulse-1:pulse:8080", status="UP", lastDirtyTimestamp=ts) == 200
            next_beat += 1.0
        missing += [(round(time.monotonic() - start, 1), n.name) for n in c
                    if instance(n, "PULSE", "pulse-1:pulse:8080") is None]
        time.sleep(0.25)
    assert not missing, f"heartbeated instance missing (seconds into the stream, node): {missing}"
    for node in c:
        assert instance(node, "PULSE", "pulse-1:pulse:8080") is not None, node.name
        assert instance(node, "PULSE", "pulse-2:pulse:8080") is None, f"unrenewed lease alive on {node.name}"


# ---------------------------------------------------------------------------------------------------------------
# Start-up sync (5.6, 7.9)


def test_late_node_copies_the_whole_registry_before_it_serves_reads(make_cluster):
    """C starts after A and B hold instances in every status, with overrides, some known to one node only and one
    known to both in two versions. The first GET /eureka/apps that C answers with 200 (403 before) already holds all
    of them, statuses and overrides included, the newer version of the conflicting one (merge by
    lastDirtyTimestamp, 7.9); /actuator/health goes 503 -> 200 and stays 200."""
    c = make_cluster(3, start=False)
    a, b, late = c
    c.start(a, b)
    expected = {}  # (APP, id) -> (status, overriddenStatus, lastDirtyTimestamp or None)
    for i in range(20):
        ts = register(a, "SYNC-UP", f"up-{i}:sync-up:8080", duration=60)
        expected[("SYNC-UP", f"up-{i}:sync-up:8080")] = ("UP", "UNKNOWN", ts)
    for i in range(5):
        ts = register(b, "SYNC-DOWN", f"down-{i}:sync-down:8080", duration=60, status="DOWN")
        expected[("SYNC-DOWN", f"down-{i}:sync-down:8080")] = ("DOWN", "UNKNOWN", ts)
        ts = register(a, "SYNC-STARTING", f"starting-{i}:sync-starting:8080", duration=60, status="STARTING")
        expected[("SYNC-STARTING", f"starting-{i}:sync-starting:8080")] = ("STARTING", "UNKNOWN", ts)
        iid = f"oos-{i}:sync-oos:8080"
        register(b, "SYNC-OOS", iid, duration=60)
        assert b.request("PUT", ipath("SYNC-OOS", iid) + "/status?value=OUT_OF_SERVICE").status_code == 200
        expected[("SYNC-OOS", iid)] = ("OUT_OF_SERVICE", "OUT_OF_SERVICE", None)
    # known to one node only (replicated registrations are not forwarded), and a conflict: B's copy is newer
    ts = register(a, "SYNC-ONE", "only-a:sync-one:8080", replicated=True, duration=60)
    expected[("SYNC-ONE", "only-a:sync-one:8080")] = ("UP", "UNKNOWN", ts)
    ts = register(b, "SYNC-ONE", "only-b:sync-one:8080", replicated=True, duration=60)
    expected[("SYNC-ONE", "only-b:sync-one:8080")] = ("UP", "UNKNOWN", ts)
    old = now_ms() - 60_000
    register(a, "SYNC-DUAL", "dual:sync-dual:8080", replicated=True, duration=60, dirty_ts=old,
             metadata={"copy": "old"})
    register(b, "SYNC-DUAL", "dual:sync-dual:8080", replicated=True, duration=60, dirty_ts=old + 1000,
             metadata={"copy": "new"})
    expected[("SYNC-DUAL", "dual:sync-dual:8080")] = ("UP", "UNKNOWN", old + 1000)
    last_change = time.monotonic()

    # A and B hold tasks for the late node (unreachable so far) until they expire: registers after the 1 s renewal
    # interval, status updates after max-time-for-replication (3 s). Wait that long, so that what C holds at its
    # first read can only come from its own start-up sync.
    time.sleep(max(0.0, last_change + 3.5 - time.monotonic()))

    def drained(node):
        depth = metrics(node).get("eureka_replication_queue_depth", peer=late.peer_url)
        return None if depth == 0 else f"depth {depth}"
    converge(lambda: {n.name: p for n in (a, b) for p in [drained(n)] if p} or None, 3, message="queues for C empty")

    late.start()
    apps_codes, health_codes = [], []
    first = None
    deadline = time.monotonic() + 15
    while first is None and time.monotonic() < deadline:
        health_codes.append(late.health())
        r = late.request("GET", "/eureka/apps", headers=JSON)
        apps_codes.append(r.status_code)
        if r.status_code == 200:
            first = r.json()
        else:
            time.sleep(0.01)
    assert first is not None, f"no 200 from the late node's /eureka/apps: {apps_codes[-5:]}"
    assert set(apps_codes[:-1]) <= {403}, apps_codes
    assert set(health_codes) <= {503, 200}, health_codes
    converge(lambda: None if late.health() == 200 else late.health(), 3, message="late node healthy")
    if 200 in health_codes:
        assert 503 not in health_codes[health_codes.index(200):], health_codes

    got = parse_applications(first)
    assert all_ids(got) == set(expected), (sorted(set(expected) - all_ids(got)), sorted(all_ids(got) - set(expected)))
    wrong = {}
    for (app_name, iid), (status, override, ts) in expected.items():
        inst = got[app_name][iid]
        seen = (inst["status"], inst["overriddenStatus"], int(inst["lastDirtyTimestamp"]) if ts else None)
        if seen != (status, override, ts):
            wrong[iid] = (seen, (status, override, ts))
    assert not wrong, wrong
    assert got["SYNC-DUAL"]["dual:sync-dual:8080"]["metadata"] == {"copy": "new"}
    oos = {iid for (app_name, iid), v in expected.items() if v[1] == "OUT_OF_SERVICE"}
    assert {k for k, v in overrides(late).items() if v == "OUT_OF_SERVICE"} == oos
    stats = status_page(late)["applicationStats"]
    assert sorted(url_list(stats["available-replicas"])) == sorted([a.peer_url, b.peer_url]), stats


def test_node_answers_403_and_is_unhealthy_while_its_start_up_sync_runs(make_cluster):
    """A node whose only peer answers the sync's GET /eureka/apps after 2 s (read timeout raised to 5 s): while it
    waits, its cached reads answer 403 and /actuator/health 503; then it opens with the peer's instances (any status,
    the override kept)."""
    canned = [instance_doc("SLOW", "slow-up:slow:8080", duration=60)["instance"],
              instance_doc("SLOW", "slow-down:slow:8080", duration=60, status="DOWN")["instance"],
              instance_doc("SLOW", "slow-oos:slow:8080", duration=60, status="OUT_OF_SERVICE",
                           overridden="OUT_OF_SERVICE")["instance"]]
    peer = FakePeer(applications_doc(canned), delay=2.0)  # margin for a slow start on a loaded machine
    try:
        c = make_cluster(1, extra_peers=[peer.url], extra_args=("--eureka.server.peer-node-read-timeout-ms=5000",),
                         start=False)
        node = c[0]
        node.start()
        started = time.monotonic()
        seen = []
        deadline = started + 10
        while time.monotonic() < deadline:
            apps = node.request("GET", "/eureka/apps", headers=JSON).status_code
            app = node.request("GET", "/eureka/apps/SLOW", headers=JSON).status_code
            seen.append((round(time.monotonic() - started, 2), apps, app, node.health()))
            if apps == 200:
                break
            time.sleep(0.02)
        assert seen[-1][1] == 200, seen[-5:]
        # The sync may end between the requests of one sample: only samples before the first 200 of any read
        # (the health check, the last of the three, included) were taken wholly during it.
        first_open = next(i for i, s in enumerate(seen) if 200 in (s[1], s[2], s[3]))
        during = seen[:first_open]
        assert during, "the node served its registry before its peer answered"
        assert {s[1] for s in during} == {403} and {s[2] for s in during} == {403}, during
        assert {s[3] for s in during} == {503}, during
        node.wait_open(timeout=3)
        assert {i["instanceId"]: i["status"] for i in registry(node)["SLOW"].values()} == {
            "slow-up:slow:8080": "UP", "slow-down:slow:8080": "DOWN", "slow-oos:slow:8080": "OUT_OF_SERVICE"}
        assert overrides(node) == {"slow-oos:slow:8080": "OUT_OF_SERVICE"}
        gets = [r for r in peer.requests if r[0] == "GET"]
        assert gets and gets[0][1].split("?")[0].rstrip("/") == "/eureka/apps", peer.requests
    finally:
        peer.close()


# ---------------------------------------------------------------------------------------------------------------
# Reconciliation by lastDirtyTimestamp (2.2, 7.7)


def test_stale_copy_is_replaced_after_404_and_newer_copy_pushed_back_with_409(make_cluster):
    """X: A holds version T1, B an older T0, C none. One client heartbeat on A is replicated; B (older) and C
    (unknown) answer 404 and A sends its register: all hold T1.
    Y: A holds T0, B a newer T1 with an OUT_OF_SERVICE override. A's replicated heartbeat gets 409 with B's copy; A
    adopts it with the override; C, answering 404, ends with the same copy."""
    c = make_cluster(3)
    a, b, cc = c
    base = now_ms() - 100_000

    x = "x-1:recon:8080"
    register(a, "RECON", x, replicated=True, duration=30, dirty_ts=base + 2000, metadata={"copy": "a"})
    register(b, "RECON", x, replicated=True, duration=30, dirty_ts=base + 1000, metadata={"copy": "b"})
    assert instance(cc, "RECON", x) is None
    assert heartbeat(a, "RECON", x) == 200
    everywhere(c, lambda n: None if fields(instance(n, "RECON", x), "lastDirtyTimestamp", "metadata") == {
        "lastDirtyTimestamp": str(base + 2000), "metadata": {"copy": "a"}} else instance(n, "RECON", x),
        "A's newer copy of X everywhere after the 404s")

    y = "y-1:recon:8080"
    register(a, "RECON", y, replicated=True, duration=30, dirty_ts=base + 1000, metadata={"copy": "a"})
    register(b, "RECON", y, replicated=True, duration=30, dirty_ts=base + 3000, metadata={"copy": "b"},
             status="OUT_OF_SERVICE", overridden="OUT_OF_SERVICE")
    assert overrides(b).get(y) == "OUT_OF_SERVICE"
    want = {"lastDirtyTimestamp": str(base + 3000), "metadata": {"copy": "b"}, "status": "OUT_OF_SERVICE",
            "overriddenStatus": "OUT_OF_SERVICE"}

    def converged():
        wrong = {n.name: fields(instance(n, "RECON", y), *want) for n in c
                 if fields(instance(n, "RECON", y), *want) != want}
        return wrong or None

    # the client keeps heartbeating A every renewal interval (1 s), as clients do; C may first get A's older copy
    # (404 -> register) and is corrected by the next heartbeat carrying the adopted timestamp
    deadline = time.monotonic() + 3 * PROPAGATION_S
    problem = "not checked"
    while time.monotonic() < deadline:
        assert heartbeat(a, "RECON", y) == 200
        problem = converged()
        if problem is None:
            break
        time.sleep(1.0)
    assert problem is None, f"B's newer copy of Y not everywhere: {problem}"
    assert overrides(a).get(y) == "OUT_OF_SERVICE", "A did not take the override of the copy it adopted"


# ---------------------------------------------------------------------------------------------------------------
# Batching (7.6)


def test_ten_thousand_registrations_converge_in_few_batches(make_cluster):
    """10,000 registrations on A (pipelined on 4 keep-alive connections) reach B and C in batches of up to 250
    items: each receiver counts at most 60 batches (40 full ones plus slack) and at least 10,000 items."""
    c = make_cluster(3)
    a, b, cc = c
    total, apps = 10_000, 20
    expected = set()
    bodies = []
    for i in range(total):
        app = f"BULK-{i % apps}"
        iid = f"bulk-{i}:{app.lower()}:8080"
        expected.add((app, iid))
        # renewal 30 s: the register tasks must not expire while the batches queue up (their expiry is the
        # renewal interval, 7.6); the point here is the batch count, not expiry
        bodies.append((app, json.dumps(instance_doc(app, iid, duration=120, renewal=30)).encode()))
    started = time.monotonic()
    codes = register_many(a, bodies, connections=4, window=64, timeout=60)
    registered_s = time.monotonic() - started
    assert len(codes) == total and set(codes) == {204}, {code: codes.count(code) for code in set(codes)}

    def counts():
        have = {n.name: metrics(n).get("eureka_registry_instances") for n in (b, cc)}
        return None if all(v == total for v in have.values()) else have
    converge(counts, 30, interval=0.25, message="10,000 instances on B and C")
    converged_s = time.monotonic() - started
    for node in (b, cc):
        assert all_ids(registry(node), "BULK-") == expected, node.name
        m = metrics(node)
        batches = m.require("eureka_replication_batches_received_total")
        items = m.require("eureka_replication_items_received_total")
        assert batches <= 60, (f"{node.name} received {batches} batches for {items} items "
                               f"(registered in {registered_s:.1f} s, converged after {converged_s:.1f} s)")
        assert items >= total, (node.name, items)
    m = metrics(a)
    for node in (b, cc):
        assert m.require("eureka_replication_batches_sent_total", peer=node.peer_url) <= 60
        assert m.require("eureka_replication_items_sent_total", peer=node.peer_url) >= total
        assert m.total("eureka_replication_dropped_total", peer=node.peer_url) == 0


# ---------------------------------------------------------------------------------------------------------------
# Faults under load


def load_converged(cluster, load, nodes=None):
    """None when every given node lists exactly the load's registered instances, else the differences."""
    expected = load.expected_ids()
    wrong = {}
    for node in nodes or cluster:
        got = all_ids(registry(node), f"{load.prefix}-")
        if got != expected:
            wrong[node.name] = {"missing": sorted(expected - got)[:5], "missing_count": len(expected - got),
                                "extra": sorted(got - expected)[:5]}
    return wrong or None


def test_killed_node_restarts_and_converges_under_load(make_cluster):
    """Heartbeats and registrations run against all three nodes (clients fail over like the Java client). C is
    SIGKILLed, A sees it down, C restarts on its port, re-syncs at start and holds exactly the live instances, as do
    A and B."""
    c = make_cluster(3)
    a, b, victim = c
    load = HeartbeatLoad(c, prefix="KILL", initial=30, reg_rate=10, max_new=60, period=1.0, duration=5,
                         max_seconds=60).start()
    try:
        time.sleep(1.5)
        converge(lambda: load_converged(c, load), 2 * PROPAGATION_S, interval=0.25, message="load before the fault")
        victim.kill()
        converge(lambda: None if metrics(a).get("eureka_replication_peer_up", peer=victim.peer_url) == 0
                 else "peer still up", 3, message="A seeing C down")
        time.sleep(1.0)
        victim.restart()
        victim.wait_open(timeout=10)
        load.stop_registering()
        took = converge(lambda: load_converged(c, load), 8, interval=0.25, message="convergence after restart")
        converge(lambda: None if metrics(a).get("eureka_replication_peer_up", peer=victim.peer_url) == 1
                 else "peer not up", 3, message="A seeing C up again")
    finally:
        load.stop()
    assert not load.errors, load.errors[:5]
    assert load.failovers, "no client noticed the killed node"
    assert took < 8


def test_paused_node_does_not_slow_the_others_and_catches_up(make_cluster):
    """C is SIGSTOPped for 4.5 s (longer than max-time-for-replication) under load. Meanwhile A and B answer
    heartbeats as fast as before (p99 under max(50 ms, 3 x the p99 before)), keep each queue for C within the
    pool size (100) and report C down; they drop expired work for C. After SIGCONT every instance that kept
    heartbeating is on every node within a few seconds."""
    pool = 100
    c = make_cluster(3, extra_args=(f"--eureka.server.max-elements-in-peer-replication-pool={pool}",))
    a, b, victim = c
    load = HeartbeatLoad(c, prefix="PAUSE", initial=30, reg_rate=10, max_new=60, period=1.0, duration=5,
                         max_seconds=60).start()
    depths, ups = [], []
    try:
        time.sleep(1.5)
        converge(lambda: load_converged(c, load), 2 * PROPAGATION_S, interval=0.25, message="load before the fault")
        before = time.monotonic()
        time.sleep(1.5)
        victim.pause()
        paused_at = time.monotonic()
        try:
            while time.monotonic() < paused_at + 4.5:
                for node in (a, b):
                    m = metrics(node, timeout=2)
                    depths.append((node.name, m.get("eureka_replication_queue_depth", peer=victim.peer_url)))
                    ups.append((node.name, m.get("eureka_replication_peer_up", peer=victim.peer_url)))
                time.sleep(0.2)
        finally:
            victim.resume()
        resumed_at = time.monotonic()
        load.stop_registering()
        took = converge(lambda: load_converged(c, load), 8, interval=0.25, message="convergence after SIGCONT")
    finally:
        victim.resume()
        load.stop()
    assert not load.errors, load.errors[:5]
    assert load.failovers, "no client noticed the paused node"

    baseline = load.latencies({0, 1}, before, paused_at)
    during = load.latencies({0, 1}, paused_at, resumed_at)
    assert len(baseline) >= 20 and len(during) >= 50, (len(baseline), len(during))
    p99_before, p99_during = percentile(baseline, 99), percentile(during, 99)
    limit = max(0.050, 3 * p99_before)
    assert p99_during < limit, (f"heartbeat p99 on A and B during the pause {p99_during * 1000:.1f} ms, "
                                f"before {p99_before * 1000:.1f} ms, max {max(during) * 1000:.1f} ms")
    assert all(d is not None for _, d in depths), depths[:4]
    assert max(d for _, d in depths) <= pool, depths
    for node in (a, b):
        assert 0 in [u for n, u in ups if n == node.name], f"{node.name} never reported C down: {ups}"
        assert metrics(node).total("eureka_replication_dropped_total", peer=victim.peer_url) > 0, node.name
    assert took < 8


def test_gzipped_batches_are_sent_and_inflated(make_cluster):
    """With enable-replicated-request-compression, A's batches leave gzipped (Content-Encoding: gzip, 7.8): a
    recording peer sees the header and inflates every item, and a real node B inflates and applies them."""
    recorder = FakePeer(applications_doc([]))
    try:
        c = make_cluster(2, extra_peers=[recorder.url],
                         extra_args=("--eureka.server.enable-replicated-request-compression=true",))
        a, b = c
        for i in range(20):
            register(a, "ZIPPED", f"zipped-{i}:zipped:8080", duration=30, renewal=1)
        everywhere([b], lambda n: None if len(registry(n).get("ZIPPED", {})) == 20 else registry(n),
                   "gzipped registrations on B")
        wait_until(lambda: sum(1 for i in recorder.items if i.get("appName") == "ZIPPED") >= 20, 5,
                   message="the recording peer got every item")
        posts = [r for r in recorder.requests if r[0] == "POST"]
        assert posts and all(r[2].get("Content-Encoding") == "gzip" for r in posts), posts
    finally:
        recorder.close()
