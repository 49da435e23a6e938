"""Blueprint "case_simulations": briefing, interview, notebook, case record, report, review."""

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.errors import DomainError
from app.extensions import db
from app.forms import ConfirmForm
from app.i18n import _, language
from app.legal import registry
from app.security import Role, role_required
from case_simulations import engine, queries, services
from case_simulations.forms import (
    SECTION_TITLES,
    Context,
    assemble,
    from_request,
    make_form,
    to_multidict,
)
from case_simulations.presenters import BANDS, STATUS, Presenter
from case_simulations.record import SECTIONS, completeness, huridocs_export
from case_simulations.review_forms import ReviewForm
from case_simulations.vocab import rubric, vocabulary

bp = Blueprint("case_simulations", __name__, url_prefix="/simulaciones")
SLUG = "<string(maxlength=80):slug>"
SECTION = "<any(" + ", ".join(SECTIONS) + "):section>"


@bp.before_request
@login_required
def require_login():
    """Every simulation page is for signed-in staff."""


def _texts(run) -> engine.Scenario:
    """The run's scenario in the reader's language (ids and rules are the same)."""
    return engine.Scenario(run.version.data(language()))


def _own_run_or_404(run_id: int):
    run = queries.run_of(run_id, current_user)
    if run is None:
        abort(404)  # another person's run does not exist for you
    return run


def _context(run) -> Context:
    return Context(_texts(run), list(run.state["revealed"]), vocabulary(), language())


def _notebook(run) -> list[dict]:
    texts = _texts(run)
    return [{"id": f, "text": texts.facts[f]["text"]} for f in run.state["revealed"]]


@bp.get("/")
def catalogue():
    """The simulations on offer, with the learner's latest run of each."""
    latest = queries.latest_runs_by_scenario(current_user)
    return render_template(
        "case_simulations/catalogue.html",
        scenarios=queries.offered(),
        latest=latest,
        status=STATUS,
    )


@bp.get(f"/{SLUG}")
def briefing(slug: str):
    """The briefing, the rules of the exercise, the learner's runs and a start button."""
    scenario = queries.scenario_by_slug(slug)
    if scenario is None or scenario.current_version is None:
        abort(404)
    version = scenario.current_version
    runs = queries.runs_of(scenario, current_user)
    open_run = next((r for r in runs if r.is_open), None)
    limit = version.data_es.get("max_runs") or 0
    return render_template(
        "case_simulations/briefing.html",
        scenario=scenario,
        version=version,
        data=version.data(language()),
        runs=runs,
        open_run=open_run,
        can_start=scenario.retired_at is None and (not limit or len(runs) < limit),
        provisions=registry().resolve(version.data_es["legal_refs"]),
        form=ConfirmForm(),
        status=STATUS,
        bands=BANDS,
        is_trainer=current_user.has_any_role(Role.TRAINER, Role.ADMIN),
    )


@bp.get(f"/{SLUG}/mapa")
@role_required(Role.TRAINER, Role.ADMIN)
def scenario_map(slug: str):
    """For trainers: the scenario's nodes and choices as a map, and a table of the same."""
    scenario = queries.scenario_by_slug(slug)
    if scenario is None or scenario.current_version is None:
        abort(404)
    version = scenario.current_version
    return render_template(
        "case_simulations/map.html",
        scenario=scenario,
        version=version,
        data=version.data(language()),
    )


@bp.post(f"/{SLUG}/comenzar")
def start(slug: str):
    """Start a run (or continue the unfinished one)."""
    scenario = queries.scenario_by_slug(slug)
    if scenario is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        run = services.start_run(scenario, current_user)
    except DomainError as exc:
        flash(str(exc.message), "warning")
        return redirect(url_for("case_simulations.briefing", slug=slug))
    db.session.commit()
    return redirect(url_for("case_simulations.play", run_id=run.id))


