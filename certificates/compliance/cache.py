"""Keep computed compliance in memory until the data it was computed from changes.

A dashboard over 10,000 people reads some 200,000 rows and evaluates 40,000 standings per day
asked, thirteen days for the trend. Those answers only change when a fact behind them does, so
each process keeps them under the database's *data version*: one row in ``compliance_state``
that every transaction touching a compliance fact bumps as its last statement, so the number
and the data commit together. A page pays one small query to read it.

The same transaction writes whose facts it changed to ``compliance_changes`` (the person of
each changed assignment, certificate, enrolment, staff period or waiver; "anyone" for a rule, a
version requirement or a bulk statement it cannot attribute). A process whose facts are a few
versions old re-reads only those people and patches its answers; only "anyone" makes it read
everything again.

Most changes cannot alter a day already past: a certificate issued today, an assignment ended
today, a waiver starting today. Those move ``version`` only. Rule edits, version requirements,
deletions, rows dated before today and bulk SQL with values it cannot read also move
``history``, which is what the trend's past points are kept under. Writes that bypass the
session entirely are caught by a time limit (``HR_CACHE_SECONDS``, 15 minutes) and by
``flask hr refresh``.
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
from certificates.compliance.models import ComplianceChange, ComplianceState

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


# Where a changed row says whose facts it is: the person's id column, or a row to look up.
PERSON_COLUMN = {
    "assignments": "user_id",
    "certificates": "user_id",
    "enrollments": "user_id",
    "staff_periods": "user_id",
    "users": "id",
}
PEOPLE, ROWS, EVERYONE = "compliance_people", "compliance_rows", "compliance_everyone"


def _note_person(session: Session, obj) -> None:
    table = obj.__tablename__
    if table in PERSON_COLUMN:
        session.info.setdefault(PEOPLE, set()).add(getattr(obj, PERSON_COLUMN[table]))
    elif table == "waivers":
        session.info.setdefault(ROWS, set()).add(("assignments", obj.assignment_id))
    else:  # a rule or a version requirement: anyone may be concerned
        session.info[EVERYONE] = True


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
                _note_person(session, obj)
            if past:
                session.info[HISTORY] = True


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


def _row_id(statement) -> int | None:
    """The primary key a DML statement's WHERE names with ``id = <value>``, if it does."""
    where = getattr(statement, "whereclause", None)
    if where is None:
        return None
    clauses = getattr(where, "clauses", None) or [where]
    for clause in clauses:
        left, right = getattr(clause, "left", None), getattr(clause, "right", None)
        if (
            getattr(left, "key", None) == "id"
            and getattr(getattr(clause, "operator", None), "__name__", "") == "eq"
            and hasattr(right, "value")
        ):
            return right.value
    return None


def _do_orm_execute(state) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) not in WATCHED:
        return
    info = state.session.info
    info[CHANGED] = True
    values = None if state.is_delete else _statement_values(state)
    if values is None or table.name in ALWAYS_HISTORY or any(map(_before_today, values)):
        info[HISTORY] = True
    row_id = None if state.is_insert else _row_id(state.statement)
    if row_id is not None and table.name in PERSON_COLUMN:
        info.setdefault(ROWS, set()).add((table.name, row_id))
    else:
        info[EVERYONE] = True  # whose rows a bulk statement touched is not known here


def _people(session: Session) -> set[int] | None:
    """Whose facts this transaction changed (None: possibly anyone's)."""
    if session.info.pop(EVERYONE, False):
        session.info.pop(PEOPLE, None)
        session.info.pop(ROWS, None)
        return None
    people = set(session.info.pop(PEOPLE, set()))
    rows = session.info.pop(ROWS, set())
    by_table: dict[str, set[int]] = {}
    for table, row_id in rows:
        by_table.setdefault(table, set()).add(row_id)
    for table, ids in by_table.items():
        if table == "users":
            people |= ids
            continue
        model_table = db.metadata.tables[table]
        column = model_table.c[PERSON_COLUMN.get(table, "user_id")]
        people |= set(session.execute(select(column).where(model_table.c.id.in_(ids))).scalars())
    people.discard(None)
    return people


def _before_commit(session: Session) -> None:
    session.flush()  # so that the last changes are classified too
    changed, past = session.info.pop(CHANGED, False), session.info.pop(HISTORY, False)
    if changed or past:
        bump(session, history=past, people=_people(session))


