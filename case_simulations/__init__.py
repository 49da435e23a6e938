"""Case-documentation simulations: branching interviews, case records and rubric scoring."""

from flask import Flask, url_for


def init_app(app: Flask) -> None:
    """Register the blueprint, CLI, content source, home panels and course item links."""
    from app.audit import register_action_label
    from app.content_registry import register_content_source, register_item_link
    from app.i18n import _l
    from case_simulations import graph, panels
    from case_simulations.cli import case_simulations_cli
    from case_simulations.content_source import SOURCE
    from case_simulations.views import bp

    app.register_blueprint(bp)
    app.add_template_global(graph.render_svg, "scenario_graph_svg")
    app.add_template_global(graph.outline, "scenario_graph_outline")
    app.cli.add_command(case_simulations_cli)
    register_content_source(SOURCE)
    panels.register()
    register_action_label("simulation.reviewed", _l("Simulation run reviewed"))
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
