"""Blueprint "compliance": HR dashboards, drill-down, requirements, assignments and waivers."""

from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date
from flask_login import current_user
from sqlalchemy import select

from app.auth.models import Office, Position, User
from app.errors import DomainError
from app.extensions import db
from app.forms import ConfirmForm
from app.i18n import _, _l, language
from app.pdf import render_pdf
from app.security import Role, role_required
from certificates import services as certificate_services
from certificates.compliance import exports, queries, services
from certificates.compliance.forms import (
    AssignForm,
    DashboardFilterForm,
    RequirementForm,
    VersionRequirementForm,
    WaiverForm,
)
from certificates.compliance.models import Assignment, Requirement, Waiver
from certificates.compliance.rules import STATUSES
from certificates.compliance.transcript import transcript_of
from courses.models import Course

bp = Blueprint("compliance", __name__, url_prefix="/rrhh")
MANAGERS = (Role.HR, Role.ADMIN)
STATUS_LABELS = {
    "certified": _l("Certified"),
    "waived": _l("Waived"),
    "due_soon": _l("Due soon"),
    "in_progress": _l("In progress"),
    "not_started": _l("Not started"),
    "completed": _l("Completed, no certificate"),
    "overdue": _l("Overdue"),
    "expired": _l("Lapsed"),
}
END_REASONS = {
    "left_scope": _l("No longer in the position or office"),
    "deactivated": _l("Person deactivated"),
    "rule_retired": _l("Rule retired"),
    "ended_by_hr": _l("Ended by HR"),
}


def rung_label(key: str) -> str:
    """A reminder's rung in words: "30 days before 1 March 2027", "overdue, week 2"…."""
    deadline, _sep, rung = key.partition("/")
    try:
        when = format_date(date.fromisoformat(deadline))
    except ValueError:
        return key
    kind, _sep, detail = rung.partition("-")
    if kind == "before" and detail.isdigit():
        return _("%(days)s days before %(date)s", days=detail, date=when)
    if kind == "due":
        return _("On the deadline, %(date)s", date=when)
    if kind == "overdue" and detail[1:].isdigit():
        return _("Overdue since %(date)s, week %(week)s", date=when, week=detail[1:])
    return key


@bp.before_request
@role_required(*MANAGERS)
def require_hr():
    """Every page here is for human resources and administrators."""


def _scope() -> set[int] | None:
    """The offices the current HR user may see (None: all)."""
    if current_user.has_role(Role.ADMIN):
        return None
    return queries.hr_scope(current_user)


def _day(form: DashboardFilterForm) -> date:
    return form.fecha.data if form.fecha.data and not form.fecha.errors else services.today()


def _office_choices(scope: set[int] | None) -> list[tuple[int, str]]:
    offices = db.session.scalars(select(Office).order_by(Office.name))
    return [(o.id, o.name) for o in offices if scope is None or o.id in scope]


@bp.get("/")
def dashboard():
    """Compliance by office and position on a day, what lapses soon, and the trend."""
    form, day, offices = _dashboard_filter()
    snap = queries.snapshot()
    rows = queries.cached_rows(snap, day, offices)
    office_names = queries.office_labels()
    positions = queries.position_labels(language())
    overall = queries.tally(rows, lambda r: 0, {0: _("All")})
    return render_template(
        "compliance/dashboard.html",
        form=form,
        day=day,
        overall=overall[0] if overall else None,
        by_office=queries.tally(rows, lambda r: r.office_id, office_names),
        by_position=queries.tally(rows, lambda r: r.position_id, positions),
        overdue=sorted(
            (r for r in rows if r.standing.status == "overdue"), key=lambda r: r.standing.due_on
        ),
        expiring={n: queries.expiring(rows, day, n) for n in (30, 60, 90)},
        trend=queries.cached_trend(
            snap, queries.month_ends(day), offices, services.today(), rows_today=rows
        ),
        labels=STATUS_LABELS,
        statuses=STATUSES,
        courses=queries.course_labels(),
        office_names=office_names,
    )


def _dashboard_filter() -> tuple[DashboardFilterForm, date, set[int] | None]:
    """The filter form, the day asked and the offices to count (HR scope applied)."""
    scope = _scope()
    form = DashboardFilterForm(request.args)
    form.oficina.choices = [(0, _("All my offices"))] + _office_choices(scope)
    form.validate()
    offices = scope
    if form.oficina.data:
        if scope is not None and form.oficina.data not in scope:
            abort(403)
        offices = {form.oficina.data}
    return form, _day(form), offices


