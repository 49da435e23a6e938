"""Staff import from CSV: offices, positions and people, checked whole, then applied whole.

``plan()`` reads every file, validates every row against the database *and* the other rows
(an office created in one file may be used in another; an address may appear once), and says
what each row would do. ``apply()`` runs the plan in the caller's transaction only when no row
has an error: the import is all-or-nothing. People are never deleted: a row with
``activo = no`` (or, on request, anyone in the files' offices who is missing from them) is
deactivated, which ends their training assignments and keeps their history.

The kind of file is recognised by its header; Spanish and English column names are accepted.
Excel's CSV (semicolons, Windows-1252) is read as well as UTF-8 with commas.
"""

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select

from app.admin.forms import CODE_PATTERN, TIMEZONES
from app.admin.services import create_office, create_position, update_record
from app.audit import record_event
from app.auth import services as auth_services
from app.auth.models import Office, Position, User
from app.extensions import db
from app.i18n import _
from app.security import Role

MAX_ROWS = 20_000
COLUMNS = {
    "people": {
        "email": ("correo", "email", "correo electrónico", "e-mail"),
        "name": ("nombre", "name", "nombre completo"),
        "office": ("oficina", "office"),
        "position": ("puesto", "cargo", "position"),
        "language": ("idioma", "language"),
        "hire_date": ("fecha_ingreso", "fecha de ingreso", "hire_date", "hire date"),
        "active": ("activo", "active"),
        "roles": ("roles", "rol"),
    },
    "offices": {
        "code": ("codigo", "código", "code"),
        "name": ("nombre", "name"),
        "kind": ("tipo", "kind"),
        "city": ("ciudad", "city"),
        "country": ("pais", "país", "country"),
        "timezone": ("zona_horaria", "zona horaria", "timezone", "time zone"),
        "manager": ("jefatura", "manager", "jefe", "jefa"),
    },
    "positions": {
        "code": ("codigo", "código", "code"),
        "name_es": ("nombre_es", "nombre en español", "name_es"),
        "name_en": ("nombre_en", "nombre en inglés", "name_en"),
    },
}
REQUIRED = {
    "people": ("email",),
    "offices": ("code", "name"),
    "positions": ("code", "name_es"),
}
YES = {"si", "sí", "s", "yes", "y", "true", "1", "x", "activo", "active"}
NO = {"no", "n", "false", "0", "inactivo", "inactive", "baja"}
KINDS = {
    "consulate": "consulate",
    "consulado": "consulate",
    "directorate": "directorate",
    "dirección": "directorate",
    "direccion": "directorate",
}
COUNTRIES = {"MX", "HN", "US", "GT"}
TIMEZONE_NAMES = {tz for tz, _label in TIMEZONES}
IMPORTABLE_ROLES = {Role.LEARNER, Role.TRAINER, Role.HR}


@dataclass
class RowError:
    """Something wrong in one row (or in a whole file when ``line`` is 0)."""

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.column + ': ' if self.column else ''}{self.message}"


@dataclass
class RowPlan:
    """What one row will do: create, update (with the changes), deactivate, or nothing."""

    file: str
    line: int
    kind: str  # people, offices, positions
    key: str  # e-mail or code
    action: str = "unchanged"  # create, update, deactivate, unchanged
    changes: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)


@dataclass
class Plan:
    """The whole import: rows, errors, and who would be deactivated for being missing."""

    rows: list[RowPlan] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    missing: list[User] = field(default_factory=list)
    deactivate_missing: bool = False

    @property
    def ok(self) -> bool:
        """True when nothing is wrong: only then may the plan be applied."""
        return not self.errors

    def count(self, action: str) -> int:
        """Rows (and missing people) that would take ``action``."""
        extra = len(self.missing) if action == "deactivate" else 0
        return sum(1 for r in self.rows if r.action == action) + extra


@dataclass
class Source:
    """One uploaded or named file."""

    name: str
    data: bytes


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _normal(header: str) -> str:
    return re.sub(r"\s+", " ", (header or "").strip().lower().replace("-", "_"))


