"""pytest plugin: the ``fakes`` fixture, the ``fakes_scenario`` marker, failure reports.

Registered through the ``pytest11`` entry point when the package is installed; otherwise
``pytest -p fakes_testing.pytest_plugin``. The three fakes start once per session (on free
ports, through :class:`fakes_testing.Fakes`); their URLs and keys are exported as environment
variables (``TWILIO_API_BASE``, ``SUPABASE_URL``, ``SUPABASE_ANON_KEY``,
``SUPABASE_SERVICE_ROLE_KEY``, ``LIVEKIT_URL``, ``LIVEKIT_API_KEY``, ``LIVEKIT_API_SECRET``,
``TWILIO_ACCOUNT_SID``, ``TWILIO_AUTH_TOKEN``) for the code under test, and restored at the end.
Before each test that uses ``fakes`` every fake goes back to its seed (ini ``fakes_reset =
never`` keeps state across tests). A failing test's report gets the fakes' journals since the
test began and a sequence picture (Mermaid text in the report, the HTML file beside it). The
fakes are stopped when the session ends, however it ends; a fake killed by the run's own death
follows it (``PR_SET_PDEATHSIG``).

Options: ``--fakes-bin DIR`` (or ini ``fakes_bin``, or ``$FAKES_BIN``), ini ``fakes_log_level``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Dict, Optional

import pytest

from .launcher import Fakes

_FAKES_KEY = pytest.StashKey[Fakes]() if hasattr(pytest, "StashKey") else None


def pytest_addoption(parser):
    group = parser.getgroup("fakes", "the fakes of Twilio, LiveKit and Supabase")
    group.addoption("--fakes-bin", default=None, help="folder of fake_twilio, fake_livekit, ...")
    parser.addini("fakes_bin", "folder of the fakes' programs", default="")
    parser.addini("fakes_reset", "each: every fake back to its seed before each test; never",
                  default="each")
    parser.addini("fakes_log_level", "the fakes' --log-level", default="info")


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "fakes_scenario(path): load this scenario document (JSON file, relative to the test "
        "file) into the fakes before the test",
    )


@pytest.fixture(scope="session")
def fakes_session(request, tmp_path_factory):
    """The three fakes for the whole session, environment exported."""
    cfg = request.config
    bin_dir = cfg.getoption("--fakes-bin") or cfg.getini("fakes_bin") or None
    fakes = Fakes(bin_dir=bin_dir, state_dir=tmp_path_factory.mktemp("fakes"),
                  log_level=cfg.getini("fakes_log_level")).start()
    saved: Dict[str, Optional[str]] = {}
    try:
        for k, v in fakes.env.items():
            saved[k] = os.environ.get(k)
            os.environ[k] = v
        yield fakes
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        fakes.stop()


@pytest.fixture
def fakes(fakes_session, request):
    """The running fakes, back to their seed (unless ``fakes_reset = never``), with the test's
    ``fakes_scenario`` loaded."""
    if request.config.getini("fakes_reset") != "never":
        fakes_session.reset()
    request.node._fakes_since = {f.name: _last_seq(f) for f in fakes_session.clients()}
    request.node._fakes = fakes_session
    marker = request.node.get_closest_marker("fakes_scenario")
    if marker is not None:
        path = Path(marker.args[0])
        if not path.is_absolute():
            path = Path(request.node.fspath).parent / path
        fakes_session.load_scenario(path)
    return fakes_session


def _last_seq(admin) -> int:
    entries = admin.requests()
    return int(entries[-1]["seq"]) if entries else 0


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    fakes = getattr(item, "_fakes", None)
    if rep.when != "call" or not rep.failed or fakes is None or not fakes.running:
        return
    since = getattr(item, "_fakes_since", {})
    lines = []
    for f in fakes.clients():
        for e in f.requests(since=since.get(f.name)):
            q = f"?{e['query']}" if e.get("query") else ""
            fault = f" fault={e['fault']}" if e.get("fault") else ""
            limited = " rate_limited" if e.get("rate_limited") else ""
            lines.append((e["time"], f"{e['time']} {f.name:8} {e['method']:6} {e['path']}{q} "
                                     f"{e['status']}{fault}{limited}"))
    rep.sections.append(("fakes journal", "\n".join(l for _, l in sorted(lines)) or "(empty)"))
    try:
        out = fakes.state_dir / "failures" / re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid)
        out.parent.mkdir(parents=True, exist_ok=True)
        html = fakes.diagram(out, title=item.nodeid)
        mmd = Path(f"{out}.mmd").read_text()
        rep.sections.append(("fakes sequence picture", f"{html}\n\n{mmd}"))
    except Exception as e:  # the picture is a convenience; never hide the real failure
        rep.sections.append(("fakes sequence picture", f"not drawn: {e}"))
