"""`flask certificates verify|public-key|render-sample`: offline checks say why they fail."""

import json

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.extensions import db
from certificates import services
from certificates.models import Certificate


@pytest.fixture
def cert(complete, learner):
    complete(learner)
    return db.session.scalar(select(Certificate))


def test_verify_a_pdf_offline(runner, cert):
    result = runner.invoke(args=["certificates", "verify", str(services.pdf_file(cert))])
    assert result.exit_code == 0, result.output
    assert cert.serial in result.output


def test_verify_a_credential_with_a_pinned_key(runner, cert, tmp_path):
    path = tmp_path / "credencial.json"
    path.write_text(json.dumps(cert.credential), encoding="utf-8")
    pinned = runner.invoke(args=["certificates", "public-key"]).output.splitlines()[0]
    result = runner.invoke(args=["certificates", "verify", str(path), "--public-key", pinned])
    assert result.exit_code == 0, result.output


def test_one_changed_byte_fails_with_a_reason(runner, cert, tmp_path):
    text = json.dumps(cert.credential)
    path = tmp_path / "alterada.json"
    path.write_text(text.replace('"hours": 0.5', '"hours": 5.5'), encoding="utf-8")
    assert path.read_text(encoding="utf-8") != text
    result = runner.invoke(args=["certificates", "verify", str(path)])
    assert result.exit_code == 1
    assert "altered" in result.output or "alterad" in result.output


def test_a_pdf_whose_credential_was_swapped_fails(runner, cert, tmp_path):
    from pypdf import PdfWriter

    reader = PdfReader(str(services.pdf_file(cert)))
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    forged = dict(cert.credential, name="Otro curso")  # the proof no longer matches
    writer.add_attachment("credential.json", json.dumps(forged).encode())
    path = tmp_path / "falsa.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    result = runner.invoke(args=["certificates", "verify", str(path)])
    assert result.exit_code == 1


def test_verify_a_token(runner, cert):
    assert runner.invoke(args=["certificates", "verify", cert.token]).exit_code == 0
    head, payload, signature = cert.token.split(".")
    # Change the first character: every one of its bits counts (the last one's may not).
    flipped = ("B" if signature[0] == "A" else "A") + signature[1:]
    bad = runner.invoke(args=["certificates", "verify", f"{head}.{payload}.{flipped}"])
    assert bad.exit_code == 1


def test_render_sample(runner, tmp_path):
    out = tmp_path / "muestra.pdf"
    result = runner.invoke(args=["certificates", "render-sample", "--out", str(out)])
    assert result.exit_code == 0 and out.read_bytes()[:5] == b"%PDF-"
