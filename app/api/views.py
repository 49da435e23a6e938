"""Blueprint "api": the OpenAPI document, people and offices (read-only)."""

from flask import jsonify, request
from sqlalchemy import select

from app.api.core import (
    ApiError,
    api_blueprint,
    bool_param,
    iso,
    page_of_query,
    register_paths,
    str_param,
    token_offices,
    token_required,
)
from app.api.openapi import document, item_operation, list_operation, nullable
from app.auth.models import Office, Position, User
from app.extensions import db
from app.i18n import _

bp = api_blueprint("api", __name__)


def person_json(user: User) -> dict:
    """A person as the API shows them."""
    return {
        "id": user.id,
        "email": user.email,
        "name": user.display_name,
        "office": user.office.code if user.office else None,
        "position": user.position.code if user.position else None,
        "language": user.language,
        "active": user.is_active,
        "hire_date": iso(user.hire_date),
    }


def office_json(office: Office) -> dict:
    """An office as the API shows it."""
    return {
        "id": office.id,
        "code": office.code,
        "name": office.name,
        "kind": office.kind,
        "city": office.city,
        "country": office.country,
        "timezone": office.timezone,
        "open": office.is_open,
        "manager_id": office.manager_id,
    }


def office_id_by_code(code: str | None) -> int | None:
    """The id of the office named in a query parameter (0, matching nothing, when unknown)."""
    if not code:
        return None
    return db.session.scalar(select(Office.id).where(Office.code == code[:40])) or 0


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3 document of this API (public: it describes, it reveals no data)."""
    return jsonify(document(request.host_url))


@bp.get("/people")
@token_required("people")
def people():
    """People, filtered by office, position and active flag."""
    query = select(User).order_by(User.id)
    offices = token_offices()
    if offices is not None:
        query = query.where(User.office_id.in_(offices))
    office_id = office_id_by_code(str_param("office", 40))
    if office_id is not None:
        query = query.where(User.office_id == office_id)
    position = str_param("position", 40)
    if position:
        query = query.join(Position, Position.id == User.position_id).where(
            Position.code == position
        )
    active = bool_param("active")
    if active is not None:
        query = query.where(User.is_active.is_(active))
    return page_of_query(query, person_json)


@bp.get("/people/<id:person_id>")
@token_required("people")
def person(person_id: int):
    """One person."""
    user = db.session.get(User, person_id)
    offices = token_offices()
    if user is None or (offices is not None and user.office_id not in offices):
        raise ApiError(404, _("No such person."))
    return jsonify(person_json(user))


@bp.get("/offices")
@token_required("people")
def offices():
    """Offices (open and closed)."""
    query = select(Office).order_by(Office.code)
    limited = token_offices()
    if limited is not None:
        query = query.where(Office.id.in_(limited))
    return page_of_query(query, office_json)


OFFICE_FILTER = {
    "name": "office",
    "in": "query",
    "required": False,
    "description": "Office code, e.g. tapachula",
    "schema": {"type": "string", "maxLength": 40},
}
register_paths(
    {
        "/people": list_operation(
            "People",
            "Person",
            "people",
            "people",
            [
                OFFICE_FILTER,
                {
                    "name": "position",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "maxLength": 40},
                },
                {"name": "active", "in": "query", "required": False, "schema": {"type": "boolean"}},
            ],
        ),
        "/people/{person_id}": item_operation(
            "One person",
            "Person",
            "people",
            "people",
            {
                "name": "person_id",
                "in": "path",
                "required": True,
                "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647},
            },
        ),
        "/offices": list_operation("Offices", "Office", "people", "people"),
    },
    {
        "Person": {
            "type": "object",
            "required": ["id", "email", "name", "office", "position", "language", "active"],
            "properties": {
                "id": {"type": "integer"},
                "email": {"type": "string"},
                "name": {"type": "string"},
                "office": nullable("string"),
                "position": nullable("string"),
                "language": {"type": "string", "enum": ["es", "en"]},
                "active": {"type": "boolean"},
                "hire_date": nullable("string", format="date"),
            },
        },
        "Office": {
            "type": "object",
            "required": ["id", "code", "name", "kind", "city", "country", "timezone", "open"],
            "properties": {
                "id": {"type": "integer"},
                "code": {"type": "string"},
                "name": {"type": "string"},
                "kind": {"type": "string", "enum": ["consulate", "directorate"]},
                "city": {"type": "string"},
                "country": {"type": "string"},
                "timezone": {"type": "string"},
                "open": {"type": "boolean"},
                "manager_id": nullable("integer"),
            },
        },
    },
)
