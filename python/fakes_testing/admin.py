"""The admin API every fake answers under ``/__admin/`` (README "Admin API"), as Python calls.

One :class:`AdminClient` per fake. Faults and rate limits come back as :class:`Rule` objects
that are also context managers, so a test can say::

    with fakes.twilio.add_fault(method="POST", path="/2010-04-01/Accounts/*/IncomingPhoneNumbers.json",
                                error="21422", times=1):
        ...  # the rule is removed on the way out, whatever happens

``assert_requested`` checks the request journal and, when it fails, shows the journal entries
closest to what was expected.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Union

from . import _http


class AdminError(Exception):
    """The fake refused an admin call; ``status`` and the fake's message are kept."""

    def __init__(self, status: int, message: str):
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


class Rule:
    """A fault rule or rate limit in a fake; ``with`` removes it on exit."""

    def __init__(self, admin: "AdminClient", kind: str, doc: Mapping[str, Any]):
        self._admin = admin
        self._kind = kind
        self.doc = dict(doc)
        self.id: str = doc["id"]

    def remove(self) -> None:
        self._admin._call("DELETE", f"/{self._kind}/{self.id}", ok=(200, 204, 404))

    def __enter__(self) -> "Rule":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.remove()

    def __repr__(self) -> str:
        return f"Rule({self._kind}, {self.id!r})"


def _match(method, path, query, headers, body_contains) -> Optional[Dict[str, Any]]:
    m = {
        "method": method,
        "path": path,
        "query": query,
        "headers": headers,
        "body_contains": body_contains,
    }
    m = {k: v for k, v in m.items() if v is not None}
    return m or None


