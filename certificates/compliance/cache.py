"""Keep computed compliance in memory until the data it was computed from changes.

A dashboard over 10,000 people reads some 200,000 rows and evaluates 40,000 standings per day
asked, thirteen days for the trend. Those answers only change when a fact behind them does, so
each process keeps them under the database's *data version*: one row in ``compliance_state``
that every transaction touching a compliance fact bumps as its last statement, so the number
and the data commit together. A page pays one small query to read it.

Most changes cannot alter a day already past: a certificate issued today, an assignment ended
today, a waiver starting today. Those move ``version`` only. Rule edits, version requirements,
deletions, rows dated before today and bulk SQL also move ``history``, which is what the
trend's past points are kept under. Writes that bypass the session entirely are caught by a
time limit (``HR_CACHE_SECONDS``) and by ``flask hr refresh``.
"""

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import date, datetime
from itertools import chain

from flask import current_app
from sqlalchemy import event, inspect, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db import utcnow
from app.extensions import db
from certificates.compliance.models import ComplianceState

# Table -> the columns whose change matters (any new or deleted row matters).
WATCHED = {
    "assignments": {"due_on", "started_on", "ended_on", "course_id", "user_id"},
    "waivers": {"starts_on", "expires_on", "revoked_on"},
    "requirements": {"renewal_months", "retired_at", "due_within_days", "starts_on"},
    "version_requirements": {"min_version", "required_by", "withdrawn_at"},
    "certificates": {"issued_at", "expires_at", "revoked_at", "course_version_id"},
    "enrollments": {"enrolled_at", "completed_at"},
    "staff_periods": {"started_on", "ended_on", "office_id", "position_id"},
    "users": {"display_name", "email", "office_id", "position_id", "is_active"},
}
ALWAYS_HISTORY = {"requirements", "version_requirements"}
CHANGED, HISTORY = "compliance_changed", "compliance_history_changed"

_lock = threading.Lock()
_entries: OrderedDict = OrderedDict()  # key -> (stamp, stored at, value)
# How many answers of each kind (a key's first element) a process keeps: a day's rows for
# 10,000 people weigh some 20 MB, a trend point a few bytes.
LIMITS = {"facts": 1, "rows": 6, "point": 400}


def _before_today(value) -> bool:
    today = utcnow().date()
    if isinstance(value, datetime):
        return value.date() < today
    return isinstance(value, date) and value < today


def _classify(obj, kind: str) -> tuple[bool, bool]:
    """(changes a fact, can alter a past day) for one flushed object."""
    table = getattr(obj, "__tablename__", "")
    columns = WATCHED.get(table)
    if columns is None:
        return False, False
    if kind == "deleted":
        return True, True
    if kind == "new":
        return True, table in ALWAYS_HISTORY or any(
            _before_today(getattr(obj, name, None)) for name in columns
        )
    state = inspect(obj)
    changed = past = False
    for name in columns:
        history = state.attrs[name].history if name in state.attrs else None
        if history is None or not history.has_changes():
            continue
        changed = True
        if table in ALWAYS_HISTORY or any(
            _before_today(v) for v in chain(history.added, history.deleted)
        ):
            past = True
    return changed, past


def _after_flush(session: Session, _context) -> None:
    for kind, objects in (
        ("new", session.new),
        ("dirty", session.dirty),
        ("deleted", session.deleted),
    ):
        for obj in objects:
            changed, past = _classify(obj, kind)
            if changed:
                session.info[CHANGED] = True
            if past:
                session.info[HISTORY] = True
                return


def _statement_values(state) -> list | None:
    """The values an INSERT or UPDATE writes, when they are plain values (else None)."""
    values = []
    for value in (getattr(state.statement, "_values", None) or {}).values():
        value = getattr(value, "value", value)  # a bound parameter's value
        if hasattr(value, "__clause_element__") or hasattr(value, "_compiler_dispatch"):
            return None  # an SQL expression: its date is unknown here
        values.append(value)
    params = state.parameters
    for row in params if isinstance(params, list) else [params or {}]:
        values.extend(row.values())
    return values


def _do_orm_execute(state) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) not in WATCHED:
        return
    state.session.info[CHANGED] = True
    values = None if state.is_delete else _statement_values(state)
    if values is None or table.name in ALWAYS_HISTORY or any(map(_before_today, values)):
        state.session.info[HISTORY] = True


def _before_commit(session: Session) -> None:
    session.flush()  # so that the last changes are classified too
    changed, past = session.info.pop(CHANGED, False), session.info.pop(HISTORY, False)
    if changed or past:
        bump(session, history=past)


def listen() -> None:
    """Watch every session for changes to compliance facts (once per process)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "do_orm_execute", _do_orm_execute)
        # Flags are not cleared on rollback: at worst the next commit bumps once too often.
        event.listen(Session, "before_commit", _before_commit)


def bump(session: Session | None = None, history: bool = False) -> None:
    """Move the data version on, inside ``session``'s transaction (or in one of its own).

    The first bump of a database also gives it a random token, so that two databases (a test's
    and the next one's) never share cached answers.
    """
    if session is None:
        bump(db.session, history)
        db.session.commit()
        return
    values = {"version": ComplianceState.version + 1}
    if history:
        values["history"] = ComplianceState.history + 1
    statement = update(ComplianceState).where(ComplianceState.id == 1).values(**values)
    if session.execute(statement).rowcount:
        return
    try:
        with session.begin_nested():
            session.execute(
                ComplianceState.__table__.insert().values(
                    id=1, version=1, history=1, token=secrets.token_hex(16)
                )
            )
    except IntegrityError:  # another transaction created it first: count this change too
        session.execute(statement)


def stamp() -> tuple[str, int, int] | None:
    """This database's token, data version and history version (None: never changed yet)."""
    row = db.session.execute(
        select(ComplianceState.token, ComplianceState.version, ComplianceState.history).where(
            ComplianceState.id == 1
        )
    ).first()
    return tuple(row) if row else None


def cached(
    key: tuple, compute: Callable[[], object], version: tuple | None, seconds: int | None = None
):
    """``compute()``'s answer for ``key``, reused while ``version`` and the time limit hold.

    ``version`` is what the answer depends on, e.g. ``(token, data version)``; None (a database
    that never changed) means: compute, keep nothing.
    """
    if version is None:
        return compute()
    limit = seconds if seconds is not None else current_app.config.get("HR_CACHE_SECONDS", 300)
    now = time.monotonic()
    with _lock:
        entry = _entries.get(key)
        if entry is not None and entry[0] == version and now - entry[1] < limit:
            _entries.move_to_end(key)
            return entry[2]
    value = compute()
    with _lock:
        _entries[key] = (version, now, value)
        _entries.move_to_end(key)
        same_kind = [k for k in _entries if k[0] == key[0]]
        for old in same_kind[: max(0, len(same_kind) - LIMITS.get(key[0], 8))]:
            del _entries[old]
    return value


def clear() -> None:
    """Forget everything computed here (``flask hr refresh`` also bumps both versions)."""
    with _lock:
        _entries.clear()
