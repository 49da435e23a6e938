"""The draft workflow's forms and view steps, shared by courses, question banks and quizzes.

Each blueprint keeps its own routes and permissions and hands these helpers what differs: the
draft, and the service functions that approve, publish or discard it (and audit the action).
"""

from collections.abc import Callable

from flask import abort, flash, request
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app import drafts
from app.auth.models import User
from app.errors import DomainError
from app.extensions import db
from app.forms import ConfirmForm, strip_text
from app.i18n import _, _l


class RevisionForm(FlaskForm):
    """Base: the revision of the part (or draft) when the form was opened."""

    revision = HiddenField(default="0")

    def seen(self) -> int:
        """The revision as a number (a tampered value counts as 'stale')."""
        try:
            return int(self.revision.data or 0)
        except (TypeError, ValueError):
            return -1


class PublishForm(RevisionForm):
    """Publish the draft as a new version, saying what changed."""

    change_note = TextAreaField(
        _l("What changed (shown in the version history)"),
        filters=[strip_text],
        validators=[
            DataRequired(message=_l("This field is required.")),
            Length(max=2000, message=_l("At most %(max)d characters.")),
        ],
        render_kw={"rows": 4},
    )


class ReviewForm(RevisionForm):
    """A reviewer's decision, with an optional comment (required to ask for changes)."""

    comment = TextAreaField(
        _l("Comment for the authors"),
        filters=[strip_text],
        validators=[Optional(), Length(max=3000, message=_l("At most %(max)d characters."))],
        render_kw={"rows": 4},
    )
    decision = HiddenField()


def people_of(draft) -> dict:
    """The users a draft names (who opened, edited and approved it), by id."""
    if draft is None:
        return {}
    ids = {draft.created_by_id, draft.approved_by_id, *draft.editor_ids} - {None}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


def run_step(action: Callable[[], object], success: str | None = None) -> bool:
    """Run a state change, commit and flash ``success``; on refusal roll back and say why."""
    try:
        action()
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc.message), "danger")
        return False
    db.session.commit()
    if success:
        flash(success, "success")
    return True


def start(item, user, start_with: Callable) -> None:
    """POST step: open the item's draft with ``start_with(item, user)`` (the same if open)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    run_step(lambda: start_with(item, user))


def create(form, create_with: Callable[[], object]):
    """POST step of a "new …" form: the created item, or None with the refusal on ``form.slug``."""
    try:
        created = create_with()
    except DomainError as exc:
        db.session.rollback()
        form.slug.errors = [*form.slug.errors, str(exc.message)]
        return None
    db.session.commit()
    return created


def request_review(draft, user, ask: Callable) -> None:
    """POST step: put the draft in the review queue with ``ask(draft, user)``."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    run_step(
        lambda: ask(draft, user),
        _("Review requested: the other trainers see the draft in their queue."),
    )


def review(draft, user, approve: Callable, request_changes: Callable) -> None:
    """POST step: approve the draft as it is, or send it back with the reviewer's comment."""
    form = ReviewForm()
    if not form.validate_on_submit():
        abort(400)
    if form.decision.data == "approve":
        run_step(
            lambda: approve(draft, user, form.seen(), form.comment.data),
            _("Draft approved: an author can publish it now."),
        )
    elif form.comment.data:
        run_step(
            lambda: request_changes(draft, user, form.comment.data),
            _("Changes requested: the authors see your comment."),
        )
    else:
        flash(_("Say what should change."), "danger")


def discard(draft, user, close: Callable) -> None:
    """POST step: close the draft without publishing."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    run_step(lambda: close(draft, user), _("Draft discarded. The published version is unchanged."))


def publish_page(draft, user, publish_with: Callable, message: Callable[[object], str]):
    """GET/POST of a publish page: returns (form, outcome).

    The outcome is "published" (with ``message(result)`` flashed), "closed" (a double
    submit), "refused" (the reason flashed) or None (show the form).
    """
    form = PublishForm()
    if request.method == "GET":
        form.revision.data = str(draft.revision)
        return form, None
    if not form.validate_on_submit():
        return form, None
    outcome, result = publish(draft, user, form, publish_with)
    if outcome == "published":
        flash(message(result), "success")
    return form, outcome


def no_draft_to_publish():
    """On a publish page without a draft: a double submit is told so; both go back."""
    if request.method == "POST":
        flash(_("This draft was already published or discarded."), "info")


def publish(draft, user, form: PublishForm, publish_with: Callable) -> tuple[str, object]:
    """POST step: publish with ``publish_with(draft, user, seen, note)``.

    Returns ("published", its result), ("closed", None) after a double submit, or
    ("refused", None) with the reason flashed.
    """
    try:
        result = publish_with(draft, user, form.seen(), form.change_note.data)
    except drafts.DraftClosed:
        db.session.rollback()
        flash(_("This draft was already published or discarded."), "info")
        return "closed", None
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc.message), "danger")
        return "refused", None
    db.session.commit()
    return "published", result
