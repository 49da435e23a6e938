"""Assessments: question banks, quizzes, attempts, scoring, GIFT and item analysis."""

from flask import Flask, url_for


def init_app(app: Flask) -> None:
    """Register the blueprint, content source and where course items of this kind lead."""
    from app.audit import register_action_label
    from app.content_registry import register_content_source, register_item_link
    from app.i18n import _l
    from assessments.authoring.quiz_views import bp as quiz_authoring_bp
    from assessments.authoring.views import bp as authoring_bp
    from assessments.cli import assessments_cli
    from assessments.content_source import SOURCE
    from assessments.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(authoring_bp)
    app.register_blueprint(quiz_authoring_bp)
    for action, label in (
        ("bank.created", _l("Question bank created on the web")),
        ("bank.draft_started", _l("Question bank draft started")),
        ("bank.draft_saved", _l("Question bank draft saved")),
        ("bank.gift_imported", _l("GIFT questions added to a bank draft")),
        ("bank.review_requested", _l("Question bank review requested")),
        ("bank.approved", _l("Question bank draft approved")),
        ("bank.changes_requested", _l("Question bank changes requested")),
        ("bank.published", _l("Question bank published")),
        ("bank.draft_discarded", _l("Question bank draft discarded")),
        ("quiz.created", _l("Quiz created on the web")),
        ("quiz.draft_started", _l("Quiz draft started")),
        ("quiz.draft_saved", _l("Quiz draft saved")),
        ("quiz.review_requested", _l("Quiz review requested")),
        ("quiz.approved", _l("Quiz draft approved")),
        ("quiz.changes_requested", _l("Quiz changes requested")),
        ("quiz.published", _l("Quiz published")),
        ("quiz.draft_discarded", _l("Quiz draft discarded")),
    ):
        register_action_label(action, label)
    app.cli.add_command(assessments_cli)
    register_content_source(SOURCE)
    register_item_link("assessment", lambda slug: url_for("assessments.intro", slug=slug), _titles)


def _titles(slugs: list[str]) -> dict[str, tuple[str, str | None]]:
    from sqlalchemy import select

    from app.extensions import db
    from assessments.models import Assessment

    rows = db.session.execute(
        select(Assessment.slug, Assessment.title_es, Assessment.title_en).where(
            Assessment.slug.in_(slugs)
        )
    )
    return {slug: (es, en) for slug, es, en in rows}
