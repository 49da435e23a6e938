"""Case-documentation simulations: branching interviews, case records and rubric scoring."""

from flask import Flask, url_for


def init_app(app: Flask) -> None:
    """Register the blueprint, CLI, content source, home panels and course item links."""
    from app.audit import register_action_label
    from app.content_registry import register_content_source, register_item_link
    from app.i18n import _l
    from case_simulations import graph, panels
    from case_simulations.authoring_views import bp as authoring_bp
    from case_simulations.cli import case_simulations_cli
    from case_simulations.content_source import SOURCE
    from case_simulations.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(authoring_bp)
    app.add_template_global(graph.render_svg, "scenario_graph_svg")
    app.add_template_global(graph.outline, "scenario_graph_outline")
    app.cli.add_command(case_simulations_cli)
    register_content_source(SOURCE)
    panels.register()
    register_action_label("simulation.reviewed", _l("Simulation run reviewed"))
    for action, label in (
        ("scenario.draft_started", _l("Scenario draft started")),
        ("scenario.draft_saved", _l("Scenario draft saved")),
        ("scenario.review_requested", _l("Scenario review requested")),
        ("scenario.approved", _l("Scenario draft approved")),
        ("scenario.changes_requested", _l("Scenario changes requested")),
        ("scenario.published", _l("Scenario published")),
        ("scenario.draft_discarded", _l("Scenario draft discarded")),
    ):
        register_action_label(action, label)
    register_item_link(
        "simulation", lambda slug: url_for("case_simulations.briefing", slug=slug), _titles
    )


def _titles(slugs: list[str]) -> dict[str, tuple[str, str | None]]:
    from sqlalchemy import select

    from app.extensions import db
    from case_simulations.models import Scenario, ScenarioVersion

    rows = db.session.execute(
        select(Scenario.slug, ScenarioVersion.title_es, ScenarioVersion.title_en)
        .join(ScenarioVersion, ScenarioVersion.id == Scenario.current_version_id)
        .where(Scenario.slug.in_(slugs))
    )
    return {slug: (es, en) for slug, es, en in rows}
