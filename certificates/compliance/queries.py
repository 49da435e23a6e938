"""Compliance on any day, from history: who had to hold what, who held it, who was due.

Facts (assignments, staff periods, certificates, enrolments, waivers, version rules) are read
once per question with a handful of queries, then every standing is computed in memory with
the pure rules; a trend reuses the same facts for each of its days.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from sqlalchemy import Date, cast, func, select

from app.auth.models import HrOfficeScope, Office, Position, StaffPeriod, User
from app.extensions import db
from certificates.compliance.models import (
    Assignment,
    ReminderSent,
    Requirement,
    VersionRequirement,
    Waiver,
)
from certificates.compliance.rules import (
    CertFact,
    EnrollFact,
    Standing,
    VersionRule,
    WaiverFact,
    standing,
)
from certificates.models import Certificate
from courses.models import Course, CourseVersion, Enrollment

WINDOW_DAYS = 30


@dataclass(frozen=True)
class Row:
    """One person and one assignment, with where they stood on the day asked."""

    user_id: int
    name: str
    email: str
    office_id: int | None
    position_id: int | None
    assignment_id: int
    course_id: int
    requirement_id: int | None
    standing: Standing


class AssignmentFact(NamedTuple):
    """An assignment as compliance needs it (plain data: tens of thousands are read at once)."""

    id: int
    user_id: int
    course_id: int
    requirement_id: int | None
    due_on: date
    started_on: date
    ended_on: date | None

    def in_force(self, day: date) -> bool:
        """True when the assignment applies on ``day``."""
        return self.started_on <= day and (self.ended_on is None or day < self.ended_on)


class PersonFact(NamedTuple):
    """A person's name, address and current office and position."""

    display_name: str
    email: str
    office_id: int | None
    position_id: int | None


class PeriodFact(NamedTuple):
    """A stretch of time in one office and position."""

    started_on: date
    ended_on: date | None
    office_id: int | None
    position_id: int | None


@dataclass
class Facts:
    """Everything needed to compute standings on any day, for a set of people."""

    assignments: list[AssignmentFact] = field(default_factory=list)
    periods: dict[int, list[PeriodFact]] = field(default_factory=dict)
    users: dict[int, PersonFact] = field(default_factory=dict)
    certificates: dict[tuple[int, int], list[CertFact]] = field(default_factory=dict)
    enrollments: dict[tuple[int, int], list[EnrollFact]] = field(default_factory=dict)
    waivers: dict[int, list[WaiverFact]] = field(default_factory=dict)
    version_rules: dict[int, list[VersionRule]] = field(default_factory=dict)
    renewal: dict[int, int | None] = field(default_factory=dict)


def hr_scope(user) -> set[int] | None:
    """The offices an HR user is limited to (None: all offices)."""
    rows = set(
        db.session.scalars(select(HrOfficeScope.office_id).where(HrOfficeScope.user_id == user.id))
    )
    return rows or None


def utc_day(column):
    """The UTC calendar day of a timestamp column, computed by the database.

    Reading 150,000 timestamps through the UTC type decorator and then taking ``.date()`` costs
    a second in Python; the database does it for free.
    """
    if db.engine.dialect.name == "postgresql":
        return cast(func.timezone("UTC", column), Date)
    return func.date(column, type_=Date)  # SQLite stores UTC text


