"""Fuzzing the importers: any input ends in a clean error report or a success, never a crash.

Bounded here (CI); `AULA_FUZZ_EXAMPLES=2000 make fuzz` runs them much longer (bench/README.md).
"""

import io
import os
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.content import ContentError, ContentErrors
from app.staff import importer
from assessments.loader import load_all as load_banks
from case_simulations import loader as scenario_loader
from case_simulations.content_source import references as scenario_references
from courses.loader import load_course

DATA = Path(__file__).resolve().parents[1] / "data"
EXAMPLES = int(os.environ.get("AULA_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# YAML values of every shape: what a careless or hostile edit could leave in a file.
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.dates(),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)


def reported(load) -> str | None:
    """Run a loader: None when it loads, its error report when it refuses; anything else raises."""
    try:
        load()
    except (ContentError, ContentErrors) as exc:
        return str(exc)
    return None


def paths_of(node, prefix=()):
    """Every (path) into a parsed YAML document."""
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths_of(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from paths_of(value, (*prefix, index))


def mutated(document, data) -> str:
    """The document with one value replaced by an arbitrary one (or the file replaced by text)."""
    if data.draw(st.integers(0, 9)) == 0:
        return data.draw(st.text(max_size=200))
    paths = [p for p in paths_of(document) if p]
    path = data.draw(st.sampled_from(paths))
    copy = yaml.safe_load(yaml.safe_dump(document, allow_unicode=True))
    node = copy
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = data.draw(values)
    return yaml.safe_dump(copy, allow_unicode=True, default_flow_style=False)


@pytest.fixture(scope="module")
def course_doc():
    return yaml.safe_load(
        (DATA / "courses" / "muestra-consular" / "course.yaml").read_text("utf-8")
    )


@FUZZ
@given(data=st.data())
def test_course_loader_reports_and_never_crashes(tmp_path_factory, course_doc, data):
    folder = tmp_path_factory.mktemp("course") / "muestra-consular"
    shutil.copytree(DATA / "courses" / "muestra-consular", folder)
    (folder / "course.yaml").write_text(mutated(course_doc, data), encoding="utf-8")
    report = reported(lambda: load_course(folder))
    assert report is None or report.strip()


@pytest.fixture(scope="module")
def bank_doc():
    return yaml.safe_load((DATA / "assessments" / "banks" / "muestra.yaml").read_text("utf-8"))


@FUZZ
@given(data=st.data())
def test_bank_loader_reports_and_never_crashes(tmp_path_factory, bank_doc, data):
    root = tmp_path_factory.mktemp("assessments")
    shutil.copytree(DATA / "assessments", root, dirs_exist_ok=True)
    (root / "banks" / "muestra.yaml").write_text(mutated(bank_doc, data), encoding="utf-8")
    report = reported(lambda: load_banks(root / "banks", root / "definitions"))
    assert report is None or report.strip()


@pytest.fixture(scope="module")
def scenario_file():
    return sorted((DATA / "case_simulations" / "scenarios").glob("*.yaml"))[0]


@FUZZ
@given(data=st.data())
def test_scenario_loader_reports_and_never_crashes(app, tmp_path_factory, scenario_file, data):
    document = yaml.safe_load(scenario_file.read_text("utf-8"))
    folder = tmp_path_factory.mktemp("scenarios")
    target = folder / scenario_file.name
    target.write_text(mutated(document, data), encoding="utf-8")
    report = reported(lambda: scenario_loader.load_scenario(target, scenario_references()))
    assert report is None or report.strip()


HEADER = "correo,nombre,oficina,puesto,roles,idioma\n"
cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)


@FUZZ
@given(
    rows=st.lists(st.lists(cells, min_size=0, max_size=8), max_size=6),
    raw=st.binary(max_size=200),
    use_raw=st.booleans(),
)
def test_staff_csv_importer_plans_or_reports_never_crashes(app, rows, raw, use_raw):
    if use_raw:
        data = raw
    else:
        buffer = io.StringIO()
        import csv

        csv.writer(buffer).writerows(rows)
        data = (HEADER + buffer.getvalue()).encode("utf-8")
    plan = importer.plan([importer.Source("personal.csv", data)])
    for error in plan.errors:
        assert error.line >= 0 and str(error.message)


# What the fuzzing found, kept as plain regression tests.


def test_a_control_character_is_a_yaml_problem_with_its_line(app):
    from app.content import parse_yaml

    with pytest.raises(ContentError) as caught:
        parse_yaml("slug: a\ntitle: \x1f\n", Path("curso.yaml"))
    assert caught.value.line == 2 and "U+001F" in str(caught.value)


def test_an_empty_weight_and_a_list_as_id_are_reported(tmp_path, bank_doc):
    root = tmp_path / "assessments"
    shutil.copytree(DATA / "assessments", root)
    broken = yaml.safe_load(yaml.safe_dump(bank_doc))
    choice = next(q for q in broken["questions"] if q["type"] == "single_choice")
    choice["options"][0]["weight"] = None
    broken["questions"][1]["id"] = ["no", "vale"]
    (root / "banks" / "muestra.yaml").write_text(yaml.safe_dump(broken), encoding="utf-8")
    report = reported(lambda: load_banks(root / "banks", root / "definitions"))
    assert report and "questions[1].id" in report


def test_a_lesson_named_by_a_list_is_reported_not_looked_up(tmp_path, course_doc):
    folder = tmp_path / "muestra-consular"
    shutil.copytree(DATA / "courses" / "muestra-consular", folder)
    broken = yaml.safe_load(yaml.safe_dump(course_doc))
    broken["modules"][0]["items"][0]["lesson"] = ["x" * 300, {"a": None}]
    (folder / "course.yaml").write_text(yaml.safe_dump(broken), encoding="utf-8")
    report = reported(lambda: load_course(folder))
    assert report and "modules[0].items[0].lesson" in report
