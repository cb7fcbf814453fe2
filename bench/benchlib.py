"""What the bench's Python scripts share (bench/lib.sh is the shell scripts' counterpart): progress lines on stderr,
a free port on 127.0.0.1, waiting for a started server to accept, its /metrics page, and stopping it by its PID.
Standard library only; a script in bench/ imports it by name (its own folder is first on sys.path)."""
import http.client
import resource
import signal
import socket
import subprocess
import sys
import time

HOST = "127.0.0.1"


def log(msg):
    print(f"{time.strftime('%H:%M:%S')} {msg}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def metrics_text(port, timeout=10):
    """The node's /metrics page (Prometheus text), on a connection of its own."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", "/metrics")
        return conn.getresponse().read().decode()
    finally:
        conn.close()


def wait_accepting(port, proc, deadline):
    """Returns once the server on `port` accepts a connection; raises if `proc` exits or the monotonic `deadline`
    passes first."""
    while True:
        try:
            socket.create_connection((HOST, port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("server did not start")
            time.sleep(0.05)


def stop_pid(proc, sig=signal.SIGTERM, timeout=10):
    """`sig` (SIGTERM), then SIGKILL after `timeout` s: the server's graceful stop gets its chance, a stuck one does not
    hang us."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def raise_fd_limit(limit=20000):
    """Raises the soft descriptor limit to `limit` (capped by the hard one): one descriptor per held connection."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