def load_facts(
    user_id: int | None = None, course_id: int | None = None, user_ids: set[int] | None = None
) -> Facts:
    """Read the history once (optionally for one person or one course).

    Rows come straight from the connection, fetched whole (no ORM objects, no row-by-row
    fetching), and become named tuples: reading an attribute of a database row is ten times
    slower, and the trend reads each fact thirteen times. Certificates and enrolments are
    grouped by (person, course), waivers by assignment.
    """
    facts = Facts()
    conn = db.session.connection()
    query = select(
        Assignment.id,
        Assignment.user_id,
        Assignment.course_id,
        Assignment.requirement_id,
        Assignment.due_on,
        Assignment.started_on,
        Assignment.ended_on,
    ).order_by(Assignment.id)
    if user_id is not None:
        user_ids = {user_id}
    if user_ids is not None:
        query = query.where(Assignment.user_id.in_(user_ids))
    if course_id is not None:
        query = query.where(Assignment.course_id == course_id)
    facts.assignments = [AssignmentFact(*row) for row in conn.execute(query).all()]
    if not facts.assignments:
        return facts
    wanted = user_ids
    user_ids = {a.user_id for a in facts.assignments}
    course_ids = {a.course_id for a in facts.assignments}

    def for_people(query, column):
        return query.where(column.in_(wanted)) if wanted is not None else query

    people = for_people(
        select(User.id, User.display_name, User.email, User.office_id, User.position_id),
        User.id,
    )
    facts.users = {
        uid: PersonFact(*rest) for uid, *rest in conn.execute(people).all() if uid in user_ids
    }
    periods = for_people(
        select(
            StaffPeriod.user_id,
            StaffPeriod.started_on,
            StaffPeriod.ended_on,
            StaffPeriod.office_id,
            StaffPeriod.position_id,
        ).order_by(StaffPeriod.started_on, StaffPeriod.id),
        StaffPeriod.user_id,
    )
    by_user: dict[int, list[PeriodFact]] = defaultdict(list)
    for uid, *rest in conn.execute(periods).all():
        if uid in user_ids:
            by_user[uid].append(PeriodFact(*rest))
    facts.periods = dict(by_user)
    certs = for_people(
        select(
            Certificate.user_id,
            Certificate.course_id,
            Certificate.serial,
            utc_day(Certificate.issued_at).label("issued_on"),
            utc_day(Certificate.expires_at).label("expires_on"),
            CourseVersion.number.label("version"),
            utc_day(Certificate.revoked_at).label("revoked_on"),
        )
        .join(CourseVersion, CourseVersion.id == Certificate.course_version_id)
        .where(Certificate.course_id.in_(course_ids)),
        Certificate.user_id,
    )
    by_pair: dict[tuple[int, int], list[CertFact]] = defaultdict(list)
    for uid, cid, *rest in conn.execute(certs).all():
        if uid in user_ids:
            by_pair[(uid, cid)].append(CertFact(*rest))
    facts.certificates = dict(by_pair)
    enrollments = for_people(
        select(
            Enrollment.user_id,
            Enrollment.course_id,
            utc_day(Enrollment.enrolled_at).label("enrolled_on"),
            utc_day(Enrollment.completed_at).label("completed_on"),
        ).where(Enrollment.course_id.in_(course_ids)),
        Enrollment.user_id,
    )
    by_enrol: dict[tuple[int, int], list[EnrollFact]] = defaultdict(list)
    for uid, cid, *rest in conn.execute(enrollments).all():
        if uid in user_ids:
            by_enrol[(uid, cid)].append(EnrollFact(*rest))
    facts.enrollments = dict(by_enrol)
    assignment_ids = {a.id for a in facts.assignments}
    by_assignment: dict[int, list[WaiverFact]] = defaultdict(list)
    for aid, starts, expires, revoked in conn.execute(
        select(Waiver.assignment_id, Waiver.starts_on, Waiver.expires_on, Waiver.revoked_on)
    ).all():
        if aid in assignment_ids:
            by_assignment[aid].append(WaiverFact(starts, expires, revoked))
    facts.waivers = dict(by_assignment)
    by_course: dict[int, list[VersionRule]] = defaultdict(list)
    for cid, minimum, required_by in conn.execute(
        select(
            VersionRequirement.course_id,
            VersionRequirement.min_version,
            VersionRequirement.required_by,
        ).where(VersionRequirement.withdrawn_at.is_(None))
    ).all():
        by_course[cid].append(VersionRule(minimum, required_by))
    facts.version_rules = dict(by_course)
    facts.renewal = dict(conn.execute(select(Requirement.id, Requirement.renewal_months)).all())
    return facts