def _download(data: bytes, fmt: str, stem: str) -> Response:
    mimetypes = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    return Response(
        data,
        mimetype=mimetypes[fmt],
        headers={"Content-Disposition": f'attachment; filename="{stem}.{fmt}"'},
    )


@bp.get("/matriz.<any(csv, xlsx):fmt>")
def matrix_export(fmt: str):
    """The compliance matrix on a day (the dashboard's filters), as CSV or XLSX."""
    _form, day, offices = _dashboard_filter()
    rows = queries.cached_rows(queries.snapshot(), day, offices)
    office_names = queries.office_labels()
    positions = queries.position_labels(language())
    matrix = exports.matrix_sheet(
        rows,
        title=_("Matrix"),
        courses=queries.course_labels(),
        offices=office_names,
        positions=positions,
        status_labels=STATUS_LABELS,
        header=(_("Name"), _("E-mail"), _("Office"), _("Position")),
        status_word=_("status"),
        date_word=_("date"),
    )
    stem = f"cumplimiento-{day.isoformat()}"
    if fmt == "csv":
        return _download(exports.to_csv(matrix), fmt, stem)
    header = [
        _("Group"),
        *(str(STATUS_LABELS[s]) for s in STATUSES),
        _("Assignments"),
        _("Compliant"),
        _("Compliant (%)"),
    ]
    return _download(
        exports.to_xlsx(
            [
                matrix,
                exports.tally_sheet(
                    _("By office"),
                    queries.tally(rows, lambda r: r.office_id, office_names),
                    header,
                    STATUSES,
                ),
                exports.tally_sheet(
                    _("By position"),
                    queries.tally(rows, lambda r: r.position_id, positions),
                    header,
                    STATUSES,
                ),
            ]
        ),
        fmt,
        stem,
    )


@bp.get("/oficina/<id:office_id>")
def office(office_id: int):
    """One office: each person and requirement with their status on the day."""
    scope = _scope()
    if scope is not None and office_id not in scope:
        abort(403)
    place = db.get_or_404(Office, office_id)
    form = DashboardFilterForm(request.args)
    form.oficina.choices = [(0, "")]
    form.validate()
    day = _day(form)
    rows = queries.cached_rows(queries.snapshot(), day, {office_id})
    courses = queries.course_labels()
    people: dict[int, dict] = {}
    for row in rows:
        person = people.setdefault(row.user_id, {"name": row.name, "row": row, "cells": {}})
        person["cells"][row.course_id] = row.standing
    columns = sorted({r.course_id for r in rows}, key=lambda c: courses.get(c, ""))
    return render_template(
        "compliance/office.html",
        office=place,
        day=day,
        form=form,
        people=sorted(people.items(), key=lambda item: item[1]["name"]),
        columns=columns,
        courses=courses,
        labels=STATUS_LABELS,
        summary=queries.tally(rows, lambda r: 0, {0: place.name}),
    )


def _person_or_404(user_id: int) -> User:
    person = db.get_or_404(User, user_id)
    scope = _scope()
    if scope is not None and person.office_id not in scope:
        abort(403)
    return person


def _course_choices() -> list[tuple[int, str]]:
    courses = db.session.scalars(
        select(Course).where(Course.retired_at.is_(None)).order_by(Course.code)
    )
    return [
        (c.id, f"{c.code} · {c.current_version.title(language())}")
        for c in courses
        if c.current_version
    ]


@bp.get("/persona/<id:user_id>")
def person(user_id: int):
    """A person's requirements, their status, history of assignments and waivers."""
    person = _person_or_404(user_id)
    form = DashboardFilterForm(request.args)
    form.oficina.choices = [(0, "")]
    form.validate()
    day = _day(form)
    facts = queries.load_facts(user_id=person.id)
    rows = {r.assignment_id: r for r in queries.rows_on(day, facts)}
    assign_form = AssignForm()
    assign_form.course_id.choices = _course_choices()
    return render_template(
        "compliance/person.html",
        person=person,
        day=day,
        form=form,
        assignments=sorted(
            db.session.scalars(select(Assignment).where(Assignment.user_id == person.id)),
            key=lambda a: (a.ended_on is not None, a.due_on),
        ),
        rows=rows,
        labels=STATUS_LABELS,
        end_reasons=END_REASONS,
        courses=queries.course_labels(),
        assign_form=assign_form,
        reminders=[
            (sent, course_id, recipient, rung_label(sent.rung))
            for sent, course_id, recipient in queries.reminders_for(person.id)
        ],
        waiver_form=WaiverForm(),
        confirm=ConfirmForm(),
    )


