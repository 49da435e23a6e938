"""Password policy: long enough, not too long, and not easy to guess (zxcvbn)."""

from flask import current_app
from zxcvbn import zxcvbn

from app.i18n import _

MAX_LENGTH = 128


def password_problems(password: str, user_inputs: list[str] | None = None) -> list[str]:
    """Return the reasons ``password`` is refused (empty when it is acceptable).

    ``user_inputs`` (e-mail, name) count as easy to guess for this user.
    """
    problems = []
    min_length = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < min_length:
        problems.append(
            _(
                "Use at least %(count)d characters; a short phrase is easy to remember.",
                count=min_length,
            )
        )
    if len(password) > MAX_LENGTH:
        problems.append(_("Use at most %(count)d characters.", count=MAX_LENGTH))
    if problems:
        return problems
    inputs = [part for value in (user_inputs or []) for part in _parts(value)]
    if any(part and part.lower() in password.lower() for part in inputs if len(part) >= 4):
        problems.append(_("Do not use your name or e-mail address in the password."))
    # zxcvbn looks only at the first 100 characters; that is plenty to judge strength.
    if (
        zxcvbn(password[:100], user_inputs=inputs)["score"]
        < current_app.config["PASSWORD_MIN_STRENGTH"]
    ):
        problems.append(
            _(
                "This password is too easy to guess. Add more words or mix in unusual ones; "
                "avoid common words, dates and keyboard patterns."
            )
        )
    return problems


def _parts(value: str) -> list[str]:
    """Split an e-mail or a name into the words someone might reuse in a password."""
    value = (value or "").lower().replace("@", " ").replace(".", " ").replace("-", " ")
    return [part for part in value.split() if part]
