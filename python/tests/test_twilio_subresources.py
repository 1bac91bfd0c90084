"""twilio-python's per-type IncomingPhoneNumbers resources against fake_twilio.

twilio-python (and twilio-node, -java, -go) expose ``incoming_phone_numbers.local``,
``.mobile`` and ``.toll_free``: list and create on
/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Local,Mobile,TollFree}.json, as
twilio-oai's spec/json/twilio_api_v2010.json declares them (GET with Beta, FriendlyName,
PhoneNumber, Origin and the paging parameters; POST with PhoneNumber required, no AreaCode).
"""

import pytest
from twilio.base.exceptions import TwilioRestException


def test_buy_and_list_through_the_type_resources(fakes):
    client = fakes.twilio.client()
    local = client.available_phone_numbers("US").local.list(area_code=415, limit=1)[0]
    free = client.available_phone_numbers("US").toll_free.list(limit=1)[0]
    a = client.incoming_phone_numbers.local.create(phone_number=local.phone_number,
                                                   friendly_name="loc")
    assert a.phone_number == local.phone_number and a.friendly_name == "loc"
    b = client.incoming_phone_numbers.toll_free.create(phone_number=free.phone_number)
    assert b.phone_number == free.phone_number
    assert [n.sid for n in client.incoming_phone_numbers.local.list()] == [a.sid]
    assert [n.sid for n in client.incoming_phone_numbers.toll_free.list()] == [b.sid]
    assert client.incoming_phone_numbers.mobile.list() == []
    assert {n.sid for n in client.incoming_phone_numbers.list()} == {a.sid, b.sid}
    page = client.incoming_phone_numbers.local.page(page_size=1)
    assert page._payload["uri"].startswith(
        "/2010-04-01/Accounts/%s/IncomingPhoneNumbers/Local.json" % fakes.twilio.account_sid)


def test_type_resource_create_needs_a_phone_number(fakes):
    client = fakes.twilio.client()
    with pytest.raises(TwilioRestException) as e:
        client.incoming_phone_numbers.local.create(phone_number="+1")
    assert e.value.status == 400 and e.value.code == 21421
    # AreaCode is not a parameter of the per-type create: PhoneNumber is required.
    local = client.incoming_phone_numbers.local
    r = local._version.request("POST", local._uri, data={"AreaCode": "415"})
    assert r.status_code == 400 and '"code":21421' in r.text.replace(" ", "")


def test_available_phone_number_countries(fakes):
    """client.available_phone_numbers.list() and ('US').fetch(): twilio-oai's
    .../AvailablePhoneNumbers.json ({"countries": [...], "uri": ...}) and
    .../AvailablePhoneNumbers/{CountryCode}.json (country_code, country, uri, beta,
    subresource_uris naming the types the country has)."""
    client = fakes.twilio.client()
    sid = fakes.twilio.account_sid
    countries = {c.country_code: c for c in client.available_phone_numbers.list()}
    assert {"US", "CA", "GB"} <= set(countries)
    us = client.available_phone_numbers("US").fetch()
    assert us.country == "United States" and us.beta is False
    assert us.uri == "/2010-04-01/Accounts/%s/AvailablePhoneNumbers/US.json" % sid
    assert us.subresource_uris["local"] == (
        "/2010-04-01/Accounts/%s/AvailablePhoneNumbers/US/Local.json" % sid)
    assert us.subresource_uris["toll_free"].endswith("/US/TollFree.json")
    assert countries["US"].subresource_uris == us.subresource_uris
    # The country's types lead to searches the SDK can run.
    assert len(client.available_phone_numbers("US").local.list(limit=1)) == 1
    with pytest.raises(TwilioRestException) as e:
        client.available_phone_numbers("ZZ").fetch()
    assert e.value.status == 404 and e.value.code == 20404


def test_account_fetch_checks_credentials(fakes):
    """client.api.account.fetch(), the usual credential check: GET
    /2010-04-01/Accounts/{Sid}.json (twilio-oai api.v2010.account)."""
    client = fakes.twilio.client()
    sid = fakes.twilio.account_sid
    acct = client.api.account.fetch()
    assert acct.sid == sid and acct.status == "active" and acct.type == "Full"
    assert acct.owner_account_sid == sid and acct.auth_token == fakes.twilio.auth_token
    assert acct.uri == "/2010-04-01/Accounts/%s.json" % sid
    assert acct.subresource_uris["incoming_phone_numbers"] == (
        "/2010-04-01/Accounts/%s/IncomingPhoneNumbers.json" % sid)
    assert acct.date_created is not None
    from twilio.rest import Client
    bad = Client(sid, "wrong-token", http_client=client.http_client)
    with pytest.raises(TwilioRestException) as e:
        bad.api.account.fetch()
    assert e.value.status == 401 and e.value.code == 20003
