"""Append-only audit log of security and administrative actions."""

from datetime import datetime
from typing import Any

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import JSON, ForeignKey, String, event, select
from sqlalchemy.orm import Mapped, mapped_column

from app.db import utcnow
from app.extensions import db
from app.i18n import _l

ACTION_LABELS = {
    "auth.login": _l("Logged in"),
    "auth.login_failed": _l("Failed login"),
    "auth.login_refused": _l("Login refused (locked or deactivated)"),
    "auth.account_locked": _l("Account locked after failed logins"),
    "auth.logout": _l("Logged out"),
    "auth.password_changed": _l("Password changed"),
    "auth.reset_requested": _l("Password reset requested"),
    "user.created": _l("User created"),
    "user.updated": _l("User changed"),
    "user.unlocked": _l("Account unlocked"),
    "user.password_link_sent": _l("Password link sent"),
    "office.created": _l("Office added"),
    "office.updated": _l("Office changed"),
    "office.closed": _l("Office closed"),
    "office.reopened": _l("Office reopened"),
    "office.manager_set": _l("Office manager set"),
    "staff.imported": _l("Staff imported from a file"),
    "user.hr_offices_set": _l("Human-resources offices changed"),
    "api_token.created": _l("API token created"),
    "api_token.revoked": _l("API token revoked"),
    "position.created": _l("Position added"),
    "position.updated": _l("Position changed"),
    "auth.password_check_failed": _l("Wrong current password when changing it"),
    "security.csrf_rejected": _l("Form refused: missing or expired security token"),
    "security.rate_limited": _l("Too many requests refused"),
    "mail.failed": _l("E-mail could not be sent"),
}


def register_action_label(action: str, label) -> None:
    """Let a package name its own audit actions (the core never imports domains)."""
    ACTION_LABELS[action] = label


def action_label(action: str) -> str:
    """The readable name of an audit action (the code itself when it has none)."""
    return str(ACTION_LABELS.get(action, action))


class AuditEvent(db.Model):
    """One recorded action: who, what, on what, when and from where. Never updated or deleted."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor_email: Mapped[str | None] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(60), index=True)
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[str | None] = mapped_column(String(60))
    ip_address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(255))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    def __repr__(self) -> str:
        return f"<AuditEvent {self.action} {self.occurred_at:%Y-%m-%d %H:%M}>"


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or delete an audit event."""


@event.listens_for(AuditEvent, "before_update")
def _refuse_update(mapper, connection, target):
    raise AuditLogIsAppendOnly("audit events cannot be changed")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise AuditLogIsAppendOnly("audit events cannot be deleted")


def record_event(
    action: str,
    *,
    actor=None,
    target=None,
    target_type: str | None = None,
    target_id: str | int | None = None,
    **details: Any,
) -> AuditEvent:
    """Add an audit event to the session (the caller commits).

    The actor defaults to the logged-in user; ``target`` may be a model with an ``id``.
    """
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()
    if target is not None:
        target_type = target_type or target.__tablename__
        target_id = target.id
    event_row = AuditEvent(
        action=action,
        actor_id=getattr(actor, "id", None),
        actor_email=getattr(actor, "email", None),
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        details={k: v for k, v in details.items() if v is not None},
    )
    if has_request_context():
        event_row.ip_address = (request.remote_addr or "")[:45] or None
        event_row.user_agent = (request.user_agent.string or "")[:255] or None
    db.session.add(event_row)
    return event_row


def events_of(target, *actions: str, limit: int = 50) -> list[AuditEvent]:
    """The latest ``actions`` recorded on ``target``, newest first (e.g. its publications)."""
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.target_type == target.__tablename__,
                AuditEvent.target_id == str(target.id),
                AuditEvent.action.in_(actions),
            )
            .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )
