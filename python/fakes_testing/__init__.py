"""fakes_testing: the fakes of Twilio, LiveKit SIP and Supabase, from Python and pytest.

    from fakes_testing import Fakes

    with Fakes() as fakes:                       # three fakes on free ports
        user = fakes.supabase.create_user("alice@example.com", "alice-password")
        client = fakes.twilio.client()           # an official twilio.rest.Client
        with fakes.twilio.add_fault(method="GET", path="/2010-04-01/Accounts/*/**",
                                    error="20429", times=1):
            ...
        fakes.twilio.assert_requested("GET", "/2010-04-01/Accounts/*/AvailablePhoneNumbers/**")

In pytest, the plugin (``fakes_testing.pytest_plugin``) gives the ``fakes`` fixture.
"""

from .admin import AdminClient, AdminError, Rule
from .launcher import Fakes, FakesError, find_program
from .services import (LiveKitFake, SupabaseFake, TwilioFake, User, make_twilio_http_client,
                       sign_hs256)

__version__ = "1.1.0"
__all__ = [
    "AdminClient",
    "AdminError",
    "Fakes",
    "FakesError",
    "LiveKitFake",
    "Rule",
    "SupabaseFake",
    "TwilioFake",
    "User",
    "find_program",
    "make_twilio_http_client",
    "sign_hs256",
]
