"""Where a person stands on one training requirement on a given day. Pure: plain data in.

Statuses: ``waived``, ``certified``, ``due_soon`` (a certificate about to lapse, or a first
deadline close), ``expired`` (held one, none in force now), ``overdue`` (deadline passed and
never certified, or an old version no longer counts), ``completed`` (finished, no certificate in
force), ``in_progress`` and ``not_started``. Compliant means certified, waived, or due soon
while still holding a certificate in force.
"""

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

STATUSES = (
    "certified",
    "waived",
    "due_soon",
    "in_progress",
    "not_started",
    "completed",
    "overdue",
    "expired",
)


class CertFact(NamedTuple):
    """A certificate as far as compliance cares (a tuple: tens of thousands are read at once)."""

    serial: str
    issued_on: date
    expires_on: date  # from the course's validity
    version: int  # course version number it was earned on
    revoked_on: date | None = None


class EnrollFact(NamedTuple):
    """An enrolment: when it started and, if so, finished."""

    enrolled_on: date
    completed_on: date | None = None


@dataclass(frozen=True)
class WaiverFact:
    """An exemption from the requirement."""

    starts_on: date
    expires_on: date | None = None
    revoked_on: date | None = None

    def covers(self, day: date) -> bool:
        """True when the waiver is in force on ``day``."""
        return (
            self.starts_on <= day
            and (self.expires_on is None or day < self.expires_on)
            and (self.revoked_on is None or day < self.revoked_on)
        )


@dataclass(frozen=True)
class VersionRule:
    """From ``required_by`` on, only certificates of version ``min_version`` or later count."""

    min_version: int
    required_by: date


@dataclass(frozen=True)
class Standing:
    """Where a person stands: status, compliance, the deadline and the certificate in force."""

    status: str
    compliant: bool
    due_on: date
    valid_until: date | None = None
    serial: str | None = None


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (clamped to the month's last day)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def standing(
    day: date,
    due_on: date,
    *,
    certificates: Iterable[CertFact] = (),
    enrollments: Iterable[EnrollFact] = (),
    waivers: Iterable[WaiverFact] = (),
    renewal_months: int | None = None,
    version_rule: VersionRule | None = None,
    window_days: int = 30,
) -> Standing:
    """Where a person stands on ``day`` for a requirement due on ``due_on``."""
    if any(w.covers(day) for w in waivers):
        return Standing("waived", True, due_on)
    held = [
        c
        for c in certificates
        if c.issued_on <= day and (c.revoked_on is None or day < c.revoked_on)
    ]
    outdated = False
    if version_rule is not None and day >= version_rule.required_by:
        counting = [c for c in held if c.version >= version_rule.min_version]
        outdated = bool(held) and not counting
        held = counting

    def until(cert: CertFact) -> date:
        return add_months(cert.issued_on, renewal_months) if renewal_months else cert.expires_on

    in_force = [c for c in held if day < until(c)]
    if in_force:
        best = max(in_force, key=until)
        end = until(best)
        status = "due_soon" if (end - day).days <= window_days else "certified"
        return Standing(status, True, due_on, end, best.serial)
    if outdated:
        return Standing("overdue", False, due_on)
    if held:
        latest = max(held, key=until)
        return Standing("expired", False, due_on, until(latest), latest.serial)
    if day > due_on:
        return Standing("overdue", False, due_on)
    started = [e for e in enrollments if e.enrolled_on <= day]
    if any(e.completed_on is not None and e.completed_on <= day for e in started):
        return Standing("completed", False, due_on)
    if started:
        return Standing("in_progress", False, due_on)
    if (due_on - day).days <= window_days:
        return Standing("due_soon", False, due_on)
    return Standing("not_started", False, due_on)
