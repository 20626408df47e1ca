"""A forgotten password: a link by e-mail to set a new one, which also signs in.

Asking answers the same, as fast, whether or not an account has the address: the
mail is written and sent by a thread of its own after the answer, so neither the
answer nor the mail server's pace names an account. The link carries Django's
password-reset token, which hashes the password it replaces and the time it was
made: it works once, for settings.PASSWORD_RESET_TIMEOUT seconds. It points at
settings.PUBLIC_URL, never at the request's Host header (which the sender chooses),
and carries its token in the fragment, which browsers send to no server, so it
stays out of access logs and Referer headers (as invite links do).
"""

import logging
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from ninja import Router, Status

from toolkit.errors import ApiError, wait_in_words
from toolkit.log_lines import log_event

from . import sessions, throttling
from .models import User
from .passwords import check_strength
from .schemas import PasswordResetConfirmIn, PasswordResetIn, PasswordResetOut, TokensOut

router = Router(tags=["auth"])

# One thread per process: a slow or unreachable mail server holds it, never a request.
mailer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="password-reset-mail")

ASKED = "If an account has that address, a link to set a new password is on its way"
INVALID_LINK = "This reset link is invalid or has expired"
SUBJECT = "Set a new Marginalia password"
BODY = """Someone, probably you, asked to set a new password for the Marginalia account {username}.

Follow this link to choose it (the link works once, within {lifetime}):

{link}

If it was not you, ignore this mail: your password stays as it is.
"""


@router.post("/password-reset", response={202: PasswordResetOut})
def ask_for_reset(request, payload: PasswordResetIn):
    """Mails a link to set a new password to the account with this address, if there
    is an active one; the answer is the same either way."""
    throttling.before_password_reset(request, payload.email)
    user = User.objects.filter(email__iexact=payload.email, is_active=True).first()
    if user is not None:
        mailer.submit(_mail_link, user)
    return Status(202, {"message": ASKED})


def _link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"{settings.PUBLIC_URL}/reset/#{uid}.{default_token_generator.make_token(user)}"


def _mail_link(user: User) -> None:
    body = BODY.format(
        username=user.username,
        link=_link(user),
        lifetime=wait_in_words(settings.PASSWORD_RESET_TIMEOUT),
    )
    try:
        send_mail(SUBJECT, body, None, [user.email])
    except Exception as exc:  # noqa: BLE001 (no one reads this thread's futures: the last stop)
        # The class only: SMTP errors quote the recipient's address.
        log_event(
            "password_reset_mail_failed",
            logging.WARNING,
            user_id=user.pk,
            reason=type(exc).__name__,
        )
        return
    log_event("password_reset_mailed", user_id=user.pk)


@router.post("/password-reset/confirm", response=TokensOut)
def confirm_reset(request, payload: PasswordResetConfirmIn):
    """Sets the new password a reset link was sent for, which ends every login
    (sessions.py), and signs in: the answer carries a new login's tokens."""
    throttling.before_token_check(request)
    with transaction.atomic():
        user = _user_of_link(payload.uid, payload.token)
        check_strength(payload.new_password, user)  # a weak one leaves the link usable
        user.set_password(payload.new_password)
        user.save(update_fields=["password"])
    log_event("password_reset", user_id=user.pk)
    return sessions.start(user, sessions.browser_of(request))


def _user_of_link(uid: str, token: str) -> User:
    """The active user the link was made for, locked until the new password is saved,
    so the same link used twice at once sets one password; 400 for any other link."""
    try:
        digits = urlsafe_base64_decode(uid).decode("ascii")
    except ValueError as exc:  # not base64, or not text (UnicodeDecodeError is one)
        raise ApiError(400, INVALID_LINK) from exc
    # Plain digits that fit a primary key: int() would also take signs, spaces,
    # underscores and other scripts' digits, and the database refuses larger numbers.
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 18:
        raise ApiError(400, INVALID_LINK)
    user = User.objects.select_for_update().filter(pk=int(digits), is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token):
        raise ApiError(400, INVALID_LINK)
    return user
