"""Pages: my certificates, downloads, the HR register and actions, public verification."""

import io
import zipfile

import pytest
from sqlalchemy import func, select

from app.extensions import db
from certificates import codes
from certificates.models import Certificate, CertificateVerification
from tests.factories import make_user


@pytest.fixture
def cert(complete, learner):
    complete(learner)
    return db.session.scalar(select(Certificate))


def test_learners_see_and_download_their_certificates(client, login, learner, cert):
    login(learner)
    page = client.get("/certificados/").get_data(as_text=True)
    assert cert.serial in page and codes.format_code(cert.code) in page
    with client.get(f"/certificados/{cert.serial}.pdf") as pdf:
        assert pdf.status_code == 200 and pdf.data[:5] == b"%PDF-"
    credential = client.get(f"/certificados/{cert.serial}/credencial.json").get_json()
    assert credential["aulaCertificate"]["verificationCode"] == cert.code
    home = client.get("/inicio").get_data(as_text=True)
    assert cert.course_code in home  # the "My certificates" panel


def test_other_learners_cannot_download_someone_elses(client, login, cert):
    login(make_user("otro@ejemplo.hn"))
    assert client.get(f"/certificados/{cert.serial}.pdf").status_code == 404
    assert client.get(f"/certificados/{cert.serial}/credencial.json").status_code == 404


def test_public_verification_shows_a_masked_name_and_the_state(client, cert):
    page = client.get(f"/certificados/verificar/{cert.code}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Válido" in text or "Valid" in text
    assert codes.mask_name(cert.holder_name) in text and cert.holder_name not in text
    data = client.get(f"/certificados/verificar/{cert.code}.json").get_json()
    assert data["status"] == "valid" and data["serial"] == cert.serial
    assert data["holder"] == codes.mask_name(cert.holder_name)
    typed = client.get(f"/certificados/verificar?codigo={codes.format_code(cert.code).lower()}")
    assert typed.status_code == 302 and typed.location.endswith(cert.code)
    logged = db.session.scalar(select(func.count()).select_from(CertificateVerification))
    assert logged == 2


def test_a_revoked_certificate_shows_as_revoked(client, login, hr_user, cert):
    login(hr_user)
    answer = client.post(
        f"/certificados/gestion/{cert.serial}/revocar",
        data={"reason": "Emitido a la persona equivocada."},
    )
    assert answer.status_code == 302
    data = client.get(f"/certificados/verificar/{cert.code}.json").get_json()
    assert data["status"] == "revoked" and data["revoked_on"]
    page = client.get(f"/certificados/verificar/{cert.code}").get_data(as_text=True)
    assert "revocado" in page.lower() or "revoked" in page.lower()


def test_unknown_or_malformed_codes_get_a_plain_not_found(client):
    for url in (
        "/certificados/verificar/ABCD1234EFGH5678",
        "/certificados/verificar/%3Cscript%3E",
        "/certificados/verificar?codigo=nada",
    ):
        answer = client.get(url)
        assert answer.status_code == 404
    assert client.get("/certificados/verificar/ABCD1234EFGH5678.json").get_json() == {
        "found": False,
        "status": "not_found",
    }
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(CertificateVerification)
            .where(CertificateVerification.found.is_(False))
        )
        == 4
    )


def test_repeated_guessing_is_throttled(make_app):
    app = make_app(CERTIFICATE_VERIFY_RATE_LIMIT="3 per minute")
    with app.app_context():
        db.create_all()
        client = app.test_client()
        answers = [
            client.get(f"/certificados/verificar/ABCD1234EFGH567{i}").status_code for i in range(5)
        ]
        assert answers == [404, 404, 404, 429, 429]


def test_the_token_route_checks_the_signature(client, cert):
    answer = client.get(f"/certificados/t/{cert.token}")
    assert answer.status_code == 302 and answer.location.endswith(cert.code)
    head, payload, signature = cert.token.split(".")
    forged = client.get(f"/certificados/t/{head}.{payload}x.{signature}")
    assert forged.status_code == 404


def test_hr_register_filters_acts_and_downloads_a_zip(client, login, hr_user, complete, cert):
    other = make_user("veracruz@ejemplo.hn", office="veracruz", display_name="Ana Ávila")
    complete(other)
    login(hr_user)
    page = client.get("/certificados/gestion").get_data(as_text=True)
    assert cert.serial in page and "Ana Ávila" in page
    office = db.session.scalar(db.text("SELECT id FROM offices WHERE code='veracruz'"))
    filtered = client.get(f"/certificados/gestion?office={office}").get_data(as_text=True)
    assert "Ana Ávila" in filtered and cert.serial not in filtered
    with client.get(f"/certificados/gestion/certificados.zip?office={office}") as archive:
        names = zipfile.ZipFile(io.BytesIO(archive.data)).namelist()
    assert len(names) == 1 and names[0].endswith("-ana-avila.pdf")
    with client.get("/certificados/gestion/certificados.zip") as archive:
        assert len(zipfile.ZipFile(io.BytesIO(archive.data)).namelist()) == 2
    detail = client.get(f"/certificados/gestion/{cert.serial}").get_data(as_text=True)
    assert cert.pdf_sha256 in detail
    renewed = client.post(f"/certificados/gestion/{cert.serial}/renovar")
    assert renewed.status_code == 302
    db.session.expire_all()
    assert db.session.get(Certificate, cert.id).superseded_by_id is not None
    assert client.post(f"/certificados/gestion/{cert.serial}/reemitir-pdf").status_code == 302


def test_revoking_without_a_reason_shows_the_error(client, login, hr_user, cert):
    login(hr_user)
    answer = client.post(f"/certificados/gestion/{cert.serial}/revocar", data={"reason": ""})
    assert answer.status_code == 400
    db.session.refresh(cert)
    assert cert.revoked_at is None


def test_learners_cannot_manage(client, login, learner, cert):
    login(learner)
    assert client.get("/certificados/gestion").status_code == 403
    assert (
        client.post(
            f"/certificados/gestion/{cert.serial}/revocar", data={"reason": "x"}
        ).status_code
        == 403
    )
