"""The question editor as a form: every type, both languages, errors on their fields."""

import re
from html import unescape
from pathlib import Path

import pytest
import yaml
from werkzeug.datastructures import MultiDict

from app.extensions import db
from assessments.authoring import question_form, services
from assessments.loader import lay_over
from tests.factories import make_user

BASE = "/autoria/bancos/muestra"
SHIPPED = Path(__file__).resolve().parents[2] / "assessments" / "banks"
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "assessments" / "banks"


def flatten(data: dict) -> MultiDict:
    """Form data as a browser would post it (rows as group-N-field, ticks as 'y')."""
    out = MultiDict()
    for key, value in data.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            for n, row in enumerate(value):
                for field, item in row.items():
                    if item not in (None, False):
                        out.add(f"{key}-{n}-{field}", "y" if item is True else str(item))
                if not row:
                    out.add(f"{key}-{n}-id", "")
        elif isinstance(value, list):
            for item in value:
                out.add(key, item)
        elif value is True:
            out.add(key, "y")
        elif value not in (None, False):
            out.add(key, str(value))
    return out


def through_form(app, entry: dict, english: dict | None) -> tuple[dict, dict]:
    """What the form gives back when a trainer opens a question and saves it untouched."""
    with app.test_request_context(
        method="POST", data=flatten(question_form.form_data(entry, english))
    ):
        form = question_form.QuestionFieldsForm(meta={"csrf": False})
        form.legal_refs.choices = [(r, r) for r in entry.get("legal_refs") or []]
        assert form.validate(), form.errors
        built = question_form.entry_from(form, entry["type"])
    return built.entry, built.english


def normal(spec: dict) -> dict:
    """A question as the loader reads it: the defaults filled in; no points if never scored."""
    out = {"points": 1, "difficulty": "medium", "tags": [], "legal_refs": [], **spec}
    if spec["type"] == "description":
        out.pop("points")
    return out


def banks(folder: Path):
    for path in sorted(folder.glob("*.yaml")):
        if path.name.endswith(".en.yaml"):
            continue
        english = path.with_name(path.stem + ".en.yaml")
        overlay = yaml.safe_load(english.read_text(encoding="utf-8")) if english.exists() else {}
        yield path.stem, yaml.safe_load(path.read_text(encoding="utf-8")), overlay or {}


@pytest.mark.parametrize("folder", [SHIPPED, SAMPLE], ids=["shipped", "sample"])
def test_every_question_comes_back_unchanged_through_the_form(app, folder):
    """Opening and saving any question in the form changes neither language."""
    count = 0
    for _slug, bank, overlay in banks(folder):
        for entry in bank["questions"]:
            english = (overlay.get("questions") or {}).get(entry["id"])
            rebuilt, rebuilt_en = through_form(app, entry, english)
            assert normal(rebuilt) == normal(entry), entry["id"]
            spec_en, again_en = dict(entry), dict(rebuilt)
            lay_over(spec_en, english or {})
            lay_over(again_en, rebuilt_en)
            assert normal(again_en) == normal(spec_en), entry["id"]
            count += 1
    assert count >= 8


def fields_of(page: str) -> MultiDict:
    """Every input, textarea, ticked box and selected option of the page's question form."""
    form = page[page.index('class="card question-form"') :]
    form = form[: form.index("</form>")]
    out = MultiDict()
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form):
        tag = re.search(
            rf'<input[^>]*name="{re.escape(name)}"[^>]*value="{re.escape(value)}"[^>]*>', form
        ).group(0)
        if ('type="checkbox"' in tag or 'type="radio"' in tag) and "checked" not in tag:
            continue
        out.add(name, unescape(value))
    for name, value in re.findall(
        r'<textarea[^>]*name="([^"]+)"[^>]*>\r?\n?(.*?)</textarea>', form, re.S
    ):
        out.add(name, unescape(value))
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(
            r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', body
        )
        if chosen:
            out.add(name, chosen.group(1) or chosen.group(2))
    return out


def fill(data: MultiDict, values: dict) -> None:
    """Type into the form: each value replaces what the field held."""
    for key, value in values.items():
        data.setlist(key, [value])


def problems_in(page: str) -> list[str]:
    """The error messages a page shows (for assertion messages)."""
    return re.findall(r'class="(?:error|form-errors)"[^>]*>(.*?)</(?:p|div)>', page, re.S)


