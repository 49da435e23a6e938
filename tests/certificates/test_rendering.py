"""The PDF: what it says, its QR code, its embedded credential, and what it may not fetch."""

import io
import json
from datetime import UTC, datetime

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader
from sqlalchemy import select

from app.extensions import db
from app.pdf import FetchRefused, RestrictedFetcher
from certificates import codes, services, signing
from certificates.credentials import Facts
from certificates.models import Certificate
from certificates.rendering import ASSETS, build_context, render_html, render_pdf
from tests.factories import make_user


@pytest.fixture
def issued(complete, app):
    app.config["PUBLIC_BASE_URL"] = "https://aula.ejemplo.hn"
    holder = make_user("titular@ejemplo.hn", display_name="María José Ramírez")
    complete(holder)
    return db.session.scalar(select(Certificate))


def _pdf(cert) -> bytes:
    return services.pdf_file(cert).read_bytes()


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_pdf_states_name_course_dates_and_code_in_the_holders_language(issued):
    pdf = _pdf(issued)
    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert len(reader.pages) == 1 and float(box.width) > float(box.height)  # A4 landscape
    text = " ".join(_text(pdf).split())
    assert "María José Ramírez" in text
    assert "Curso de muestra: notificación consular" in text
    assert codes.format_code(issued.code) in text
    assert issued.serial in text
    assert f"{issued.issued_at.year}" in text and f"{issued.expires_at.year}" in text
    assert "CERTIFICADO" in text  # Spanish, the holder's language


def test_the_qr_code_decodes_to_the_public_verification_url(issued):
    page = pypdfium2.PdfDocument(_pdf(issued))[0]
    image = page.render(scale=3).to_pil()
    found = [r.text for r in zxingcpp.read_barcodes(image)]
    assert found == [f"https://aula.ejemplo.hn/certificados/verificar/{issued.code}"]


def test_the_embedded_credential_verifies_with_the_published_key(issued, client):
    attachments = PdfReader(io.BytesIO(_pdf(issued))).attachments
    credential = json.loads(attachments["credential.json"][0])
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["aulaCertificate"]["serial"] == issued.serial
    profile = client.get("/certificados/emisor.json").get_json()
    published = signing.public_key_from_multibase(
        profile["verificationMethod"][0]["publicKeyMultibase"]
    )
    assert signing.verify_document(credential, published) == credential
    assert credential["proof"]["verificationMethod"] == profile["verificationMethod"][0]["id"]
    # Changing a single byte of the credential breaks it.
    raw = json.dumps(credential).replace(issued.serial, issued.serial[:-1] + "9")
    with pytest.raises(signing.VerificationFailed):
        signing.verify_document(json.loads(raw), published)


def test_the_token_mode_puts_a_signed_payload_in_the_qr(issued, app):
    app.config["CERTIFICATE_QR_MODE"] = "token"
    services.rerender(issued, None)
    image = pypdfium2.PdfDocument(_pdf(issued))[0].render(scale=3).to_pil()
    url = zxingcpp.read_barcodes(image)[0].text
    assert url.startswith("https://aula.ejemplo.hn/certificados/t/")
    claims = signing.verify_token(url.rsplit("/", 1)[1], services.issuer_key().public)
    assert claims["sn"] == issued.serial and claims["vc"] == issued.code
    assert "María" not in json.dumps(claims)  # the name travels only as a salted hash


def test_names_are_escaped_and_nothing_outside_the_assets_is_fetched(app):
    now = datetime.now(UTC)
    facts = Facts(
        "AC-2026-000001",
        codes.new_code(),
        '<img src="file:///etc/passwd">',
        "x",
        "X-1",
        "Curso",
        "1",
        1.0,
        now,
        now,
    )
    html = render_html(build_context(facts, "es", "America/Tegucigalpa", "https://x/v", "x"))
    assert '<img src="file:///etc/passwd">' not in html and "&lt;img" in html
    fetcher = RestrictedFetcher(ASSETS)
    for url in (
        "file:///etc/hostname",
        "https://example.org/logo.png",
        (ASSETS / ".." / "services.py").resolve().as_uri(),
    ):
        with pytest.raises(FetchRefused):
            fetcher.fetch(url)
    assert fetcher.fetch((ASSETS / "seal.png").as_uri())  # its own assets are fine
    # A document asking for a forbidden file still renders, without it.
    assert render_pdf('<p>x</p><img src="file:///etc/hostname">')[:5] == b"%PDF-"
