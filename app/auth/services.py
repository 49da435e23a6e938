"""Account rules: creating and updating users, logging in, locking, and password resets."""

import hashlib
import hmac
import time
from datetime import date, timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from limits import RateLimitItemPerMinute
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.security import check_password_hash, generate_password_hash

from app.audit import record_event
from app.auth.models import Office, Position, StaffPeriod, User
from app.db import utcnow
from app.errors import DomainError
from app.extensions import db, limiter
from app.i18n import _l, lazy_ngettext
from app.mail import send_templated_email
from app.security import Role

RESET_SALT = "aula-password-reset"


class LoginFailed(DomainError):
    """Wrong e-mail or password (never says which)."""

    message = _l("The e-mail address or the password is not correct.")


class AccountInactive(DomainError):
    """The account was deactivated."""

    message = _l("This account has been deactivated. Ask your administrator to reactivate it.")


class AccountLocked(DomainError):
    """Too many wrong passwords in a row."""

    def __init__(self, minutes: int):
        self.minutes = minutes
        super().__init__(
            lazy_ngettext(
                "This account is locked for %(num)d minute after too many failed attempts. "
                "Wait and try again, or reset your password.",
                "This account is locked for %(num)d minutes after too many failed attempts. "
                "Wait and try again, or reset your password.",
                minutes,
            )
        )


class EmailTaken(DomainError):
    """Another account already uses the e-mail address."""

    message = _l("Another account already uses this e-mail address.")


class SelfLockout(DomainError):
    """An administrator tried to remove their own access."""

    message = _l("You cannot deactivate your own account or remove your own administrator role.")


def normalise_email(email: str) -> str:
    """Lower-case and trim an e-mail address (addresses are unique case-insensitively)."""
    return (email or "").strip().lower()


def load_user(session_id: str) -> User | None:
    """Flask-Login loader: "<id>:<session version>" of an active user, else None."""
    user_id, _sep, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or user.session_version != int(version):
        return None
    return user


def find_user_by_email(email: str) -> User | None:
    """Return the user with this e-mail address, if any."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def hash_password(password: str) -> str:
    """Hash with the configured Werkzeug method (scrypt by default; tests use a faster one)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def create_user(
    *,
    email: str,
    display_name: str,
    password: str | None,
    roles: set[Role],
    language: str = "es",
    office: Office | None = None,
    position: Position | None = None,
    hire_date: date | None = None,
    source: str = "web",
) -> User:
    """Add a user; with no password the account gets an unusable one until it is reset.

    :raises EmailTaken: when the address is already in use.
    """
    email = normalise_email(email)
    if find_user_by_email(email) is not None:
        raise EmailTaken()
    user = User(
        email=email,
        display_name=display_name.strip(),
        password_hash=hash_password(password) if password else "!unusable",
        language=language,
        office=office,
        position=position,
        hire_date=hire_date,
        is_active=True,
        password_changed_at=utcnow() if password else None,
    )
    user.set_roles(roles or {Role.LEARNER})
    db.session.add(user)
    db.session.flush()
    record_event(
        "user.created", target=user, roles=sorted(r.value for r in user.roles), source=source
    )
    record_staff_change(user, on=hire_date if hire_date and hire_date <= today() else None)
    return user


STAFF_FIELDS = ("office", "office_id", "position", "position_id", "is_active")


def today() -> date:
    """Today's date (UTC), the unit of staff history and compliance."""
    return utcnow().date()


def record_staff_change(user: User, on: date | None = None) -> None:
    """Close the person's current staff period and open one for their office and position.

    Sends ``staff_changed`` so that other packages (training requirements) follow the move.
    """
    from flask import current_app

    from app.signals import staff_changed

    day = on or today()
    current = db.session.scalar(
        select(StaffPeriod).where(StaffPeriod.user_id == user.id, StaffPeriod.ended_on.is_(None))
    )
    if current is not None:
        if current.started_on >= day:
            db.session.delete(current)  # changed again the same day: keep only the last state
            db.session.flush()
        else:
            current.ended_on = day
    db.session.add(
        StaffPeriod(
            user_id=user.id,
            office_id=user.office_id if user.office is None else user.office.id,
            position_id=user.position_id if user.position is None else user.position.id,
            is_active=user.is_active,
            started_on=day,
        )
    )
    db.session.flush()
    staff_changed.send(current_app._get_current_object(), user=user)


