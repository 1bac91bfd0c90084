"""Start the three fakes on free ports, hand out their clients, and stop them.

:class:`Fakes` runs ``fake_twilio``, ``fake_livekit`` and ``fake_supabase`` as children of this
process, each with ``--port 0`` and a port file, and waits for its ``listening on`` line (never
a sleep). Each child gets SIGTERM when this process dies (``PR_SET_PDEATHSIG`` on Linux), so a
test run that is killed or interrupted leaves nothing behind; :meth:`Fakes.stop` stops them in
order and reports a fake that did not exit cleanly. A ``pids`` file in the state folder lets the
``fakes`` launcher draw their journals (``fakes diagram``).

The programs are found in ``bin_dir``, else ``$FAKES_BIN``, else on ``PATH``, else in the
repository's ``bin/`` next to this package.
"""

from __future__ import annotations

import ctypes
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Union

from . import _http
from .services import LiveKitFake, SupabaseFake, TwilioFake

NAMES = ("twilio", "livekit", "supabase")
START_TIMEOUT_S = 15.0

DEFAULTS = {
    "account_sid": "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "auth_token": "test-auth-token",
    "lk_key": "devkey",
    "lk_secret": "secret",
    "jwt_secret": "super-secret-jwt-token-with-at-least-32-characters-long",
}


class FakesError(RuntimeError):
    pass


def find_program(name: str, bin_dir: Optional[str] = None) -> str:
    """Path of a program of this project (``fakes``, ``fake_twilio``...)."""
    candidates: List[Path] = []
    for d in (bin_dir, os.environ.get("FAKES_BIN")):
        if d:
            candidates.append(Path(d) / name)
    found = shutil.which(name)
    if found:
        candidates.append(Path(found))
    candidates.append(Path(__file__).resolve().parents[2] / "bin" / name)
    for c in candidates:
        if c.is_file() and os.access(c, os.X_OK):
            return str(c)
    raise FakesError(
        f"{name} not found (set FAKES_BIN, put it on PATH, or run `make` in the repository)"
    )