def listen() -> None:
    """Watch every session for changes to compliance facts (once per process)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "do_orm_execute", _do_orm_execute)
        # Flags are not cleared on rollback: at worst the next commit bumps once too often.
        event.listen(Session, "before_commit", _before_commit)


MAX_PEOPLE_PER_CHANGE = 500  # beyond this, "everyone" is cheaper to record and to apply
KEEP_VERSIONS = 5000  # change rows older than this many versions are pruned


def bump(
    session: Session | None = None, history: bool = False, people: set[int] | None = None
) -> None:
    """Move the data version on and record whose facts changed (``people``; None: anyone's).

    It runs inside ``session``'s transaction (or in one of its own). The first bump of a
    database also gives it a random token, so that two databases (a test's and the next one's)
    never share cached answers.
    """
    if session is None:
        bump(db.session, history, people)
        db.session.commit()
        return
    values = {"version": ComplianceState.version + 1}
    if history:
        values["history"] = ComplianceState.history + 1
    statement = (
        update(ComplianceState)
        .where(ComplianceState.id == 1)
        .values(**values)
        .returning(ComplianceState.version)
    )
    version = session.execute(statement).scalar()
    if version is None:
        try:
            with session.begin_nested():
                session.execute(
                    ComplianceState.__table__.insert().values(
                        id=1, version=1, history=1, token=secrets.token_hex(16)
                    )
                )
            version = 1
        except IntegrityError:  # another transaction created it first: count this change too
            version = session.execute(statement).scalar()
    if people is None or len(people) > MAX_PEOPLE_PER_CHANGE:
        rows = [{"version": version, "user_id": None}]
    else:
        rows = [{"version": version, "user_id": uid} for uid in sorted(people)]
    if rows:
        session.execute(ComplianceChange.__table__.insert(), rows)
    if version % 100 == 0:
        session.execute(
            ComplianceChange.__table__.delete().where(
                ComplianceChange.version < version - KEEP_VERSIONS
            )
        )


def changed_people(since: int, until: int) -> set[int] | None:
    """Whose facts changed after version ``since`` up to ``until`` (None: anyone's, or unknown)."""
    if until - since > KEEP_VERSIONS // 2:
        return None
    rows = db.session.execute(
        select(ComplianceChange.version, ComplianceChange.user_id).where(
            ComplianceChange.version > since, ComplianceChange.version <= until
        )
    ).all()
    if any(uid is None for _v, uid in rows) or len({v for v, _u in rows}) < until - since:
        return None  # "everyone", or a version whose changes were pruned or never recorded
    return {uid for _v, uid in rows}


def stamp() -> tuple[str, int, int] | None:
    """This database's token, data version and history version (None: never changed yet)."""
    row = db.session.execute(
        select(ComplianceState.token, ComplianceState.version, ComplianceState.history).where(
            ComplianceState.id == 1
        )
    ).first()
    return tuple(row) if row else None


def cached(
    key: tuple,
    compute: Callable[[], object],
    version: tuple | None,
    seconds: int | None = None,
    upgrade: Callable[[tuple, object], object] | None = None,
):
    """``compute()``'s answer for ``key``, reused while ``version`` and the time limit hold.

    ``version`` is what the answer depends on, e.g. ``(token, "v", data version)``; None (a
    database that never changed) means: compute, keep nothing. When the kept answer is for an
    older version of the same database, ``upgrade(old version, old answer)`` may bring it up to
    date more cheaply than ``compute()``; it returns None when it cannot.
    """
    if version is None:
        return compute()
    limit = seconds if seconds is not None else current_app.config.get("HR_CACHE_SECONDS", 900)
    now = time.monotonic()
    with _lock:
        entry = _entries.get(key)
        if entry is not None and now - entry[1] < limit:
            _entries.move_to_end(key)
            if entry[0] == version:
                return entry[2]
        else:
            entry = None
    value = None
    if entry is not None and upgrade is not None and entry[0][:2] == version[:2]:
        value = upgrade(entry[0], entry[2])
        stored_at = entry[1]  # an upgraded answer keeps its age: the time limit still bites
    if value is None:
        value, stored_at = compute(), now
    with _lock:
        _entries[key] = (version, stored_at, value)
        _entries.move_to_end(key)
        same_kind = [k for k in _entries if k[0] == key[0]]
        for old in same_kind[: max(0, len(same_kind) - LIMITS.get(key[0], 8))]:
            del _entries[old]
    return value


def clear() -> None:
    """Forget everything computed here (``flask hr refresh`` also bumps both versions)."""
    with _lock:
        _entries.clear()
