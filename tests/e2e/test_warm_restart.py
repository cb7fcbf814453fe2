"""Warm restart (docs/warm-restart.md) with the real binary: a snapshot written on the interval survives `kill -9`
and is served at once by the next start; a torn file is reported and skipped; SIGTERM writes a final snapshot."""
import json
import os
import signal
import subprocess

import requests

from conftest import FAST_SETTINGS, SERVER_BIN, STOP_TIMEOUT_S, EurekaServer, stop_each
from cluster_util import instance_doc
from e2e_util import parse_applications, wait_until

import pytest

JSON = {"Accept": "application/json"}


@pytest.fixture
def servers(tmp_path):
    """Factory: servers(snapshot_path, *args) -> a started EurekaServer; every one is stopped by PID at teardown
    (those already killed or stopped by the test are skipped)."""
    started = []

    def start(snapshot, *args):
        log_dir = tmp_path / f"run-{len(started)}"
        log_dir.mkdir()
        server = EurekaServer((*FAST_SETTINGS, f"--eureka.node.snapshot-path={snapshot}", *args), log_dir)
        started.append(server)
        return server

    yield start
    stop_each(started, lambda server: server.stop(check=server.proc.poll() is None))


def register(server, app, instance_id, **fields):
    body = instance_doc(app, instance_id, duration=90, renewal=30, **fields)
    r = requests.post(f"{server.base_url}/eureka/apps/{app}", data=json.dumps(body),
                      headers={"Content-Type": "application/json", **JSON}, timeout=5)
    assert r.status_code == 204, (r.status_code, r.text[:300])


def ids(server):
    r = requests.get(f"{server.base_url}/eureka/apps", headers=JSON, timeout=5)
    assert r.status_code == 200, (r.status_code, r.text[:300])
    return {(app, iid) for app, instances in parse_applications(r.json()).items() for iid in instances}


def snapshot_ids(path):
    """The (APP, id) pairs of a complete snapshot file, or None when there is none (or it is not complete)."""
    try:
        lines = path.read_bytes().split(b"\n")
    except FileNotFoundError:
        return None
    if len(lines) < 4 or lines[0] != b"EUREKA-SNAPSHOT 1" or not lines[-2].startswith(b"END "):
        return None
    return {(json.loads(line)["instance"]["app"], json.loads(line)["instance"]["instanceId"]) for line in lines[2:-2]}


def kill9(server):
    os.kill(server.pid, signal.SIGKILL)
    server.proc.wait(timeout=STOP_TIMEOUT_S)


def test_kill9_then_restart_serves_the_last_complete_snapshot_at_once(servers, tmp_path):
    path = tmp_path / "registry.snapshot"
    first = servers(path, "--eureka.node.snapshot-interval-ms=1000")
    wanted = {("ORDERS", "o-1"), ("ORDERS", "o-2"), ("BILLING", "b-1")}
    for app, iid in wanted:
        register(first, app, iid)
    wait_until(lambda: snapshot_ids(path) == wanted, timeout=10, message="a snapshot of the three instances")
    register(first, "ORDERS", "o-late")  # may or may not make the next snapshot before the kill
    kill9(first)
    on_disk = snapshot_ids(path)
    assert on_disk in (wanted, wanted | {("ORDERS", "o-late")})

    second = servers(path, "--eureka.node.snapshot-interval-ms=1000")
    assert ids(second) == on_disk  # the first read after the listening line: restored before serving
    log = second.stderr_text()
    assert "snapshot_restored" in log and f"instances={len(on_disk)}" in log, log[-2000:]
    r = requests.put(f"{second.base_url}/eureka/apps/ORDERS/o-1", headers=JSON, timeout=5)
    assert r.status_code == 200  # a live client's heartbeat finds its lease and makes it ordinary


def test_a_torn_snapshot_is_reported_and_skipped_and_the_node_starts_empty(servers, tmp_path):
    path = tmp_path / "registry.snapshot"
    first = servers(path, "--eureka.node.snapshot-interval-ms=0")
    register(first, "ORDERS", "o-1")
    first.stop(check=True)
    complete = path.read_bytes()
    assert snapshot_ids(path) == {("ORDERS", "o-1")}
    path.write_bytes(complete[: len(complete) // 2])  # a torn write
    (tmp_path / "registry.snapshot.tmp").write_bytes(complete[:10])  # and a stale temporary beside it

    second = servers(path)
    assert ids(second) == set()
    log = second.stderr_text()
    assert "snapshot_skipped" in log and "reason=truncated" in log, log[-2000:]

    # The next start with a file of an unknown version says so, and still starts.
    second.stop(check=True)
    path.write_bytes(b"EUREKA-SNAPSHOT 2\n{}\nEND 0 00000000\n")
    third = servers(path)
    assert ids(third) == set()
    assert "format version 2 not supported" in third.stderr_text()


def test_sigterm_writes_a_final_snapshot_with_a_registration_made_just_before(servers, tmp_path):
    path = tmp_path / "registry.snapshot"
    first = servers(path, "--eureka.node.snapshot-interval-ms=600000")
    register(first, "ORDERS", "o-1")
    assert snapshot_ids(path) is None  # the interval has not come
    register(first, "ORDERS", "o-just-before")
    assert first.stop(check=True) == 0
    assert snapshot_ids(path) == {("ORDERS", "o-1"), ("ORDERS", "o-just-before")}
    assert not (tmp_path / "registry.snapshot.tmp").exists()
    second = servers(path)
    assert ids(second) == {("ORDERS", "o-1"), ("ORDERS", "o-just-before")}


def test_a_snapshot_path_in_a_missing_directory_is_a_setting_error(tmp_path):
    r = subprocess.run([str(SERVER_BIN), "--server.port=0", "--server.address=127.0.0.1",
                        f"--eureka.node.snapshot-path={tmp_path / 'missing' / 's'}"],
                       capture_output=True, timeout=STOP_TIMEOUT_S, text=True)
    assert r.returncode == 2
    assert "eureka.node.snapshot-path" in r.stderr and "does not exist" in r.stderr