def update_user(user: User, actor: User | None, **fields) -> None:
    """Change profile, office, position, roles and active flag; records what changed.

    ``actor`` is None for commands run on the server (e.g. a staff import from the CLI).

    :raises SelfLockout: when ``actor`` would deactivate themself or drop their admin role.
    """
    roles = fields.pop("roles", None)
    if (
        actor is not None
        and user.id == actor.id
        and (fields.get("is_active") is False or (roles is not None and Role.ADMIN not in roles))
    ):
        raise SelfLockout()
    if "email" in fields:
        fields["email"] = normalise_email(fields["email"])
        other = find_user_by_email(fields["email"])
        if other is not None and other.id != user.id:
            raise EmailTaken()
    changed = {}
    for name, value in fields.items():
        before = getattr(user, name)
        if before != value:
            changed[name] = [_plain(before), _plain(value)]
            setattr(user, name, value)
    if roles is not None and set(roles) != user.roles:
        changed["roles"] = [sorted(r.value for r in user.roles), sorted(r.value for r in roles)]
        user.set_roles(set(roles))
    if fields.get("is_active") is False:
        user.session_version += 1
    if changed:
        record_event("user.updated", target=user, changes=changed)
    if any(name in changed for name in STAFF_FIELDS):
        record_staff_change(user)


def _plain(value):
    """Make a value JSON-friendly for the audit log."""
    if hasattr(value, "code"):
        return value.code
    if isinstance(value, date):
        return value.isoformat()
    return value


def authenticate(email: str, password: str) -> User:
    """Check credentials, counting failures and locking the account after too many.

    Unknown addresses are counted too (in the rate-limit store) and answer exactly like real
    ones, lock included, so the responses never tell which addresses have an account.
    :raises LoginFailed, AccountLocked, AccountInactive:
    """
    user = find_user_by_email(email)
    if user is None:
        # Spend the same time as a real check so response times do not reveal accounts.
        check_password_hash(_DUMMY_HASH, password)
        record_event("auth.login_failed", email=normalise_email(email)[:254], reason="unknown")
        _count_unknown_failure(normalise_email(email))
        raise LoginFailed()
    now = utcnow()
    if user.locked_until is not None and user.locked_until > now:
        record_event("auth.login_refused", actor=user, target=user, reason="locked")
        raise AccountLocked(_minutes_left(user.locked_until - now))
    if not check_password_hash(user.password_hash, password):
        register_password_failure(user, reason="password")
        raise LoginFailed()
    if not user.is_active:
        record_event("auth.login_refused", actor=user, target=user, reason="inactive")
        raise AccountInactive()
    user.failed_login_count = 0
    user.locked_until = None
    user.previous_login_at = user.last_login_at
    user.last_login_at = now
    record_event("auth.login", actor=user, target=user)
    return user


_DUMMY_HASH = generate_password_hash("aula-consular-timing-equaliser")


def register_password_failure(user: User, *, reason: str) -> None:
    """Count a wrong password atomically; lock the account when the limit is reached.

    :raises AccountLocked: when this failure locks the account.
    """
    count = db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(failed_login_count=User.failed_login_count + 1)
        .returning(User.failed_login_count),
        execution_options={"synchronize_session": False},
    ).scalar_one()
    set_committed_value(user, "failed_login_count", count)
    record_event(
        "auth.login_failed" if reason == "password" else "auth.password_check_failed",
        actor=user,
        target=user,
        reason=reason,
        failures=count,
    )
    if count >= current_app.config["LOGIN_MAX_FAILURES"]:
        minutes = current_app.config["LOGIN_LOCK_MINUTES"]
        user.locked_until = utcnow() + timedelta(minutes=minutes)
        user.failed_login_count = 0
        record_event("auth.account_locked", actor=user, target=user, minutes=minutes)
        raise AccountLocked(minutes)


