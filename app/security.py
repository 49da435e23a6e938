"""Roles, the role_required decorator and safe-redirect helpers."""

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from urllib.parse import urlsplit

from flask import abort
from flask_login import current_user, login_required

from app.i18n import _l


class Role(StrEnum):
    """The four roles; a user may hold several."""

    LEARNER = "learner"
    TRAINER = "trainer"
    HR = "hr"
    ADMIN = "admin"


ROLE_LABELS = {
    Role.LEARNER: _l("Learner"),
    Role.TRAINER: _l("Trainer"),
    Role.HR: _l("Human resources"),
    Role.ADMIN: _l("Administrator"),
}


def role_required(*roles: Role) -> Callable:
    """Let a view through only for a logged-in user holding at least one of ``roles``."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated or not current_user.has_any_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def is_safe_redirect(target: str | None) -> bool:
    """Accept only local paths ("/…", not "//host") as redirect targets."""
    if not target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and target.startswith("/") and "\\" not in target
