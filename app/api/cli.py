"""`flask api create-token | revoke-token | tokens`."""

from datetime import UTC, datetime, time

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.api import services
from app.api.core import SCOPES
from app.api.models import ApiToken
from app.auth.models import Office
from app.errors import DomainError
from app.extensions import db
from app.i18n import _

api_cli = AppGroup("api", help="Read-only API: tokens.")


@api_cli.command("create-token")
@click.argument("name")
@click.option("--scope", "scopes", multiple=True, type=click.Choice(sorted(SCOPES)), required=True)
@click.option("--office", "offices", multiple=True, help="Office code; repeat to allow several.")
@click.option("--expires", type=click.DateTime(formats=["%Y-%m-%d"]), help="Last valid day.")
def create_token_command(name: str, scopes, offices, expires):
    """Create a token and print it (only once: it is stored hashed)."""
    office_ids = set()
    for code in offices:
        office_id = db.session.scalar(select(Office.id).where(Office.code == code))
        if office_id is None:
            raise click.ClickException(_("Unknown office “%(code)s”.", code=code))
        office_ids.add(office_id)
    expires_at = datetime.combine(expires.date(), time.max, tzinfo=UTC) if expires else None
    try:
        _token, raw = services.create_token(
            name=name, scopes=set(scopes), office_ids=office_ids, expires_at=expires_at, actor=None
        )
    except DomainError as exc:
        raise click.ClickException(str(exc.message)) from exc
    db.session.commit()
    click.echo(raw)


@api_cli.command("revoke-token")
@click.argument("prefix")
def revoke_token_command(prefix: str):
    """Revoke the token whose first characters are PREFIX (as listed by `flask api tokens`)."""
    matches = db.session.scalars(select(ApiToken).where(ApiToken.prefix.startswith(prefix))).all()
    if len(matches) != 1:
        raise click.ClickException(
            _("%(count)d tokens match; give more characters.", count=len(matches))
        )
    services.revoke_token(matches[0], None)
    db.session.commit()
    click.echo(_("The token %(prefix)s… no longer works.", prefix=matches[0].prefix))


@api_cli.command("tokens")
def tokens_command():
    """List tokens: prefix, name, scopes, last use, state."""
    for token in services.tokens():
        state = "revoked" if token.revoked_at else "active"
        used = token.last_used_at.isoformat(timespec="minutes") if token.last_used_at else "-"
        click.echo(f"{token.prefix}…\t{token.name}\t{','.join(token.scopes)}\t{used}\t{state}")