def _read(source: Source, errors: list[RowError]) -> tuple[str | None, list[tuple[int, dict]]]:
    """Recognise the file's kind and read its rows as {field: value} with their line numbers."""
    text = _decode(source.data)
    if not text.strip():
        errors.append(RowError(source.name, 0, "", _("The file is empty.")))
        return None, []
    first = text.splitlines()[0]
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [_normal(h) for h in next(reader)]
    except csv.Error as exc:
        errors.append(RowError(source.name, 1, "", _("Unreadable CSV: %(error)s", error=exc)))
        return None, []
    kind = None
    for candidate in ("people", "positions", "offices"):
        names = COLUMNS[candidate]
        if all(any(a in header for a in names[f]) for f in REQUIRED[candidate]):
            kind = candidate
            break
    if kind is None:
        errors.append(
            RowError(
                source.name,
                1,
                "",
                _(
                    "Unknown kind of file: people need a column 'correo'; offices, 'codigo' "
                    "and 'nombre'; positions, 'codigo' and 'nombre_es'."
                ),
            )
        )
        return None, []
    index = {}
    for name, aliases in COLUMNS[kind].items():
        for position, title in enumerate(header):
            if title in aliases:
                index[name] = position
                break
    known = {a for aliases in COLUMNS[kind].values() for a in aliases}
    for title in header:
        if title and title not in known:
            errors.append(
                RowError(source.name, 1, title, _("Unknown column; remove it or rename it."))
            )
    rows = []
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if len(rows) >= MAX_ROWS:
                errors.append(
                    RowError(
                        source.name,
                        reader.line_num,
                        "",
                        _("Too many rows: at most %(max)d per file.", max=MAX_ROWS),
                    )
                )
                break
            values = {
                name: (cells[pos].strip() if pos < len(cells) else "")
                for name, pos in index.items()
            }
            rows.append((reader.line_num, values))
    except csv.Error as exc:
        errors.append(
            RowError(source.name, reader.line_num, "", _("Unreadable CSV: %(error)s", error=exc))
        )
    return kind, rows


def _parse_date(text: str) -> date | None:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


