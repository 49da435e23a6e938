"""Security sweep over the whole URL map and the places users write text.

- CSRF: every state-changing route refuses a request without a token, generated from the URL
  map so a new route is covered the day it is added (the token-authenticated API under /api/v1
  is the one exemption: it takes no cookies).
- Stored XSS: hostile text in a name, a lesson, a question and a scenario renders inert.
"""

import gc
import re

import pytest
from sqlalchemy import select
from werkzeug.routing import AnyConverter

from app.api.core import PREFIX as API_PREFIX
from app.extensions import db
from app.seed import load_reference_data
from tests.factories import make_user

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
PROBE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def sample_url(app, rule) -> str:
    values = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0]
        elif (
            re.fullmatch(r"\\d\+|\[0-9\]\+|\\d\{1,\d+\}", converter.regex)
            or "int" in type(converter).__name__.lower()
        ):
            values[name] = 1
        else:
            values[name] = "x1"
    try:
        return app.url_map.bind("localhost").build(rule.endpoint, values)
    except Exception:  # noqa: BLE001 - an id converter wants a number
        return app.url_map.bind("localhost").build(rule.endpoint, dict.fromkeys(values, 1))


def state_changing_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(API_PREFIX):
            continue
        for method in sorted(rule.methods & STATE_CHANGING):
            yield rule, method


@pytest.mark.parametrize("who", ["anonymous", "everyone"])
def test_every_state_changing_route_requires_a_csrf_token(make_app, who):
    app = make_app(WTF_CSRF_ENABLED=True)
    checked = []
    with app.app_context():
        db.create_all()
        load_reference_data()
        client = app.test_client()
        if who == "everyone":
            user = make_user("todo@ejemplo.hn", roles={"learner", "trainer", "hr", "admin"})
            with client.session_transaction() as session:
                session["_user_id"] = user.get_id()
                session["_fresh"] = True
        for rule, method in state_changing_routes(app):
            url = sample_url(app, rule)
            response = client.open(url, method=method, data={"x": "1"})
            page = response.get_data(as_text=True)
            assert response.status_code == 400, (rule.endpoint, method, url, response.status_code)
            assert "token de seguridad" in page, (rule.endpoint, url)
            checked.append(rule.endpoint)
    assert len(checked) >= 80  # the sweep really went over the map


