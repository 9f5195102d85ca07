from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from django import forms
from django.http import HttpRequest

from binome.accounts.backends import lockout_response
from binome.accounts.clients import client_address
from binome.accounts.models import User
from binome.lib.encryption.fields import decrypt, encrypt
from binome.lib.mail import send_email


class AccountAdapter(DefaultAccountAdapter):
    """People join through invitations and referrals, so open sign-up is closed;
    allauth's emails (password reset, verification) go out through the task worker."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        # allauth's per-address limits count the client behind the trusted proxies, as axes does.
        return client_address(request)

    def validation_error(self, code: str, *args: Any) -> forms.ValidationError:
        """allauth's limits on failed sign-ins and on wrong second-factor codes (counted in the
        shared cache) answer with the lockout page axes shows, so that a person locked out reads
        one page, whichever counter tripped first, instead of a form error here and a page there."""
        if code == "too_many_login_attempts" and context.request is not None:
            raise ImmediateHttpResponse(lockout_response(context.request, None, None))
        return super().validation_error(code, *args)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        message = self.render_mail(template_prefix, email, context)
        user = context.get("user")
        user_id = (
            getattr(user, "pk", None) or User.objects.filter(email__iexact=email).values_list("pk", flat=True).first()
        )
        send_email(
            subject=str(message.subject),
            body=str(message.body),
            to=list(message.to),
            html_body=next((c for c, mime in getattr(message, "alternatives", []) if mime == "text/html"), None),
            # Erasing the account's person deletes the message (a reset link is as good as a password).
            user_id=user_id,
        )


class MFAAdapter(DefaultMFAAdapter):
    """TOTP secrets and recovery-code seeds are encrypted with the field keys: allauth keeps
    them in clear by default, and whoever reads them can produce the second factor."""

    def encrypt(self, text: str) -> str:
        return encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt(encrypted_text)  # a secret stored before this adapter reads as it is
