"""Two-factor pages (allauth.mfa): every signed-in user manages their own authenticators.

In the matrix, the roles that must use a second factor have an authenticator app (see
`client_for`), mentors and mentees have none.
"""

from __future__ import annotations

from binome.portals.tests.policy_kit import LOGIN, SIGNED_IN_ONLY, Policy, expect

# allauth asks for the password again (reauthentication) before changing a second factor when the
# last sign-in is not recent; the test client's force_login records none, hence the 302s.
REAUTH = expect(302, anonymous=LOGIN)
HAS_APP_ONLY = expect(404, anonymous=LOGIN, mentor=404, mentee=404)

POLICY: dict[str, Policy] = {
    "mfa_index": Policy(SIGNED_IN_ONLY),
    # Only during a sign-in that waits for its second factor; otherwise back to the sign-in page.
    "mfa_authenticate": Policy(expect(302)),
    # Mentors and mentees have no second factor to reauthenticate with.
    "mfa_reauthenticate": Policy(expect(200, anonymous=LOGIN, mentor=302, mentee=302)),
    "mfa_activate_totp": Policy(REAUTH),
    "mfa_deactivate_totp": Policy(expect(302, anonymous=LOGIN, mentor=404, mentee=404)),
    # The test authenticator has no recovery codes generated.
    "mfa_view_recovery_codes": Policy(HAS_APP_ONLY),
    "mfa_generate_recovery_codes": Policy(REAUTH),
    "mfa_download_recovery_codes": Policy(HAS_APP_ONLY),
}
