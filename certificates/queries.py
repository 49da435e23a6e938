"""Read side: a person's certificates, the HR register with filters, bulk selections."""

from collections.abc import Iterator

from sqlalchemy import Select, select

from app.auth.models import User
from app.extensions import db
from certificates.models import Certificate


def mine(user) -> list[Certificate]:
    """The person's certificates, newest first."""
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.user_id == user.id)
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        )
    )


def by_serial(serial: str) -> Certificate | None:
    """A certificate by its serial number."""
    return db.session.scalar(select(Certificate).where(Certificate.serial == serial))


def _filtered(office_id: int | None, course_id: int | None) -> Select:
    query = select(Certificate).join(User, User.id == Certificate.user_id)
    if office_id:
        query = query.where(User.office_id == office_id)
    if course_id:
        query = query.where(Certificate.course_id == course_id)
    return query


def register(office_id: int | None, course_id: int | None) -> list[Certificate]:
    """Certificates for the HR register, newest first (status is filtered by the caller)."""
    return list(
        db.session.scalars(
            _filtered(office_id, course_id).order_by(
                Certificate.issued_at.desc(), Certificate.id.desc()
            )
        )
    )


def for_bundle(office_id: int | None, course_id: int | None) -> Iterator[Certificate]:
    """Certificates for a ZIP, streamed from the database in batches."""
    query = _filtered(office_id, course_id).order_by(Certificate.id)
    yield from db.session.scalars(query.execution_options(yield_per=100))
