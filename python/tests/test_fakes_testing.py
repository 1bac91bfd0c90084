"""The plugin and clients as a backend's tests use them, with the official twilio-python SDK.

Run: PYTHONPATH=python FAKES_BIN=build/asan/bin python3 -m pytest -p fakes_testing.pytest_plugin python/tests
"""

import os

import pytest
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.rest import Client

from fakes_testing import AdminError, make_twilio_http_client

SEARCH = "/2010-04-01/Accounts/*/AvailablePhoneNumbers/**"
BUY = "/2010-04-01/Accounts/*/IncomingPhoneNumbers.json"


def status_of(exc):
    """twilio-python 7 raises TwilioException(msg, response) for list pages and
    TwilioRestException for single records."""
    return exc.status if isinstance(exc, TwilioRestException) else exc.args[1].status_code


def test_environment_is_exported(fakes):
    assert os.environ["TWILIO_API_BASE"] == fakes.twilio.base_url
    assert os.environ["SUPABASE_URL"] == fakes.supabase.base_url
    assert os.environ["SUPABASE_ANON_KEY"] == fakes.supabase.anon_key
    assert os.environ["LIVEKIT_URL"] == fakes.livekit.base_url
    for k in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "SUPABASE_SERVICE_ROLE_KEY",
              "LIVEKIT_API_KEY", "LIVEKIT_API_SECRET"):
        assert os.environ[k]


def test_twilio_python_search_buy_update_list_delete(fakes):
    client = fakes.twilio.client()
    found = client.available_phone_numbers("US").local.list(area_code=415, limit=3)
    assert len(found) == 3 and all(n.phone_number.startswith("+1415") for n in found)
    # twilio-python before 9 sends Python booleans as True/False, which Twilio accepts.
    pn = client.incoming_phone_numbers.create(phone_number=found[0].phone_number,
                                              voice_caller_id_lookup=True)
    for n in found[1:]:
        client.incoming_phone_numbers.create(phone_number=n.phone_number)
    # More than one page: twilio-python follows next_page_uri through the fake (the search has
    # no pages, as on the real API; the list of owned numbers has).
    assert len(client.incoming_phone_numbers.list(page_size=2)) == 3
    assert pn.voice_caller_id_lookup is True
    pn = pn.update(friendly_name="prov:job-1", voice_caller_id_lookup=False)
    assert (pn.friendly_name, pn.voice_caller_id_lookup) == ("prov:job-1", False)
    assert [n.sid for n in client.incoming_phone_numbers.list(friendly_name="prov:job-1")] == [pn.sid]
    assert client.incoming_phone_numbers(pn.sid).fetch().phone_number == found[0].phone_number
    assert client.incoming_phone_numbers(pn.sid).delete() is True
    fakes.twilio.assert_requested("DELETE", "/2010-04-01/Accounts/*/IncomingPhoneNumbers/*.json",
                                  status=204, count=1)


def test_twilio_beta_means_include_new_numbers(fakes):
    sid = fakes.twilio.account_sid
    fakes.twilio.seed_state({"incoming_phone_numbers": [
        {"sid": "PN" + "1" * 32, "account_sid": sid, "phone_number": "+14155550101", "beta": True},
        {"sid": "PN" + "2" * 32, "account_sid": sid, "phone_number": "+14155550102", "beta": False},
    ]})
    client = fakes.twilio.client()
    assert len(client.incoming_phone_numbers.list()) == 2  # Beta defaults to true: all
    assert len(client.incoming_phone_numbers.list(beta=True)) == 2
    assert [n.phone_number for n in client.incoming_phone_numbers.list(beta=False)] == [
        "+14155550102"]


def test_wrong_credentials_are_twilios_20003(fakes):
    bad = Client(fakes.twilio.account_sid, "wrong",
                 http_client=make_twilio_http_client(fakes.twilio.base_url))
    with pytest.raises(TwilioRestException) as e:
        bad.incoming_phone_numbers("PN" + "0" * 32).fetch()
    assert (e.value.status, e.value.code) == (401, 20003)


def test_fault_removes_itself(fakes):
    client = fakes.twilio.client()
    with fakes.twilio.add_fault(method="GET", path=SEARCH, error="20429", times=1) as rule:
        assert [f["id"] for f in fakes.twilio.faults()] == [rule.id]
        with pytest.raises(TwilioException) as e:
            client.available_phone_numbers("US").local.list(limit=1)
        assert status_of(e.value) == 429
    assert fakes.twilio.faults() == []
    assert client.available_phone_numbers("US").local.list(limit=1)


def test_rate_limit_and_journal(fakes):
    client = fakes.twilio.client()
    with fakes.twilio.add_rate_limit(1, 60000, "GET", SEARCH, key="credential", retry_after_s=2):
        client.available_phone_numbers("US").local.list(limit=1)
        with pytest.raises(TwilioException) as e:
            client.available_phone_numbers("US").local.list(limit=1)
    assert status_of(e.value) == 429
    assert fakes.twilio.count("GET", SEARCH, status=429) == 1
    limited = fakes.twilio.requests(status=429)
    assert limited[0]["rate_limited"] is True


def test_assert_requested_shows_the_closest_entries(fakes):
    fakes.twilio.client().available_phone_numbers("US").local.list(limit=1)
    with pytest.raises(AssertionError) as e:
        fakes.twilio.assert_requested("POST", BUY)
    text = str(e.value)
    assert "expected at least 1 request(s) POST" in text and "found 0" in text
    assert "closest journal entries" in text and "AvailablePhoneNumbers/US/Local.json" in text


def test_supabase_users_and_livekit_tokens(fakes):
    user = fakes.supabase.create_user("bob@example.com", "bob-password")
    me = fakes.supabase.rest("GET", "profiles?select=*")
    assert me.status == 200
    from fakes_testing import _http

    r = _http.request("GET", f"{fakes.supabase.base_url}/auth/v1/user",
                      headers={"apikey": fakes.supabase.anon_key,
                               "Authorization": f"Bearer {user.access_token}"})
    assert r.status == 200 and r.json()["email"] == "bob@example.com"
    assert fakes.livekit.twirp("ListSIPInboundTrunk").status == 200
    no_sip = fakes.livekit.token(grants={"video": {}})
    r = _http.request("POST", f"{fakes.livekit.base_url}/twirp/livekit.SIP/ListSIPInboundTrunk",
                      json_body={}, headers={"Authorization": f"Bearer {no_sip}"})
    assert r.status == 401


def test_a_refused_rule_says_why(fakes):
    with pytest.raises(AdminError) as e:
        fakes.twilio.add_fault(method="GET", error="not-a-twilio-code")
    assert e.value.status == 400 and "not-a-twilio-code" in e.value.message


@pytest.mark.fakes_scenario("../../tests/scenarios/twilio-rate-limit-bucket.json")
def test_scenario_marker_loads_a_file(fakes):
    assert [r["id"] for r in fakes.twilio.rate_limits()] == ["search"]
    assert fakes.supabase.sign_in("alice@example.com", "alice-password").access_token


def test_state_is_reset_between_tests_part_1(fakes):
    fakes.livekit.add_fault(path="/twirp/**", error="unavailable")  # left on purpose


def test_state_is_reset_between_tests_part_2(fakes):
    assert fakes.livekit.faults() == []
    assert fakes.livekit.twirp("ListSIPInboundTrunk").status == 200
