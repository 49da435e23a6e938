"""The learner's journey on the web: briefing, interview, record, submit, report; the review."""

import re

from sqlalchemy import select

from app.audit import AuditEvent
from app.extensions import db
from case_simulations.models import SimulationRun
from tests.case_simulations.conftest import BEST
from tests.factories import make_user


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)


def _run(learner) -> SimulationRun:
    db.session.expire_all()
    return db.session.scalar(select(SimulationRun).where(SimulationRun.user_id == learner.id))


def _play(client, run, choices):
    for choice in list(choices):
        while True:
            page = client.get(f"/simulaciones/partida/{run.id}")
            if page.status_code == 302:
                return page
            html = page.get_data(as_text=True)
            step = re.search(r'name="step" value="(\d+)"', html).group(1)
            if 'name="choice"' in html:
                break
            client.post(f"/simulaciones/partida/{run.id}/mover",
                        data={"csrf_token": _token(html), "step": step})
        client.post(f"/simulaciones/partida/{run.id}/mover",
                    data={"csrf_token": _token(html), "step": step, "choice": choice})
    return client.get(f"/simulaciones/partida/{run.id}")


GOOD_SECTIONS = {
    "caso": {
        "intake_channel": "walk_in", "priority": "020000000000", "confidentiality": "confidential",
        "nationality_verification": "document", "setting": "consulate_private_room",
        "persons_present": ["interviewer_only"], "interpreter": "none_needed",
        "information": ["purpose", "who_accesses", "uses", "risks_benefits", "right_to_refuse",
                        "right_to_skip", "right_to_stop", "limits_of_confidentiality",
                        "what_consulate_can_and_cannot_do", "no_conditionality"],
        "capacity": "adult", "scope-interview": "granted", "scope-share_mx_prosecutor": "granted",
        "scope-share_mx_comar": "granted", "scope-contact_family": "refused",
    },
    "personas": {
        "P1-counting_unit": "010000000000", "P1-age": "30", "P1-sex": "020000000000",
        "P1-documents": ["dni"], "P1-migration_status": "irregular", "P1-fear_of_return": "yes",
        "P1-reasons": ["gang_threats_extortion"],
        "P2-included": "y", "P2-counting_unit": "030000000000", "P2-group_size": "2",
        "P2-perpetrator_types": ["010104000000", "L-010104-MUN"],
        "P2-features": "Uniforme azul, patrulla 27",
    },
    "hecho": {
        "title": "Cobro por agentes en un retén, Huixtla, Chiapas",
        "date-year": "2026", "date-month": "11", "date-type": "020000000000",
        "country": "MX", "region": "MX-CHP", "municipality": "Huixtla",
        "location_types": ["030501000000"],
        "acts-0-victim": "P1", "acts-0-type": "130104000000", "acts-0-date-year": "2026",
        "acts-0-date-month": "11", "acts-0-date-type": "020000000000",
        "acts-0-location_type": "030501000000", "acts-0-status_at_end": "990000000000",
        "acts-1-victim": "P1", "acts-1-type": "130101000000", "acts-1-date-year": "2026",
        "acts-1-date-month": "11", "acts-1-date-type": "020000000000",
        "acts-1-location_type": "030501000000", "acts-1-status_at_end": "990000000000",
    },
    "participacion": {
        "involvements-0-act": "0", "involvements-0-perpetrator": "P2",
        "involvements-0-degree": "010100000000",
        "involvements-1-act": "1", "involvements-1-perpetrator": "P2",
        "involvements-1-degree": "010100000000",
    },
    "fuentes": {
        "sources-0-person": "P1", "sources-0-connection": "010100000000",
        "sources-0-materials": ["220903200901"], "sources-0-reliability": "020000000000",
        "F00-included": "y", "F00-basis": "first_hand_experienced",
        "F00-credibility": "consistent_detailed",
        "F01-included": "y", "F01-basis": "first_hand_experienced",
        "F01-credibility": "consistent_detailed",
        "F02-included": "y", "F02-basis": "first_hand_witnessed",
        "F02-credibility": "consistent_partial",
        "F03-included": "y", "F03-basis": "first_hand_experienced",
        "F03-credibility": "consistent_detailed",
    },
    "vulnerabilidad": {
        "profiles": ["crime_victim_in_transit", "international_protection_need"],
        "domv_individual_risk": "Sin documentos.", "domv_structural_risk": "Impunidad.",
        "informed_of_asylum": "y", "risk_level": "medium", "safety": ["discreet_follow_up_channel"],
    },
    "derivaciones": {
        "referrals-0-destination": "mx_state_prosecutor", "referrals-0-priority": "020000000000",
        "referrals-0-status": "sent", "referrals-0-follow_up": "2026-12-08",
        "referrals-1-destination": "mx_comar", "referrals-1-priority": "020000000000",
        "referrals-1-status": "sent", "referrals-1-follow_up": "2026-12-08",
    },
    "valoracion": {
        "rights": ["020900000000", "030500000000"], "instruments": ["020500000000"],
        "standard": "allegation_recorded", "violation_status": "030000000000",
        "corroboration": ["other_witnesses", "ngo_pattern_reports"],
        "summary": "Según Ana, en noviembre de 2026, en un retén cerca de Huixtla, dos agentes "
                   "le quitaron 2 000 pesos y su teléfono. Teme regresar a Honduras.",
        "next_steps": "Denuncia ante la fiscalía con su acuerdo; cita con COMAR.",
    },
}