def _period_on(periods: list[PeriodFact], day: date) -> PeriodFact | None:
    for period in reversed(periods):
        if period.started_on <= day and (period.ended_on is None or day < period.ended_on):
            return period
    return None


def _version_rule(rules: list[VersionRule], day: date) -> VersionRule | None:
    due = [r for r in rules if r.required_by <= day]
    return max(due, key=lambda r: r.min_version) if due else None


def rows_on(day: date, facts: Facts, offices: set[int] | None = None) -> list[Row]:
    """Every assignment in force on ``day``, with where its person stood (HR scope applied)."""
    rows = []
    version_rules = {
        course_id: _version_rule(rules, day) for course_id, rules in facts.version_rules.items()
    }
    for assignment in facts.assignments:
        if not assignment.in_force(day):
            continue
        user = facts.users.get(assignment.user_id)
        period = _period_on(facts.periods.get(assignment.user_id, []), day)
        office_id = period.office_id if period else (user.office_id if user else None)
        position_id = period.position_id if period else (user.position_id if user else None)
        if offices is not None and office_id not in offices:
            continue
        pair = (assignment.user_id, assignment.course_id)
        result = standing(
            day,
            assignment.due_on,
            certificates=facts.certificates.get(pair, ()),
            enrollments=facts.enrollments.get(pair, ()),
            waivers=facts.waivers.get(assignment.id, ()),
            renewal_months=facts.renewal.get(assignment.requirement_id)
            if assignment.requirement_id
            else None,
            version_rule=version_rules.get(assignment.course_id),
            window_days=WINDOW_DAYS,
        )
        rows.append(
            Row(
                user_id=assignment.user_id,
                name=user.display_name if user else "?",
                email=user.email if user else "",
                office_id=office_id,
                position_id=position_id,
                assignment_id=assignment.id,
                course_id=assignment.course_id,
                requirement_id=assignment.requirement_id,
                standing=result,
            )
        )
    return rows


@dataclass
class Tally:
    """Counts by status for a group, and its compliance percentage."""

    key: int | None
    label: str
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    compliant: int = 0

    @property
    def total(self) -> int:
        """Assignments counted."""
        return sum(self.counts.values())

    @property
    def percent(self) -> float:
        """Compliance percentage (100 with nothing assigned)."""
        return round(100 * self.compliant / self.total, 1) if self.total else 100.0


def tally(rows: list[Row], key, labels: dict) -> list[Tally]:
    """Group rows by ``key(row)`` and count statuses and compliant assignments."""
    groups: dict = {}
    for row in rows:
        group_key = key(row)
        group = groups.get(group_key)
        if group is None:
            group = groups[group_key] = Tally(group_key, labels.get(group_key, "—"))
        group.counts[row.standing.status] += 1
        if row.standing.compliant:
            group.compliant += 1
    return sorted(groups.values(), key=lambda t: t.label)


def expiring(rows: list[Row], day: date, within: int) -> list[Row]:
    """Compliant rows whose certificate lapses within ``within`` days."""
    limit = day + timedelta(days=within)
    return [
        r
        for r in rows
        if r.standing.valid_until
        and day <= r.standing.valid_until <= limit
        and r.standing.compliant
        and r.standing.status != "waived"
    ]


def point(day: date, rows: list[Row]) -> tuple:
    """(day, compliance %, assignments) from the rows of that day."""
    compliant = sum(1 for r in rows if r.standing.compliant)
    return (day, round(100 * compliant / len(rows), 1) if rows else None, len(rows))


def trend(facts: Facts, days: list[date], offices: set[int] | None = None) -> list[tuple]:
    """(day, compliance %, assignments) for each of ``days``."""
    return [point(day, rows_on(day, facts, offices)) for day in days]


# --- Cached answers: reused until a compliance fact changes (see cache.py). ---


