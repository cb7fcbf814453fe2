"""Authentication end to end (issue 18): the real py-eureka-client with a `user:password@` service URL against a
secured node, and a two-node cluster whose peers carry credentials in their URLs (right ones: replication works;
wrong ones: it fails visibly, counted on /metrics). No password may appear in any log line.
"""
import asyncio

import requests

from cluster_util import CLUSTER_SETTINGS, Node, metrics, register, registry
from conftest import FAST_SETTINGS
from e2e_util import LOCALHOST, Client, TinyService, free_port, poll, wait_until

TEST_TIMEOUT_S = 60
SPRING_USER = ("--spring.security.user.name=eureka", "--spring.security.user.password=Sp-r1ng!pw")


def apps(base, auth):
    r = requests.get(f"{base}/eureka/apps", headers={"Accept": "application/json"}, auth=auth, timeout=5)
    assert r.status_code == 200, (r.status_code, r.text[:300])
    return {a["name"]: [i["instanceId"] for i in a["instance"]] for a in r.json()["applications"].get("application", [])}


def test_py_eureka_client_with_credentials_in_its_url(start_server):
    server = start_server(*FAST_SETTINGS, *SPRING_USER)
    base = server.base_url
    svc, intruder_svc = TinyService("secure"), TinyService("intruder")
    good = Client(f"http://eureka:Sp-r1ng!pw@{LOCALHOST}:{server.port}/eureka/", "e2e-secure", svc.port)
    bad = Client(f"http://eureka:wrong@{LOCALHOST}:{server.port}/eureka/", "e2e-intruder", intruder_svc.port)

    async def scenario():
        await good.start()
        try:
            await poll(lambda: "E2E-SECURE" in apps(base, ("eureka", "Sp-r1ng!pw")), 5, message="the registration")
            # The client's own fetches (same credentials) show itself.
            await poll(lambda: good.seen("E2E-SECURE", good.instance_id), 10, message="the client's fetch")
            try:
                await bad.start()
                raised = False
            except Exception:
                raised = True
            assert raised or bad.fatal_errors(), "a client with a wrong password registered without an error"
        finally:
            good.halt_heartbeats()
            bad.halt_heartbeats()
            await good.stop()

    try:
        asyncio.run(asyncio.wait_for(scenario(), TEST_TIMEOUT_S))
    finally:
        svc.close()
        intruder_svc.close()
    assert "E2E-INTRUDER" not in apps(base, ("eureka", "Sp-r1ng!pw"))
    assert requests.get(f"{base}/eureka/apps", timeout=5).status_code == 401
    r = requests.get(f"{base}/actuator/health", timeout=5)
    assert r.status_code == 200, r.text
    r = requests.get(f"{base}/eureka/apps", auth=("eureka", "wrong"), timeout=5)
    assert r.status_code == 401 and r.headers["WWW-Authenticate"] == 'Basic realm="eureka"'
    # Everything this node logged, at any level it was set to: no password, no Authorization header.
    text = server.stderr_text()
    assert "Sp-r1ng!pw" not in text and "wrong" not in text and "Authorization" not in text


PEER_SECURITY = ("--eureka.node.security.peers=peer:Pe3r-pw", "--eureka.node.security.writers=app:App-pw",
                 "--eureka.node.security.readers=reader:Read-pw", "--logging.level.root=debug")


def secured_pair(tmp_path, password):
    """Two secured nodes, each listing both with `peer:<password>@` in its URL."""
    ports = []
    while len(ports) < 2:
        port = free_port()
        if port not in ports:
            ports.append(port)
    zone = ",".join(f"http://peer:{password}@{LOCALHOST}:{p}/eureka/" for p in ports)
    args = (*CLUSTER_SETTINGS, f"--eureka.client.service-url.defaultZone={zone}", *PEER_SECURITY)
    nodes = [Node(name, port, args, tmp_path) for name, port in zip("ab", ports)]
    for node in nodes:
        node.http.auth = ("app", "App-pw")  # the writer: it may read too
    return nodes


def stop_pair(nodes):
    errors = []
    for node in nodes:
        try:
            node.stop(check=True)
        except Exception as e:
            errors.append(repr(e))
    assert not errors, errors


def assert_no_password_logged(nodes, password):
    for node in nodes:
        for path in (node.stdout_path, node.stderr_path):
            # The harness's own "--- start #n: <arguments>" lines hold the command line, not the node's output.
            text = "\n".join(line for line in path.read_text(errors="replace").splitlines()
                              if not line.startswith("--- start"))
            assert password not in text, f"{path.name} holds the peer password"
            assert "Authorization" not in text
        assert f"peer:***@{LOCALHOST}" in node.stderr_path.read_text(errors="replace")


def test_peers_replicate_with_the_credentials_of_their_urls(tmp_path):
    a, b = secured_pair(tmp_path, "Pe3r-pw")
    try:
        a.start().wait_open()
        register(a, "SECURED", "s-1:secured:1")   # before b starts: b's start-up sync must copy it
        b.start().wait_open()
        wait_until(lambda: "s-1:secured:1" in (registry(b) or {}).get("SECURED", {}), 10, message="sync copy on b")
        register(b, "SECURED", "s-2:secured:2")
        wait_until(lambda: "s-2:secured:2" in (registry(a) or {}).get("SECURED", {}), 10, message="batch to a")
        for node in (a, b):
            m = metrics(node)
            assert m.total("eureka_replication_credential_refusals_total") == 0
            assert m.total("eureka_http_server_requests_total", status="401") == 0
        # A stranger gets nothing, a writer may not pass for a peer.
        assert requests.get(f"{a.base_url}/eureka/apps", timeout=5).status_code == 401
        r = requests.post(f"{a.base_url}/eureka/peerreplication/batch/", json={"replicationList": []},
                          auth=("app", "App-pw"), timeout=5)
        assert r.status_code == 403
    finally:
        stop_pair([a, b])
    assert_no_password_logged([a, b], "Pe3r-pw")


def test_wrong_peer_credentials_fail_visibly(tmp_path):
    a, b = secured_pair(tmp_path, "not-the-pw")
    try:
        a.start().wait_open()
        b.start().wait_open()
        register(a, "SECURED", "s-3:secured:3")
        wait_until(lambda: metrics(a).total("eureka_replication_credential_refusals_total") >= 1, 10,
                   message="a counting b's refusal of its batch")
        assert metrics(b).total("eureka_http_server_requests_total", endpoint="batch", status="401") >= 1
        assert "SECURED" not in (registry(b) or {})
        status = requests.get(f"{a.base_url}/eureka/status", headers={"Accept": "application/json"}, timeout=5)
        assert status.status_code == 200
    finally:
        stop_pair([a, b])
    assert_no_password_logged([a, b], "not-the-pw")
    assert "HTTP 401" in a.stderr_path.read_text(errors="replace")