def _die_with_parent() -> None:
    """In the child, before exec: SIGTERM when the parent goes away (Linux)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class _Proc:
    def __init__(self, name: str, popen: subprocess.Popen, port: int, log: Path):
        self.name, self.popen, self.port, self.log = name, popen, port, log
        self.base_url = f"http://127.0.0.1:{port}"


class Fakes:
    """The three fakes for one test session (a context manager)."""

    def __init__(
        self,
        bin_dir: Optional[str] = None,
        state_dir: Optional[Union[str, Path]] = None,
        seed: Optional[int] = None,
        log_level: str = "info",
        credentials: Optional[Mapping[str, str]] = None,
        admin_token: Optional[str] = None,
    ):
        self.bin_dir = bin_dir
        self.state_dir = Path(state_dir or tempfile.mkdtemp(prefix="fakes-py-"))
        self.seed = seed
        self.log_level = log_level
        self.creds = {**DEFAULTS, **(credentials or {})}
        self.admin_token = admin_token or os.environ.get("FAKE_ADMIN_TOKEN") or None
        self._procs: Dict[str, _Proc] = {}
        self.twilio: Optional[TwilioFake] = None
        self.livekit: Optional[LiveKitFake] = None
        self.supabase: Optional[SupabaseFake] = None

    # -- start and stop --------------------------------------------------------------------
    def _args(self, name: str) -> List[str]:
        c = self.creds
        args = ["--port", "0", "--port-file", str(self.state_dir / f"{name}.port"),
                "--log-level", self.log_level]
        if self.seed is not None:
            args += ["--seed", str(self.seed)]
        if name == "twilio":
            args += ["--account-sid", c["account_sid"], "--auth-token", c["auth_token"]]
        elif name == "livekit":
            args += ["--api-key", c["lk_key"], "--api-secret", c["lk_secret"]]
        else:
            args += ["--jwt-secret", c["jwt_secret"]]
        return args

    def _start_one(self, name: str) -> _Proc:
        path = find_program(f"fake_{name}", self.bin_dir)
        log = self.state_dir / f"{name}.log"
        with open(log, "wb") as err:
            p = subprocess.Popen([path, *self._args(name)], stdin=subprocess.DEVNULL,
                                 stdout=subprocess.PIPE, stderr=err,
                                 preexec_fn=_die_with_parent, close_fds=True)
        ready, _, _ = select.select([p.stdout], [], [], START_TIMEOUT_S)
        line = p.stdout.readline().decode() if ready else ""
        p.stdout.close()
        if not line.startswith(("listening on http://", "listening on https://")):
            p.kill()
            p.wait()
            raise FakesError(f"fake_{name} did not start: {log.read_text()[-500:]!r}")
        return _Proc(name, p, int(line.rsplit(":", 1)[1]), log)

    def start(self) -> "Fakes":
        self.state_dir.mkdir(parents=True, exist_ok=True)
        try:
            for name in NAMES:
                self._procs[name] = self._start_one(name)
        except BaseException:
            self.stop()
            raise
        c, t = self.creds, self.admin_token
        self.twilio = TwilioFake(self._procs["twilio"].base_url, c["account_sid"],
                                 c["auth_token"], t)
        self.livekit = LiveKitFake(self._procs["livekit"].base_url, c["lk_key"], c["lk_secret"], t)
        keys = _http.request("GET", f"{self._procs['supabase'].base_url}/__admin/keys",
                             headers=self.twilio._headers).json()
        self.supabase = SupabaseFake(self._procs["supabase"].base_url, keys["anon_key"],
                                     keys["service_role_key"], c["jwt_secret"], t)
        # The launcher's pid file ("NAME PID PORT"), so `fakes diagram --state-dir` finds them.
        (self.state_dir / "pids").write_text(
            "".join(f"{p.name} {p.popen.pid} {p.port}\n" for p in self._procs.values())
        )
        return self

    def stop(self, timeout_s: float = 10.0) -> Dict[str, int]:
        """Stop every fake; returns each exit status (0: clean; anything else is worth a look:
        a sanitizer report or a crash lands in ``STATE/NAME.log``)."""
        for p in self._procs.values():
            if p.popen.poll() is None:
                p.popen.send_signal(signal.SIGTERM)
        statuses = {}
        deadline = time.monotonic() + timeout_s
        for name, p in self._procs.items():
            try:
                statuses[name] = p.popen.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.popen.kill()
                statuses[name] = p.popen.wait()
        self._procs.clear()
        pids = self.state_dir / "pids"
        if pids.exists():
            pids.unlink()
        return statuses

    def __enter__(self) -> "Fakes":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return bool(self._procs) and all(p.popen.poll() is None for p in self._procs.values())

    # -- the three as one ------------------------------------------------------------------
    def clients(self):
        return (self.twilio, self.livekit, self.supabase)

    @property
    def env(self) -> Dict[str, str]:
        """The variables the code under test reads (the same names as ``fakes up``'s env file)."""
        c = self.creds
        return {
            "TWILIO_API_BASE": self.twilio.base_url,
            "TWILIO_ACCOUNT_SID": c["account_sid"],
            "TWILIO_AUTH_TOKEN": c["auth_token"],
            "SUPABASE_URL": self.supabase.base_url,
            "SUPABASE_ANON_KEY": self.supabase.anon_key,
            "SUPABASE_SERVICE_ROLE_KEY": self.supabase.service_role_key,
            "SUPABASE_JWT_SECRET": c["jwt_secret"],
            "LIVEKIT_URL": self.livekit.base_url,
            "LIVEKIT_API_KEY": c["lk_key"],
            "LIVEKIT_API_SECRET": c["lk_secret"],
        }

    def reset(self) -> None:
        for f in self.clients():
            f.reset()

    def load_scenario(self, doc: Union[Mapping[str, Any], str, Path]) -> None:
        """A scenario document (dict or JSON file) into the fakes it has sections for; every
        section is checked first (``?dry_run=true``), so a refused document changes nothing."""
        if not isinstance(doc, Mapping):
            doc = json.loads(Path(doc).read_text())
        targets = [f for f in self.clients() if f.name in doc]
        if not targets:
            raise FakesError("the scenario has no twilio, livekit or supabase section")
        for f in targets:
            f._call("POST", "/scenario?dry_run=true", dict(doc))
        for f in targets:
            f._call("POST", "/scenario", dict(doc))

    def journal(self) -> List[Dict[str, Any]]:
        """The three journals merged in time order, each entry with its ``service``."""
        merged = []
        for f in self.clients():
            merged += [{"service": f.name, **e} for e in f.requests()]
        return sorted(merged, key=lambda e: (e["time"], e["service"], e["seq"]))

    def diagram(self, out_prefix: Union[str, Path], title: Optional[str] = None) -> Path:
        """``fakes diagram``: PREFIX.mmd (Mermaid) and PREFIX.html; returns the .html path."""
        args = [find_program("fakes", self.bin_dir), "diagram", "--state-dir",
                str(self.state_dir), "--out", str(out_prefix)]
        if title:
            args += ["--title", title]
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        return Path(f"{out_prefix}.html")