@dataclass
class Snapshot:
    """The facts as of one data version, and the stamp they were read under."""

    facts: Facts
    stamp: tuple | None

    @property
    def version(self) -> tuple | None:
        """What answers computed from these facts depend on."""
        return (self.stamp[0], "v", self.stamp[1]) if self.stamp else None

    @property
    def history(self) -> tuple | None:
        """What answers about days already past depend on."""
        return (self.stamp[0], "h", self.stamp[2]) if self.stamp else None


def patch_facts(old: Facts, people: set[int]) -> Facts:
    """``old`` with these people's facts read again (everyone else's are shared, not copied)."""
    fresh = load_facts(user_ids=people)
    waived = {a.id for a in old.assignments if a.user_id in people}
    return Facts(
        assignments=[a for a in old.assignments if a.user_id not in people] + fresh.assignments,
        periods={**{k: v for k, v in old.periods.items() if k not in people}, **fresh.periods},
        users={**{k: v for k, v in old.users.items() if k not in people}, **fresh.users},
        certificates={
            **{k: v for k, v in old.certificates.items() if k[0] not in people},
            **fresh.certificates,
        },
        enrollments={
            **{k: v for k, v in old.enrollments.items() if k[0] not in people},
            **fresh.enrollments,
        },
        waivers={**{k: v for k, v in old.waivers.items() if k not in waived}, **fresh.waivers},
        version_rules=fresh.version_rules if fresh.assignments else old.version_rules,
        renewal=fresh.renewal if fresh.assignments else old.renewal,
    )


def snapshot() -> Snapshot:
    """Every fact, read once per process and brought up to date person by person.

    After an ordinary change (someone completed a course, moved, was exempted) only the people
    the change log names are read again; after a rule change, or when the log cannot say, all.
    """
    from certificates.compliance import cache

    stamp = cache.stamp()
    version = (stamp[0], "v", stamp[1]) if stamp else None

    def upgrade(old_version: tuple, old: Facts) -> Facts | None:
        people = cache.changed_people(old_version[2], stamp[1])
        return patch_facts(old, people) if people is not None else None

    return Snapshot(cache.cached(("facts",), load_facts, version, upgrade=upgrade), stamp)


def _offices_key(offices: set[int] | None):
    return frozenset(offices) if offices is not None else None


def cached_rows(snap: Snapshot, day: date, offices: set[int] | None = None) -> list[Row]:
    """``rows_on`` for the snapshot: reused, and patched for the people a change concerned."""
    from certificates.compliance import cache

    def upgrade(old_version: tuple, old: list[Row]) -> list[Row] | None:
        people = cache.changed_people(old_version[2], snap.stamp[1])
        if people is None:
            return None
        theirs = Facts(
            assignments=[a for a in snap.facts.assignments if a.user_id in people],
            periods=snap.facts.periods,
            users=snap.facts.users,
            certificates=snap.facts.certificates,
            enrollments=snap.facts.enrollments,
            waivers=snap.facts.waivers,
            version_rules=snap.facts.version_rules,
            renewal=snap.facts.renewal,
        )
        return [r for r in old if r.user_id not in people] + rows_on(day, theirs, offices)

    return cache.cached(
        ("rows", day, _offices_key(offices)),
        lambda: rows_on(day, snap.facts, offices),
        snap.version,
        upgrade=upgrade,
    )


def cached_trend(
    snap: Snapshot, days: list[date], offices: set[int] | None, today: date, rows_today=None
) -> list[tuple]:
    """The trend; points for days already past are kept until history changes (hours)."""
    from certificates.compliance import cache

    points = []
    for day in days:
        if day == today and rows_today is not None:
            points.append(point(day, rows_today))
            continue
        past = day < today
        points.append(
            cache.cached(
                ("point", day, _offices_key(offices)),
                lambda day=day: point(day, rows_on(day, snap.facts, offices)),
                snap.history if past else snap.version,
                seconds=6 * 3600 if past else None,
            )
        )
    return points


