"""Fixtures for the end-to-end tests: the eureka-server binary started on 127.0.0.1 with a free port."""
import os
import queue
import re
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVER_BIN = Path(os.environ.get("EUREKA_SERVER_BIN", ROOT / ".build" / "debug" / "eureka-server"))
LISTENING = re.compile(r"eureka-server listening on 127\.0\.0\.1 port (\d+)")
START_TIMEOUT_S = 20
STOP_TIMEOUT_S = 10

# Settings that make a server react quickly enough for tests.
FAST_SETTINGS = (
    "--eureka.server.use-read-only-response-cache=false",
    "--eureka.server.response-cache-update-interval-ms=500",
)

# Every client in these tests talks to 127.0.0.1 only; never through a proxy.
for _var in ("NO_PROXY", "no_proxy"):
    os.environ[_var] = ",".join(filter(None, [os.environ.get(_var, ""), "127.0.0.1", "localhost"]))


def wait_listening(lines, proc, args, describe, name="server"):
    """Waits (bounded) for the "listening" line among `lines` (a queue fed from the process's stdout, None at
    EOF); returns the port it names. `describe()` adds the process's output to a failure."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"{name} did not print its listening line within {START_TIMEOUT_S} s; {describe()}")
        try:
            line = lines.get(timeout=remaining)
        except queue.Empty:
            continue
        if line is None:
            rc = proc.wait(timeout=STOP_TIMEOUT_S)
            raise AssertionError(f"{name} exited with {rc} before listening; args {args[1:]}; {describe()}")
        m = LISTENING.search(line)
        if m:
            return int(m.group(1))


class EurekaServer:
    """One running eureka-server process."""

    def __init__(self, args, log_dir):
        if not SERVER_BIN.is_file():
            pytest.fail(f"server binary not found: {SERVER_BIN} (run `swift build` first)")
        self.args = [str(SERVER_BIN), "--server.address=127.0.0.1", "--server.port=0", *args]
        self.stderr_path = Path(log_dir) / "eureka-server.stderr"
        self._stderr = open(self.stderr_path, "wb")
        self.stdout_lines = []
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=self._stderr,
                                     stdin=subprocess.DEVNULL, cwd=log_dir)
        self.pid = self.proc.pid
        self.port = None
        self._lines = queue.Queue()
        self._reader = threading.Thread(target=self._read_stdout, name=f"server-stdout-{self.pid}", daemon=True)
        self._reader.start()
        try:
            self._wait_listening()
        except BaseException:
            self.stop(check=False)
            raise
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.eureka_url = f"{self.base_url}/eureka/"

    def _read_stdout(self):
        for raw in self.proc.stdout:  # ends at EOF, i.e. when the process exits
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if len(self.stdout_lines) < 10000:
                self.stdout_lines.append(line)
            self._lines.put(line)
        self._lines.put(None)

    def _wait_listening(self):
        self.port = wait_listening(
            self._lines, self.proc, self.args,
            lambda: f"stdout: {self.stdout_lines[-20:]}; stderr: {self.stderr_text()[-2000:]}")

    def stderr_text(self):
        try:
            return self.stderr_path.read_text(errors="replace")
        except OSError:
            return ""

    def stop(self, check=True):
        """SIGTERM, wait (bounded), SIGKILL only as a fallback. Returns the exit code."""
        rc = self.proc.poll()
        killed = False
        if rc is None:
            os.kill(self.pid, signal.SIGTERM)
            try:
                rc = self.proc.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                rc = self.proc.wait(timeout=STOP_TIMEOUT_S)
                killed = True
        self._reader.join(timeout=STOP_TIMEOUT_S)
        self.proc.stdout.close()
        self._stderr.close()
        if check:
            assert not killed, f"server (pid {self.pid}) ignored SIGTERM for {STOP_TIMEOUT_S} s and was killed"
            assert rc == 0, f"server exited with {rc} after SIGTERM; stderr: {self.stderr_text()[-2000:]}"
        return rc


@pytest.fixture
def start_server(tmp_path):
    """Factory: start_server('--name=value', ...) -> EurekaServer listening on 127.0.0.1.

    Every server started is stopped at teardown (SIGTERM, exit code 0 asserted)."""
    servers = []

    def start(*args):
        server = EurekaServer(args, tmp_path)
        servers.append(server)
        return server

    yield start
    stop_each(servers, lambda server: server.stop(check=True))


def stop_each(things, stop):
    """Stops every one of `things` even when stopping one fails; then fails with every error seen."""
    errors = []
    for thing in things:
        try:
            stop(thing)
        except Exception as e:  # stop the others anyway
            errors.append(f"{type(e).__name__}: {e}")
    assert not errors, errors


@pytest.fixture
def eureka_server(start_server):
    """A server with immediate reads (no read-only cache)."""
    return start_server(*FAST_SETTINGS)
