"""Drafts of web-authored content, shared by courses and question banks.

A draft holds the next version of one piece of content in its on-disk shape (``content``)
until it is published or discarded. Saves are per part (a lesson, a question, the outline…):
each write is a compare-and-set on the draft's ``revision``, and ``part_revisions`` records
the revision at which each part last changed, so edits to different parts merge and a stale
edit of the same part is refused instead of overwriting someone's work. Approval by a second
trainer covers one revision: any later save needs a new review.
"""

import copy
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from app.audit import record_event
from app.auth.models import User
from app.db import utcnow
from app.errors import DomainError
from app.extensions import db
from app.i18n import _l
from app.security import Role

SAVE_ATTEMPTS = 5


class DraftClosed(DomainError):
    """The draft was published or discarded (a second click, or another trainer)."""

    message = _l("This draft was already published or discarded.")


class EditConflict(DomainError):
    """Someone saved the same part after the user opened it."""

    def __init__(self, editor: User | None, revision: int, message=None):
        self.editor = editor
        self.revision = revision
        name = editor.display_name if editor else "?"
        super().__init__(
            message
            or _l(
                "%(name)s saved this part after you opened it. Nothing of yours was saved: your "
                "text is still in the form and theirs is shown beside it. Merge the two and save "
                "again.",
                name=name,
            )
        )


class NotReviewer(DomainError):
    """An editor of the draft may not approve it."""

    message = _l("You edited this draft: another trainer must review it.")


class DraftMixin:
    """The columns every kind of draft has (the content's own table adds its key)."""

    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Per part: the hash of the Spanish text the English was last written against.
    translation_basis: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    revision: Mapped[int] = mapped_column(default=1)
    part_revisions: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    part_editors: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)  # part -> user id
    editor_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    review_requested_at: Mapped[datetime | None]
    approved_revision: Mapped[int | None]
    approved_at: Mapped[datetime | None]
    review_comment: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(12))  # published | discarded

    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @property
    def target(self):
        """What the draft is of (a course, a bank, a quiz): what audit events name."""
        raise NotImplementedError

    @property
    def is_open(self) -> bool:
        """True until the draft is published or discarded."""
        return self.closed_at is None

    @property
    def is_approved(self) -> bool:
        """True when a reviewer approved exactly the draft as it is now."""
        return self.approved_by_id is not None and self.approved_revision == self.revision


def open_of(model, **key) -> DraftMixin | None:
    """The open draft of ``model`` for ``key`` (e.g. ``course_id=3``), if any."""
    return db.session.scalar(select(model).filter_by(**key).where(model.closed_at.is_(None)))


def new(model, user, *, content: dict, editors: tuple[int, ...] = (), basis=None, **key):
    """A draft row for ``key`` holding ``content`` (added to the session, not committed)."""
    draft = model(
        **key,
        content=content,
        translation_basis=basis or {},
        revision=1,
        part_revisions={},
        part_editors={},
        editor_ids=sorted(editors),
        created_by_id=user.id,
    )
    db.session.add(draft)
    db.session.flush()
    return draft


def start(
    model,
    user,
    content: Callable[[], dict],
    *,
    basis=None,
    extra: dict | None = None,
    editors: tuple[int, ...] = (),
    **key,
) -> DraftMixin:
    """The open draft for ``key``, or a new one holding ``content()`` (and ``extra`` columns).

    Opening the editor twice, or two trainers at once, gives the same draft: the database
    allows one open draft per item, and the loser of a race gets the winner's.
    """
    existing = open_of(model, **key)
    if existing is not None:
        return existing
    body = content()
    try:
        with db.session.begin_nested():
            draft = new(
                model,
                user,
                content=body,
                basis=basis(body) if basis else None,
                editors=editors,
                **key,
                **(extra or {}),
            )
    except IntegrityError:
        return open_of(model, **key)
    record_event(f"{model.audit_prefix}.draft_started", actor=user, target=draft.target)
    return draft


def last_content(model, **key) -> dict | None:
    """The content of the newest closed draft for ``key`` (to reopen something never published)."""
    row = db.session.scalar(
        select(model)
        .filter_by(**key)
        .where(model.closed_at.is_not(None))
        .order_by(model.closed_at.desc())
        .limit(1)
    )
    return copy.deepcopy(row.content) if row is not None else None


def published_or_last(model, read: Callable[[], dict], **key) -> Callable[[], dict]:
    """What a new draft starts from: ``read()``, the published content.

    For something made on the web or imported and never published (``read()`` refuses), the
    content of its last draft.
    """

    def content() -> dict:
        try:
            return read()
        except DomainError:
            last = last_content(model, **key)
            if last is None:
                raise
            return last

    return content


def part_revision(draft: DraftMixin, part: str) -> int:
    """The draft revision at which ``part`` last changed (0: never on this draft)."""
    return int((draft.part_revisions or {}).get(part, 0))


def part_editor(draft: DraftMixin, part: str) -> User | None:
    """Who last saved ``part`` of the draft."""
    user_id = (draft.part_editors or {}).get(part)
    return db.session.get(User, user_id) if user_id else None


