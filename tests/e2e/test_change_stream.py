"""The change stream (docs/change-stream.md) with a real HTTP client: `requests` with stream=True reads the
server-sent events of the built server while an instance registers and changes status."""
import json

import requests

from conftest import FAST_SETTINGS

TIMEOUT_S = 10


def events(response):
    """Yields (event, id, data) from a text/event-stream response, comments skipped."""
    fields = {}
    for line in response.iter_lines(decode_unicode=True):
        if line == "":
            if "event" in fields:
                yield fields["event"], int(fields["id"]), fields.get("data", "")
            fields = {}
        elif not line.startswith(":"):
            name, _, value = line.partition(": ")
            fields[name] = value


def register(base, iid):
    body = {"instance": {"instanceId": iid, "hostName": iid, "app": "E2E-STREAM", "ipAddr": "127.0.0.1",
                         "status": "UP", "vipAddress": "e2e-stream",
                         "dataCenterInfo": {"@class": "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo",
                                            "name": "MyOwn"}}}
    r = requests.post(f"{base}/eureka/apps/E2E-STREAM", json=body, timeout=TIMEOUT_S)
    assert r.status_code == 204


def test_stream_sends_a_snapshot_then_changes_and_resumes(start_server):
    server = start_server(*FAST_SETTINGS, "--eureka.node.change-stream-enabled=true")
    base = server.base_url
    register(base, "one")
    with requests.get(f"{base}/eureka/stream?vips=e2e-stream", stream=True, timeout=TIMEOUT_S) as response:
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "text/event-stream"
        stream = events(response)
        name, snapshot_id, data = next(stream)
        assert name == "snapshot"
        apps = json.loads(data)["applications"]["application"]
        assert [i["instanceId"] for a in apps for i in a["instance"]] == ["one"]
        register(base, "two")
        r = requests.put(f"{base}/eureka/apps/E2E-STREAM/one/status?value=OUT_OF_SERVICE", timeout=TIMEOUT_S)
        assert r.status_code == 200
        added = next(stream)
        modified = next(stream)
        assert (added[0], added[1]) == ("change", snapshot_id + 1)
        assert json.loads(added[2])["instance"]["actionType"] == "ADDED"
        assert modified[1] == snapshot_id + 2
        assert json.loads(modified[2])["instance"]["status"] == "OUT_OF_SERVICE"
    register(base, "three")
    headers = {"Last-Event-ID": str(snapshot_id + 2)}
    with requests.get(f"{base}/eureka/stream", headers=headers, stream=True, timeout=TIMEOUT_S) as response:
        name, ident, data = next(events(response))
        assert (name, ident) == ("change", snapshot_id + 3)
        assert json.loads(data)["instance"]["instanceId"] == "three"
    # The long-poll delta: answered at once for an older sequence, with the sequence it includes.
    r = requests.get(f"{base}/eureka/apps/delta?waitVersion={snapshot_id}", headers={"Accept": "application/json"},
                     timeout=TIMEOUT_S)
    assert r.status_code == 200
    assert r.headers["X-Eureka-Change-Sequence"] == str(snapshot_id + 3)
