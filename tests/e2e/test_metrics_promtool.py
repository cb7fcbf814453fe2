"""`/actuator/prometheus` and `/metrics` of a running node pass `promtool check metrics` (Debian's prometheus package),
scraped after real traffic on a node with a peer, so the per-peer replication series are in the text."""
import shutil
import subprocess

import pytest

from cluster_util import JSON, Cluster, heartbeat, register
from conftest import stop_each
from e2e_util import wait_until

PROMTOOL = shutil.which("promtool")


@pytest.fixture
def pair(tmp_path):
    cluster = Cluster(tmp_path, 2)
    try:
        cluster.start()
        yield cluster
    finally:
        stop_each([cluster], lambda c: c.stop_all(check=True))


@pytest.mark.skipif(PROMTOOL is None, reason="promtool not installed (Debian package `prometheus`)")
def test_metrics_pass_promtool_after_traffic_with_a_peer(pair):
    a = pair[0]
    register(a, "PROM", "prom-1:prom:8080")
    assert heartbeat(a, "PROM", "prom-1:prom:8080") == 200
    assert heartbeat(a, "PROM", "nobody") == 404
    assert a.request("GET", "/eureka/apps", headers=JSON).status_code == 200
    assert a.request("GET", "/eureka/apps/delta", headers=JSON).status_code == 200
    # The registration reached the peer: a batch was sent, so the peer's series have real values.
    wait_until(lambda: pair[1].request("GET", "/eureka/apps/PROM", headers=JSON).status_code == 200, 10,
               interval=0.05, message="registration replicated")
    for path in ("/actuator/prometheus", "/metrics"):
        reply = a.request("GET", path)
        assert reply.status_code == 200
        text = reply.text
        check = subprocess.run([PROMTOOL, "check", "metrics"], input=text.encode(), capture_output=True, timeout=30)
        assert check.returncode == 0, (path, check.stdout.decode(), check.stderr.decode())
        for series in ('eureka_http_server_requests_total{endpoint="register",status="204"} 1',
                       'eureka_http_server_requests_total{endpoint="renew",status="404"} 1',
                       'eureka_http_server_request_duration_seconds_bucket{endpoint="renew",le="+Inf"}',
                       "eureka_replication_batches_sent_total{peer=", "eureka_http_received_bytes_total ",
                       "process_resident_memory_bytes ", "process_open_fds ", "process_start_time_seconds ",
                       "eureka_build_info{version="):
            assert series in text, (path, series)
