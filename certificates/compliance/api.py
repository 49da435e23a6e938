"""Read-only API: requirements, assignments and compliance on any day (scope ``compliance``).

Compliance rows come from the same ``rows_on`` as the dashboard and the exports, so the three
always agree.
"""

from sqlalchemy import select

from app.api.core import (
    ApiError,
    api_blueprint,
    bool_param,
    choice_param,
    date_param,
    int_param,
    iso,
    page_of_list,
    page_of_query,
    register_paths,
    str_param,
    token_offices,
    token_required,
)
from app.api.openapi import list_operation, nullable
from app.auth.models import Office, Position, User
from app.extensions import db
from app.i18n import _
from certificates.compliance import queries, services
from certificates.compliance.models import Assignment, Requirement
from certificates.compliance.rules import STATUSES
from courses.models import Course

bp = api_blueprint("compliance_api", __name__)


NO_MATCH = 0  # ids start at 1: an unknown code filters everything out


def _course_id(code: str | None) -> int | None:
    if not code:
        return None
    return db.session.scalar(select(Course.id).where(Course.code == code[:20])) or NO_MATCH


def _office_id(code: str | None) -> int | None:
    if not code:
        return None
    return db.session.scalar(select(Office.id).where(Office.code == code[:40])) or NO_MATCH


@bp.get("/requirements")
@token_required("compliance")
def requirements():
    """Training requirements (rules), active and retired."""
    courses, offices, positions = (
        queries.codes(Course),
        queries.codes(Office),
        queries.codes(Position),
    )
    query = select(Requirement).order_by(Requirement.id)
    active = bool_param("active")
    if active is not None:
        query = query.where(
            Requirement.retired_at.is_(None) if active else Requirement.retired_at.is_not(None)
        )

    def as_json(rule: Requirement) -> dict:
        return {
            "id": rule.id,
            "course": courses.get(rule.course_id),
            "position": positions.get(rule.position_id),
            "office": offices.get(rule.office_id),
            "due_within_days": rule.due_within_days,
            "starts_on": iso(rule.starts_on),
            "renewal_months": rule.renewal_months,
            "active": rule.retired_at is None,
            "retired_at": iso(rule.retired_at),
        }

    return page_of_query(query, as_json)


@bp.get("/assignments")
@token_required("compliance")
def assignments():
    """Assignments (from rules or by hand), filtered by person, course and whether open."""
    courses = queries.codes(Course)
    query = select(Assignment).order_by(Assignment.id)
    offices = token_offices()
    if offices is not None:
        query = query.join(User, User.id == Assignment.user_id).where(User.office_id.in_(offices))
    person = int_param("person_id")
    if person is not None:
        query = query.where(Assignment.user_id == person)
    course_id = _course_id(str_param("course", 20))
    if course_id is not None:
        query = query.where(Assignment.course_id == course_id)
    is_open = bool_param("open")
    if is_open is not None:
        query = query.where(
            Assignment.ended_on.is_(None) if is_open else Assignment.ended_on.is_not(None)
        )

    def as_json(a: Assignment) -> dict:
        return {
            "id": a.id,
            "person_id": a.user_id,
            "course": courses.get(a.course_id),
            "requirement_id": a.requirement_id,
            "source": a.source,
            "due_on": iso(a.due_on),
            "started_on": iso(a.started_on),
            "ended_on": iso(a.ended_on),
            "end_reason": a.end_reason,
        }

    return page_of_query(query, as_json)


