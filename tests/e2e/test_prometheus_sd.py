"""End-to-end test with Prometheus' `eureka_sd_configs` (Debian's prometheus package) against the built server.

Prometheus reads `GET {server}/apps` (XML, no Accept header) every refresh_interval and turns every instance into
a target `hostName:port` with `__meta_eureka_*` labels; the instances are registered by the real py-eureka-client
and are tiny HTTP services that also answer /metrics, so Prometheus' scrapes of them succeed.
"""
import asyncio
import shutil
import signal
import subprocess
import time

import pytest
import requests

from conftest import FAST_SETTINGS
from e2e_util import LOCALHOST, Client, TinyService, free_port, wait_until

PROMETHEUS = shutil.which("prometheus")
STOP_TIMEOUT_S = 10


class Prometheus:
    def __init__(self, workdir, eureka_base_url):
        self.port = free_port()
        self.url = f"http://{LOCALHOST}:{self.port}"
        config = workdir / "prometheus.yml"
        config.write_text(f"""\
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: eureka
    eureka_sd_configs:
      - server: {eureka_base_url}/eureka
        refresh_interval: 1s
    relabel_configs:
      - source_labels: [__meta_eureka_app_name]
        regex: E2E-.*
        action: keep
      - source_labels: [__meta_eureka_app_name]
        target_label: app
      - source_labels: [__meta_eureka_app_instance_status]
        target_label: status
      - source_labels: [__meta_eureka_app_instance_metadata_team]
        target_label: team
""")
        self.log_path = workdir / "prometheus.log"
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [PROMETHEUS, f"--config.file={config}", f"--storage.tsdb.path={workdir / 'tsdb'}",
             f"--web.listen-address={LOCALHOST}:{self.port}", "--log.level=warn"],
            stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT, cwd=workdir)
        self.pid = self.proc.pid
        try:
            wait_until(self._ready, 20, interval=0.2, message="prometheus /-/ready")
        except BaseException:
            self.stop()
            raise

    def _ready(self):
        if self.proc.poll() is not None:
            raise AssertionError(f"prometheus exited with {self.proc.returncode}: {self.log()[-2000:]}")
        try:
            return requests.get(f"{self.url}/-/ready", timeout=1).status_code == 200
        except requests.RequestException:
            return False

    def log(self):
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def targets(self):
        r = requests.get(f"{self.url}/api/v1/targets", params={"state": "active"}, timeout=5)
        assert r.status_code == 200, (r.status_code, r.text[:300])
        return r.json()["data"]["activeTargets"]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=STOP_TIMEOUT_S)
        self._log.close()


@pytest.fixture
def prometheus_factory(tmp_path):
    if PROMETHEUS is None:
        pytest.skip("prometheus binary not found on PATH; tests/e2e/run.sh installs Debian's `prometheus` package "
                    "via scripts/install-deps.sh, which failed or was not run")
    started = []

    def start(eureka_base_url):
        workdir = tmp_path / "prometheus"
        workdir.mkdir()
        p = Prometheus(workdir, eureka_base_url)
        started.append(p)
        return p

    yield start
    for p in started:
        p.stop()


def test_prometheus_eureka_sd_sees_instances_and_metadata(eureka_server, prometheus_factory):
    base = eureka_server.base_url
    svc_a, svc_b = TinyService("alpha"), TinyService("beta")
    a = Client(eureka_server.eureka_url, "e2e-alpha", svc_a.port, metadata={"team": "red"}, should_discover=False)
    b = Client(eureka_server.eureka_url, "e2e-beta", svc_b.port, metadata={"team": "blue"}, should_discover=False)
    try:
        asyncio.run(asyncio.wait_for(a.start(), 10))
        asyncio.run(asyncio.wait_for(b.start(), 10))
        prom = prometheus_factory(base)

        def both_targets():
            found = {t["discoveredLabels"].get("__meta_eureka_app_instance_id"): t for t in prom.targets()}
            return found if {a.instance_id, b.instance_id} <= found.keys() else None

        found = wait_until(both_targets, 20, interval=0.5, message="both instances in prometheus /api/v1/targets")
        for client, svc, app, team in ((a, svc_a, "E2E-ALPHA", "red"), (b, svc_b, "E2E-BETA", "blue")):
            t = found[client.instance_id]
            d = t["discoveredLabels"]
            assert d["__address__"] == f"{LOCALHOST}:{svc.port}", d
            assert d["__meta_eureka_app_name"] == app, d
            assert d["__meta_eureka_app_instance_hostname"] == LOCALHOST, d
            assert d["__meta_eureka_app_instance_ip_addr"] == LOCALHOST, d
            assert d["__meta_eureka_app_instance_port"] == str(svc.port), d
            assert d["__meta_eureka_app_instance_port_enabled"] == "true", d
            assert d["__meta_eureka_app_instance_status"] == "UP", d
            assert d["__meta_eureka_app_instance_vip_address"] == app.lower(), d
            assert d["__meta_eureka_app_instance_datacenterinfo_name"] == "MyOwn", d
            assert d["__meta_eureka_app_instance_metadata_team"] == team, d
            assert d["__meta_eureka_app_instance_metadata_management_port"] == str(svc.port), d
            assert t["labels"]["app"] == app and t["labels"]["team"] == team, t["labels"]

        # An override shows in the next refresh.
        r = requests.put(f"{base}/eureka/apps/E2E-BETA/{b.instance_id}/status", params={"value": "OUT_OF_SERVICE"},
                         timeout=5)
        assert r.status_code == 200

        def beta_out_of_service():
            for t in prom.targets():
                if t["discoveredLabels"].get("__meta_eureka_app_instance_id") == b.instance_id:
                    return t["labels"].get("status") == "OUT_OF_SERVICE"
            return False

        wait_until(beta_out_of_service, 20, interval=0.5, message="beta's status label OUT_OF_SERVICE")

        # Prometheus actually scrapes the discovered addresses.
        wait_until(lambda: all(t["health"] == "up" for t in prom.targets()) and "/metrics" in svc_a.requests,
                   10, interval=0.5, message="scrapes of the discovered targets succeeding")
    finally:
        a.halt_heartbeats()
        b.halt_heartbeats()
        svc_a.close()
        svc_b.close()