@bp.get("/partida/<id:run_id>")
def play(run_id: int):
    """The current interview page: the scene, the choices, the notebook."""
    run = _own_run_or_404(run_id)
    if not run.is_open:
        return redirect(url_for("case_simulations.report", run_id=run.id))
    if run.status == "record":
        return redirect(url_for("case_simulations.record_summary", run_id=run.id))
    texts = _texts(run)
    state = engine.State.from_dict(run.state)
    node = texts.nodes[state.node]
    last = None
    if state.last:
        _node_id, choice = texts.choices[state.last["choice"]]
        last = {
            "choice": choice["text"],
            "response": choice["response"],
            "revealed": [texts.facts[f]["text"] for f in state.last.get("revealed", [])],
        }
    observed = []
    if node["type"] == "observation":
        observed = [texts.facts[f]["text"] for f in node.get("reveals", []) if f in state.revealed]
    return render_template(
        "case_simulations/play.html",
        run=run,
        title=run.version.title(language()),
        node=node,
        text=engine.node_text(texts, state),
        choices=[texts.choices[c["id"]][1] for c in engine.available_choices(texts, state)],
        last=last,
        observed=observed,
        notebook=_notebook(run),
        form=ConfirmForm(),
    )


@bp.post("/partida/<id:run_id>/mover")
def move(run_id: int):
    """Continue or choose; an old page or a double click moves nothing."""
    run = _own_run_or_404(run_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    step = request.form.get("step", "")
    choice = request.form.get("choice") or None
    if not step.isdigit() or (choice is not None and len(choice) > 80):
        abort(400)
    try:
        moved = services.move(run, int(step), choice)
    except services.RunClosed:
        return redirect(url_for("case_simulations.report", run_id=run.id))
    except engine.InvalidMove:
        db.session.rollback()
        flash(_("That option is not available at this point of the interview."), "warning")
        return redirect(url_for("case_simulations.play", run_id=run.id))
    if moved:
        db.session.commit()
    else:
        db.session.rollback()
    return redirect(url_for("case_simulations.play", run_id=run.id))


@bp.get("/partida/<id:run_id>/cuaderno")
def notebook(run_id: int):
    """Everything the interview has revealed so far."""
    run = _own_run_or_404(run_id)
    return render_template(
        "case_simulations/notebook.html",
        run=run,
        title=run.version.title(language()),
        notebook=_notebook(run),
        people=[_texts(run).people[p]["label"] for p in _context(run).people()],
    )


def _record_run_or_redirect(run_id: int):
    run = _own_run_or_404(run_id)
    if not run.is_open:
        return run, redirect(url_for("case_simulations.report", run_id=run.id))
    if run.status != "record":
        return run, redirect(url_for("case_simulations.play", run_id=run.id))
    return run, None


def _section_nav(run, errors: dict | None = None) -> list[dict]:
    return [
        {
            "key": key,
            "title": SECTION_TITLES[key],
            "saved": key in (run.draft or {}),
            "errors": len((errors or {}).get(key, [])),
        }
        for key in SECTIONS
    ]


@bp.route(f"/partida/<id:run_id>/registro/{SECTION}", methods=["GET", "POST"])
def record_section(run_id: int, section: str):
    """One section of the case record; every move saves what was typed, errors and all."""
    run, redirect_to = _record_run_or_redirect(run_id)
    if redirect_to is not None:
        return redirect_to
    ctx = _context(run)
    if request.method == "POST":
        live = make_form(section, ctx, request.form, live=True, draft=run.draft)
        live.validate()
        if "csrf_token" in live.errors:
            abort(400)
        try:
            services.save_section(run, section, from_request(request.form))
        except services.RunClosed:
            return redirect(url_for("case_simulations.report", run_id=run.id))
        db.session.commit()
        target = _after_section(run, section, request.form.get("go", "next"))
        if live.errors:
            flash(_("Saved. Some fields need attention: see the messages below."), "warning")
            return redirect(
                url_for("case_simulations.record_section", run_id=run.id, section=section)
            )
        return redirect(target)
    stored = (run.draft or {}).get(section)
    form = make_form(section, ctx, to_multidict(stored) if stored else None, draft=run.draft)
    if stored:
        form.validate()
    problems = []
    if run.draft.get("_submit_tried"):
        record, _errors = assemble(run.draft, ctx)
        problems = [
            (field, message)
            for sec, field, message in completeness(record, ctx.scenario)
            if sec == section
        ]
    return render_template(
        "case_simulations/record_section.html",
        run=run,
        title=run.version.title(language()),
        section=section,
        section_title=SECTION_TITLES[section],
        form=form,
        ctx=ctx,
        problems=problems,
        nav=_section_nav(run),
        notebook=_notebook(run),
        position=SECTIONS.index(section),
        sections=SECTIONS,
    )


def _after_section(run, section: str, action: str) -> str:
    index = SECTIONS.index(section)
    if action == "stay":
        return url_for("case_simulations.record_section", run_id=run.id, section=section)
    if action == "prev" and index > 0:
        return url_for(
            "case_simulations.record_section", run_id=run.id, section=SECTIONS[index - 1]
        )
    if action.startswith("goto-") and action[5:] in SECTIONS:
        return url_for("case_simulations.record_section", run_id=run.id, section=action[5:])
    if action == "next" and index < len(SECTIONS) - 1:
        return url_for(
            "case_simulations.record_section", run_id=run.id, section=SECTIONS[index + 1]
        )
    return url_for("case_simulations.record_summary", run_id=run.id)


@bp.get("/partida/<id:run_id>/registro")
def record_summary(run_id: int):
    """The record's sections, what still needs attention, and the submit button."""
    run, redirect_to = _record_run_or_redirect(run_id)
    if redirect_to is not None:
        return redirect_to
    ctx = _context(run)
    record, errors = assemble(run.draft or {}, ctx)
    missing = completeness(record, ctx.scenario)
    return render_template(
        "case_simulations/record_summary.html",
        run=run,
        title=run.version.title(language()),
        nav=_section_nav(run, errors),
        errors=errors,
        missing=missing,
        section_titles=SECTION_TITLES,
        notebook=_notebook(run),
        form=ConfirmForm(),
    )


@bp.post("/partida/<id:run_id>/enviar")
def submit(run_id: int):
    """Submit the record for scoring; refused with reasons while anything is missing."""
    run = _own_run_or_404(run_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not run.is_open:
        return redirect(url_for("case_simulations.report", run_id=run.id))
    if run.status != "record":
        return redirect(url_for("case_simulations.play", run_id=run.id))
    ctx = _context(run)
    record, errors = assemble(run.draft or {}, ctx)
    missing = completeness(record, ctx.scenario)
    if errors or missing:
        services.save_section(run, "_submit_tried", {"at": ["1"]})
        db.session.commit()
        flash(_("The record cannot be sent yet: correct the points listed below."), "danger")
        return redirect(url_for("case_simulations.record_summary", run_id=run.id))
    services.submit_run(run, record)
    db.session.commit()
    return redirect(url_for("case_simulations.report", run_id=run.id))


def _report_context(run) -> dict:
    locale = language()
    texts = _texts(run)
    present = Presenter(texts, vocabulary(), rubric(), locale)
    result = run.result or {}
    criteria = []
    for code, spec in rubric().criteria.items():
        row = result.get("criteria", {}).get(code, {})
        level = (run.review or {}).get("levels", {}).get(code) if spec.review else None
        criteria.append(
            {
                "code": code,
                "title": rubric().text(spec.title, locale),
                "weight": spec.weight,
                "review_share": spec.review,
                "auto": row.get("auto"),
                "level": level,
                "findings": [present.finding(f) for f in row.get("findings", [])],
            }
        )
    decisions = []
    for step in result.get("decisions", []):
        node_id, choice = texts.choices[step["choice"]]
        decisions.append(
            {
                "node": texts.nodes[node_id]["title"],
                "choice": choice["text"],
                "feedback": choice["feedback"],
                "points": step["points"],
                "gate": step.get("gate"),
                "principles": [present.principle(p) for p in step.get("principles", [])],
                "revealed": [present.fact(f) for f in step.get("revealed", [])],
                "locked": [present.fact(f) for f in step.get("locked", [])],
                "provisions": registry().resolve(choice.get("legal_refs", [])),
            }
        )
    end_node = texts.nodes.get(texts.nodes[run.state["node"]].get("next") or "", {})
    assist = result.get("criteria", {}).get("C11", {}).get("assist", {})
    key_points = texts.data["key"]["narrative"]["key_points"]
    return {
        "run": run,
        "title": run.version.title(locale),
        "criteria": criteria,
        "gates": [present.gate(g) for g in result.get("gates", [])],
        "tallies": present.tally_lines(result.get("tallies", {})),
        "decisions": decisions,
        "epilogue": end_node.get("text"),
        "model_narrative": texts.data["key"]["narrative"]["model"],
        "assist": {
            "covered": [key_points[i]["text"] for i in assist.get("covered", [])],
            "uncovered": [key_points[i]["text"] for i in assist.get("uncovered", [])],
            "flagged": assist.get("flagged", []),
            "words": assist.get("words", 0),
        },
        "bands": BANDS,
        "status": STATUS,
        "present": present,
        "rubric": rubric(),
        "locale": locale,
    }


@bp.get("/partida/<id:run_id>/informe")
def report(run_id: int):
    """The learner's report: score per criterion, gates, what the model record has, decisions."""
    run = queries.run_by_id(run_id)
    if run is None or (
        run.user_id != current_user.id and not current_user.has_any_role(Role.TRAINER, Role.ADMIN)
    ):
        abort(404)
    if run.is_open:
        if run.user_id != current_user.id:
            abort(404)
        return redirect(url_for("case_simulations.play", run_id=run.id))
    return render_template("case_simulations/report.html", **_report_context(run))


@bp.get("/partida/<id:run_id>/huridocs.json")
def export(run_id: int):
    """The submitted record as JSON shaped like the HURIDOCS Events Standard Formats."""
    run = queries.run_by_id(run_id)
    if (
        run is None
        or run.record is None
        or (
            run.user_id != current_user.id
            and not current_user.has_any_role(Role.TRAINER, Role.ADMIN)
        )
    ):
        abort(404)
    data = huridocs_export(run.record, _texts(run), f"SIM-{run.scenario.slug}-{run.id:05d}")
    response = jsonify(data)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="caso-{run.scenario.slug}-{run.id}.json"'
    )
    return response


@bp.get("/revision")
@role_required(Role.TRAINER, Role.ADMIN)
def review_queue():
    """Submitted runs waiting for a trainer, and the latest reviews."""
    return render_template(
        "case_simulations/review_queue.html",
        waiting=queries.review_queue(),
        reviewed=queries.recently_reviewed(),
        bands=BANDS,
        locale=language(),
    )


@bp.route("/revision/<id:run_id>", methods=["GET", "POST"])
@role_required(Role.TRAINER, Role.ADMIN)
def review(run_id: int):
    """Score the judged criteria on the four-level descriptors and give feedback."""
    run = queries.run_by_id(run_id)
    if run is None or run.status not in ("submitted", "reviewed"):
        abort(404)
    if run.user_id == current_user.id and run.status == "submitted":
        flash(str(services.OwnRun.message), "warning")
        return redirect(url_for("case_simulations.review_queue"))
    form = ReviewForm(needs_debrief=bool(run.gates))
    if run.status == "submitted" and form.validate_on_submit():
        levels = {code: int(getattr(form, code.lower()).data) for code in form.CRITERIA}
        try:
            services.review_run(
                run,
                current_user._get_current_object(),
                levels,
                form.feedback.data,
                form.debrief.data,
            )
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc.message), "warning")
            return redirect(url_for("case_simulations.review", run_id=run.id))
        db.session.commit()
        flash(_("Review saved: the learner can see the final result."), "success")
        return redirect(url_for("case_simulations.review_queue"))
    context = _report_context(run)
    locale = language()
    levels = {
        code: [rubric().text(level, locale) for level in rubric().criteria[code].levels]
        for code in form.CRITERIA
    }
    return render_template(
        "case_simulations/review.html",
        form=form,
        levels=levels,
        record=run.record,
        **context,
    )
