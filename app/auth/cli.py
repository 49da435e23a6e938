"""`flask users …`: create accounts from the command line."""

import getpass

import click
from flask.cli import AppGroup

from app.auth import services
from app.auth.models import Office, Position
from app.auth.passwords import password_problems
from app.errors import DomainError
from app.extensions import db
from app.i18n import _
from app.security import Role

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create")
@click.option("--email", required=True, help="E-mail address (the login).")
@click.option("--name", "display_name", required=True, help="Name shown in the app.")
@click.option(
    "--role",
    "roles",
    multiple=True,
    type=click.Choice([r.value for r in Role]),
    default=["learner"],
    show_default=True,
    help="Role; repeat for several.",
)
@click.option("--office", "office_code", help="Office code, e.g. tapachula.")
@click.option("--position", "position_code", help="Position code, e.g. oficial-proteccion.")
@click.option("--language", type=click.Choice(["es", "en"]), default="es", show_default=True)
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Password (prompted when omitted).",
)
def create_user_command(email, display_name, roles, office_code, position_code, language, password):
    """Create a user account."""
    office = _by_code(Office, office_code)
    position = _by_code(Position, position_code)
    problems = password_problems(password, [email, display_name])
    if problems:
        raise click.ClickException(" ".join(str(p) for p in problems))
    try:
        user = services.create_user(
            email=email,
            display_name=display_name,
            password=password,
            roles={Role(r) for r in roles},
            language=language,
            office=office,
            position=position,
            source=f"cli:{getpass.getuser()}",
        )
    except DomainError as exc:
        raise click.ClickException(str(exc.message)) from exc
    db.session.commit()
    click.echo(
        _(
            "Created %(email)s (%(roles)s).",
            email=user.email,
            roles=", ".join(sorted(r.value for r in user.roles)),
        )
    )


def _by_code(model, code: str | None):
    if not code:
        return None
    row = db.session.query(model).filter_by(code=code).one_or_none()
    if row is None:
        raise click.ClickException(_("Unknown code: %(code)s", code=code))
    return row