class AdminClient:
    """Admin API of one fake at ``base_url`` (e.g. ``http://127.0.0.1:8010``)."""

    def __init__(self, name: str, base_url: str, token: Optional[str] = None):
        self.name = name
        self.base_url = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}

    # -- plumbing ------------------------------------------------------------------------
    def _call(self, method: str, path: str, body: Any = None, ok=(200, 201)) -> Any:
        r = _http.request(
            method, f"{self.base_url}/__admin{path}", json_body=body, headers=self._headers
        )
        if r.status not in ok:
            try:
                msg = r.json().get("error", r.text)
            except (ValueError, AttributeError):
                msg = r.text
            raise AdminError(r.status, f"{self.name}: {method} /__admin{path}: {msg}")
        return r.json() if r.body else None

    # -- life ------------------------------------------------------------------------------
    def health(self) -> Dict[str, Any]:
        return self._call("GET", "/health")

    def reset(self) -> None:
        """State back to the seed; faults, rate limits and journal cleared."""
        self._call("POST", "/reset")

    # -- faults and rate limits ------------------------------------------------------------
    def add_fault(
        self,
        method: Optional[str] = None,
        path: Optional[str] = None,
        *,
        query: Optional[Mapping[str, str]] = None,
        headers: Optional[Mapping[str, str]] = None,
        body_contains: Optional[str] = None,
        status: Optional[int] = None,
        body: Any = None,
        response_headers: Optional[Mapping[str, str]] = None,
        error: Optional[str] = None,
        delay_ms: Optional[int] = None,
        jitter_ms: Optional[int] = None,
        fault: Optional[str] = None,
        after_effect: Optional[bool] = None,
        times: Optional[int] = None,
        after: Optional[int] = None,
        probability: Optional[float] = None,
        id: Optional[str] = None,
    ) -> Rule:
        """Add one fault rule (README "Fault rules"); returns it as a context manager."""
        action = {
            "status": status,
            "body": body,
            "headers": response_headers,
            "error": error,
            "delay_ms": delay_ms,
            "jitter_ms": jitter_ms,
            "fault": fault,
            "after_effect": after_effect,
        }
        rule: Dict[str, Any] = {"action": {k: v for k, v in action.items() if v is not None}}
        for k, v in (("id", id), ("times", times), ("after", after), ("probability", probability)):
            if v is not None:
                rule[k] = v
        m = _match(method, path, query, headers, body_contains)
        if m:
            rule["match"] = m
        added = self._call("POST", "/faults", rule)
        return Rule(self, "faults", added[0] if isinstance(added, list) else added)

    def add_rate_limit(
        self,
        limit: int,
        per_ms: int,
        method: Optional[str] = None,
        path: Optional[str] = None,
        *,
        key: str = "global",
        retry_after_s: Optional[int] = None,
        query: Optional[Mapping[str, str]] = None,
        headers: Optional[Mapping[str, str]] = None,
        id: Optional[str] = None,
    ) -> Rule:
        """A token bucket of ``limit`` per ``per_ms`` ms, keyed global|credential|client."""
        doc: Dict[str, Any] = {"limit": limit, "per_ms": per_ms, "key": key}
        if retry_after_s is not None:
            doc["retry_after_s"] = retry_after_s
        if id is not None:
            doc["id"] = id
        m = _match(method, path, query, headers, None)
        if m:
            doc["match"] = m
        added = self._call("POST", "/rate-limits", doc)
        return Rule(self, "rate-limits", added[0] if isinstance(added, list) else added)

    def faults(self) -> List[Dict[str, Any]]:
        return self._call("GET", "/faults")

    def rate_limits(self) -> List[Dict[str, Any]]:
        return self._call("GET", "/rate-limits")

    def clear_faults(self) -> None:
        self._call("DELETE", "/faults")

    def clear_rate_limits(self) -> None:
        self._call("DELETE", "/rate-limits")

    def load_scenario(self, doc: Union[Mapping[str, Any], str, Path]) -> Dict[str, Any]:
        """Load a scenario document (a dict, or a path to a JSON file) into this fake."""
        if not isinstance(doc, Mapping):
            doc = json.loads(Path(doc).read_text())
        return self._call("POST", "/scenario", doc)

    # -- journal ---------------------------------------------------------------------------
    def requests(
        self,
        method: Optional[str] = None,
        path: Optional[str] = None,
        status: Optional[int] = None,
        since: Optional[int] = None,
        limit: Optional[int] = None,
    ) -> List[Dict[str, Any]]:
        """Journal entries, oldest first; ``path`` is a glob (``*`` one segment, ``**`` any)."""
        q = _http.query(
            {"method": method, "path": path, "status": status, "since": since, "limit": limit}
        )
        return self._call("GET", f"/requests{q}")

    def count(
        self, method: Optional[str] = None, path: Optional[str] = None, status: Optional[int] = None
    ) -> int:
        q = _http.query({"method": method, "path": path, "status": status})
        return int(self._call("GET", f"/requests/count{q}")["count"])

    def clear_requests(self) -> None:
        self._call("DELETE", "/requests")

    def assert_requested(
        self,
        method: Optional[str] = None,
        path: Optional[str] = None,
        status: Optional[int] = None,
        *,
        count: Optional[int] = None,
        at_least: int = 1,
    ) -> int:
        """Assert the journal holds ``count`` (or at least ``at_least``) matching requests.

        The failure message lists the journal entries closest to the expectation."""
        n = self.count(method, path, status)
        if (count is not None and n == count) or (count is None and n >= at_least):
            return n
        want = f"{count} request(s)" if count is not None else f"at least {at_least} request(s)"
        what = " ".join(x for x in (method or "ANY", path or "**") if x)
        if status is not None:
            what += f" answered {status}"
        raise AssertionError(
            f"{self.name}: expected {want} {what}, found {n}\n"
            + self._closest(method, path, status)
        )

    def _closest(self, method, path, status) -> str:
        entries = self.requests()
        if not entries:
            return "  the journal is empty"
        target = f"{method or ''} {(path or '').replace('**', '').replace('*', '')} {status or ''}"

        def line(e: Mapping[str, Any]) -> str:
            q = f"?{e['query']}" if e.get("query") else ""
            return f"{e['method']} {e['path']}{q} {e['status']}"

        scored = sorted(
            entries,
            key=lambda e: -difflib.SequenceMatcher(None, target, line(e)).ratio(),
        )[:5]
        return "  closest journal entries:\n" + "\n".join(f"    {line(e)}" for e in scored)

    # -- state -----------------------------------------------------------------------------
    def state(self) -> Dict[str, Any]:
        return self._call("GET", "/state")

    def seed_state(self, state: Mapping[str, Any]) -> None:
        """Add rows to the fake's state (the same document as a scenario's ``state``)."""
        self._call("POST", "/state", dict(state))
