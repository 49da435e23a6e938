"""`flask certificates …`: verify a credential or PDF offline, print the public key, sample PDF."""

import json
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

import click
from flask.cli import AppGroup
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from app.i18n import _
from certificates import services, signing
from certificates.codes import new_code, serial_for
from certificates.credentials import Facts
from certificates.rendering import build_context, render_html, render_pdf

certificates_cli = AppGroup("certificates", help="Certificates: offline verification and samples.")


def _public_key(option: str | None):
    """The key to check against: ``--public-key`` (z6Mk… or a file), else this installation's."""
    if not option:
        return services.issuer_key().public
    text = Path(option).read_text(encoding="utf-8").strip() if _is_file(Path(option)) else option
    try:
        return signing.public_key_from_multibase(text)
    except ValueError as exc:
        raise click.ClickException(
            _("Not an Ed25519 public key: %(error)s", error=str(exc))
        ) from exc


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # e.g. a token too long to be a file name
        return False


def credential_from_pdf(data: bytes) -> dict:
    """The credential a certificate PDF carries as an attachment.

    :raises click.ClickException: when the PDF is unreadable or carries none.
    """
    try:
        attachments = PdfReader(BytesIO(data)).attachments
    except (PdfReadError, ValueError) as exc:
        raise click.ClickException(_("The PDF cannot be read.")) from exc
    contents = attachments.get("credential.json")
    if not contents:
        raise click.ClickException(_("The PDF carries no signed credential."))
    try:
        return json.loads(contents[0])
    except ValueError as exc:
        raise click.ClickException(_("The embedded credential is not valid JSON.")) from exc


@certificates_cli.command("verify")
@click.argument("source")
@click.option("--public-key", help="Pinned issuer key (z6Mk… or a file holding it).")
def verify_command(source: str, public_key: str | None):
    """Verify a credential (JSON), a certificate PDF, or a QR token, offline."""
    key = _public_key(public_key)
    path = Path(source)
    is_file = _is_file(path)
    try:
        if is_file and path.read_bytes()[:5] == b"%PDF-":
            document = credential_from_pdf(path.read_bytes())
            facts = signing.verify_document(document, key)["aulaCertificate"]
        elif is_file and path.suffix.lower() == ".json":
            try:
                document = json.loads(path.read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError) as exc:
                raise signing.VerificationFailed(_("the file is not valid JSON")) from exc
            facts = signing.verify_document(document, key).get("aulaCertificate", {})
        else:
            token = path.read_text(encoding="utf-8").strip() if is_file else source
            claims = signing.verify_token(token.rsplit("/", 1)[-1], key)
            facts = {"serial": claims.get("sn"), "verificationCode": claims.get("vc")}
            document = {"validUntil": datetime.fromtimestamp(claims.get("exp", 0), UTC).isoformat()}
    except signing.VerificationFailed as exc:
        click.echo(_("INVALID: %(reason)s", reason=str(exc.reason)), err=True)
        raise SystemExit(1) from exc
    click.echo(
        _(
            "VALID signature: %(serial)s (code %(code)s), valid until %(until)s",
            serial=facts.get("serial"),
            code=facts.get("verificationCode"),
            until=document.get("validUntil"),
        )
    )
    click.echo(
        _(
            "The signature proves who issued it; revocation is checked online on the "
            "verification page."
        )
    )


@certificates_cli.command("public-key")
def public_key_command():
    """Print the issuer's public key (z6Mk…) for offline verifiers to pin."""
    key = services.issuer_key()
    click.echo(key.multibase)
    click.echo(_("Key fingerprint: %(id)s", id=key.key_id), err=True)


@certificates_cli.command("render-sample")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=Path("sample.pdf"))
@click.option("--lang", type=click.Choice(["es", "en"]), default="es")
def render_sample_command(out: Path, lang: str):
    """Render a sample certificate (fictional holder) for designers."""
    now = datetime.now(UTC)
    facts = Facts(
        serial=serial_for(now.year, 1),
        code=new_code(),
        holder_name="María José Ramírez Cárcamo",
        course_slug="dh-derechos-humanos",
        course_code="DH-101",
        course_title="Normas internacionales de derechos humanos para la protección consular"
        if lang == "es"
        else "International human-rights standards for consular protection",
        version_label="2026.1",
        hours=4.5,
        issued_at=now,
        expires_at=now + timedelta(days=730),
    )
    url = services.public_url("certificates.verify_code", code=facts.code)
    html = render_html(build_context(facts, lang, "America/Tegucigalpa", url, url))
    out.write_bytes(render_pdf(html))
    click.echo(_("Sample written to %(path)s", path=out))
