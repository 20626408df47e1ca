"""Abuse limits on signing up, logging in and resetting a password.

Sign-ups count per client address. Requests for a reset link count per address
and per e-mail address given (known or not, so a refusal names no account); using
a reset link counts as a login attempt from its address. Logins count per address (every attempt)
and per account, in tiers that make the wait grow with the failures: after 5
in a minute the account waits up to a minute, after 10 in 15 minutes up to 15
minutes, and so on (settings.RATE_LIMITS). Each attempt is counted before the
password is checked, atomically, so parallel guesses cannot all slip through
before the first failure is known; a successful login forgets the count. An
unknown login is counted exactly like a known account, so the limits reveal no
more than the answers do.
"""

import hashlib

from toolkit.rate_limits import Limit, client_address

SIGNUPS_PER_IP = Limit("signups_per_ip", "Too many sign-ups from this address")
LOGINS_PER_IP = Limit("logins_per_ip", "Too many login attempts from this address")
LOGIN_FAILURES_PER_ACCOUNT = Limit(
    "login_failures_per_account", "Too many failed logins for this account"
)
PASSWORD_RESETS_PER_IP = Limit(
    "password_resets_per_ip", "Too many password resets asked from this address"
)
PASSWORD_RESETS_PER_EMAIL = Limit(
    "password_resets_per_email", "Too many password resets asked for this e-mail address"
)


def _digest(text: str) -> str:
    """Keeps e-mail addresses and logins out of Redis keys."""
    return hashlib.sha256(text.lower().encode()).hexdigest()[:32]


def account_key(user, login: str) -> str:
    """The account's own id, so its username and its email share one count; an
    unknown login by a digest, which keeps emails out of Redis keys."""
    if user is not None:
        return f"user:{user.pk}"
    return "login:" + _digest(login)


def before_signup(request) -> None:
    SIGNUPS_PER_IP.hit(client_address(request))


def before_login(request, account: str) -> None:
    """Count the attempt; 429 before any password is hashed when the address or
    the account must wait."""
    LOGINS_PER_IP.hit(client_address(request))
    LOGIN_FAILURES_PER_ACCOUNT.hit(account)


def before_token_check(request) -> None:
    """Signing out and using a reset link check a token as a login checks a
    password: the same count."""
    LOGINS_PER_IP.hit(client_address(request))


def before_password_reset(request, email: str) -> None:
    """Count a request for a reset link, whether or not an account has the address."""
    PASSWORD_RESETS_PER_IP.hit(client_address(request))
    PASSWORD_RESETS_PER_EMAIL.hit("email:" + _digest(email))


def login_succeeded(account: str) -> None:
    """The person who knows the password is not kept waiting by earlier failures."""
    LOGIN_FAILURES_PER_ACCOUNT.clear(account)


def current_password_confirmed(request, user, password: str) -> bool:
    """Whether a signed-in user's password is `password`, counted as a login attempt:
    a copied access token guessing the password (to change it, or the e-mail address
    a reset would go to) meets the same limits as a guess at the login form."""
    account = account_key(user, user.username)
    before_login(request, account)
    if not user.check_password(password):
        return False
    login_succeeded(account)
    return True