def save_part(
    draft: DraftMixin,
    user,
    part: str,
    seen: int,
    change: Callable[[dict, dict], None],
    *,
    also: tuple[str, ...] = (),
) -> None:
    """Apply ``change(content, translation_basis)`` to the draft, if ``part`` is as ``seen``.

    ``seen`` is the part's revision when the user opened it. The write is a compare-and-set
    on the whole draft's revision: if another save lands in between (a different part), the
    change is re-applied to the fresh draft; if the same part changed, nothing is written.
    ``also`` names other parts the change creates or touches.
    :raises EditConflict: DraftClosed: DomainError (from ``change``):
    """
    model = type(draft)
    for _attempt in range(SAVE_ATTEMPTS):
        db.session.refresh(draft)
        if not draft.is_open:
            raise DraftClosed()
        if part_revision(draft, part) != seen:
            raise EditConflict(part_editor(draft, part), part_revision(draft, part))
        content = copy.deepcopy(draft.content)
        basis = dict(draft.translation_basis or {})
        change(content, basis)
        revision = draft.revision + 1
        parts = dict(draft.part_revisions or {})
        editors = dict(draft.part_editors or {})
        for name in (part, *also):
            parts[name] = revision
            editors[name] = user.id
        written = db.session.execute(
            update(model)
            .where(
                model.id == draft.id,
                model.revision == draft.revision,
                model.closed_at.is_(None),
            )
            .values(
                content=content,
                translation_basis=basis,
                revision=revision,
                part_revisions=parts,
                part_editors=editors,
                editor_ids=sorted({*draft.editor_ids, user.id}),
                updated_at=utcnow(),
            ),
            execution_options={"synchronize_session": False},
        ).rowcount
        if written:
            db.session.refresh(draft)
            record_event(
                f"{model.audit_prefix}.draft_saved",
                actor=user,
                target=draft.target,
                part=part,
            )
            return
    raise EditConflict(None, draft.revision, _l("The draft is busy: please save again."))


def close(draft: DraftMixin, outcome: str, *, seen: int | None = None) -> bool:
    """Close the draft once (compare-and-set); False when it was already closed or changed."""
    model = type(draft)
    conditions = [model.id == draft.id, model.closed_at.is_(None)]
    if seen is not None:
        conditions.append(model.revision == seen)
    closed = db.session.execute(
        update(model).where(*conditions).values(closed_at=utcnow(), outcome=outcome),
        execution_options={"synchronize_session": False},
    ).rowcount
    if closed:
        db.session.refresh(draft)
    return bool(closed)


def close_for_publishing(draft: DraftMixin, seen: int) -> None:
    """Close the draft as published, once; tell a double submit from a save that landed first.

    :raises DraftClosed: when it was already closed. EditConflict: when it changed meanwhile.
    """
    if close(draft, "published", seen=seen):
        return
    db.session.refresh(draft)
    if draft.is_open:
        raise EditConflict(
            None, draft.revision, _l("The draft changed since you opened this page: check it.")
        )
    raise DraftClosed()


def discard(draft: DraftMixin, user) -> None:
    """Close the draft without publishing (its text stays in the database and audit log)."""
    if not close(draft, "discarded"):
        raise DraftClosed()
    record_event(f"{draft.audit_prefix}.draft_discarded", actor=user, target=draft.target)


def can_review(user, draft: DraftMixin) -> bool:
    """A trainer or admin who has not edited the draft (a second pair of eyes)."""
    return user.has_any_role(Role.TRAINER, Role.ADMIN) and user.id not in draft.editor_ids


def request_review(draft: DraftMixin, user) -> None:
    """Put the draft in the review queue (again, after changes were asked for)."""
    if not draft.is_open:
        raise DraftClosed()
    if draft.review_requested_at is None or draft.approved_revision is not None:
        draft.review_requested_at = utcnow()
        draft.approved_by_id = draft.approved_revision = draft.approved_at = None
        record_event(f"{draft.audit_prefix}.review_requested", actor=user, target=draft.target)


def approve(draft: DraftMixin, user, seen: int, comment: str | None) -> None:
    """Approve the draft as it is at revision ``seen``; a later edit needs a new approval.

    :raises NotReviewer: for one of the draft's editors. EditConflict: when it changed.
    """
    if not draft.is_open:
        raise DraftClosed()
    if not can_review(user, draft):
        raise NotReviewer()
    if draft.revision != seen:
        raise EditConflict(
            None,
            draft.revision,
            _l("The draft changed while you were reviewing it: review the new text."),
        )
    draft.approved_by_id, draft.approved_revision, draft.approved_at = user.id, seen, utcnow()
    draft.review_comment = comment or None
    record_event(f"{draft.audit_prefix}.approved", actor=user, target=draft.target, revision=seen)


def request_changes(draft: DraftMixin, user, comment: str) -> None:
    """Send the draft back to its authors with a comment."""
    if not draft.is_open:
        raise DraftClosed()
    if not can_review(user, draft):
        raise NotReviewer()
    draft.review_comment = comment
    draft.approved_by_id = draft.approved_revision = draft.approved_at = None
    draft.review_requested_at = None
    record_event(f"{draft.audit_prefix}.changes_requested", actor=user, target=draft.target)