def _save(client, run, section, data, go="next"):
    page = client.get(f"/simulaciones/partida/{run.id}/registro/{section}")
    assert page.status_code == 200, section
    return client.post(
        f"/simulaciones/partida/{run.id}/registro/{section}",
        data={**data, "csrf_token": _token(page.get_data(as_text=True)), "go": go},
    )


def test_learner_plays_documents_submits_and_sees_pending_review(
    app, client, login, learner, scenario
):
    login(learner)
    page = client.get("/simulaciones/muestra-reten")
    assert page.status_code == 200
    assert "Huixtla" not in page.get_data(as_text=True)  # the briefing tells no hidden fact
    client.post("/simulaciones/muestra-reten/comenzar",
                data={"csrf_token": _token(page.get_data(as_text=True))})
    run = _run(learner)
    page = _play(client, run, BEST)
    assert page.status_code == 302 and "/registro" in page.location
    run = _run(learner)
    assert run.status == "record"
    assert set(run.state["revealed"]) == {"F00", "F01", "F02", "F03"}
    for section, data in GOOD_SECTIONS.items():
        response = _save(client, run, section, data)
        assert response.status_code == 302, section
    summary = client.get(f"/simulaciones/partida/{run.id}/registro").get_data(as_text=True)
    assert "complete enough to submit" in summary or "suficientemente completo" in summary
    client.post(f"/simulaciones/partida/{run.id}/enviar", data={"csrf_token": _token(summary)})
    run = _run(learner)
    assert run.status == "submitted"
    assert run.gates == []
    assert run.auto_points == run.auto_max  # this record matches the key on every auto part
    report = client.get(f"/simulaciones/partida/{run.id}/informe").get_data(as_text=True)
    assert "Pendiente de revisión" in report or "Pending review" in report
    export = client.get(f"/simulaciones/partida/{run.id}/huridocs.json").get_json()
    assert export["events"][0]["acts"][0]["type_of_act"] == "130104000000"
    assert export["events"][0]["involvement"][0]["perpetrator"] == "P2"


def test_trainer_reviews_and_learner_sees_final_result(app, client, login, learner, scenario):
    login(learner)
    page = client.get("/simulaciones/muestra-reten").get_data(as_text=True)
    client.post("/simulaciones/muestra-reten/comenzar", data={"csrf_token": _token(page)})
    run = _run(learner)
    _play(client, run, BEST)
    for section, data in GOOD_SECTIONS.items():
        _save(client, run, section, data)
    summary = client.get(f"/simulaciones/partida/{run.id}/registro").get_data(as_text=True)
    client.post(f"/simulaciones/partida/{run.id}/enviar", data={"csrf_token": _token(summary)})
    trainer = make_user("revisora@ejemplo.hn", roles={"trainer"})
    login(trainer)
    queue = client.get("/simulaciones/revision").get_data(as_text=True)
    assert f"/simulaciones/revision/{run.id}" in queue
    page = client.get(f"/simulaciones/revision/{run.id}").get_data(as_text=True)
    answer = client.post(
        f"/simulaciones/revision/{run.id}",
        data={"csrf_token": _token(page), "c8": "3", "c10": "3", "c11": "2", "c12": "3",
              "feedback": "Buena narrativa; añada citas textuales de las amenazas."},
    )
    assert answer.status_code == 302
    run = _run(learner)
    assert run.status == "reviewed" and run.passed is True and run.score > 90
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "simulation.reviewed")
    ) is not None
    login(learner)
    report = client.get(f"/simulaciones/partida/{run.id}/informe").get_data(as_text=True)
    assert "Buena narrativa" in report