def test_a_single_choice_question_is_written_in_both_languages(drafted, client):
    page = client.get(f"{BASE}/preguntas/nueva/formulario?tipo=single_choice&id=notificar-consul")
    assert page.status_code == 200
    data = fields_of(page.get_data(as_text=True))
    fill(
        data,
        {
            "prompt_es": "¿Quién decide si se notifica al consulado la detención?",
            "prompt_en": "Who decides whether the consulate is told of the detention?",
            "options-0-text_es": "La persona detenida",
            "options-0-text_en": "The detained person",
            "options-0-feedback_es": "Correcto: Art. 36(1)(b) CVRC, «si el interesado lo "
            "solicita».",
            "options-0-feedback_en": "Right: Art. 36(1)(b) VCCR, 'if he so requests'.",
            "options-1-text_es": "La autoridad que detiene",
            "options-1-feedback_es": "No: la autoridad debe informar a la persona de su derecho.",
            "tags": "plazos, art36",
            "legal_refs": "vccr-art36-1-b",
            "action": "save",
        },
    )
    response = client.post(f"{BASE}/preguntas/nueva/formulario?tipo=single_choice", data=data)
    assert response.status_code == 302, problems_in(response.get_data(as_text=True))
    assert response.headers["Location"].endswith("/preguntas/notificar-consul/formulario")
    db.session.refresh(drafted)
    entry, english = services.question_entry(drafted.content, "notificar-consul")
    assert entry["options"] == [
        {
            "id": "a",
            "text": "La persona detenida",
            "correct": True,
            "feedback": "Correcto: Art. 36(1)(b) CVRC, «si el interesado lo solicita».",
        },
        {
            "id": "b",
            "text": "La autoridad que detiene",
            "feedback": "No: la autoridad debe informar a la persona de su derecho.",
        },
    ]
    assert entry["tags"] == ["plazos", "art36"] and entry["legal_refs"] == ["vccr-art36-1-b"]
    assert english["options"]["a"] == {
        "text": "The detained person",
        "feedback": "Right: Art. 36(1)(b) VCCR, 'if he so requests'.",
    }
    assert "b" not in english["options"]  # untranslated: English readers see the Spanish
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "La autoridad que detiene" in page and "Vista previa" in page


