"""Read-only API: certificates (scope ``certificates``)."""

from flask import jsonify
from sqlalchemy import select

from app.api.core import (
    ApiError,
    api_blueprint,
    choice_param,
    int_param,
    iso,
    page_of_query,
    register_paths,
    str_param,
    token_offices,
    token_required,
)
from app.api.openapi import item_operation, list_operation, nullable
from app.auth.models import User
from app.db import utcnow
from app.extensions import db
from app.i18n import _
from certificates import services
from certificates.models import Certificate

bp = api_blueprint("certificates_api", __name__)
STATES = ("valid", "expiring", "expired", "revoked", "superseded")


def certificate_json(cert: Certificate, now=None) -> dict:
    """A certificate as the API shows it."""
    return {
        "serial": cert.serial,
        "verification_code": cert.code,
        "person_id": cert.user_id,
        "holder_name": cert.holder_name,
        "course": cert.course_code,
        "version": cert.version_label,
        "hours": cert.hours,
        "issued_at": iso(cert.issued_at),
        "expires_at": iso(cert.expires_at),
        "status": services.status_of(cert, now),
        "revoked_at": iso(cert.revoked_at),
        "superseded_by": cert.superseded_by.serial if cert.superseded_by_id else None,
        "verification_url": services.public_url("certificates.verify_code", code=cert.code),
    }


def _visible(query):
    offices = token_offices()
    if offices is not None:
        query = query.join(User, User.id == Certificate.user_id).where(User.office_id.in_(offices))
    return query


@bp.get("/certificates")
@token_required("certificates")
def certificates():
    """Certificates, filtered by person, course and status; newest first."""
    query = _visible(select(Certificate).where(Certificate.serial.is_not(None)))
    person = int_param("person_id")
    if person is not None:
        query = query.where(Certificate.user_id == person)
    course = str_param("course", 20)
    if course:
        query = query.where(Certificate.course_code == course)
    status = choice_param("status", STATES)
    now = utcnow()
    if status:
        query = query.where(Certificate.status_is(status, now, services.expiring_days()))
    query = query.order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    return page_of_query(query, lambda c: certificate_json(c, now))


@bp.get("/certificates/<string(maxlength=20):serial>")
@token_required("certificates")
def certificate(serial: str):
    """One certificate by serial number."""
    cert = db.session.scalar(_visible(select(Certificate).where(Certificate.serial == serial)))
    if cert is None:
        raise ApiError(404, _("No such certificate."))
    return jsonify(certificate_json(cert))


register_paths(
    {
        "/certificates": list_operation(
            "Certificates",
            "Certificate",
            "certificates",
            "certificates",
            [
                {
                    "name": "person_id",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647},
                },
                {
                    "name": "course",
                    "in": "query",
                    "required": False,
                    "description": "Course code, e.g. DH-101",
                    "schema": {"type": "string", "maxLength": 20},
                },
                {
                    "name": "status",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "enum": list(STATES)},
                },
            ],
        ),
        "/certificates/{serial}": item_operation(
            "One certificate",
            "Certificate",
            "certificates",
            "certificates",
            {
                "name": "serial",
                "in": "path",
                "required": True,
                "schema": {"type": "string", "minLength": 1, "maxLength": 20},
            },
        ),
    },
    {
        "Certificate": {
            "type": "object",
            "required": ["serial", "person_id", "course", "issued_at", "expires_at", "status"],
            "properties": {
                "serial": {"type": "string"},
                "verification_code": {"type": "string"},
                "person_id": {"type": "integer"},
                "holder_name": {"type": "string"},
                "course": {"type": "string"},
                "version": {"type": "string"},
                "hours": {"type": "number"},
                "issued_at": {"type": "string", "format": "date-time"},
                "expires_at": {"type": "string", "format": "date-time"},
                "status": {"type": "string", "enum": list(STATES)},
                "revoked_at": nullable("string", format="date-time"),
                "superseded_by": nullable("string"),
                "verification_url": {"type": "string"},
            },
        }
    },
)
