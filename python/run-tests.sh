#!/bin/sh
# The Python side as a user gets it: `pip install ./python` offline into a throw-away virtual
# environment over Debian's packages (python3-pytest, -twilio, -httpx, -fastapi, -jwt), the
# plugin loaded through its entry point (no -p), then the plugin's own tests, the README's
# example and the example backend's suite against the fakes in BIN. Ends with pytest's summary.
set -eu
cd "$(dirname "$0")/.."
BIN=${BIN:-build/asan/bin}
case "$BIN" in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
PY=${PYTHON:-/usr/bin/python3}
work=$(mktemp -d "${TMPDIR:-/tmp}/fakes-python.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
cp -r python "$work/src" # the build writes into its source folder; keep the checkout clean
"$PY" -m venv --system-site-packages "$work/venv"
"$work/venv/bin/python" -m pip install -q --no-index --no-build-isolation "$work/src"
FAKES_BIN=$BIN PYTHONPATH=examples/fastapi_backend PYTHONDONTWRITEBYTECODE=1 \
    "$work/venv/bin/python" -m pytest -q -p no:cacheprovider --basetemp="$work/pytest" \
    python/tests examples/fastapi_backend/tests
