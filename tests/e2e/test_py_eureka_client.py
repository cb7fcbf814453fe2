"""End-to-end tests with the real py-eureka-client (0.13.3, from PyPI) against the built server.

Each application is a real HTTP service on 127.0.0.1 whose port is the registered instance port; the client
registers it, renews it, fetches the registry (XML, full then deltas) and calls other applications through
`EurekaClient.do_service`.
"""
import asyncio
import json
import time

import pytest
import requests
from py_eureka_client.eureka_client import WalkNodeException

from conftest import FAST_SETTINGS
from e2e_util import (LOCALHOST, RECORDER, Client, TinyService, instance_json, instance_status, poll, registry_json,
                      wait_until)

TEST_TIMEOUT_S = 60


@pytest.fixture
def services():
    """Factory of TinyService instances, all closed at teardown."""
    made = []

    def make(name):
        svc = TinyService(name)
        made.append(svc)
        return svc

    yield make
    for svc in made:
        svc.close()


@pytest.fixture
def clients():
    """Factory of Client instances; their heartbeat threads are always halted at teardown."""
    made = []

    def make(*args, **kwargs):
        c = Client(*args, **kwargs)
        made.append(c)
        return c

    yield make
    for c in made:
        c.halt_heartbeats()


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, TEST_TIMEOUT_S))


@pytest.mark.parametrize("cache_settings", [
    pytest.param(FAST_SETTINGS, id="read-write-cache-only"),
    pytest.param(("--eureka.server.response-cache-update-interval-ms=500",), id="read-only-cache-500ms"),
])
def test_discover_call_override_and_unregister(start_server, services, clients, cache_settings):
    eureka_server = start_server(*cache_settings)
    base = eureka_server.base_url
    RECORDER.records.clear()
    svc_a, svc_b = services("alpha"), services("beta")
    a = clients(eureka_server.eureka_url, "e2e-alpha", svc_a.port)
    b = clients(eureka_server.eureka_url, "e2e-beta", svc_b.port, metadata={"team": "blue"})

    async def scenario():
        await a.start()
        await b.start()
        try:
            # Both registered, UP, as the server sees them.
            reg = await poll(lambda: (lambda r: r if {"E2E-ALPHA", "E2E-BETA"} <= r.keys() else None)(
                registry_json(base)), 5, message="both applications in GET /eureka/apps")
            assert reg["E2E-ALPHA"][a.instance_id]["status"] == "UP"
            beta = reg["E2E-BETA"][b.instance_id]
            assert beta["status"] == "UP"
            assert beta["port"]["$"] == svc_b.port and beta["hostName"] == LOCALHOST
            assert beta["metadata"]["team"] == "blue"

            # alpha learns about beta through its own registry fetches (full then deltas) and calls it.
            seen = await poll(lambda: a.seen("E2E-BETA", b.instance_id), 10, message="alpha's fetch showing beta")
            assert seen.status == "UP" and seen.port.port == svc_b.port and seen.port.enabled
            assert seen.metadata.get("team") == "blue"
            answer = await a.do_service("E2E-BETA", "/hello?from=alpha", return_type="json", timeout=5)
            assert answer == {"app": "beta", "port": svc_b.port, "path": "/hello?from=alpha"}
            assert "/hello?from=alpha" in svc_b.requests

            # ... and the other way round.
            await poll(lambda: b.seen("E2E-ALPHA", a.instance_id), 10, message="beta's fetch showing alpha")
            answer = await b.do_service("e2e-alpha", "/hello?from=beta", return_type="json", timeout=5)
            assert answer == {"app": "alpha", "port": svc_a.port, "path": "/hello?from=beta"}

            # An operator takes beta out of service; alpha sees it after its next fetch and stops calling it.
            url = f"{base}/eureka/apps/E2E-BETA/{b.instance_id}/status"
            r = requests.put(url, params={"value": "OUT_OF_SERVICE"}, timeout=5)
            assert r.status_code == 200, (r.status_code, r.text[:300])
            await poll(lambda: instance_status(base, "E2E-BETA", b.instance_id) == "OUT_OF_SERVICE", 5,
                       message="OUT_OF_SERVICE in GET /eureka/apps")
            await poll(lambda: (a.seen("E2E-BETA", b.instance_id) or None) and
                       a.seen("E2E-BETA", b.instance_id).status == "OUT_OF_SERVICE",
                       10, message="alpha seeing beta OUT_OF_SERVICE")
            with pytest.raises(WalkNodeException):
                await a.do_service("E2E-BETA", "/hello?from=alpha-again", return_type="json", timeout=5)
            assert "/hello?from=alpha-again" not in svc_b.requests

            # The override survives beta's own heartbeats (which claim UP). Renewals do not invalidate the
            # response cache (Netflix), so the lease is watched through the uncached single-instance read.
            renewed_at = instance_json(base, "E2E-BETA", b.instance_id)["leaseInfo"]["lastRenewalTimestamp"]
            await poll(lambda: instance_json(base, "E2E-BETA", b.instance_id)["leaseInfo"]["lastRenewalTimestamp"]
                       != renewed_at, 10, message="a heartbeat from beta while overridden")
            assert instance_json(base, "E2E-BETA", b.instance_id)["status"] == "OUT_OF_SERVICE"
            assert instance_status(base, "E2E-BETA", b.instance_id) == "OUT_OF_SERVICE"

            # Removing the override the way the clients do (no value): status UNKNOWN, beta's next heartbeat is
            # answered 404, beta re-registers UP, and alpha can call it again.
            r = requests.delete(url, timeout=5)
            assert r.status_code == 200, (r.status_code, r.text[:300])
            await poll(lambda: instance_status(base, "E2E-BETA", b.instance_id) == "UP", 10,
                       message="beta UP again on the server after re-registering")
            await poll(lambda: (a.seen("E2E-BETA", b.instance_id) or None) and
                       a.seen("E2E-BETA", b.instance_id).status == "UP", 10, message="alpha seeing beta UP again")
            answer = await a.do_service("E2E-BETA", "/hello?from=alpha-3", return_type="json", timeout=5)
            assert answer["path"] == "/hello?from=alpha-3"
        finally:
            # beta leaves first (DOWN re-register, then DELETE), alpha watches it go, then alpha leaves too.
            await b.stop()
        await poll(lambda: b.instance_id not in registry_json(base).get("E2E-BETA", {}), 5,
                   message="beta gone from GET /eureka/apps")
        await poll(lambda: a.seen("E2E-BETA", b.instance_id) is None, 10, message="alpha's fetch dropping beta")
        with pytest.raises(WalkNodeException):
            await a.do_service("E2E-BETA", "/hello", timeout=5)
        await a.stop()

    run(scenario())

    def registry_empty():
        r = requests.get(f"{base}/eureka/apps", headers={"Accept": "application/json"}, timeout=5)
        assert r.status_code == 200, (r.status_code, r.text[:300])
        return r.json()["applications"].get("application", []) == []
    wait_until(registry_empty, 5, message="no application in GET /eureka/apps (JSON)")

    def delta_actions():
        r = requests.get(f"{base}/eureka/apps/delta", headers={"Accept": "application/json"}, timeout=5)
        assert r.status_code == 200, (r.status_code, r.text[:300])
        return {i["instanceId"]: i["actionType"] for app in r.json()["applications"].get("application", [])
                for i in (app["instance"] if isinstance(app["instance"], list) else [app["instance"]])}
    wait_until(lambda: (lambda d: d.get(a.instance_id) == "DELETED" and d.get(b.instance_id) == "DELETED")(
        delta_actions()), 5, message="DELETED entries for both in GET /eureka/apps/delta")
    assert a.fatal_errors() == [] and b.fatal_errors() == [], (a.errors, b.errors)

    # beta's own wire exchanges, as the client sent them and the server answered them.
    ex = [(m, url, body, status) for (m, url, body, status) in RECORDER.exchanges(b.instance_id)]
    heartbeats = [e for e in ex if e[0] == "PUT" and "/status" not in e[1]]
    assert heartbeats and all(e[3] in (200, 404) for e in heartbeats), heartbeats
    # after the override removal: a heartbeat answered 404 (the client retries it once against the same URL,
    # cached server then "all servers"), then a re-registration answered 204
    i = next(k for k, e in enumerate(ex) if e[0] == "PUT" and "/status" not in e[1] and e[3] == 404)
    while i + 1 < len(ex) and ex[i + 1][0] == "PUT" and ex[i + 1][3] == 404:
        i += 1
    assert ex[i + 1][0] == "POST" and ex[i + 1][3] == 204, ex[i:i + 2]
    assert json.loads(ex[i + 1][2])["instance"]["status"] == "UP"
    # stop(): re-register DOWN (204), then DELETE (200)
    assert [(e[0], e[3]) for e in ex[-2:]] == [("POST", 204), ("DELETE", 200)], ex[-2:]
    assert json.loads(ex[-2][2])["instance"]["status"] == "DOWN"