@bp.get("/compliance")
@token_required("compliance")
def compliance():
    """Where each person stood on each assignment on a day (default today), from history."""
    day = date_param("date") or services.today()
    offices = token_offices()
    office_id = _office_id(str_param("office", 40))
    if office_id is not None:
        if offices is not None and office_id not in offices and office_id != NO_MATCH:
            raise ApiError(403, _("This token may not read that office."))
        offices = {office_id}
    course_id = _course_id(str_param("course", 20))
    person = int_param("person_id")
    status = choice_param("status", STATUSES)
    if NO_MATCH in (course_id, office_id):
        rows = []
    elif person is None and course_id is None:
        rows = list(queries.cached_rows(queries.snapshot(), day, offices))
    else:
        facts = queries.load_facts(user_id=person, course_id=course_id)
        rows = queries.rows_on(day, facts, offices)
    if status:
        rows = [r for r in rows if r.standing.status == status]
    rows.sort(key=lambda r: (r.user_id, r.course_id, r.assignment_id))
    compliant = sum(1 for r in rows if r.standing.compliant)
    courses, office_codes, positions = (
        queries.codes(Course),
        queries.codes(Office),
        queries.codes(Position),
    )

    def as_json(row: queries.Row) -> dict:
        return {
            "person_id": row.user_id,
            "name": row.name,
            "office": office_codes.get(row.office_id),
            "position": positions.get(row.position_id),
            "course": courses.get(row.course_id),
            "assignment_id": row.assignment_id,
            "requirement_id": row.requirement_id,
            "status": row.standing.status,
            "compliant": row.standing.compliant,
            "due_on": iso(row.standing.due_on),
            "valid_until": iso(row.standing.valid_until),
            "certificate": row.standing.serial,
        }

    summary = {
        "date": day.isoformat(),
        "assignments": len(rows),
        "compliant": compliant,
        "percent": round(100 * compliant / len(rows), 1) if rows else 100.0,
    }
    return page_of_list(rows, as_json, summary)


COURSE = {
    "name": "course",
    "in": "query",
    "required": False,
    "description": "Course code, e.g. DH-101",
    "schema": {"type": "string", "maxLength": 20},
}
PERSON = {
    "name": "person_id",
    "in": "query",
    "required": False,
    "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647},
}
register_paths(
    {
        "/requirements": list_operation(
            "Training requirements",
            "Requirement",
            "compliance",
            "compliance",
            [{"name": "active", "in": "query", "required": False, "schema": {"type": "boolean"}}],
        ),
        "/assignments": list_operation(
            "Assignments",
            "Assignment",
            "compliance",
            "compliance",
            [
                PERSON,
                COURSE,
                {"name": "open", "in": "query", "required": False, "schema": {"type": "boolean"}},
            ],
        ),
        "/compliance": list_operation(
            "Compliance on a day",
            "ComplianceRow",
            "compliance",
            "compliance",
            [
                {
                    "name": "date",
                    "in": "query",
                    "required": False,
                    "description": "Day to answer for (default today), from history",
                    "schema": {"type": "string", "format": "date"},
                },
                {
                    "name": "office",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "maxLength": 40},
                },
                COURSE,
                PERSON,
                {
                    "name": "status",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "enum": list(STATUSES)},
                },
            ],
        ),
    },
    {
        "Requirement": {
            "type": "object",
            "required": ["id", "course", "due_within_days", "starts_on", "active"],
            "properties": {
                "id": {"type": "integer"},
                "course": nullable("string"),
                "position": nullable("string"),
                "office": nullable("string"),
                "due_within_days": {"type": "integer"},
                "starts_on": {"type": "string", "format": "date"},
                "renewal_months": nullable("integer"),
                "active": {"type": "boolean"},
                "retired_at": nullable("string", format="date-time"),
            },
        },
        "Assignment": {
            "type": "object",
            "required": ["id", "person_id", "course", "source", "due_on", "started_on"],
            "properties": {
                "id": {"type": "integer"},
                "person_id": {"type": "integer"},
                "course": nullable("string"),
                "requirement_id": nullable("integer"),
                "source": {"type": "string", "enum": ["rule", "manual"]},
                "due_on": {"type": "string", "format": "date"},
                "started_on": {"type": "string", "format": "date"},
                "ended_on": nullable("string", format="date"),
                "end_reason": nullable("string"),
            },
        },
        "ComplianceRow": {
            "type": "object",
            "required": ["person_id", "course", "assignment_id", "status", "compliant", "due_on"],
            "properties": {
                "person_id": {"type": "integer"},
                "name": {"type": "string"},
                "office": nullable("string"),
                "position": nullable("string"),
                "course": nullable("string"),
                "assignment_id": {"type": "integer"},
                "requirement_id": nullable("integer"),
                "status": {"type": "string", "enum": list(STATUSES)},
                "compliant": {"type": "boolean"},
                "due_on": {"type": "string", "format": "date"},
                "valid_until": nullable("string", format="date"),
                "certificate": nullable("string"),
            },
        },
    },
)
