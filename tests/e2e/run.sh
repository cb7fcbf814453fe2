#!/usr/bin/env bash
# End-to-end tests with real clients against the built server (debug build of `make test`).
# Creates a Python virtualenv with py-eureka-client and pytest from PyPI on first use.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
venv="$root/.build/e2e-venv"
# Prometheus (Debian package) for test_prometheus_sd.py; that test skips, saying why, if it cannot be installed.
"$root/scripts/install-deps.sh" prometheus || echo "warning: could not install prometheus; its e2e test will be skipped" >&2
# Chromium (Debian package) for test_dashboard.py's headless-browser test; skipped, saying why, if not installed.
"$root/scripts/install-deps.sh" chromium || echo "warning: could not install chromium; the dashboard browser test will be skipped" >&2
if [ ! -x "$venv/bin/pytest" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r "$here/requirements.txt"
fi
export EUREKA_SERVER_BIN="${EUREKA_SERVER_BIN:-$root/.build/debug/eureka-server}"
exec "$venv/bin/pytest" -q "$here" "$@"