def month_ends(day: date, months: int = 12) -> list[date]:
    """The last day of each of the ``months`` months before ``day``, then ``day``."""
    out, cursor = [], day.replace(day=1)
    for _ in range(months):
        cursor = cursor - timedelta(days=1)  # last day of the previous month
        out.append(cursor)
        cursor = cursor.replace(day=1)
    return [*reversed(out), day]


def office_labels() -> dict[int, str]:
    """Office names by id."""
    return dict(db.session.execute(select(Office.id, Office.name)).all())


def position_labels(locale: str) -> dict[int, str]:
    """Position names by id in ``locale``."""
    column = Position.name_en if str(locale).startswith("en") else Position.name_es
    return dict(db.session.execute(select(Position.id, column)).all())


def codes(model) -> dict[int, str]:
    """``code`` by id for a model that has one (courses, offices, positions)."""
    return dict(db.session.execute(select(model.id, model.code)).all())


def course_labels() -> dict[int, str]:
    """Course codes by id."""
    return codes(Course)


def requirements() -> list[Requirement]:
    """Every rule, active first."""
    return list(
        db.session.scalars(
            select(Requirement).order_by(Requirement.retired_at.is_not(None), Requirement.id)
        )
    )


def version_requirements() -> list[VersionRequirement]:
    """Version rules in force, newest first."""
    return list(
        db.session.scalars(
            select(VersionRequirement)
            .where(VersionRequirement.withdrawn_at.is_(None))
            .order_by(VersionRequirement.created_at.desc())
        )
    )


@dataclass
class AmendedCourse:
    """A course that cites a provision amended after some of its versions were published."""

    provision: object
    course: Course
    updated_version: int | None  # the first version published after the amendment
    holders: list[tuple[str, str, int]]  # (name, serial, version) certified on older versions


def amended_courses(locale: str) -> list[AmendedCourse]:
    """Courses citing amended provisions, and who holds a certificate that predates the change."""
    from app.legal import registry
    from courses.models import Lesson

    amended = {pid: p for pid, p in registry().provisions.items() if p.amended_on}
    if not amended:
        return []
    cited: dict[tuple[str, int], bool] = {}
    for course_id, refs in db.session.execute(
        select(CourseVersion.course_id, Lesson.legal_refs).join(
            Lesson, Lesson.course_version_id == CourseVersion.id
        )
    ):
        for ref in refs or []:
            if ref in amended:
                cited[(ref, course_id)] = True
    out = []
    for ref, course_id in sorted(cited):
        provision = amended[ref]
        course = db.session.get(Course, course_id)
        versions = sorted(course.versions, key=lambda v: v.number)
        after = [v.number for v in versions if v.created_at.date() >= provision.amended_on]
        old = {v.id: v.number for v in versions if v.created_at.date() < provision.amended_on}
        holders = [
            (cert.holder_name, cert.serial, old[cert.course_version_id])
            for cert in db.session.scalars(
                select(Certificate).where(
                    Certificate.course_id == course_id,
                    Certificate.course_version_id.in_(old),
                    Certificate.revoked_at.is_(None),
                    Certificate.superseded_by_id.is_(None),
                )
            )
        ]
        out.append(AmendedCourse(provision, course, after[0] if after else None, holders))
    return out


def reminders_for(user_id: int, limit: int = 50) -> list[tuple]:
    """Reminders sent about a person's assignments, newest first: (row, course id, recipient)."""
    return list(
        db.session.execute(
            select(ReminderSent, Assignment.course_id, User)
            .join(Assignment, Assignment.id == ReminderSent.assignment_id)
            .join(User, User.id == ReminderSent.recipient_id)
            .where(Assignment.user_id == user_id)
            .order_by(ReminderSent.sent_at.desc(), ReminderSent.id.desc())
            .limit(limit)
        ).all()
    )
