"""A small JSON-over-HTTP client on the standard library, for the fakes' admin and public APIs.

The fakes listen on loopback, so proxies from the environment are never used (a CI runner's
``http_proxy`` must not capture them). For https URLs (``fakes up --tls``) the CA named by
``FAKES_CA_FILE``, the env file's variable, is trusted besides the system's store. Every call returns the status and body whatever the
status; callers decide what an error is.
"""

from __future__ import annotations

import json
import os
import ssl
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

_OPENERS: dict = {}


def _opener() -> urllib.request.OpenerDirector:
    """No proxies; the system's CAs plus FAKES_CA_FILE when set (read at each call, since
    tests export it after import)."""
    ca = os.environ.get("FAKES_CA_FILE") or None
    if ca not in _OPENERS:
        ctx = ssl.create_default_context()
        if ca:
            ctx.load_verify_locations(cafile=ca)
        _OPENERS[ca] = urllib.request.build_opener(
            urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=ctx)
        )
    return _OPENERS[ca]


@dataclass
class Response:
    status: int
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


def query(params: Mapping[str, Any]) -> str:
    """``?a=1&b=x`` for the parameters that are not None ("" when none are)."""
    kept = {k: v for k, v in params.items() if v is not None}
    return "?" + urllib.parse.urlencode(kept) if kept else ""


def request(
    method: str,
    url: str,
    *,
    json_body: Any = None,
    data: Optional[bytes] = None,
    headers: Optional[Mapping[str, str]] = None,
    timeout: float = 10.0,
) -> Response:
    """One request; ``json_body`` is sent as application/json."""
    hdrs = dict(headers or {})
    if json_body is not None:
        data = json.dumps(json_body).encode()
        hdrs.setdefault("Content-Type", "application/json")
    req = urllib.request.Request(url, data=data, method=method, headers=hdrs)
    try:
        with _opener().open(req, timeout=timeout) as r:
            return Response(r.status, r.read(), dict(r.headers))
    except urllib.error.HTTPError as e:
        return Response(e.code, e.read(), dict(e.headers or {}))
