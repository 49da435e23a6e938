"""Content packs: export a course with what it uses; import all-or-nothing into drafts."""

import io
import zipfile

from sqlalchemy import func, select

from app.extensions import db
from assessments import content_source as quiz_source
from assessments import services as quiz_services
from assessments.authoring.models import BankDraft, QuizDraft
from case_simulations import content_source as simulation_source
from case_simulations import services as simulation_services
from case_simulations.models import ScenarioDraft
from courses.authoring.models import CourseDraft
from courses.models import CourseItem


def with_quiz_and_simulation(course) -> None:
    """Make the sample course use a quiz and a simulation (synced from the test data)."""
    quiz_services.sync_assessments(*quiz_source.load())
    simulation_services.sync_scenarios(simulation_source.load())
    for position, (kind, ref) in enumerate(
        (("assessment", "muestra-final"), ("simulation", "muestra-reten")), start=90
    ):
        db.session.add(
            CourseItem(
                course_version_id=course.current_version_id,
                position=position,
                module_key="practica",
                kind=kind,
                ref=ref,
            )
        )
    db.session.commit()


def zip_of(files: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as pack:
        for name, body in files.items():
            pack.writestr(name, body)
    return buffer.getvalue()


def test_a_pack_holds_the_course_and_what_it_uses_and_comes_back_as_drafts(
    course, client, login, trainer
):
    with_quiz_and_simulation(course)
    login(trainer)
    response = client.get("/autoria/cursos/muestra-consular/paquete.zip")
    assert response.mimetype == "application/zip"
    names = set(zipfile.ZipFile(io.BytesIO(response.data)).namelist())
    assert {
        "aula-pack.json",
        "courses/muestra-consular/course.yaml",
        "courses/muestra-consular/lessons/01-notificacion.md",
        "courses/muestra-consular/lessons/01-notificacion.en.md",
        "assessments/definitions/muestra-final.yaml",
        "assessments/banks/muestra.yaml",
        "assessments/banks/muestra.en.yaml",
        "case_simulations/scenarios/muestra-reten.yaml",
        "case_simulations/scenarios/muestra-reten.en.yaml",
    } <= names
    # Change one lesson inside the pack and bring it back.
    original = zipfile.ZipFile(io.BytesIO(response.data))
    files = {name: original.read(name) for name in original.namelist()}
    lesson = "courses/muestra-consular/lessons/01-notificacion.md"
    files[lesson] = files[lesson].replace(b"sin dilaci", b"inmediatamente y sin dilaci")
    imported = client.post(
        "/autoria/paquetes", data={"file": (io.BytesIO(zip_of(files)), "muestra.zip")}
    )
    assert imported.status_code == 302, imported.get_data(as_text=True)
    draft = db.session.scalar(select(CourseDraft).where(CourseDraft.closed_at.is_(None)))
    assert (
        "inmediatamente y sin dilaci" in draft.content["lessons"]["01-notificacion"]["es"]["body"]
    )
    for model in (BankDraft, QuizDraft, ScenarioDraft):
        assert db.session.scalar(select(func.count()).select_from(model)) == 1
    # A second import while those drafts are open is refused whole.
    again = client.post(
        "/autoria/paquetes", data={"file": (io.BytesIO(zip_of(files)), "muestra.zip")}
    )
    assert again.status_code == 422 and "tiene un borrador abierto" in again.get_data(as_text=True)


def test_a_broken_pack_is_refused_whole_with_every_problem(course, client, login, trainer):
    login(trainer)
    exported = zipfile.ZipFile(
        io.BytesIO(client.get("/autoria/cursos/muestra-consular/paquete.zip").data)
    )
    files = {name: exported.read(name) for name in exported.namelist()}
    lesson = "courses/muestra-consular/lessons/02-acceso.md"
    files[lesson] = files[lesson].replace(b"legal_refs:\n- ", b"legal_refs:\n- ley-inventada\n- ")
    files["assessments/banks/roto.yaml"] = b"slug: roto\ntitle: Roto\nquestions: []\n"
    files["../fuera.txt"] = b"x"
    response = client.post(
        "/autoria/paquetes", data={"file": (io.BytesIO(zip_of(files)), "roto.zip")}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "No se importó nada" in page
    assert "../fuera.txt" in page  # refused before anything else is read
    del files["../fuera.txt"]
    response = client.post(
        "/autoria/paquetes", data={"file": (io.BytesIO(zip_of(files)), "roto.zip")}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "lessons/02-acceso.md:" in page and "ley-inventada" in page
    assert "banks/roto.yaml" in page
    assert db.session.scalar(select(func.count()).select_from(CourseDraft)) == 0
    not_zip = client.post("/autoria/paquetes", data={"file": (io.BytesIO(b"hola"), "x.zip")})
    assert not_zip.status_code == 422 and "no es un archivo ZIP" in not_zip.get_data(as_text=True)


def test_the_pack_command_writes_the_zip(course, runner, tmp_path):
    out = tmp_path / "muestra.zip"
    result = runner.invoke(args=["courses", "pack", "muestra-consular", str(out)])
    assert result.exit_code == 0, result.output
    assert "courses/muestra-consular/course.yaml" in zipfile.ZipFile(out).namelist()
    missing = runner.invoke(args=["courses", "pack", "no-existe", str(out)])
    assert missing.exit_code != 0 and "No hay ningún curso" in missing.output


def test_odd_manifests_and_damaged_entries_are_refused_not_crashed(course, client, login, trainer):
    login(trainer)
    for manifest in (b"[]", b'{"course": []}', b"no es json"):
        response = client.post(
            "/autoria/paquetes",
            data={"file": (io.BytesIO(zip_of({"aula-pack.json": manifest})), "raro.zip")},
        )
        assert response.status_code == 422