def test_heartbeats_keep_lease_and_silent_instance_is_evicted(start_server, services, clients):
    lease_s = 3
    server = start_server(*FAST_SETTINGS,
                          "--eureka.server.eviction-interval-timer-in-ms=1000",
                          "--eureka.server.enable-self-preservation=false")
    base = server.base_url
    keeper = clients(server.eureka_url, "e2e-keeper", services("keeper").port,
                     duration_in_secs=lease_s, should_discover=False)
    silent = clients(server.eureka_url, "e2e-silent", services("silent").port,
                     duration_in_secs=lease_s, should_discover=False)

    async def scenario():
        await keeper.start()
        await silent.start()
        started = time.monotonic()
        await poll(lambda: {"E2E-KEEPER", "E2E-SILENT"} <= registry_json(base).keys(), 5,
                   message="both registered")
        lease = registry_json(base)["E2E-KEEPER"][keeper.instance_id]["leaseInfo"]
        assert lease["durationInSecs"] == lease_s and lease["renewalIntervalInSecs"] == 1

        silent.halt_heartbeats()  # a crash: no more heartbeats, no cancel

        # The silent instance must be evicted (a renewed lease expires 2 x duration after its last renewal,
        # Netflix-compatible default, plus one eviction period); the keeper must stay registered throughout,
        # and for well past 2 x its lease since registering.
        def check():
            reg = registry_json(base)
            assert keeper.instance_id in reg.get("E2E-KEEPER", {}), f"keeper evicted despite heartbeats: {reg}"
            assert reg["E2E-KEEPER"][keeper.instance_id]["status"] == "UP"
            return silent.instance_id not in reg.get("E2E-SILENT", {}) and \
                time.monotonic() - started > 2 * lease_s + 2
        await poll(check, 2 * lease_s + 10, interval=0.25, message="silent evicted while keeper stays")
        await keeper.stop()
        await poll(lambda: registry_json(base) == {}, 5, message="registry empty after keeper's stop")

    run(scenario())
    assert keeper.fatal_errors() == [], keeper.errors
