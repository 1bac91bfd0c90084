"""What each fake adds to the admin client: the credentials the code under test needs.

- :class:`TwilioFake` gives an official ``twilio.rest.Client`` wired to the fake (twilio-python
  has no base-URL option, so a small ``HttpClient`` subclass rewrites ``https://api.twilio.com``,
  next-page URIs included);
- :class:`SupabaseFake` creates users through GoTrue's admin API and signs them in;
- :class:`LiveKitFake` signs API-key tokens with the SIP grants, as livekit-server-sdk does.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional

from . import _http
from .admin import AdminClient, AdminError

TWILIO_BASE = "https://api.twilio.com"


def make_twilio_http_client(base_url: str):
    """A twilio-python ``HttpClient`` that sends every request for api.twilio.com to base_url.

    For code that builds its own ``twilio.rest.Client``::

        Client(sid, token, http_client=make_twilio_http_client(os.environ["TWILIO_API_BASE"]))
    """
    from twilio.http.http_client import TwilioHttpClient  # optional dependency

    class FakeTwilioHttpClient(TwilioHttpClient):
        def request(self, method, url, *args, **kwargs):
            if url.startswith(TWILIO_BASE):
                url = base_url.rstrip("/") + url[len(TWILIO_BASE) :]
            return super().request(method, url, *args, **kwargs)

    client = FakeTwilioHttpClient()
    # The fakes are on loopback: never through an HTTP proxy from the environment. That also
    # leaves REQUESTS_CA_BUNDLE unread, so a fake on https (``fakes up --tls``) is trusted
    # through the env file's FAKES_CA_FILE.
    client.session.trust_env = False
    ca = os.environ.get("FAKES_CA_FILE")
    if ca and base_url.startswith("https:"):
        client.session.verify = ca
    return client


class TwilioFake(AdminClient):
    def __init__(self, base_url: str, account_sid: str, auth_token: str, token=None):
        super().__init__("twilio", base_url, token)
        self.account_sid = account_sid
        self.auth_token = auth_token

    def client(self):
        """An official ``twilio.rest.Client`` for the fake's account."""
        from twilio.rest import Client

        return Client(
            self.account_sid, self.auth_token, http_client=make_twilio_http_client(self.base_url)
        )


@dataclass
class User:
    id: str
    email: str
    access_token: str
    refresh_token: str


class SupabaseFake(AdminClient):
    def __init__(self, base_url: str, anon_key: str, service_role_key: str, jwt_secret: str,
                 token=None):
        super().__init__("supabase", base_url, token)
        self.anon_key = anon_key
        self.service_role_key = service_role_key
        self.jwt_secret = jwt_secret

    def sign_in(self, email: str, password: str) -> User:
        r = _http.request(
            "POST",
            f"{self.base_url}/auth/v1/token?grant_type=password",
            json_body={"email": email, "password": password},
            headers={"apikey": self.anon_key},
        )
        if r.status != 200:
            raise AdminError(r.status, f"supabase: sign-in of {email}: {r.text}")
        s = r.json()
        return User(s["user"]["id"], email, s["access_token"], s["refresh_token"])

    def create_user(self, email: str, password: str, **attrs: Any) -> User:
        """A confirmed user (GoTrue's admin API with the service key), signed in."""
        body = {"email": email, "password": password, "email_confirm": True, **attrs}
        r = _http.request(
            "POST",
            f"{self.base_url}/auth/v1/admin/users",
            json_body=body,
            headers={"apikey": self.service_role_key,
                     "Authorization": f"Bearer {self.service_role_key}"},
        )
        if r.status not in (200, 201):
            raise AdminError(r.status, f"supabase: create user {email}: {r.text}")
        return self.sign_in(email, password)

    def rest(self, method: str, path: str, body: Any = None,
             prefer: Optional[str] = None) -> _http.Response:
        """PostgREST with the service key: ``rest("GET", "phone_numbers?user_id=eq.X")``."""
        headers = {"apikey": self.service_role_key,
                   "Authorization": f"Bearer {self.service_role_key}"}
        if prefer:
            headers["Prefer"] = prefer
        return _http.request(method, f"{self.base_url}/rest/v1/{path}", json_body=body,
                             headers=headers)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign_hs256(claims: Mapping[str, Any], secret: str) -> str:
    """A compact HS256 JWT (header typ JWT), as LiveKit's and Supabase's tools sign them."""
    header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    payload = _b64url(json.dumps(dict(claims), separators=(",", ":")).encode())
    mac = hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64url(mac)}"


class LiveKitFake(AdminClient):
    def __init__(self, base_url: str, api_key: str, api_secret: str, token=None):
        super().__init__("livekit", base_url, token)
        self.api_key = api_key
        self.api_secret = api_secret

    def token(self, grants: Optional[Mapping[str, Any]] = None, identity: Optional[str] = None,
              ttl_s: int = 3600) -> str:
        """An API-key token; grants default to the SIP admin and call grants."""
        now = int(time.time())
        claims: Dict[str, Any] = dict(grants or {"video": {}, "sip": {"admin": True, "call": True}})
        claims.update({"iss": self.api_key, "nbf": now, "exp": now + ttl_s})
        if identity:
            claims["sub"] = identity
        return sign_hs256(claims, self.api_secret)

    def twirp(self, method: str, body: Optional[Mapping[str, Any]] = None) -> _http.Response:
        """``POST /twirp/livekit.SIP/{method}`` with an admin token."""
        return _http.request(
            "POST",
            f"{self.base_url}/twirp/livekit.SIP/{method}",
            json_body=dict(body or {}),
            headers={"Authorization": f"Bearer {self.token()}"},
        )