def _unknown_limit() -> tuple[FixedWindowRateLimiter, RateLimitItemPerMinute]:
    config = current_app.config
    item = RateLimitItemPerMinute(config["LOGIN_MAX_FAILURES"] - 1, config["LOGIN_LOCK_MINUTES"])
    return FixedWindowRateLimiter(limiter.storage), item


def _count_unknown_failure(email: str) -> None:
    """Mirror the account lock for an address with no account.

    :raises AccountLocked: once the same number of failures would have locked a real account.
    """
    strategy, item = _unknown_limit()
    # Namespaced like Flask-Limiter's own keys, so a shared Redis keeps installations apart.
    keys = (current_app.config.get("RATELIMIT_KEY_PREFIX") or "aula", "login-unknown", email)
    if not strategy.hit(item, *keys):
        reset_at = strategy.get_window_stats(item, *keys).reset_time
        raise AccountLocked(_minutes_left(timedelta(seconds=reset_at - time.time())))


def _minutes_left(delta: timedelta) -> int:
    return max(1, -(-int(delta.total_seconds()) // 60))


def unlock_user(user: User) -> None:
    """Clear a temporary lock."""
    user.locked_until = None
    user.failed_login_count = 0
    record_event("user.unlocked", target=user)


def change_password(user: User, new_password: str, *, reason: str) -> None:
    """Set a new password and sign out the user's other sessions."""
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    user.session_version += 1
    user.failed_login_count = 0
    user.locked_until = None
    record_event("auth.password_changed", actor=user, target=user, reason=reason)


def verify_password(user: User, password: str) -> bool:
    """True when ``password`` is the user's current password."""
    return check_password_hash(user.password_hash, password)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _fingerprint(user: User) -> str:
    # Changes whenever the password or the e-mail address does, so a used or outdated link
    # stops working; an HMAC, so the link reveals nothing about the stored hash.
    key = current_app.config["SECRET_KEY"].encode()
    message = f"{user.password_hash}|{user.email}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def make_reset_token(user: User) -> str:
    """Return a signed, expiring, single-use password-reset token for ``user``."""
    return _serializer().dumps({"uid": user.id, "fp": _fingerprint(user)})


def user_for_reset_token(token: str) -> User | None:
    """Return the user a valid token belongs to, or None if tampered, expired or used."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
        return None
    user = db.session.get(User, data["uid"])
    if user is None or not user.is_active or data.get("fp") != _fingerprint(user):
        return None
    return user


def request_password_reset(email: str, reset_url_for) -> None:
    """E-mail a reset link if an active account uses ``email``; silent otherwise.

    ``reset_url_for(token)`` builds the absolute link (the view knows the host).
    """
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        record_event("auth.reset_requested", email=normalise_email(email)[:254], known=False)
        return
    sent = send_password_link(user, reset_url_for, template="reset_password")
    record_event("auth.reset_requested", actor=user, target=user, known=True, sent=sent)


def send_password_link(user: User, reset_url_for, *, template: str) -> bool:
    """Send a reset or account-setup e-mail with a fresh token; False if sending failed.

    A mail failure is logged and audited, never raised: the page must not reveal it.
    """
    subjects = {
        "reset_password": _l("Reset your Aula Consular password"),
        "account_created": _l("Your Aula Consular account"),
    }
    try:
        send_templated_email(
            user.email,
            user.language,
            template,
            subjects[template],
            user=user,
            link=reset_url_for(make_reset_token(user)),
            hours=current_app.config["PASSWORD_RESET_MAX_AGE"] // 3600,
        )
    except Exception:  # noqa: BLE001 - SMTP, DNS, disk: any failure is handled the same way
        current_app.logger.exception("could not send %s e-mail to user %s", template, user.id)
        record_event("mail.failed", target=user, template=template)
        return False
    return True
