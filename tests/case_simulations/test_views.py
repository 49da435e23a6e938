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
            client.post(
                f"/simulaciones/partida/{run.id}/mover",
                data={"csrf_token": _token(html), "step": step},
            )
        client.post(
            f"/simulaciones/partida/{run.id}/mover",
            data={"csrf_token": _token(html), "step": step, "choice": choice},
        )
    return client.get(f"/simulaciones/partida/{run.id}")


GOOD_SECTIONS = {
    "caso": {
        "intake_channel": "walk_in",
        "priority": "020000000000",
        "confidentiality": "confidential",
        "nationality_verification": "document",
        "setting": "consulate_private_room",
        "persons_present": ["interviewer_only"],
        "interpreter": "none_needed",
        "information": [
            "purpose",
            "who_accesses",
            "uses",
            "risks_benefits",
            "right_to_refuse",
            "right_to_skip",
            "right_to_stop",
            "limits_of_confidentiality",
            "what_consulate_can_and_cannot_do",
            "no_conditionality",
        ],
        "capacity": "adult",
        "scope-interview": "granted",
        "scope-share_mx_prosecutor": "granted",
        "scope-share_mx_comar": "granted",
        "scope-contact_family": "refused",
    },
    "personas": {
        "P1-counting_unit": "010000000000",
        "P1-age": "30",
        "P1-sex": "020000000000",
        "P1-documents": ["dni"],
        "P1-migration_status": "irregular",
        "P1-fear_of_return": "yes",
        "P1-reasons": ["gang_threats_extortion"],
        "P2-included": "y",
        "P2-counting_unit": "030000000000",
        "P2-group_size": "2",
        "P2-perpetrator_types": ["010104000000", "L-010104-MUN"],
        "P2-features": "Uniforme azul, patrulla 27",
    },
    "hecho": {
        "title": "Cobro por agentes en un retén, Huixtla, Chiapas",
        "date-year": "2026",
        "date-month": "11",
        "date-type": "020000000000",
        "country": "MX",
        "region": "MX-CHP",
        "municipality": "Huixtla",
        "location_types": ["030501000000"],
        "acts-0-victim": "P1",
        "acts-0-type": "130104000000",
        "acts-0-date-year": "2026",
        "acts-0-date-month": "11",
        "acts-0-date-type": "020000000000",
        "acts-0-location_type": "030501000000",
        "acts-0-status_at_end": "990000000000",
        "acts-1-victim": "P1",
        "acts-1-type": "130101000000",
        "acts-1-date-year": "2026",
        "acts-1-date-month": "11",
        "acts-1-date-type": "020000000000",
        "acts-1-location_type": "030501000000",
        "acts-1-status_at_end": "990000000000",
    },
    "participacion": {
        "involvements-0-act": "0",
        "involvements-0-perpetrator": "P2",
        "involvements-0-degree": "010100000000",
        "involvements-1-act": "1",
        "involvements-1-perpetrator": "P2",
        "involvements-1-degree": "010100000000",
    },
    "fuentes": {
        "sources-0-person": "P1",
        "sources-0-connection": "010100000000",
        "sources-0-materials": ["220903200901"],
        "sources-0-reliability": "020000000000",
        "F00-included": "y",
        "F00-basis": "first_hand_experienced",
        "F00-credibility": "consistent_detailed",
        "F01-included": "y",
        "F01-basis": "first_hand_experienced",
        "F01-credibility": "consistent_detailed",
        "F02-included": "y",
        "F02-basis": "first_hand_witnessed",
        "F02-credibility": "consistent_partial",
        "F03-included": "y",
        "F03-basis": "first_hand_experienced",
        "F03-credibility": "consistent_detailed",
    },
    "vulnerabilidad": {
        "profiles": ["crime_victim_in_transit", "international_protection_need"],
        "domv_individual_risk": "Sin documentos.",
        "domv_structural_risk": "Impunidad.",
        "informed_of_asylum": "y",
        "risk_level": "medium",
        "safety": ["discreet_follow_up_channel"],
    },
    "derivaciones": {
        "referrals-0-destination": "mx_state_prosecutor",
        "referrals-0-priority": "020000000000",
        "referrals-0-status": "sent",
        "referrals-0-follow_up": "2026-12-08",
        "referrals-1-destination": "mx_comar",
        "referrals-1-priority": "020000000000",
        "referrals-1-status": "sent",
        "referrals-1-follow_up": "2026-12-08",
    },
    "valoracion": {
        "rights": ["020900000000", "030500000000"],
        "instruments": ["020500000000"],
        "standard": "allegation_recorded",
        "violation_status": "030000000000",
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


def _document_and_submit(client, run, skip=lambda section, key: False):
    """Fill every section with GOOD_SECTIONS (minus what ``skip`` drops) and submit."""
    for section, data in GOOD_SECTIONS.items():
        kept = {k: v for k, v in data.items() if not skip(section, k)}
        if kept:
            assert _save(client, run, section, kept).status_code == 302, section
    summary = client.get(f"/simulaciones/partida/{run.id}/registro").get_data(as_text=True)
    return client.post(
        f"/simulaciones/partida/{run.id}/enviar", data={"csrf_token": _token(summary)}
    )


def test_learner_plays_documents_submits_and_sees_pending_review(
    app, client, login, learner, scenario
):
    login(learner)
    page = client.get("/simulaciones/muestra-reten")
    assert page.status_code == 200
    assert "Huixtla" not in page.get_data(as_text=True)  # the briefing tells no hidden fact
    client.post(
        "/simulaciones/muestra-reten/comenzar",
        data={"csrf_token": _token(page.get_data(as_text=True))},
    )
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
    _document_and_submit(client, run)
    trainer = make_user("revisora@ejemplo.hn", roles={"trainer"})
    login(trainer)
    queue = client.get("/simulaciones/revision").get_data(as_text=True)
    assert f"/simulaciones/revision/{run.id}" in queue
    page = client.get(f"/simulaciones/revision/{run.id}").get_data(as_text=True)
    answer = client.post(
        f"/simulaciones/revision/{run.id}",
        data={
            "csrf_token": _token(page),
            "c8": "3",
            "c10": "3",
            "c11": "2",
            "c12": "3",
            "feedback": "Buena narrativa; añada citas textuales de las amenazas.",
        },
    )
    assert answer.status_code == 302
    run = _run(learner)
    assert run.status == "reviewed" and run.passed is True and run.score > 90
    assert (
        db.session.scalar(select(AuditEvent).where(AuditEvent.action == "simulation.reviewed"))
        is not None
    )
    login(learner)
    report = client.get(f"/simulaciones/partida/{run.id}/informe").get_data(as_text=True)
    assert "Buena narrativa" in report


def _start(client, learner):
    page = client.get("/simulaciones/muestra-reten").get_data(as_text=True)
    client.post("/simulaciones/muestra-reten/comenzar", data={"csrf_token": _token(page)})
    return _run(learner)


def test_a_double_click_or_an_old_page_moves_only_once(app, client, login, learner, scenario):
    login(learner)
    run = _start(client, learner)
    client.post(f"/simulaciones/partida/{run.id}/mover", data={"step": "0"})  # continue
    page = client.get(f"/simulaciones/partida/{run.id}").get_data(as_text=True)
    assert 'name="step" value="1"' in page
    for _ in range(2):  # the same form sent twice
        client.post(
            f"/simulaciones/partida/{run.id}/mover", data={"step": "1", "choice": "a-solas"}
        )
    run = _run(learner)
    assert run.step == 2 and run.state["chosen"] == ["a-solas"]
    # An old page (step 1) choosing something else changes nothing.
    client.post(
        f"/simulaciones/partida/{run.id}/mover", data={"step": "1", "choice": "con-acompanante"}
    )
    assert _run(learner).state["chosen"] == ["a-solas"]


def test_a_tampered_choice_is_refused_with_a_message(app, client, login, learner, scenario):
    login(learner)
    run = _start(client, learner)
    client.post(f"/simulaciones/partida/{run.id}/mover", data={"step": "0"})
    answer = client.post(
        f"/simulaciones/partida/{run.id}/mover",
        data={"step": "1", "choice": "promesa"},
        follow_redirects=True,
    )
    assert answer.status_code == 200
    assert "no está disponible" in answer.get_data(as_text=True)
    assert _run(learner).step == 1
    bad = client.post(f"/simulaciones/partida/{run.id}/mover", data={"step": "x"})
    assert bad.status_code == 400


def test_leaving_and_coming_back_resumes_the_run(app, client, login, learner, scenario):
    login(learner)
    run = _start(client, learner)
    _play(client, run, BEST[:3])
    again = client.get("/simulaciones/muestra-reten").get_data(as_text=True)
    assert f"/simulaciones/partida/{run.id}" in again  # "continue my run"
    client.post("/simulaciones/muestra-reten/comenzar", data={"csrf_token": _token(again)})
    assert (
        db.session.scalar(select(db.func.count()).select_from(SimulationRun)) == 1
    )  # no second run
    page = client.get(f"/simulaciones/partida/{run.id}").get_data(as_text=True)
    assert "Precisar" in page  # back at the question after the third choice
    assert "retén cerca de Huixtla" in page  # the notebook kept what was revealed


def test_bad_input_gives_field_errors_and_loses_nothing(app, client, login, learner, scenario):
    login(learner)
    run = _start(client, learner)
    _play(client, run, BEST)
    run = _run(learner)
    hecho = dict(GOOD_SECTIONS["hecho"])
    hecho.update(
        {
            "date-day": "30",
            "date-month": "2",
            "date-type": "exact",
            "acts-0-victim": "",
            "acts-1-type": "999999999999",
        }
    )
    answer = _save(client, run, "hecho", hecho)
    assert answer.status_code == 302  # saved anyway, then shown again with messages
    page = client.get(answer.location).get_data(as_text=True)
    assert "no existe" in page  # 30 February
    assert "Código desconocido" in page and "999999999999" in page
    assert 'value="Cobro por agentes en un retén, Huixtla, Chiapas"' in page  # nothing lost
    assert _run(learner).draft["hecho"]["acts-1-type"] == ["999999999999"]
    # Submitting now is refused, listing the act without victim and the missing consent.
    summary = client.get(f"/simulaciones/partida/{run.id}/registro").get_data(as_text=True)
    answer = client.post(
        f"/simulaciones/partida/{run.id}/enviar",
        data={"csrf_token": _token(summary)},
        follow_redirects=True,
    )
    text = answer.get_data(as_text=True)
    assert "no se puede enviar todavía" in text
    assert "no tiene víctima" in text
    assert "consentimiento" in text
    assert _run(learner).status == "record"


def test_submitting_twice_scores_once(app, client, login, learner, scenario):
    login(learner)
    run = _start(client, learner)
    _play(client, run, BEST)
    for section, data in GOOD_SECTIONS.items():
        _save(client, run, section, data)
    summary = client.get(f"/simulaciones/partida/{run.id}/registro").get_data(as_text=True)
    for _ in range(2):
        answer = client.post(
            f"/simulaciones/partida/{run.id}/enviar", data={"csrf_token": _token(summary)}
        )
        assert answer.status_code == 302
    run = _run(learner)
    assert run.status == "submitted"
    # After submitting, the record cannot change.
    answer = _save_after_submit(client, run)
    assert answer.status_code == 302 and "/informe" in answer.location


def _save_after_submit(client, run):
    return client.post(
        f"/simulaciones/partida/{run.id}/registro/caso", data={"intake_channel": "phone"}
    )


def test_the_pages_work_in_english(app, client, login, scenario):
    learner = make_user("learner.en@ejemplo.hn", language="en")
    login(learner)
    page = client.get("/simulaciones/muestra-reten").get_data(as_text=True)
    assert "Sample: the checkpoint" in page and "Start the interview" in page
    run = _start(client, learner)
    page = _play(client, run, BEST[:1]).get_data(as_text=True)
    assert "The companion goes to the waiting room" in page  # English response
    assert "Antes del relato" in page  # untranslated node title falls back to Spanish


def test_trainers_cannot_review_their_own_run_and_must_debrief_gates(app, client, login, scenario):
    trainer = make_user("formador2@ejemplo.hn", roles={"trainer", "learner"})
    login(trainer)
    run = _start(client, trainer)
    _play(client, run, ["con-acompanante", *BEST[1:]])  # trips G4; F01 stays hidden
    # The agents were never mentioned: no involvement, no P2, no F01.
    _document_and_submit(
        client,
        run,
        skip=lambda section, key: section == "participacion" or key.startswith(("P2-", "F01-")),
    )
    run = _run(trainer)
    assert run.gates == ["G4"]
    levels = {
        "c8": "2",
        "c10": "2",
        "c11": "2",
        "c12": "2",
        "feedback": "Retome la separación del acompañante antes de empezar.",
    }
    answer = client.post(f"/simulaciones/revision/{run.id}", data=levels, follow_redirects=True)
    assert "no puede revisar su propia" in answer.get_data(as_text=True)
    other = make_user("formador3@ejemplo.hn", roles={"trainer"})
    login(other)
    answer = client.post(f"/simulaciones/revision/{run.id}", data=levels)
    assert answer.status_code == 200  # a gate needs a debrief
    assert "compuerta" in answer.get_data(as_text=True)
    answer = client.post(
        f"/simulaciones/revision/{run.id}",
        data={
            **levels,
            "debrief": "Hablamos del riesgo de entrevistar con el acompañante presente.",
        },
    )
    assert answer.status_code == 302
    run = _run(trainer)
    assert run.passed is False and run.score <= 49
    again = client.post(f"/simulaciones/revision/{run.id}", data=levels)
    assert again.status_code == 200  # reviewed already: the form is not offered again
    assert _run(trainer).reviewer_id == other.id


def test_a_passed_review_completes_the_course_item(app, client, login, learner, scenario):
    from app.signals import simulation_passed

    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    simulation_passed.connect(receiver)
    try:
        login(learner)
        run = _start(client, learner)
        _play(client, run, BEST)
        _document_and_submit(client, run)
        login(make_user("revisora2@ejemplo.hn", roles={"trainer"}))
        client.post(
            f"/simulaciones/revision/{run.id}",
            data={
                "c8": "3",
                "c10": "3",
                "c11": "3",
                "c12": "3",
                "feedback": "Registro completo, claro y bien atribuido.",
            },
        )
    finally:
        simulation_passed.disconnect(receiver)
    assert [(r["user"].id, r["item_id"]) for r in received] == [(learner.id, "muestra-reten")]


def test_someone_elses_run_does_not_exist(app, client, login, learner, scenario):
    login(learner)
    run = _start(client, learner)
    login(make_user("otra@ejemplo.hn"))
    for url in (
        f"/simulaciones/partida/{run.id}",
        f"/simulaciones/partida/{run.id}/informe",
        f"/simulaciones/partida/{run.id}/registro/caso",
        f"/simulaciones/partida/{run.id}/cuaderno",
    ):
        assert client.get(url).status_code == 404
