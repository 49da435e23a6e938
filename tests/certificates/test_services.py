"""Issuance exactly once per period, renewals that supersede, revocation, re-rendering."""

import threading
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from app.audit import AuditEvent
from app.db import utcnow
from app.extensions import db
from app.seed import load_reference_data
from certificates import services
from certificates.models import Certificate, CertificateEvent
from courses import content_source
from courses import services as course_services
from courses.models import Course, Enrollment
from tests.conftest import run_together
from tests.factories import make_user


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Certificate))


def test_completing_a_course_issues_one_certificate_with_its_facts(complete, learner):
    enrollment = complete(learner)
    cert = db.session.scalar(select(Certificate))
    assert cert.serial == f"AC-{utcnow().year}-{cert.id:06d}"
    assert cert.period == 1 and cert.enrollment_id == enrollment.id
    assert cert.issued_at == enrollment.completed_at  # the moment of completion, no lag
    assert cert.expires_at.year == cert.issued_at.year + 2  # 24-month validity
    assert cert.hours == 0.5 and cert.version_label == "2026.1"
    assert cert.holder_name == learner.display_name
    assert services.status_of(cert) == "valid"
    assert cert.pdf_sha256 and services.pdf_file(cert).read_bytes()[:5] == b"%PDF-"
    assert [e.kind for e in cert.events] == ["issued"]
    assert (
        db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.issued"))
        is not None
    )


def test_completion_seen_twice_issues_once(complete, learner):
    enrollment = complete(learner)
    first = db.session.scalar(select(Certificate))
    again = services.issue_for_completion(enrollment, learner)  # a retried receiver
    db.session.commit()
    assert again.id == first.id and _count() == 1


def test_a_second_completion_in_force_is_not_re_dated(complete, learner):
    complete(learner)
    issued = db.session.scalar(select(Certificate)).issued_at
    with time_machine.travel(utcnow() + timedelta(days=30)):
        complete(learner, retake=True)
    cert = db.session.scalar(select(Certificate))
    assert _count() == 1 and cert.issued_at == issued


def test_a_completion_after_expiry_opens_a_new_period_that_supersedes(complete, learner):
    complete(learner)
    old = db.session.scalar(select(Certificate))
    with time_machine.travel(utcnow() + timedelta(days=800)):
        assert services.status_of(old) == "expired"
        complete(learner, retake=True)
        new = db.session.scalar(select(Certificate).where(Certificate.period == 2))
        assert new is not None and new.supersedes_id == old.id
        db.session.refresh(old)
        assert old.superseded_by_id == new.id
        assert services.status_of(old) == "superseded"
        assert services.status_of(new) == "valid"
        assert new.code != old.code and new.serial != old.serial


def test_expiring_within_the_window(complete, learner, app):
    complete(learner)
    cert = db.session.scalar(select(Certificate))
    app.config["CERTIFICATE_EXPIRING_DAYS"] = 60
    assert services.status_of(cert, cert.expires_at - timedelta(days=61)) == "valid"
    assert services.status_of(cert, cert.expires_at - timedelta(days=59)) == "expiring"
    assert services.status_of(cert, cert.expires_at) == "expired"


def test_hr_renewal_and_required_renewal(complete, learner, hr_user):
    complete(learner)
    old = db.session.scalar(select(Certificate))
    services.require_renewal(old, hr_user)
    db.session.commit()
    complete(learner, retake=True)  # the next completion opens a new period
    assert _count() == 2
    newest = services.latest_of(learner.id, old.course_id)
    assert newest.period == 2 and newest.supersedes_id == old.id
    renewed = services.renew(newest, hr_user)
    db.session.commit()
    assert renewed.period == 3 and renewed.supersedes_id == newest.id
    with pytest.raises(services.NotRenewable):
        services.renew(newest, hr_user)  # already superseded
    kinds = [
        e.kind for e in db.session.scalars(select(CertificateEvent).order_by(CertificateEvent.id))
    ]
    assert kinds.count("superseded") == 2 and "renewal_required" in kinds


def test_revocation_needs_a_reason_and_happens_once(complete, learner, hr_user):
    complete(learner)
    cert = db.session.scalar(select(Certificate))
    with pytest.raises(services.ReasonRequired):
        services.revoke(cert, hr_user, "  ")
    services.revoke(cert, hr_user, "Emitido por error de registro.")
    db.session.commit()
    assert services.status_of(cert) == "revoked" and cert.revoked_by_id == hr_user.id
    with pytest.raises(services.AlreadyRevoked):
        services.revoke(cert, hr_user, "otra vez")
    with pytest.raises(services.NotRenewable):
        services.renew(cert, hr_user)


def test_rerender_keeps_facts_and_code_and_the_old_file(complete, learner, hr_user):
    complete(learner)
    cert = db.session.scalar(select(Certificate))
    before = (cert.code, cert.serial, cert.issued_at, cert.pdf_path)
    old_file = services.pdf_file(cert)
    learner.language = "en"  # the recipient changed language since
    services.rerender(cert, hr_user)
    db.session.commit()
    assert (cert.code, cert.serial, cert.issued_at) == before[:3]
    assert cert.pdf_path != before[3] and old_file.exists()
    assert cert.events[-1].kind == "rerendered"


def test_concurrent_issuance_yields_one_certificate(race_app):
    """Two receivers for the same completion at the same moment: the database keeps one."""
    app = race_app
    with app.app_context():
        db.create_all()
        load_reference_data()
        course_services.sync_courses(content_source.load())
        user = make_user("carrera-cert@ejemplo.hn")
        course = db.session.scalar(select(Course).filter_by(slug="muestra-consular"))
        enrollment = course_services.enroll(course, user)
        enrollment.completed_at = utcnow()  # completed, but no certificate yet
        db.session.commit()
        ids = (enrollment.id, user.id)
    results, barrier = [], threading.Barrier(2)

    def issue():
        from app.auth.models import User

        with app.app_context():
            enrollment = db.session.get(Enrollment, ids[0])
            user = db.session.get(User, ids[1])
            barrier.wait()
            results.append(services.issue_for_completion(enrollment, user).id)
            db.session.commit()

    run_together(issue)
    assert len(results) == 2 and len(set(results)) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(CertificateEvent)
                .where(CertificateEvent.kind == "issued")
            )
            == 1
        )


def test_the_sql_status_condition_agrees_with_the_status_method(complete, learner):
    """``Certificate.status_is`` (used by the API's filter) is the SQL twin of ``status()``."""
    complete(learner)
    cert = db.session.scalar(select(Certificate))
    states = ("valid", "expiring", "expired", "revoked", "superseded")
    moments = [cert.issued_at, cert.expires_at - timedelta(days=10), cert.expires_at]

    def check():
        for now in moments:
            for state in states:
                found = db.session.scalar(
                    select(Certificate.id).where(Certificate.status_is(state, now, 60))
                )
                assert (found is not None) == (cert.status(now, 60) == state), (now, state)

    check()
    cert.superseded_by_id = cert.id  # any id will do: only "is it set" matters
    db.session.flush()
    check()
    cert.revoked_at = cert.issued_at
    db.session.flush()
    check()
