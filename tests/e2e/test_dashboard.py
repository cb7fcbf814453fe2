"""The dashboard in a real browser (Debian's headless Chromium) and a graceful stop under dashboard load.

The browser test renders `/` of a node with a registered instance, self-preservation holding (one registration and
no renewals: 0 renews in the last minute is not above the threshold) and a peer (a second node in defaultZone),
then checks the DOM Chromium built and keeps a screenshot under .build/artifacts/ (not committed)."""
import json
import os
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import requests

from cluster_util import instance_doc
from conftest import FAST_SETTINGS, ROOT
from e2e_util import wait_until

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / ".build" / "artifacts"
BROWSER_TIMEOUT_S = 90
PEER_SETTINGS = (
    "--eureka.server.registry-sync-retries=1",
    "--eureka.server.registry-sync-retry-wait-ms=200",
    "--eureka.server.wait-time-in-ms-when-sync-empty=0",
)
EVIL = "<script>document.title='owned'</script>"


def register(base_url, app, instance_id, metadata=None, duration=90):
    body = instance_doc(app, instance_id, duration=duration, renewal=30, metadata=metadata)
    r = requests.post(f"{base_url}/eureka/apps/{app}", data=json.dumps(body), timeout=5,
                      headers={"Content-Type": "application/json", "Accept": "application/json"})
    assert r.status_code == 204, r.text[:300]


def chromium(tmp_path, *args):
    """Runs headless Chromium with its own profile directory; returns stdout (bounded in time)."""
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--no-first-run", f"--user-data-dir={tmp_path / 'chromium-profile'}", *args]
    done = subprocess.run(command, capture_output=True, timeout=BROWSER_TIMEOUT_S, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    return done.stdout.decode(errors="replace")


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (Debian package `chromium`, installed by run.sh)")
def test_dashboard_renders_in_headless_chromium(start_server, tmp_path):
    peer = start_server(*FAST_SETTINGS)
    node = start_server(*FAST_SETTINGS, *PEER_SETTINGS, "--eureka.server.eviction-interval-timer-in-ms=500",
                        f"--eureka.client.service-url.defaultZone=http://127.0.0.1:{peer.port}/eureka/")
    register(node.base_url, "ORDERS", "orders-1:orders:8080", metadata={"zone": "eu-1", "note": EVIL})
    register(node.base_url, "ORDERS", EVIL)
    register(node.base_url, "BILLING", "billing-1:billing:8080", duration=1)  # expires in 1 s, then is held
    wait_until(lambda: "kept 1 expired lease:" in requests.get(node.base_url + "/", timeout=5).text, 15,
               interval=0.2, message="an eviction run that keeps the expired lease")

    dom = chromium(tmp_path, "--dump-dom", node.base_url + "/")
    for section in ('id="system-status"', 'id="self-preservation"', 'id="replicas"', 'id="instances"',
                    'id="general-info"', 'id="instance-info"', 'id="recent"'):
        assert section in dom, section
    assert 'href="/?app=ORDERS&amp;instance=orders-1%3Aorders%3A8080"' in dom
    assert "Leases are kept: 0 renews in the last minute is not above the threshold of" in dom
    assert "expected clients x (60 / 30 s renewal interval) x 0.85 renewal-percent-threshold =" in dom
    assert 'id="self-preservation-warning"' in dom
    assert "kept 1 expired lease:" in dom and 'href="/?app=BILLING&amp;instance=billing-1%3Abilling%3A8080"' in dom
    assert f"http://127.0.0.1:{peer.port}/eureka/" in dom and 'class="peer"' in dom
    # The hostile id was rendered as text: no script element, and the title is still the page's.
    assert "<script" not in dom.lower()
    assert "&lt;script&gt;" in dom
    assert "<title>Eureka dashboard</title>" in dom

    instance_dom = chromium(tmp_path, "--dump-dom",
                            node.base_url + "/?app=ORDERS&instance=" + quote("orders-1:orders:8080", safe=""))
    assert "<th>zone</th><td>eu-1</td>" in instance_dom
    assert "<script" not in instance_dom.lower()

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "dashboard.png"
    if shot.exists():
        shot.unlink()
    chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,2400", node.base_url + "/")
    assert shot.is_file() and shot.stat().st_size > 10_000, "screenshot missing or empty"


def test_sigterm_while_the_dashboard_is_fetched_in_a_loop_stops_within_2_s(start_server):
    """Issue #18: a graceful stop under dashboard load took 21-25 s. Views on keep-alive connections, then SIGTERM."""
    node = start_server(*FAST_SETTINGS)
    with requests.Session() as session:
        for i in range(200):
            body = instance_doc("LOAD", f"load-{i}", duration=90, renewal=30)
            assert session.post(f"{node.base_url}/eureka/apps/LOAD", data=json.dumps(body), timeout=5,
                                headers={"Content-Type": "application/json"}).status_code == 204
    stop = threading.Event()
    views = [0, 0]

    def viewer(slot):
        with requests.Session() as session:
            deadline = time.monotonic() + 30
            while not stop.is_set() and time.monotonic() < deadline:
                try:
                    if session.get(node.base_url + "/", timeout=5).status_code == 200:
                        views[slot] += 1
                except requests.RequestException:
                    return  # the node stopped

    threads = [threading.Thread(target=viewer, args=(slot,), daemon=True) for slot in range(2)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    assert sum(views) > 0, "no dashboard view succeeded before the stop"
    started = time.monotonic()
    os.kill(node.pid, signal.SIGTERM)
    rc = node.proc.wait(timeout=10)
    took = time.monotonic() - started
    stop.set()
    for thread in threads:
        thread.join(timeout=10)
    assert rc == 0
    assert took < 2.0, f"the stop took {took:.2f} s"