def test_problems_land_on_their_fields_and_nothing_is_lost(drafted, client):
    url = f"{BASE}/preguntas/nueva/formulario?tipo=multiple_response&id=derechos-detencion"
    before = drafted.revision
    data = fields_of(client.get(url).get_data(as_text=True))
    fill(
        data,
        {
            "prompt_es": "¿Qué derechos tiene la persona en la estación?",
            "options-0-text_es": "Comunicarse con su consulado",
            "options-0-weight": "60",
            "options-1-text_es": "Recibir asistencia jurídica",
            "options-1-weight": "20",
            "options-2-feedback_es": "Una retroalimentación sin opción",
            "tags": "Mal Etiqueta",
            "action": "save",
        },
    )
    response = client.post(url, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "minúsculas" in page  # the tag
    data["tags"] = "derechos"
    response = client.post(url, data=data)
    page = response.get_data(as_text=True)
    assert re.search(r'id="options-2-text_es-error"', page)  # the row without a text
    assert "Una retroalimentación sin opción" in page and "Recibir asistencia jurídica" in page
    fill(data, {"options-2-text_es": "Ser deportada sin audiencia", "options-2-weight": "-50"})
    page = client.post(url, data=data).get_data(as_text=True)
    assert "los pesos positivos deben sumar 100" in page
    db.session.refresh(drafted)
    assert drafted.revision == before
    fill(data, {"options-1-weight": "40"})
    response = client.post(url, data=data)
    assert response.status_code == 302, problems_in(response.get_data(as_text=True))
    db.session.refresh(drafted)
    entry, _en = services.question_entry(drafted.content, "derechos-detencion")
    assert [o["weight"] for o in entry["options"]] == [60, 40, -50]


def test_ticked_answers_share_the_credit(drafted, client):
    url = f"{BASE}/preguntas/nueva/formulario?tipo=multiple_response&id=tres-correctas"
    before = drafted.revision
    data = fields_of(client.get(url).get_data(as_text=True))
    assert 'name="options-4-text_es"' in client.get(url).get_data(as_text=True)
    fill(data, {"action": "more-options"})
    page = client.post(url, data=data).get_data(as_text=True)
    assert 'name="options-5-text_es"' in page  # one more empty row…
    assert not problems_in(page)  # …and nothing checked yet (the prompt is still empty)
    db.session.refresh(drafted)
    assert drafted.revision == before
    data = fields_of(page)
    fill(data, {"prompt_es": "¿Qué debe constar en el registro del caso?", "tags": "registro"})
    for n, text in enumerate(["La fecha", "El lugar", "El consentimiento", "La religión"]):
        fill(data, {f"options-{n}-text_es": text})
        if n < 3:
            fill(data, {f"options-{n}-correct": "y"})
    fill(data, {"action": "save"})
    response = client.post(url, data=data)
    assert response.status_code == 302, problems_in(response.get_data(as_text=True))
    db.session.refresh(drafted)
    entry, _en = services.question_entry(drafted.content, "tres-correctas")
    assert [o.get("weight") for o in entry["options"]] == [33.33, 33.33, 33.34, None]


def test_ordering_numeric_matching_and_short_answer(drafted, client):
    def write(kind, qid, values):
        url = f"{BASE}/preguntas/nueva/formulario?tipo={kind}&id={qid}"
        data = fields_of(client.get(url).get_data(as_text=True))
        fill(data, {"prompt_es": "Pregunta", "tags": "prueba", "action": "save", **values})
        response = client.post(url, data=data)
        assert response.status_code == 302, problems_in(response.get_data(as_text=True))
        db.session.refresh(drafted)
        return services.question_entry(drafted.content, qid)

    entry, _en = write(
        "ordering",
        "orden-entrevista",
        {
            "items-0-text_es": "Presentarse",
            "items-0-position": "2",
            "items-1-text_es": "Confirmar el lugar seguro",
            "items-1-position": "1",
        },
    )
    assert [i["text"] for i in entry["items"]] == ["Confirmar el lugar seguro", "Presentarse"]
    entry, english = write(
        "numeric",
        "horas-maximas",
        {
            "numbers-0-value": "36",
            "numbers-0-feedback_es": "Sí: AR 388/2022.",
            "numbers-0-feedback_en": "Yes: AR 388/2022.",
            "numbers-1-low": "30",
            "numbers-1-high": "35,5",
            "numbers-1-weight": "50",
            "feedback_other_es": "No: el máximo es de 36 horas.",
        },
    )
    assert entry["answers"] == [
        {"value": 36, "tolerance": 0, "feedback": "Sí: AR 388/2022."},
        {"min": 30, "max": 35.5, "weight": 50},
    ]
    assert english["answers"][0]["feedback"] == "Yes: AR 388/2022."
    entry, english = write(
        "matching",
        "instrumentos",
        {
            "pairs-0-prompt_es": "CVRC",
            "pairs-0-answer_es": "1963",
            "pairs-1-prompt_es": "Ley de Migración",
            "pairs-1-answer_es": "2011",
            "pairs-1-answer_en": "2011 (Mexico)",
            "distractors_es": "1951\n\n1967",
        },
    )
    assert [p["id"] for p in entry["pairs"]] == ["1", "2"] and entry["distractors"] == [
        "1951",
        "1967",
    ]
    assert english == {"pairs": {"2": {"answer": "2011 (Mexico)"}}}
    entry, english = write(
        "short_answer",
        "siglas",
        {
            "answers_es-0-text": "CVRC",
            "answers_en-0-text": "VCCR",
            "answers_en-0-feedback": "Yes.",
            "accents_matter": "y",
        },
    )
    assert entry["answers"] == [{"text": "CVRC"}] and entry["accents_matter"] is True
    assert english == {"answers": [{"text": "VCCR", "feedback": "Yes."}]}


def test_an_existing_question_opens_and_a_concurrent_save_is_refused(drafted, client, app):
    url = f"{BASE}/preguntas/plazo-estacion/formulario"
    page = client.get(url).get_data(as_text=True)
    assert "36 horas" in page and 'name="id"' not in page  # the id cannot change
    mine = fields_of(page)
    other = app.test_client()
    reviewer = make_user("revisor@ejemplo.hn", roles={"trainer"}, office="dgphm")
    with other.session_transaction() as session:
        session["_user_id"] = reviewer.get_id()
    theirs = MultiDict(mine)
    theirs["prompt_es"] = theirs["prompt_es"] + " (de ellos)"
    theirs["action"] = "save"
    assert other.post(url, data=theirs).status_code == 302
    mine["prompt_es"] = mine["prompt_es"] + " (mío)"
    mine["action"] = "save"
    response = client.post(url, data=mine)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "(mío)" in page and "(de ellos)" in page
    db.session.refresh(drafted)
    entry, _en = services.question_entry(drafted.content, "plazo-estacion")
    assert entry["prompt"].endswith("(de ellos)")


def test_a_new_id_that_is_not_a_short_name_is_refused_on_its_field(drafted, client):
    url = f"{BASE}/preguntas/nueva/formulario?tipo=true_false&id=Mal Id"
    data = fields_of(client.get(url).get_data(as_text=True))
    fill(data, {"prompt_es": "Afirmación", "action": "save"})
    page = client.post(url, data=data).get_data(as_text=True)
    assert 'id="id-error"' in page and "plazo-36-horas" in page


def test_unknown_type_or_question_is_not_found(drafted, client):
    assert client.get(f"{BASE}/preguntas/nueva/formulario?tipo=essay").status_code == 404
    assert client.get(f"{BASE}/preguntas/no-existe/formulario").status_code == 404


def test_a_pair_without_its_match_is_shown_on_its_row(drafted, client):
    url = f"{BASE}/preguntas/nueva/formulario?tipo=matching&id=pareja-incompleta"
    data = fields_of(client.get(url).get_data(as_text=True))
    fill(
        data,
        {
            "prompt_es": "Relacione",
            "pairs-0-prompt_es": "CVRC",
            "pairs-0-answer_es": "1963",
            "pairs-1-prompt_es": "Ley de Migración",
            "action": "save",
        },
    )
    response = client.post(url, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="pairs-1-prompt_es-error"' in page and "Ley de Migración" in page
