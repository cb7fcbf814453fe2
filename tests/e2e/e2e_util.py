"""Helpers shared by the end-to-end tests: bounded polling, tiny HTTP services, registry reads."""
import asyncio
import collections
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests
from urllib.parse import quote
from py_eureka_client import ERROR_DISCOVER, ERROR_REGISTER
from py_eureka_client import http_client as eureka_http
from py_eureka_client.eureka_client import EurekaClient

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


async def poll(predicate, timeout, interval=0.2, message="condition"):
    """wait_until for coroutines: bounded asynchronous polling (time and iterations); predicate is sync."""
    deadline = time.monotonic() + timeout
    last = None
    for _ in range(int(timeout / interval) + 2):
        last = predicate()
        if last:
            return last
        if time.monotonic() >= deadline:
            break
        await asyncio.sleep(interval)
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
    return parse_applications(r.json())


def parse_applications(doc):
    """An `applications` JSON document as {APP: {instanceId: instance}} (single objects or lists, spec 3.7)."""
    apps = doc["applications"].get("application", [])
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


class _HeartbeatLoop(threading.Thread):
    """Replacement for py-eureka-client 0.13.3's heartbeat `threading.Timer`, with the same body.

    In 0.13.3 the Timer callback is `while True: heartbeat(); sleep(interval)`, so `Timer.cancel()` in
    `EurekaClient.stop()` does nothing once the first heartbeat has run: the thread keeps going and, finding the
    client no longer alive after the cancel, registers the instance again a second later. That is a client bug
    which would make "the registry ends empty" untestable. This loop does exactly what the Timer does (wait one
    interval, then heartbeat + registry fetch every interval, each in its own event loop) but `cancel()` really
    ends it and waits for an in-flight heartbeat to finish. The wire traffic is the client's own."""

    def __init__(self, interval, heartbeat):
        super().__init__(name="HeartbeatThread", daemon=True)
        self.interval = interval
        self.heartbeat = heartbeat
        self.halted = threading.Event()

    def run(self):
        loop = asyncio.new_event_loop()
        try:
            while not self.halted.wait(self.interval):
                loop.run_until_complete(self.heartbeat())
        finally:
            loop.close()

    def cancel(self):
        self.halted.set()
        if self.is_alive() and threading.current_thread() is not self:
            self.join(timeout=15)


class Client(EurekaClient):
    """The real EurekaClient with a stoppable heartbeat thread and an error log."""

    def __init__(self, eureka_url, app_name, port, **kwargs):
        self.errors = []
        kwargs.setdefault("renewal_interval_in_secs", 1)
        super().__init__(eureka_server=eureka_url, app_name=app_name, instance_port=port,
                         instance_host=LOCALHOST, instance_ip=LOCALHOST,
                         on_error=lambda kind, exc: self.errors.append((kind, repr(exc))), **kwargs)
        self._EurekaClient__heartbeat_timer = _HeartbeatLoop(kwargs["renewal_interval_in_secs"],
                                                             self._EurekaClient__heartbeat)
        self.instance_id = f"{LOCALHOST}:{app_name.lower()}:{port}"
        self.url_id = quote(self.instance_id, safe="")  # as the client writes it in URLs (%3A)

    def halt_heartbeats(self):
        """Stops renewing and fetching without unregistering, as if the process had died."""
        self._EurekaClient__heartbeat_timer.cancel()

    def fatal_errors(self):
        return [e for e in self.errors if e[0] in (ERROR_DISCOVER, ERROR_REGISTER)]

    def seen(self, app, instance_id):
        """The instance as this client's last registry fetch has it, or None."""
        apps = self._EurekaClient__applications
        if apps is None:
            return None
        application = apps.get_application(app)
        return application.get_instance(instance_id) if application else None


class RecordingHttpClient(eureka_http.HttpClient):
    """py-eureka-client's own HTTP client (same requests, same headers), also noting what was sent and the status
    the server answered, so tests can assert on the client's wire exchanges."""

    def __init__(self):
        self.records = collections.deque(maxlen=5000)  # (method, url, body or None, status or error text)

    async def urlopen(self, request=None, data=None, timeout=None):
        method = request.method if isinstance(request, eureka_http.HttpRequest) else "GET"
        url = request.url if isinstance(request, eureka_http.HttpRequest) else request
        body = data.decode("utf-8", "replace") if isinstance(data, bytes) else None
        try:
            res = await super().urlopen(request, data, timeout)
        except eureka_http.HTTPError as e:
            self.records.append((method, url, body, e.code))
            raise
        except Exception as e:
            self.records.append((method, url, body, repr(e)))
            raise
        self.records.append((method, url, body, res.raw_response.status_code))
        return res

    def exchanges(self, instance_id):
        """The records about one instance: its id (percent-encoded, as the client writes it) in the URL, or a
        registration body for it."""
        in_url = quote(instance_id, safe="")

        def about(record):
            if in_url in record[1]:
                return True
            try:
                return json.loads(record[2])["instance"]["instanceId"] == instance_id
            except (TypeError, ValueError, KeyError):
                return False
        return [r for r in list(self.records) if about(r)]


RECORDER = RecordingHttpClient()
eureka_http.set_http_client(RECORDER)
