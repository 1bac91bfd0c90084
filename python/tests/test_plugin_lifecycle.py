"""The plugin as a pytest run meets it: a failing test's report carries the journal and the
sequence picture, and no fake is left running when the run stops at a failure (-x) or is
interrupted (Ctrl-C). Each case runs pytest in a child process on a test file written here."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

PLUGIN = ["-p", "fakes_testing.pytest_plugin", "-p", "no:cacheprovider"]


def fakes_left(basetemp: Path):
    """Processes whose command line names a file under basetemp (the fakes' port files)."""
    left = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if str(basetemp) in cmd and "fake_" in cmd and state != "Z":
            left.append(f"{pid}: {cmd}")
    return left


def wait_gone(basetemp: Path, timeout_s: float = 15.0):
    """Wait (a condition, with a deadline) for the fakes a dead run leaves to follow it."""
    deadline = time.monotonic() + timeout_s
    while fakes_left(basetemp) and time.monotonic() < deadline:
        time.sleep(0.05)
    return fakes_left(basetemp)


def pytest_child(tmp_path, body, *args, **popen):
    test = tmp_path / "test_inner.py"
    test.write_text(body)
    basetemp = tmp_path / "bt"
    cmd = [sys.executable, "-m", "pytest", *PLUGIN, f"--basetemp={basetemp}", "-q", *args,
           str(test)]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"}, **popen), basetemp


def test_failure_report_and_cleanup_after_x(tmp_path):
    body = (
        "def test_fails(fakes):\n"
        "    fakes.livekit.twirp('ListSIPInboundTrunk')\n"
        "    assert False, 'on purpose'\n"
        "def test_never_runs(fakes):\n"
        "    pass\n"
    )
    p, basetemp = pytest_child(tmp_path, body, "-x")
    out = p.communicate(timeout=120)[0].decode()
    assert p.returncode == 1, out
    assert "fakes journal" in out and "/twirp/livekit.SIP/ListSIPInboundTrunk 200" in out
    assert "fakes sequence picture" in out and "sequenceDiagram" in out
    assert "1 failed" in out and "test_never_runs" not in out
    assert wait_gone(basetemp) == []


def test_interrupted_run_leaves_nothing(tmp_path):
    body = (
        "import time\n"
        "def test_waits(fakes):\n"
        "    print('FAKES-UP', flush=True)\n"
        "    time.sleep(120)\n"
    )
    p, basetemp = pytest_child(tmp_path, body, "-s")
    for line in p.stdout:  # the inner test says when the fakes are up
        if b"FAKES-UP" in line:
            break
    assert fakes_left(basetemp), "the fakes should be running now"
    p.send_signal(signal.SIGINT)
    p.communicate(timeout=60)
    assert wait_gone(basetemp) == []


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs POSIX")
def test_killed_run_leaves_nothing(tmp_path):
    body = (
        "import time\n"
        "def test_waits(fakes):\n"
        "    print('FAKES-UP', flush=True)\n"
        "    time.sleep(120)\n"
    )
    p, basetemp = pytest_child(tmp_path, body, "-s")
    for line in p.stdout:
        if b"FAKES-UP" in line:
            break
    p.kill()  # SIGKILL: no finaliser runs; the fakes follow through PR_SET_PDEATHSIG
    p.communicate(timeout=60)
    assert wait_gone(basetemp) == []
