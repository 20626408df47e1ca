import logging

from django.db import IntegrityError, transaction
from django.db.models import Q
from ninja import Router, Status

from realtime_core import tokens
from toolkit.errors import ApiError
from toolkit.log_lines import log_event

from . import sessions, throttling
from .auth import jwt_auth
from .models import User
from .passwords import check_strength
from .schemas import LoginIn, LogoutIn, PasswordChangeIn, RefreshIn, SignupIn, TokensOut
from .usernames import look_alike_keys

router = Router(tags=["auth"])


@router.post("/signup", response={201: TokensOut})
def signup(request, payload: SignupIn):
    throttling.before_signup(request)
    email = payload.email.lower()
    # The same name has the same keys: one query answers both "taken" and "looks like".
    folded, cased = look_alike_keys(payload.username)
    existing = (
        User.objects.filter(Q(username_folded_key=folded) | Q(username_cased_key=cased))
        .values_list("username", flat=True)
        .first()
    )
    if existing == payload.username:
        raise ApiError(409, "That username is taken")
    if existing is not None:
        raise ApiError(409, "That username looks like one already taken; choose another")
    if User.objects.filter(email__iexact=email).exists():
        raise ApiError(409, "An account with that email already exists")
    candidate = User(username=payload.username, email=email)
    check_strength(payload.password, candidate)
    candidate.set_password(payload.password)
    try:
        with transaction.atomic():
            candidate.save()
    except IntegrityError as exc:  # lost a race with an identical signup
        raise ApiError(409, "That username or email is taken") from exc
    log_event("user_signed_up", user_id=candidate.id)
    return Status(201, sessions.start(candidate, sessions.browser_of(request)))


def _password_matches(user: User | None, password: str) -> bool:
    if user is None:
        # Hash the password all the same, as Django's ModelBackend does: an unknown
        # login then takes as long as a wrong password, and timing names no account.
        User().set_password(password)
        return False
    return user.check_password(password)


@router.post("/login", response=TokensOut)
def login(request, payload: LoginIn):
    user = User.objects.filter(
        Q(username__iexact=payload.login) | Q(email__iexact=payload.login), is_active=True
    ).first()
    account = throttling.account_key(user, payload.login)
    throttling.before_login(request, account)
    if not _password_matches(user, payload.password):
        # Neither the login given nor the password: both can be personal.
        log_event("login_failed", logging.WARNING, user_id=user.id if user else None)
        raise ApiError(401, "Wrong username, email or password")
    throttling.login_succeeded(account)
    log_event("login", user_id=user.id)
    return sessions.start(user, sessions.browser_of(request))


@router.post("/refresh", response=TokensOut)
def refresh(request, payload: RefreshIn):
    """New access and refresh tokens; the refresh token sent is used up. Sending a
    used one again revokes every refresh token of its login."""
    try:
        renewed = sessions.rotate(payload.refresh)
    except sessions.RefreshRefused as exc:
        raise _refused(exc) from exc
    log_event("tokens_refreshed", user_id=renewed["user"].id)
    return renewed


def _refused(exc: sessions.RefreshRefused) -> ApiError:
    log_event("refresh_failed", logging.WARNING, reason=exc.reason, user_id=exc.user_id)
    return ApiError(401, str(exc))


@router.post("/logout", response={204: None})
def logout(request, payload: LogoutIn):
    """Ends the login of the refresh token sent (or, without one, of the bearer access
    token), or with `all` every login of its user: their tokens are refused at once.
    Only a live login ends them all: a refresh token of an ended one (stolen, and since
    signed out or replaced by a new password) must not sign its owner out for days."""
    if payload.refresh is not None:
        # Counted as a password guess would be: a refresh token is a secret sent here.
        # A bearer token is checked without counting, so that nobody sharing the
        # address can keep a person from signing out.
        throttling.before_token_check(request)
        try:
            _, user_id, login_id = sessions.refresh_claims(payload.refresh)
        except sessions.RefreshRefused as exc:
            raise _refused(exc) from exc
        if payload.all and not sessions.is_live(user_id, login_id):
            raise ApiError(401, "This login has ended; sign in to sign out everywhere")
    else:
        token = tokens.bearer(request.headers.get("Authorization"))
        if token is None:
            raise ApiError(401, "Send the refresh token, or an access token as a bearer")
        user_id = jwt_auth.authenticate(request, token).id
        login_id = request.login_id
    if payload.all:
        sessions.end_all(user_id)
    else:
        sessions.end(user_id, login_id)
    log_event("logged_out", user_id=user_id, everywhere=payload.all)
    return Status(204, None)


@router.post("/password", response=TokensOut, auth=jwt_auth)
def change_password(request, payload: PasswordChangeIn):
    """Sets a new password and ends every login, this one included: the answer carries
    the tokens of a new one."""
    user = request.auth
    if not throttling.current_password_confirmed(request, user, payload.current_password):
        log_event("password_change_refused", logging.WARNING, user_id=user.id)
        raise ApiError(403, "The current password is wrong")
    check_strength(payload.new_password, user)
    user.set_password(payload.new_password)
    user.save(update_fields=["password"])  # ends every login (sessions.py)
    log_event("password_changed", user_id=user.id)
    return sessions.start(user, sessions.browser_of(request))
