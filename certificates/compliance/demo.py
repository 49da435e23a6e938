"""Demo compliance data for `make run`: rules, fictional staff and a year and a half of history.

Loaded by ``flask seed --demo`` (through the core's ``demo_seeded`` signal) once the shipped
courses are synced, and only into a database without training requirements, so it never mixes
with real data. Every person here is fictional; e-mails use the reserved ``ejemplo.hn`` domain.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from app.auth import services as auth_services
from app.auth.models import Office, Position, User
from app.extensions import db
from app.security import Role
from certificates import services as certificate_services
from certificates.compliance import services
from certificates.compliance.models import Assignment, Requirement
from courses.models import Course, Enrollment

# (course code, position code or None, office code or None, days to comply)
RULES = (
    ("DH-101", "oficial-proteccion", None, 60),
    ("DOC-101", "oficial-proteccion", None, 90),
    ("HN-101", "consul", None, 60),
    ("MX-101", None, "tapachula", 45),
)


@dataclass(frozen=True)
class Person:
    """A fictional staff member and what they did: ``done`` maps course code → days ago."""

    email: str
    name: str
    office: str
    position: str
    hired_days_ago: int
    done: tuple[tuple[str, int], ...] = ()
    enrolled: tuple[str, ...] = ()
    manager: bool = False
    waived: tuple[str, ...] = ()


STAFF = (
    Person(
        "consul.tapachula@ejemplo.hn",
        "Rosa Elvir",
        "tapachula",
        "consul",
        900,
        (("HN-101", 200), ("MX-101", 330)),
        manager=True,
    ),
    Person(
        "oficial1.tapachula@ejemplo.hn",
        "Carlos Funes",
        "tapachula",
        "oficial-proteccion",
        700,
        (("DH-101", 400), ("DOC-101", 380), ("MX-101", 100)),
    ),
    Person(
        "oficial2.tapachula@ejemplo.hn",
        "Daniela Banegas",
        "tapachula",
        "oficial-proteccion",
        120,
        (("DH-101", 60),),
        enrolled=("DOC-101",),
    ),
    Person("asistente.tapachula@ejemplo.hn", "Kevin Matute", "tapachula", "asistente-consular", 20),
    Person(
        "consul.veracruz@ejemplo.hn",
        "Óscar Lanza",
        "veracruz",
        "consul",
        1000,
        (("HN-101", 750),),
        manager=True,
    ),
    Person(
        "oficial.veracruz@ejemplo.hn",
        "Gabriela Pineda",
        "veracruz",
        "oficial-proteccion",
        800,
        (("DH-101", 710), ("DOC-101", 300)),
    ),
    Person(
        "oficial.saltillo@ejemplo.hn",
        "Wilmer Cruz",
        "saltillo",
        "oficial-proteccion",
        100,
        waived=("DOC-101",),
    ),
    Person(
        "consul.saltillo@ejemplo.hn",
        "Iris Mejía",
        "saltillo",
        "consul",
        600,
        (("HN-101", 500),),
        manager=True,
    ),
    Person("oficial.tenosique@ejemplo.hn", "Marlon Zúniga", "tenosique", "oficial-proteccion", 30),
    Person(
        "oficial.acayucan@ejemplo.hn",
        "Sofía Aguilar",
        "acayucan",
        "oficial-proteccion",
        500,
        (("DH-101", 450), ("DOC-101", 440)),
    ),
)


def _at(days_ago: int) -> datetime:
    day = services.today() - timedelta(days=days_ago)
    return datetime.combine(day, time(15, 0), UTC)


def load_demo() -> bool:
    """Create the demo rules, people and history; False when there is nothing to do."""
    if db.session.scalar(select(Requirement.id)) is not None:
        return False
    courses = {c.code: c for c in db.session.scalars(select(Course))}
    if not all(code in courses for code, *_rest in RULES):
        return False  # the shipped courses are not synced (e.g. a bare test database)
    offices = {o.code: o for o in db.session.scalars(select(Office))}
    positions = {p.code: p for p in db.session.scalars(select(Position))}
    hr = db.session.scalar(select(User).where(User.email == "rrhh@ejemplo.hn"))
    start = services.today() - timedelta(days=1200)
    for code, position, office, days in RULES:
        services.save_requirement(
            None,
            hr,
            course_id=courses[code].id,
            position_id=positions[position].id if position else None,
            office_id=offices[office].id if office else None,
            due_within_days=days,
            starts_on=start,
            renewal_months=None,
            note=None,
        )
    for person in STAFF:
        if auth_services.find_user_by_email(person.email) is not None:
            continue
        hired = services.today() - timedelta(days=person.hired_days_ago)
        user = auth_services.create_user(
            email=person.email,
            display_name=person.name,
            password=None,
            roles={Role.LEARNER},
            office=offices[person.office],
            position=positions[person.position],
            hire_date=hired,
            source="demo",
        )
        # History: the assignments applied from the day the person joined.
        for assignment in db.session.scalars(
            select(Assignment).where(Assignment.user_id == user.id)
        ):
            assignment.started_on = max(hired, start)
        for code, days_ago in person.done:
            course = courses[code]
            enrollment = Enrollment(
                user_id=user.id,
                course_id=course.id,
                course_version_id=course.current_version_id,
                enrolled_at=_at(days_ago + 5),
                completed_at=_at(days_ago),
            )
            db.session.add(enrollment)
            db.session.flush()
            certificate_services.issue_for_completion(enrollment, user)
        for code in person.enrolled:
            course = courses[code]
            db.session.add(
                Enrollment(
                    user_id=user.id,
                    course_id=course.id,
                    course_version_id=course.current_version_id,
                    enrolled_at=_at(3),
                )
            )
        for code in person.waived:
            assignment = db.session.scalar(
                select(Assignment).where(
                    Assignment.user_id == user.id, Assignment.course_id == courses[code].id
                )
            )
            services.grant_waiver(
                assignment,
                hr,
                "Incapacidad médica (demostración).",
                services.today() + timedelta(days=60),
            )
        if person.manager:
            offices[person.office].manager = user
    db.session.flush()
    return True


def on_demo_seeded(sender, **extra) -> bool:
    """Receiver for the core's ``demo_seeded``."""
    return load_demo()
