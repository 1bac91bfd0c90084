"""The example backend's tests: its two documented scenarios and the failures around them,
against the fakes (the pytest plugin's ``fakes`` fixture) with the official twilio-python SDK.

Run from the repository: PYTHONPATH=python:examples/fastapi_backend \
    python3 -m pytest -p fakes_testing.pytest_plugin examples/fastapi_backend
"""

import time

import pytest
from fastapi.testclient import TestClient

from app import app, get_twilio
from fakes_testing import sign_hs256

SEARCH = "/2010-04-01/Accounts/*/AvailablePhoneNumbers/**"
BUY = "/2010-04-01/Accounts/*/IncomingPhoneNumbers.json"
PURCHASE = "/api/twilio/purchase_phone_number?country_code=US&number_type=local"


@pytest.fixture
def api(fakes):
    app.dependency_overrides[get_twilio] = fakes.twilio.client  # Twilio goes to the fake
    yield TestClient(app)
    app.dependency_overrides.clear()


@pytest.fixture
def alice(fakes):
    return fakes.supabase.create_user("alice@example.com", "alice-password")


def buy(api, user):
    return api.post(PURCHASE, headers={"Authorization": f"Bearer {user.access_token}"})


def test_new_user_gets_a_number(api, alice, fakes):
    r = buy(api, alice)
    assert r.status_code == 200 and r.json()["status"] == "provisioned"
    fakes.twilio.assert_requested("POST", BUY, status=201, count=1)
    fakes.livekit.assert_requested("POST", "/twirp/livekit.SIP/CreateSIPDispatchRule", count=1)
    row = fakes.supabase.rest("GET", "phone_numbers?select=*").json()[0]
    assert row["dispatch_rule_id"] == r.json()["dispatch_rule_id"]


def test_user_with_a_number_gets_it_back(api, alice, fakes):
    first = buy(api, alice).json()
    again = buy(api, alice)
    assert again.json()["status"] == "existing"
    assert again.json()["phone_number"] == first["phone_number"]
    fakes.twilio.assert_requested("POST", BUY, count=1)  # nothing bought twice


def test_search_429_is_retried_after_retry_after(api, alice, fakes):
    fakes.twilio.add_fault(method="GET", path=SEARCH, error="20429", times=1)
    assert buy(api, alice).status_code == 200
    fakes.twilio.assert_requested("GET", SEARCH, status=429, count=1)
    fakes.twilio.assert_requested("GET", SEARCH, status=200, count=1)


def test_livekit_failure_after_the_trunk(api, alice, fakes):
    fakes.livekit.add_fault(path="/twirp/livekit.SIP/CreateSIPDispatchRule", error="unavailable")
    r = buy(api, alice)
    assert r.status_code == 502
    fakes.livekit.assert_requested("POST", "/twirp/livekit.SIP/CreateSIPInboundTrunk", status=200)
    row = fakes.supabase.rest("GET", "phone_numbers?select=*").json()[0]
    assert row["livekit_trunk_id"] and row["dispatch_rule_id"] is None  # bought, stored, half-registered


def test_expired_token_is_refused(api, fakes):
    now = int(time.time())
    expired = sign_hs256({"sub": "11111111-1111-4111-8111-111111111111", "role": "authenticated",
                          "aud": "authenticated", "iat": now - 7200, "exp": now - 3600},
                         fakes.supabase.jwt_secret)
    r = api.post(PURCHASE, headers={"Authorization": f"Bearer {expired}"})
    assert r.status_code == 401
    assert fakes.twilio.count() == 0  # no call to Twilio
