"""The package against a stack started by ``fakes up --tls`` (HTTPS, a throw-away CA).

The env file names the CA in FAKES_CA_FILE (README, "fakes up --tls"); the admin clients and
``make_twilio_http_client`` trust it for https URLs, as NODE_EXTRA_CA_CERTS does for Node.
"""

import os
import subprocess

import pytest

from fakes_testing import TwilioFake, find_program


@pytest.fixture
def tls_env(tmp_path, monkeypatch):
    fakes = find_program("fakes")
    state = tmp_path / "state"
    out = subprocess.run([fakes, "up", "--tls", "--state-dir", str(state),
                          "--bin", os.path.dirname(fakes)],
                         check=True, capture_output=True, text=True)
    env = dict(line.split("=", 1) for line in open(out.stdout.strip()).read().splitlines()
               if "=" in line)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    try:
        yield env
    finally:
        subprocess.run([fakes, "down", "--state-dir", str(state)], check=True,
                       capture_output=True)


def test_twilio_python_and_admin_over_https(tls_env):
    assert tls_env["TWILIO_API_BASE"].startswith("https://")
    tw = TwilioFake(tls_env["TWILIO_API_BASE"], tls_env["TWILIO_ACCOUNT_SID"],
                    tls_env["TWILIO_AUTH_TOKEN"], token=tls_env.get("FAKE_ADMIN_TOKEN"))
    found = tw.client().available_phone_numbers("US").local.list(area_code=415, limit=2)
    assert len(found) == 2
    assert tw.count(path="/2010-04-01/Accounts/*/AvailablePhoneNumbers/**") == 1
