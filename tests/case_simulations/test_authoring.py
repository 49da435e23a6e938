"""Scenarios on the web: edit or upload the YAML, problems by line, play the draft, publish."""

import io
import re

from sqlalchemy import select

from app.extensions import db
from case_simulations import content_source, services
from case_simulations.models import Scenario, ScenarioDraft, ScenarioVersion

BASE = "/autoria/simulaciones/muestra-reten"


def open_draft(client) -> ScenarioDraft:
    assert client.post(f"{BASE}/borrador").status_code == 302
    return db.session.scalar(select(ScenarioDraft))


def files_form(draft, **changes) -> dict:
    db.session.refresh(draft)
    data = {
        "revision": str((draft.part_revisions or {}).get("files", 0)),
        "spanish": draft.content["es"],
        "english": draft.content["en"],
    }
    return data | changes


def test_an_edit_is_checked_by_line_saved_played_and_published(
    scenario, client, login, trainer, learner
):
    run = services.start_run(scenario, learner)
    db.session.commit()
    login(trainer)
    draft = open_draft(client)
    page = client.get(BASE).get_data(as_text=True)
    assert "<svg" in page  # the map of the draft
    # Broken YAML: refused with its line; nothing saved.
    broken = files_form(
        draft, spanish=draft.content["es"].replace("slug: muestra-reten", "slug: [x")
    )
    response = client.post(BASE, data=broken)
    assert response.status_code == 422
    assert re.search(r"muestra-reten\.yaml:\d+", response.get_data(as_text=True))
    db.session.refresh(draft)
    assert draft.revision == 1
    # A valid change is saved.
    title = 'title: "Muestra: el retén"'
    changed = files_form(draft, spanish=draft.content["es"].replace(title, 'title: "El retén"'))
    assert client.post(BASE, data=changed).status_code == 302
    db.session.refresh(draft)
    assert 'title: "El retén"' in draft.content["es"]
    # Played as a learner, one decision at a time, without storing anything.
    page = client.get(f"{BASE}/probar").get_data(as_text=True)
    first = re.search(r"ruta=([a-z0-9_-]+)\"", page).group(1)
    after = client.get(f"{BASE}/probar?ruta={first}").get_data(as_text=True)
    assert "Deshacer la última opción" in after
    # Published: a new version; the run already started keeps its own.
    response = client.post(
        f"{BASE}/publicar",
        data={"revision": draft.revision, "change_note": "Título más corto."},
        follow_redirects=True,
    )
    assert "versión 2 del escenario publicada" in response.get_data(as_text=True).lower()
    assert "Título más corto." in response.get_data(as_text=True)  # the change note is listed
    db.session.refresh(scenario)
    assert scenario.current_version.number == 2
    assert scenario.current_version.title_es == "El retén"
    assert scenario.diverged_at is not None and scenario.web_files["es"].count("El retén")
    db.session.refresh(run)
    assert run.version.number == 1
    # Sync leaves it alone: its files differ from what the web published.
    summary = services.sync_scenarios(content_source.load())
    assert summary.diverged == ["muestra-reten"]
    assert (
        db.session.scalar(select(ScenarioVersion).order_by(ScenarioVersion.id.desc())).number == 2
    )


def test_an_upload_with_any_problem_is_refused_whole(scenario, client, login, trainer):
    login(trainer)
    draft = open_draft(client)
    bad = draft.content["es"].replace("start:", "comienzo:")
    response = client.post(
        f"{BASE}/subir",
        data={
            "revision": "0",
            "language": "es",
            "file": (io.BytesIO(bad.encode()), "muestra-reten.yaml"),
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "No se cambió nada" in page
    assert re.search(r"muestra-reten\.yaml:\d+", page)
    db.session.refresh(draft)
    assert draft.revision == 1
    good = draft.content["es"].replace("estimated_minutes: 10", "estimated_minutes: 12")
    response = client.post(
        f"{BASE}/subir",
        data={
            "revision": "0",
            "language": "es",
            "file": (io.BytesIO(good.encode()), "muestra-reten.yaml"),
        },
    )
    assert response.status_code == 302
    db.session.refresh(draft)
    assert "estimated_minutes: 12" in draft.content["es"]


def test_learners_cannot_open_scenario_authoring(scenario, client, login, learner):
    login(learner)
    assert client.get(BASE).status_code == 403
    assert client.get(f"{BASE}/probar").status_code == 403
    assert db.session.scalar(select(Scenario).filter_by(slug="muestra-reten")).diverged_at is None


def test_a_scenario_that_came_in_a_pack_reopens_after_its_draft_was_discarded(
    scenario, client, login, trainer
):
    from app import drafts
    from app.db import utcnow

    fresh = Scenario(slug="de-paquete", retired_at=utcnow())
    db.session.add(fresh)
    db.session.flush()
    row = drafts.new(
        ScenarioDraft, trainer, content={"es": "slug: de-paquete\n", "en": ""}, scenario_id=fresh.id
    )
    drafts.close(row, "discarded")
    db.session.commit()
    login(trainer)
    assert client.get("/autoria/simulaciones/de-paquete").status_code == 200
    assert client.post("/autoria/simulaciones/de-paquete/borrador").status_code == 302
    reopened = db.session.scalar(
        select(ScenarioDraft).where(
            ScenarioDraft.scenario_id == fresh.id, ScenarioDraft.closed_at.is_(None)
        )
    )
    assert reopened is not None and reopened.content["es"] == "slug: de-paquete\n"