def test_the_api_is_the_only_exemption_and_takes_no_cookies(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        db.create_all()
        load_reference_data()
        api = [r for r in app.url_map.iter_rules() if r.rule.startswith(API_PREFIX)]
        assert api and all(r.methods & STATE_CHANGING <= {"POST"} for r in api)
        user = make_user("cookie@ejemplo.hn", roles={"admin"})
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
        for rule in api:
            if rule.rule.endswith("/openapi.json"):
                continue  # the API's public description
            response = client.open(
                sample_url(app, rule), method=sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
            )
            assert response.status_code == 401, rule.rule  # a session cookie is not a token


def test_hostile_text_renders_inert_everywhere_it_is_shown(app, client, login):
    """A name, a lesson, a question and a scenario carrying markup show it as text."""
    from assessments import content_source as quiz_source
    from assessments import services as quiz_services
    from assessments.authoring import services as bank_services
    from assessments.models import QuestionBank
    from case_simulations import authoring as scenario_drafts
    from case_simulations import content_source as simulation_source
    from case_simulations import services as simulation_services
    from case_simulations.models import Scenario
    from courses import content_source, services
    from courses.authoring import services as authoring_services
    from courses.models import Course

    services.sync_courses(content_source.load())
    quiz_services.sync_assessments(*quiz_source.load())
    simulation_services.sync_scenarios(simulation_source.load())
    trainer = make_user("formadora@ejemplo.hn", roles={"trainer"}, display_name=PROBE[:60])
    db.session.commit()
    login(trainer)
    pages = []
    # A display name, shown in the header and on the profile.
    pages.append(client.get("/cuenta/perfil").get_data(as_text=True))
    # A lesson's Markdown, in the draft preview.
    course = db.session.scalar(select(Course).filter_by(slug="muestra-consular"))
    draft = authoring_services.start_draft(course, trainer)
    key = next(iter(draft.content["lessons"]))
    db.session.commit()
    page = client.get(f"/autoria/cursos/muestra-consular/lecciones/{key}")
    revision = re.search(
        r'name="revision" type="hidden" value="(\d+)"', page.get_data(as_text=True)
    )
    lesson = draft.content["lessons"][key]
    response = client.post(
        f"/autoria/cursos/muestra-consular/lecciones/{key}",
        data={
            "revision": revision.group(1),
            "title_es": "Título",
            "objectives_es": "Objetivo",
            "body_es": f"Texto {PROBE}\n\n[enlace](javascript:alert(1))",
            "estimated_minutes": lesson.get("estimated_minutes", 10),
            "action": "preview",
        },
    )
    pages.append(response.get_data(as_text=True))
    # A question's text, in the question form's preview.
    bank = db.session.scalar(select(QuestionBank).filter_by(slug="muestra"))
    bank_services.start_draft(bank, trainer)
    db.session.commit()
    url = "/autoria/bancos/muestra/preguntas/nueva/formulario?tipo=true_false&id=sonda"
    pages.append(
        client.post(
            url,
            data={
                "revision": "0",
                "id": "sonda",
                "prompt_es": PROBE,
                "answer": "true",
                "feedback_true_es": PROBE,
                "difficulty": "medium",
                "points": "1",
                "action": "preview",
            },
        ).get_data(as_text=True)
    )
    # A scenario's text, on the draft's map and play-as-learner pages.
    scenario = db.session.scalar(select(Scenario).filter_by(slug="muestra-reten"))
    sdraft = scenario_drafts.start_draft(scenario, trainer)
    sdraft.content = {
        **sdraft.content,
        "es": sdraft.content["es"].replace("title: ", f"title: '{PROBE}' #", 1),
    }
    db.session.commit()
    pages.append(client.get("/autoria/simulaciones/muestra-reten").get_data(as_text=True))
    for page in pages:
        assert "<script>alert" not in page and "onerror=alert(1)>" not in page
        assert 'href="javascript:' not in page
    assert any("&lt;script&gt;alert" in page for page in pages)


KB = 1024
# (url, file field, extra form fields, size limit in bytes, who uploads)
UPLOADS = {
    "lesson image": ("/autoria/cursos/muestra-consular/imagenes", "image", {}, 2048 * KB, "t"),
    "GIFT file": ("/autoria/bancos/muestra/gift", "file", {}, 1024 * KB, "t"),
    "scenario YAML": (
        "/autoria/simulaciones/muestra-reten/subir",
        "file",
        {"language": "es"},
        512 * KB,
        "t",
    ),
    "content pack": ("/autoria/paquetes", "file", {}, 8192 * KB, "t"),
    "staff CSV": ("/personal/importar", "files", {}, 8192 * KB, "h"),
}


@pytest.fixture
def uploaders(app, client):
    """A trainer with drafts of the sample course, bank and scenario open, and an HR user."""
    from assessments import content_source as quiz_source
    from assessments import services as quiz_services
    from assessments.authoring import services as bank_services
    from assessments.models import QuestionBank
    from case_simulations import authoring as scenario_drafts
    from case_simulations import content_source as simulation_source
    from case_simulations import services as simulation_services
    from case_simulations.models import Scenario
    from courses import content_source, services
    from courses.authoring import services as authoring_services
    from courses.models import Course

    services.sync_courses(content_source.load())
    quiz_services.sync_assessments(*quiz_source.load())
    simulation_services.sync_scenarios(simulation_source.load())
    trainer = make_user("sube@ejemplo.hn", roles={"trainer"})
    hr = make_user("rrhh-sube@ejemplo.hn", roles={"hr"}, position=None)
    course = db.session.scalar(select(Course).filter_by(slug="muestra-consular"))
    drafts = [
        authoring_services.start_draft(course, trainer),
        bank_services.start_draft(
            db.session.scalar(select(QuestionBank).filter_by(slug="muestra")), trainer
        ),
        scenario_drafts.start_draft(
            db.session.scalar(select(Scenario).filter_by(slug="muestra-reten")), trainer
        ),
    ]
    db.session.commit()
    return {"t": trainer, "h": hr, "drafts": drafts}


# A body over MAX_CONTENT_LENGTH is refused (413) before it is read; the test client's own
# spooled copy of it is then left for the garbage collector, which it reports. Collected here.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.parametrize("kind", ["wrong type", "too large"])
@pytest.mark.parametrize("name", sorted(UPLOADS))
def test_every_upload_refuses_wrong_types_and_oversized_files(uploaders, client, login, name, kind):
    import io

    url, field, extra, limit, who = UPLOADS[name]
    login(uploaders[who])
    revisions = [d.revision for d in uploaders["drafts"]]
    if kind == "wrong type":
        payload = b"\x00\x01\x02\x03MZ\x90\x00 not what this upload takes \xff\xfe"
        filename = "programa.exe"
    else:
        payload = b"a" * (limit + 1)
        filename = "grande.png" if field == "image" else "grande.txt"
    response = client.post(
        url,
        data={**extra, field: (io.BytesIO(payload), filename)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert response.status_code in (200, 400, 413, 422), (name, kind, response.status_code)
    assert re.search(r'class="(flash flash-danger|form-errors|error)', page) or (
        response.status_code == 413 and "demasiado grande" in page.lower()
    ), (name, kind)
    db.session.expire_all()
    assert [d.revision for d in uploaders["drafts"]] == revisions  # nothing was saved
    response.close()
    gc.collect()
