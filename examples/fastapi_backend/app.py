"""A phone-number backend, written as such a backend is written: FastAPI, twilio-python for
Twilio, plain HTTP (httpx) for Supabase's auth and REST APIs and for LiveKit's Twirp API.

    POST /api/twilio/purchase_phone_number?country_code=US&number_type=local
    Authorization: Bearer <the user's Supabase access token>

It checks the token, returns the user's active number if there is one, searches and buys a
number (a 429 is retried after its Retry-After), stores it, and registers it with LiveKit (an
inbound trunk, then a dispatch rule). Configuration comes from the environment, the names the
fakes' pytest plugin exports. It is an example of the code the fakes test, not the project's
provisioner: it keeps no job row, so a failure after the purchase leaves the number stored
without its LiveKit ids, and says so with a 502.
"""

import os
import time

import httpx
import jwt
from fastapi import Depends, FastAPI, Header, HTTPException
from twilio.base.exceptions import TwilioException
from twilio.rest import Client

app = FastAPI()


def env(name: str) -> str:
    return os.environ[name]


def get_twilio() -> Client:
    """The Twilio client; tests override this dependency with one wired to the fake."""
    return Client(env("TWILIO_ACCOUNT_SID"), env("TWILIO_AUTH_TOKEN"))


def supabase(method: str, path: str, token: str = None, **kw) -> httpx.Response:
    key = env("SUPABASE_SERVICE_ROLE_KEY") if token is None else env("SUPABASE_ANON_KEY")
    headers = {"apikey": key, "Authorization": f"Bearer {token or key}", **kw.pop("headers", {})}
    return httpx.request(method, f"{env('SUPABASE_URL')}{path}", headers=headers, timeout=10, **kw)


def livekit(method: str, body: dict) -> dict:
    now = int(time.time())
    token = jwt.encode({"iss": env("LIVEKIT_API_KEY"), "nbf": now, "exp": now + 600,
                        "video": {}, "sip": {"admin": True}}, env("LIVEKIT_API_SECRET"))
    url = env("LIVEKIT_URL").replace("wss://", "https://").replace("ws://", "http://")
    r = httpx.post(f"{url}/twirp/livekit.SIP/{method}", json=body,
                   headers={"Authorization": f"Bearer {token}"}, timeout=10)
    if r.status_code != 200:
        raise HTTPException(502, f"LiveKit {method}: {r.status_code} {r.text}")
    return r.json()


def search(twilio: Client, country: str, kind: str, tries: int = 3):
    """Candidates; Twilio's 429 is retried after the Retry-After it sends."""
    for attempt in range(tries):
        try:
            numbers = getattr(twilio.available_phone_numbers(country), kind)
            return numbers.list(limit=5)
        except TwilioException as e:
            resp = e.args[1] if len(e.args) > 1 else None
            if getattr(resp, "status_code", None) != 429 or attempt + 1 == tries:
                raise HTTPException(502, f"Twilio search: {e}") from e
            time.sleep(float(resp.headers.get("Retry-After", "1")))
    return []


@app.post("/api/twilio/purchase_phone_number")
def purchase_phone_number(country_code: str = "US", number_type: str = "local",
                          authorization: str = Header(default=""),
                          twilio: Client = Depends(get_twilio)):
    token = authorization.removeprefix("Bearer ").strip()
    me = supabase("GET", "/auth/v1/user", token=token)
    if me.status_code != 200:
        raise HTTPException(401, "invalid or expired token")
    user_id = me.json()["id"]

    rows = supabase("GET", f"/rest/v1/phone_numbers?user_id=eq.{user_id}&status=eq.active"
                           "&select=phone_number,twilio_sid,livekit_trunk_id,dispatch_rule_id")
    if rows.json():
        return {"status": "existing", **rows.json()[0]}

    kind = {"local": "local", "tollfree": "toll_free", "mobile": "mobile"}[number_type]
    candidates = search(twilio, country_code, kind)
    if not candidates:
        raise HTTPException(404, "no numbers available")
    bought = twilio.incoming_phone_numbers.create(phone_number=candidates[0].phone_number,
                                                  friendly_name=f"user:{user_id}")
    row = {"user_id": user_id, "phone_number": bought.phone_number, "twilio_sid": bought.sid,
           "country_code": country_code, "number_type": number_type}
    stored = supabase("POST", "/rest/v1/phone_numbers", json=row)
    if stored.status_code != 201:
        raise HTTPException(502, f"store: {stored.status_code} {stored.text}")
    supabase("POST", "/rest/v1/profiles?on_conflict=id", json={"id": user_id,
             "phone_number": bought.phone_number},
             headers={"Prefer": "resolution=merge-duplicates"})

    where = f"/rest/v1/phone_numbers?twilio_sid=eq.{bought.sid}"
    trunk = livekit("CreateSIPInboundTrunk",
                    {"trunk": {"name": f"user {user_id}", "numbers": [bought.phone_number]}})
    trunk_id = trunk["sip_trunk_id"]
    supabase("PATCH", where, json={"livekit_trunk_id": trunk_id})
    rule = livekit("CreateSIPDispatchRule",
                   {"trunk_ids": [trunk_id],
                    "rule": {"dispatch_rule_individual": {"room_prefix": "call-"}}})
    supabase("PATCH", where, json={"dispatch_rule_id": rule["sip_dispatch_rule_id"]})
    return {"status": "provisioned", "phone_number": bought.phone_number,
            "twilio_sid": bought.sid, "livekit_trunk_id": trunk_id,
            "dispatch_rule_id": rule["sip_dispatch_rule_id"]}