@bp.post("/persona/<id:user_id>/asignar")
def assign(user_id: int):
    """Assign a course to the person by hand, with a due date."""
    person = _person_or_404(user_id)
    form = AssignForm()
    form.course_id.choices = _course_choices()
    if form.validate_on_submit():
        services.assign(person, form.course_id.data, form.due_on.data, current_user, form.note.data)
        db.session.commit()
        flash(_("The course was assigned."), "success")
    else:
        for errors in form.errors.values():
            flash(" ".join(str(e) for e in errors), "danger")
    return redirect(url_for("compliance.person", user_id=person.id))


def _assignment_or_404(assignment_id: int) -> Assignment:
    assignment = db.get_or_404(Assignment, assignment_id)
    _person_or_404(assignment.user_id)
    return assignment


@bp.post("/asignaciones/<id:assignment_id>/terminar")
def end_assignment(assignment_id: int):
    """End an assignment made by hand."""
    assignment = _assignment_or_404(assignment_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if assignment.requirement_id is not None:
        flash(
            _(
                "Assignments from a rule follow the rule: change the rule or the person's "
                "position or office."
            ),
            "warning",
        )
    else:
        services.end_assignment(assignment, current_user)
        db.session.commit()
        flash(_("The assignment was ended."), "success")
    return redirect(url_for("compliance.person", user_id=assignment.user_id))


@bp.post("/asignaciones/<id:assignment_id>/exencion")
def waive(assignment_id: int):
    """Exempt the person from an assignment, with a reason and an end date."""
    assignment = _assignment_or_404(assignment_id)
    form = WaiverForm()
    if form.validate_on_submit():
        try:
            services.grant_waiver(assignment, current_user, form.reason.data, form.expires_on.data)
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc.message), "danger")
        else:
            db.session.commit()
            flash(_("The exemption was recorded."), "success")
    else:
        for errors in form.errors.values():
            flash(" ".join(str(e) for e in errors), "danger")
    return redirect(url_for("compliance.person", user_id=assignment.user_id))


