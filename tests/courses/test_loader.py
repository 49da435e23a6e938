"""Course files: validation names the file, key path and line; broken content never loads."""

import shutil
from pathlib import Path

import pytest

from app.content import ContentErrors
from app.legal import registry
from courses.loader import References, load_all, load_course

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "courses" / "muestra-consular"
REFS = References(
    legal_ids=frozenset(registry().provisions),
    assessments=frozenset(),
    simulations=frozenset(),
    positions=frozenset({"oficial-proteccion", "consul"}),
)


@pytest.fixture
def course_dir(tmp_path) -> Path:
    target = tmp_path / "muestra-consular"
    shutil.copytree(SAMPLE, target)
    return target


def errors_for(folder: Path) -> list[str]:
    with pytest.raises(ContentErrors) as caught:
        load_course(folder, REFS)
    return [str(e) for e in caught.value.errors]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_sample_course_loads(course_dir):
    course = load_course(course_dir, REFS)
    assert course.code == "TEST-001"
    assert [i.ref for _m, i in course.items] == [
        "01-notificacion",
        "02-acceso",
        "03-registro",
        "04-lectura-adicional",
    ]
    assert course.lessons["03-registro"].en is None
    assert course.items[-1][1].optional


def test_missing_title_names_file_key_and_line(course_dir):
    edit(
        course_dir / "course.yaml",
        'title:\n  es: "Curso de muestra: notificación consular"\n'
        '  en: "Sample course: consular notification"\n',
        "",
    )
    (error,) = errors_for(course_dir)
    assert error.endswith("course.yaml:2: title: a Spanish text ('es') is required")


def test_unknown_item_slug(course_dir):
    edit(
        course_dir / "course.yaml",
        "      - lesson: 02-acceso\n",
        "      - lesson: 02-acceso\n      - assessment: examen-inexistente\n",
    )
    (error,) = errors_for(course_dir)
    assert "course.yaml:21: modules[0].items[2].assessment: unknown assessment slug" in error


def test_duplicate_lesson_id(course_dir):
    edit(
        course_dir / "course.yaml",
        "      - lesson: 03-registro\n",
        "      - lesson: 03-registro\n      - lesson: 01-notificacion\n",
    )
    errors = errors_for(course_dir)
    assert any(
        "modules[1].items[1].lesson: duplicate lesson id '01-notificacion'" in e for e in errors
    )


def test_unknown_legal_reference(course_dir):
    edit(
        course_dir / "lessons" / "02-acceso.md",
        "legal_refs: [vccr-art36]",
        "legal_refs: [vccr-art36, ley-inventada-art1]",
    )
    (error,) = errors_for(course_dir)
    assert "02-acceso.md:6: legal_refs[1]: unknown legal reference 'ley-inventada-art1'" in error


def test_malformed_yaml_gives_the_parser_line(course_dir):
    edit(course_dir / "course.yaml", "estimated_minutes: 30", "estimated_minutes: [30")
    (error,) = errors_for(course_dir)
    assert "course.yaml:" in error and "malformed YAML" in error
    assert int(error.split("course.yaml:")[1].split(":")[0]) >= 13


def test_lesson_without_spanish_base_file(course_dir):
    (course_dir / "lessons" / "02-acceso.md").unlink()
    (error,) = errors_for(course_dir)
    assert "lesson '02-acceso' has no Spanish base file lessons/02-acceso.md" in error


def test_every_problem_is_reported_at_once(course_dir):
    edit(course_dir / "course.yaml", "family: derechos-humanos", "family: astrologia")
    edit(course_dir / "course.yaml", "estimated_minutes: 30", "estimated_minutes: -1")
    edit(course_dir / "lessons" / "01-notificacion.md", "[[notificacion-consular]]", "[[nada]]")
    errors = errors_for(course_dir)
    assert len(errors) == 3
    assert any("family: must be one of" in e for e in errors)
    assert any("estimated_minutes: must be a whole number" in e for e in errors)
    assert any("[[nada]] is not a term of the course glossary" in e for e in errors)


def test_unknown_audience_position_and_level_one_heading(course_dir):
    edit(
        course_dir / "course.yaml",
        "audience: [oficial-proteccion, consul]",
        "audience: [oficial-proteccion, astronauta]",
    )
    edit(course_dir / "lessons" / "03-registro.md", "## Registro", "# Registro")
    errors = errors_for(course_dir)
    assert any("audience[1]: unknown position 'astronauta'" in e for e in errors)
    assert any("use '##' for sections" in e for e in errors)


def test_load_all_is_all_or_nothing(tmp_path, course_dir):
    broken = tmp_path / "roto"
    shutil.copytree(SAMPLE, broken)
    edit(broken / "course.yaml", "slug: muestra-consular", "slug: roto")
    edit(broken / "course.yaml", "code: TEST-001", "code: TEST-002")
    (broken / "lessons" / "01-notificacion.md").write_text("sin front matter", encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        load_all(tmp_path, REFS)
    assert all("roto" in str(e) for e in caught.value.errors)


def test_content_hash_ignores_layout_but_sees_meaning(course_dir):
    before = load_course(course_dir, REFS).content_hash
    edit(
        course_dir / "course.yaml",
        "audience: [oficial-proteccion, consul]",
        "audience:\n  - oficial-proteccion\n  - consul",
    )
    assert load_course(course_dir, REFS).content_hash == before
    edit(course_dir / "lessons" / "03-registro.md", "Anote fecha", "Anote hora, fecha")
    assert load_course(course_dir, REFS).content_hash != before


def test_odd_values_are_reported_not_crashed(course_dir):
    edit(course_dir / "course.yaml", "audience: [oficial-proteccion, consul]", "audience: [{a: 1}]")
    edit(
        course_dir / "lessons" / "02-acceso.md",
        "legal_refs: [vccr-art36]",
        "legal_refs: [[vccr-art36]]",
    )
    errors = errors_for(course_dir)
    assert any("audience[0]: unknown position" in e for e in errors)
    assert any("legal_refs[0]: unknown legal reference" in e for e in errors)


def test_unknown_and_duplicate_keys_are_errors(course_dir):
    edit(course_dir / "course.yaml", "        optional: true", "        optinal: true")
    edit(course_dir / "lessons" / "02-acceso.md", "legal_refs:", "legal_ref:")
    errors = errors_for(course_dir)
    assert any("modules[1].items[1].optinal: unknown key" in e for e in errors)
    assert any("02-acceso.md:6: legal_ref: unknown key" in e for e in errors)


def test_duplicate_yaml_key_is_an_error(course_dir):
    edit(course_dir / "course.yaml", "code: TEST-001", "code: TEST-001\ncode: TEST-002")
    (error,) = errors_for(course_dir)
    assert "malformed YAML" in error and "duplicate key 'code'" in error


def test_version_label_must_be_quoted(course_dir):
    edit(course_dir / "course.yaml", 'version: "2026.1"', "version: 2026.10")
    (error,) = errors_for(course_dir)
    assert "version: a quoted version label is required" in error


def test_a_course_must_require_something(course_dir):
    edit(course_dir / "course.yaml", "  lessons: all", "  lessons: none")
    (error,) = errors_for(course_dir)
    assert "completion: nothing is required to finish this course" in error
