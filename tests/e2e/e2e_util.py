"""Helpers shared by the end-to-end tests: bounded polling, tiny HTTP services, registry reads."""
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

LOCALHOST = "127.0.0.1"


def wait_until(predicate, timeout, interval=0.1, message="condition"):
    """Polls `predicate` until it returns a truthy value or `timeout` seconds pass; returns that value.

    The loop is bounded both in time and in iterations."""
    deadline = time.monotonic() + timeout
    max_rounds = int(timeout / interval) + 2
    last = None
    for _ in range(max_rounds):
        last = predicate()
        if last:
            return last
        if time.monotonic() >= deadline:
            break
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {message}; last value: {last!r}")


def free_port():
    """A TCP port on 127.0.0.1 that was free a moment ago (for programs that cannot take port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOCALHOST, 0))
        return s.getsockname()[1]


class TinyService:
    """A real HTTP service on 127.0.0.1 (its own port), answering in a thread.

    GET /hello     -> JSON {"app": name, "port": port, "path": path}
    GET /metrics   -> Prometheus text format (so a Prometheus scrape succeeds)
    anything else  -> 404
    """

    def __init__(self, name):
        self.name = name
        self.requests = []
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                service.requests.append(self.path)
                if self.path.startswith("/hello"):
                    body = json.dumps({"app": service.name, "port": service.port, "path": self.path}).encode()
                    ctype = "application/json"
                    code = 200
                elif self.path.startswith("/metrics"):
                    body = f'e2e_tiny_service_up{{service="{service.name}"}} 1\n'.encode()
                    ctype = "text/plain; version=0.0.4"
                    code = 200
                else:
                    body, ctype, code = b"not found", "text/plain", 404
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer((LOCALHOST, 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                       name=f"tiny-{name}", daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def registry_json(base_url):
    """GET /eureka/apps as JSON; returns {APP: {instanceId: instance}}."""
    r = requests.get(f"{base_url}/eureka/apps", headers={"Accept": "application/json"}, timeout=5)
    assert r.status_code == 200, (r.status_code, r.text[:500])
    apps = r.json()["applications"].get("application", [])
    if isinstance(apps, dict):
        apps = [apps]
    result = {}
    for app in apps:
        instances = app.get("instance", [])
        if isinstance(instances, dict):
            instances = [instances]
        result[app["name"]] = {i["instanceId"]: i for i in instances}
    return result


def instance_status(base_url, app, instance_id):
    """The status of one instance in the full JSON registry, or None when it is absent."""
    inst = registry_json(base_url).get(app, {}).get(instance_id)
    return inst["status"] if inst else None


def instance_json(base_url, app, instance_id):
    """GET /eureka/apps/{APP}/{ID} as JSON (read directly from the registry, not from the response cache,
    so it shows lease renewals at once); None on 404."""
    r = requests.get(f"{base_url}/eureka/apps/{app}/{instance_id}", headers={"Accept": "application/json"},
                     timeout=5)
    if r.status_code == 404:
        return None
    assert r.status_code == 200, (r.status_code, r.text[:500])
    return r.json()["instance"]