class _Planner:
    """Validates rows against the database and each other; builds the plan."""

    def __init__(self, actor: User | None) -> None:
        self.actor = actor
        self.plan = Plan()
        self.offices = {o.code: o for o in db.session.scalars(select(Office))}
        self.positions = {p.code: p for p in db.session.scalars(select(Position))}
        self.new_offices: set[str] = set()
        self.new_positions: set[str] = set()
        self.seen: dict[tuple[str, str], int] = {}
        self.people_emails: set[str] = set()
        self.users = {u.email: u for u in db.session.scalars(select(User))}  # one query

    def error(self, source: str, line: int, column: str, message) -> None:
        self.plan.errors.append(RowError(source, line, column, str(message)))

    def duplicate(self, kind: str, key: str, source: str, line: int, column: str) -> bool:
        if (kind, key) in self.seen:
            self.error(
                source,
                line,
                column,
                _(
                    "Duplicate of line %(line)d: each one may appear once.",
                    line=self.seen[kind, key],
                ),
            )
            return True
        self.seen[kind, key] = line
        return False

    def office(self, source: str, line: int, values: dict) -> None:
        code = values.get("code", "").lower()
        if not re.match(CODE_PATTERN, code):
            self.error(
                source, line, "codigo", _("Use lower-case letters, digits and hyphens only.")
            )
            return
        if self.duplicate("offices", code, source, line, "codigo"):
            return
        wanted = {"name": values.get("name", "")}
        if not wanted["name"]:
            self.error(source, line, "nombre", _("The name is missing."))
        if values.get("kind"):
            kind = KINDS.get(values["kind"].lower())
            if kind is None:
                self.error(source, line, "tipo", _("Write consulado or dirección."))
            wanted["kind"] = kind
        if values.get("city"):
            wanted["city"] = values["city"]
        if values.get("country"):
            country = values["country"].upper()
            if country not in COUNTRIES:
                self.error(
                    source,
                    line,
                    "pais",
                    _("Unknown country code; use one of %(codes)s.", codes=", ".join(COUNTRIES)),
                )
            wanted["country"] = country
        if values.get("timezone"):
            if values["timezone"] not in TIMEZONE_NAMES:
                self.error(source, line, "zona_horaria", _("Unknown time zone."))
            wanted["timezone"] = values["timezone"]
        row = RowPlan(source, line, "offices", code, values={**wanted})
        if values.get("manager"):
            row.values["manager"] = auth_services.normalise_email(values["manager"])
        existing = self.offices.get(code)
        if existing is None:
            if not values.get("city"):
                self.error(source, line, "ciudad", _("A new office needs a city."))
            row.action = "create"
            self.new_offices.add(code)
        else:
            row.changes = {
                k: [getattr(existing, k), v] for k, v in wanted.items() if getattr(existing, k) != v
            }
            manager = row.values.get("manager")
            if manager and (existing.manager is None or existing.manager.email != manager):
                row.changes["manager"] = [
                    existing.manager.email if existing.manager else None,
                    manager,
                ]
            row.action = "update" if row.changes else "unchanged"
        self.plan.rows.append(row)

    def position(self, source: str, line: int, values: dict) -> None:
        code = values.get("code", "").lower()
        if not re.match(CODE_PATTERN, code):
            self.error(
                source, line, "codigo", _("Use lower-case letters, digits and hyphens only.")
            )
            return
        if self.duplicate("positions", code, source, line, "codigo"):
            return
        wanted = {"name_es": values.get("name_es", "")}
        if not wanted["name_es"]:
            self.error(source, line, "nombre_es", _("The name is missing."))
        wanted["name_en"] = values.get("name_en") or wanted["name_es"]
        row = RowPlan(source, line, "positions", code, values=wanted)
        existing = self.positions.get(code)
        if existing is None:
            row.action = "create"
            self.new_positions.add(code)
        else:
            row.changes = {
                k: [getattr(existing, k), v] for k, v in wanted.items() if getattr(existing, k) != v
            }
            row.action = "update" if row.changes else "unchanged"
        self.plan.rows.append(row)

    def person(self, source: str, line: int, values: dict) -> None:
        raw = values.get("email", "")
        try:
            email = validate_email(raw, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            self.error(
                source, line, "correo", _("“%(value)s” is not a valid e-mail address.", value=raw)
            )
            return
        if self.duplicate("people", email, source, line, "correo"):
            return
        self.people_emails.add(email)
        wanted: dict = {}
        if values.get("name"):
            wanted["display_name"] = values["name"][:120]
        code = values.get("office", "").lower()
        if code:
            if code not in self.offices and code not in self.new_offices:
                self.error(source, line, "oficina", _("Unknown office “%(code)s”.", code=code))
            elif code in self.offices and not self.offices[code].is_open:
                self.error(
                    source, line, "oficina", _("The office “%(code)s” is closed.", code=code)
                )
            wanted["office"] = code
        code = values.get("position", "").lower()
        if code:
            if code not in self.positions and code not in self.new_positions:
                self.error(source, line, "puesto", _("Unknown position “%(code)s”.", code=code))
            wanted["position"] = code
        if values.get("language"):
            language = values["language"].lower()[:2]
            if language not in ("es", "en"):
                self.error(source, line, "idioma", _("Write es or en."))
            wanted["language"] = language
        if values.get("hire_date"):
            try:
                wanted["hire_date"] = _parse_date(values["hire_date"])
            except ValueError:
                self.error(
                    source, line, "fecha_ingreso", _("Write the date as 2026-03-15 or 15/03/2026.")
                )
        if values.get("active"):
            answer = values["active"].lower()
            if answer not in YES | NO:
                self.error(source, line, "activo", _("Write sí or no."))
            wanted["is_active"] = answer in YES
        if values.get("roles"):
            roles = set()
            for name in re.split(r"[;,|\s]+", values["roles"].lower()):
                if not name:
                    continue
                try:
                    role = Role(name)
                except ValueError:
                    self.error(source, line, "roles", _("Unknown role “%(name)s”.", name=name))
                    continue
                if role not in IMPORTABLE_ROLES:
                    self.error(
                        source, line, "roles", _("The administrator role is not given by import.")
                    )
                roles.add(role)
            wanted["roles"] = roles
        existing = self.users.get(email)
        row = RowPlan(source, line, "people", email, values=wanted)
        if existing is None:
            if not wanted.get("display_name"):
                self.error(source, line, "nombre", _("A new person needs a name."))
            # Someone listed as gone who never had an account: nothing to do.
            row.action = "create" if wanted.get("is_active", True) else "unchanged"
        else:
            if existing.has_role(Role.ADMIN) and "roles" in wanted:
                wanted["roles"] = wanted["roles"] | {Role.ADMIN}
            row.changes = self._changes(existing, wanted)
            if (
                self.actor is not None
                and existing.id == self.actor.id
                and (wanted.get("is_active") is False)
            ):
                self.error(source, line, "activo", _("You cannot deactivate your own account."))
            if row.changes.get("is_active") == [True, False]:
                row.action = "deactivate"
            else:
                row.action = "update" if row.changes else "unchanged"
        self.plan.rows.append(row)

    @staticmethod
    def _changes(user: User, wanted: dict) -> dict:
        current = {
            "display_name": user.display_name,
            "office": user.office.code if user.office else None,
            "position": user.position.code if user.position else None,
            "language": user.language,
            "hire_date": user.hire_date,
            "is_active": user.is_active,
            "roles": set(user.roles),
        }
        changes = {}
        for key, value in wanted.items():
            if current[key] != value:
                before, after = current[key], value
                if key == "roles":
                    before, after = sorted(r.value for r in before), sorted(r.value for r in after)
                changes[key] = [before, after]
        return changes

    def missing_people(self) -> None:
        offices = {
            self.offices[r.values["office"]].id
            for r in self.plan.rows
            if r.kind == "people" and r.values.get("office") in self.offices
        }
        if not offices:
            return
        for user in db.session.scalars(
            select(User).where(User.is_active.is_(True), User.office_id.in_(offices))
        ):
            if user.email in self.people_emails or user.has_role(Role.ADMIN):
                continue
            if self.actor is not None and user.id == self.actor.id:
                continue
            self.plan.missing.append(user)


ORDER = {"offices": 0, "positions": 1, "people": 2}


def plan(
    sources: Iterable[Source], actor: User | None = None, *, deactivate_missing: bool = False
) -> Plan:
    """Read and check every file; nothing is written."""
    planner = _Planner(actor)
    read = []
    for source in sources:
        kind, rows = _read(source, planner.plan.errors)
        if kind is not None:
            read.append((kind, source.name, rows))
    for kind, name, rows in sorted(read, key=lambda item: ORDER[item[0]]):
        handler = {"offices": planner.office, "positions": planner.position}.get(
            kind, planner.person
        )
        for line, values in rows:
            handler(name, line, values)
    known_emails = planner.people_emails
    for row in planner.plan.rows:
        manager = row.values.get("manager") if row.kind == "offices" else None
        if (
            manager
            and manager not in known_emails
            and not auth_services.find_user_by_email(manager)
        ):
            planner.error(
                row.file,
                row.line,
                "jefatura",
                _("Nobody has the address %(email)s.", email=manager),
            )
    if deactivate_missing:
        planner.plan.deactivate_missing = True
        planner.missing_people()
    planner.plan.errors.sort(key=lambda e: (e.file, e.line))
    return planner.plan


@dataclass
class Result:
    """What an applied import changed."""

    created: int = 0
    updated: int = 0
    deactivated: int = 0
    unchanged: int = 0
    new_people: list[User] = field(default_factory=list)

    def summary(self) -> str:
        """One sentence for the person who imported, in their language."""
        return _(
            "Import applied: %(created)d created, %(updated)d updated, %(deactivated)d "
            "deactivated, %(unchanged)d unchanged.",
            created=self.created,
            updated=self.updated,
            deactivated=self.deactivated,
            unchanged=self.unchanged,
        )


def apply(
    checked: Plan,
    actor: User | None,
    progress: Callable[[Iterable], Iterable] | None = None,
    files: Iterable[str] = (),
) -> Result:
    """Carry out a plan without errors and audit it, in the caller's transaction.

    The caller commits.

    :raises ValueError: when the plan has errors.
    """
    if not checked.ok:
        raise ValueError("a plan with errors cannot be applied")
    result = Result()
    offices = {o.code: o for o in db.session.scalars(select(Office))}
    positions = {p.code: p for p in db.session.scalars(select(Position))}
    managers: list[tuple[Office, str]] = []
    rows = progress(checked.rows) if progress else checked.rows
    for row in rows:
        if row.action == "unchanged":
            result.unchanged += 1
            continue
        values = dict(row.values)
        if row.kind == "offices":
            manager = values.pop("manager", None)
            if row.action == "create":
                values.setdefault("kind", "consulate")
                values.setdefault("country", "MX")
                values.setdefault("timezone", "America/Mexico_City")
                offices[row.key] = create_office(code=row.key, **values)
            else:
                update_record(offices[row.key], **values)
            if manager:
                managers.append((offices[row.key], manager))
        elif row.kind == "positions":
            if row.action == "create":
                positions[row.key] = create_position(code=row.key, **values)
            else:
                update_record(positions[row.key], **values)
        else:
            fields = {k: v for k, v in values.items() if k != "roles"}
            if "office" in fields:
                fields["office"] = offices[fields["office"]]
            if "position" in fields:
                fields["position"] = positions[fields["position"]]
            if row.action == "create":
                fields.pop("is_active", None)
                user = auth_services.create_user(
                    email=row.key,
                    display_name=fields.pop("display_name"),
                    password=None,
                    roles=values.get("roles") or {Role.LEARNER},
                    source="import",
                    **fields,
                )
                result.new_people.append(user)
            else:
                user = auth_services.find_user_by_email(row.key)
                if "roles" in values:
                    fields["roles"] = values["roles"]
                auth_services.update_user(user, actor, **fields)
        if row.action == "create":
            result.created += 1
        elif row.action == "deactivate":
            result.deactivated += 1
        else:
            result.updated += 1
    for user in checked.missing:
        auth_services.update_user(user, actor, is_active=False)
        result.deactivated += 1
    for office, email in managers:
        manager = auth_services.find_user_by_email(email)
        if office.manager_id != manager.id:
            office.manager = manager
            record_event("office.manager_set", target=office, manager=manager.email)
    record_event(
        "staff.imported",
        actor=actor,
        files=list(files),
        created=result.created,
        updated=result.updated,
        deactivated=result.deactivated,
    )
    db.session.flush()
    return result