@bp.post("/exenciones/<id:waiver_id>/revocar")
def revoke_waiver(waiver_id: int):
    """End an exemption today."""
    waiver = db.get_or_404(Waiver, waiver_id)
    _person_or_404(waiver.assignment.user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.revoke_waiver(waiver, current_user)
    db.session.commit()
    flash(_("The exemption was revoked."), "success")
    return redirect(url_for("compliance.person", user_id=waiver.assignment.user_id))


def _requirement_choices(form: RequirementForm) -> None:
    locale = language()
    form.course_id.choices = _course_choices()
    form.position_id.choices = [(0, _("Any position"))] + [
        (p.id, p.name_for(locale))
        for p in db.session.scalars(select(Position).order_by(Position.code))
    ]
    form.office_id.choices = [(0, _("Any office"))] + _office_choices(None)


@bp.route("/requisitos", methods=["GET", "POST"])
def requirements():
    """The training rules, and a form to add one."""
    form = RequirementForm()
    _requirement_choices(form)
    if request.method == "GET":
        form.starts_on.data = services.today()
    if form.validate_on_submit():
        return _save(None, form)
    return render_template(
        "compliance/requirements.html",
        form=form,
        rules=queries.requirements(),
        courses=queries.course_labels(),
        confirm=ConfirmForm(),
    ), (400 if request.method == "POST" else 200)


def _save(requirement: Requirement | None, form: RequirementForm):
    try:
        services.save_requirement(
            requirement,
            current_user,
            course_id=form.course_id.data,
            position_id=form.position_id.data or None,
            office_id=form.office_id.data or None,
            due_within_days=form.due_within_days.data,
            starts_on=form.starts_on.data,
            renewal_months=form.renewal_months.data,
            note=form.note.data,
        )
    except DomainError as exc:
        db.session.rollback()
        form.form_errors.append(str(exc.message))
        return render_template(
            "compliance/requirement_form.html" if requirement else "compliance/requirements.html",
            form=form,
            requirement=requirement,
            rules=queries.requirements(),
            courses=queries.course_labels(),
            confirm=ConfirmForm(),
        ), 400
    db.session.commit()
    flash(_("The rule was saved and the assignments brought up to date."), "success")
    return redirect(url_for("compliance.requirements"))


@bp.route("/requisitos/<id:requirement_id>", methods=["GET", "POST"])
def edit_requirement(requirement_id: int):
    """Change a rule: its assignments follow."""
    requirement = db.get_or_404(Requirement, requirement_id)
    form = RequirementForm(obj=requirement)
    _requirement_choices(form)
    if request.method == "GET":
        form.position_id.data = requirement.position_id or 0
        form.office_id.data = requirement.office_id or 0
    if requirement.retired_at is None and form.validate_on_submit():
        return _save(requirement, form)
    return render_template(
        "compliance/requirement_form.html",
        form=form,
        requirement=requirement,
        confirm=ConfirmForm(),
    ), (400 if request.method == "POST" else 200)


@bp.post("/requisitos/<id:requirement_id>/retirar")
def retire_requirement(requirement_id: int):
    """Retire a rule; its open assignments end."""
    requirement = db.get_or_404(Requirement, requirement_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if requirement.retired_at is None:
        ended = services.retire_requirement(requirement, current_user)
        db.session.commit()
        flash(_("The rule was retired; %(count)d assignments ended.", count=ended), "success")
    return redirect(url_for("compliance.requirements"))


@bp.route("/versiones", methods=["GET", "POST"])
def versions():
    """After a change in the law: require the updated version of a course by a date."""
    form = VersionRequirementForm()
    form.course_id.choices = _course_choices()
    if form.validate_on_submit():
        services.require_version(
            form.course_id.data,
            form.min_version.data,
            form.required_by.data,
            form.reason.data,
            current_user,
        )
        db.session.commit()
        flash(_("From that date only the new version's certificates count."), "success")
        return redirect(url_for("compliance.versions"))
    return render_template(
        "compliance/versions.html",
        form=form,
        rules=queries.version_requirements(),
        amended=queries.amended_courses(language()),
        courses=queries.course_labels(),
    ), (400 if request.method == "POST" else 200)


def _transcript_context(person: User) -> dict:
    return {
        "person": person,
        "record": transcript_of(person),
        "status_of": certificate_services.status_of,
        "today": services.today(),
    }


@bp.get("/persona/<id:user_id>/expediente")
def transcript(user_id: int):
    """The person's training record: courses, certificates, assessments, simulations."""
    person = _person_or_404(user_id)
    return render_template("compliance/transcript.html", **_transcript_context(person))


@bp.get("/persona/<id:user_id>/expediente.<any(csv, xlsx):fmt>")
def transcript_export(user_id: int, fmt: str):
    """The training record as CSV or XLSX: one line per course, certificate, test, simulation."""
    from certificates.views import STATUS_LABELS as CERTIFICATE_STATUS

    person = _person_or_404(user_id)
    record = transcript_of(person)
    locale = language()
    lines = []
    for enrollment, version in record.enrollments:
        lines.append(
            [
                _("Course"),
                f"{enrollment.course.code} · {version.title(locale)}",
                version.label,
                enrollment.enrolled_at.date(),
                enrollment.completed_at.date() if enrollment.completed_at else None,
                _("Completed") if enrollment.completed_at else _("In progress"),
            ]
        )
    for cert in record.certificates:
        lines.append(
            [
                _("Certificate"),
                f"{cert.course_code} {cert.version_label}",
                cert.serial,
                cert.issued_at.date(),
                cert.expires_at.date(),
                str(CERTIFICATE_STATUS[certificate_services.status_of(cert)]),
            ]
        )
    for attempt, assessment in record.attempts:
        lines.append(
            [
                _("Assessment"),
                assessment.title(locale),
                f"{attempt.percent} %",
                attempt.submitted_at.date(),
                None,
                _("Passed") if attempt.passed else _("Not passed"),
            ]
        )
    for run, version in record.runs:
        result = (
            f"{run.score} — " + (_("Passed") if run.passed else _("Not passed"))
            if run.status == "reviewed"
            else _("Pending review")
        )
        lines.append(
            [_("Case simulation"), version.title(locale), "", run.submitted_at.date(), None, result]
        )
    sheet = exports.Sheet(
        _("Training record"),
        [_("Kind"), _("Name"), _("Detail"), _("Date"), _("Until"), _("Result")],
        lines,
    )
    stem = f"expediente-{person.id}"
    data = exports.to_csv(sheet) if fmt == "csv" else exports.to_xlsx([sheet])
    return _download(data, fmt, stem)


@bp.get("/persona/<id:user_id>/expediente.pdf")
def transcript_pdf(user_id: int):
    """The training record as a PDF."""
    person = _person_or_404(user_id)
    html = render_template("compliance/transcript_print.html", **_transcript_context(person))
    return Response(
        render_pdf(html),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="expediente-{person.id}.pdf"'},
    )
