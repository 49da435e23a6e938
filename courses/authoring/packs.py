"""Content packs: a course with its quizzes, banks, simulations and images, as one ZIP.

The ZIP holds the on-disk format (the same folders as the repository), so a pack moves
content between an installation and git. Importing is all-or-nothing: every file is checked
with the loaders first, every problem is reported with its file and line, and only then are
drafts opened — nothing is published by an import; the usual review and publish steps follow.
"""

import io
import json
import re
import tempfile
import zipfile
import zlib
from pathlib import Path, PurePosixPath

import yaml
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import drafts
from app.audit import record_event
from app.content import ContentErrors
from app.db import utcnow
from app.errors import DomainError
from app.extensions import db
from app.i18n import _l
from assessments.authoring import quizzes as quiz_drafts
from assessments.authoring import services as bank_drafts
from assessments.authoring.models import BankDraft, QuizDraft
from assessments.models import Assessment, QuestionBank
from case_simulations import authoring as scenario_drafts
from case_simulations.models import Scenario, ScenarioDraft
from courses import services as course_services
from courses.authoring import images, services
from courses.authoring.images import CourseImage
from courses.authoring.models import CourseDraft
from courses.content_source import references
from courses.loader import References, dump_course, load_course
from courses.models import Course

FORMAT = "aula-consular-pack/1"
MAX_BYTES = 20 * 1024 * 1024
MAX_ENTRIES = 500
IMAGE_LINK = re.compile(r"/medios/([0-9a-f]{32}\.(?:png|jpg|gif|webp))")
ALLOWED = re.compile(
    r"^(aula-pack\.json"
    r"|courses/[a-z0-9-]+/course\.yaml"
    r"|courses/[a-z0-9-]+/lessons/[a-z0-9-]+(\.en)?\.md"
    r"|assessments/banks/[a-z0-9-]+(\.en)?\.yaml"
    r"|assessments/definitions/[a-z0-9-]+\.yaml"
    r"|case_simulations/scenarios/[a-z0-9-]+(\.en)?\.yaml"
    r"|media/[0-9a-f]{32}\.(png|jpg|gif|webp))$"
)


class PackProblems(DomainError):
    """The pack cannot be imported; ``problems`` lists every reason, by file and line."""

    def __init__(self, message, problems: list[str]):
        self.problems = problems
        super().__init__(message)


def _dump(value) -> str:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=100)


def export(course: Course) -> bytes:
    """The course's current version with everything it uses, as a ZIP in the on-disk format."""
    if course.current_version is None:
        raise DomainError(_l("This course has no published version to export."))
    data = course_services.version_as_dict(course.current_version)
    buffer = io.BytesIO()
    contents: list[str] = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as pack:

        def put(name: str, text: str | bytes) -> None:
            pack.writestr(name, text)
            contents.append(name)

        with tempfile.TemporaryDirectory() as tmp:
            dump_course(data, Path(tmp) / course.slug)
            for path in sorted((Path(tmp) / course.slug).rglob("*")):
                if path.is_file():
                    relative = path.relative_to(tmp).as_posix()
                    put(f"courses/{relative}", path.read_text(encoding="utf-8"))
        refs = [(m, i) for m in data["modules"] for i in m["items"]]
        quiz_slugs = [i["assessment"] for _m, i in refs if "assessment" in i]
        scenario_slugs = [i["simulation"] for _m, i in refs if "simulation" in i]
        bank_slugs: set[str] = set()
        for slug in quiz_slugs:
            quiz = db.session.scalar(select(Assessment).where(Assessment.slug == slug))
            if quiz is None:
                continue
            definition = quiz_drafts.raw_definition(quiz)
            put(f"assessments/definitions/{slug}.yaml", _dump(definition))
            bank_slugs |= {rule.get("bank") for rule in definition.get("draw") or []}
        for slug in sorted(s for s in bank_slugs if s):
            bank = db.session.scalar(select(QuestionBank).where(QuestionBank.slug == slug))
            if bank is None:
                continue
            content = bank_drafts.raw_bank(bank)
            put(f"assessments/banks/{slug}.yaml", _dump(content["es"]))
            if content.get("en"):
                put(f"assessments/banks/{slug}.en.yaml", _dump(content["en"]))
        for slug in scenario_slugs:
            scenario = db.session.scalar(select(Scenario).where(Scenario.slug == slug))
            if scenario is None:
                continue
            files = scenario_drafts.raw_files(scenario)
            put(f"case_simulations/scenarios/{slug}.yaml", files["es"])
            if (files.get("en") or "").strip():
                put(f"case_simulations/scenarios/{slug}.en.yaml", files["en"])
        bodies = json.dumps(data["lessons"], ensure_ascii=False)
        for filename in sorted(set(IMAGE_LINK.findall(bodies))):
            path = images.folder() / filename
            if path.is_file():
                put(f"media/{filename}", path.read_bytes())
        manifest = {
            "format": FORMAT,
            "course": course.slug,
            "version": course.current_version.label,
            "exported_at": utcnow().isoformat(),
            "files": contents,
        }
        pack.writestr("aula-pack.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    return buffer.getvalue()


def _read_zip(data: bytes) -> dict[str, bytes]:
    """The pack's files by name, refusing anything unsafe or unexpected."""
    if len(data) > MAX_BYTES:
        raise PackProblems(_l("Nothing was imported."), [str(_l("The pack is larger than 20 MB."))])
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise PackProblems(
            _l("Nothing was imported."), [str(_l("This file is not a ZIP archive."))]
        ) from exc
    entries = [e for e in archive.infolist() if not e.is_dir()]
    if len(entries) > MAX_ENTRIES:
        raise PackProblems(_l("Nothing was imported."), [str(_l("The pack holds too many files."))])
    files, problems, total = {}, [], 0
    for entry in entries:
        name = entry.filename
        parts = PurePosixPath(name).parts
        if name.startswith("/") or ".." in parts or not ALLOWED.match(name):
            problems.append(str(_l("%(file)s: not a file a pack may hold", file=name)))
            continue
        total += entry.file_size
        if total > 5 * MAX_BYTES:
            raise PackProblems(
                _l("Nothing was imported."), [str(_l("The pack expands to too much data."))]
            )
        try:
            files[name] = archive.read(entry)
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, zlib.error, OSError):
            problems.append(str(_l("%(file)s: damaged or encrypted in the ZIP", file=name)))
    if "aula-pack.json" not in files:
        problems.append(str(_l("aula-pack.json: missing (is this an Aula Consular pack?)")))
    if problems:
        raise PackProblems(_l("Nothing was imported."), problems)
    return files


def _text(files: dict[str, bytes], name: str, problems: list[str]) -> str:
    try:
        return files[name].decode("utf-8")
    except UnicodeDecodeError:
        problems.append(str(_l("%(file)s: not UTF-8 text", file=name)))
        return ""


def read(data: bytes) -> dict:
    """Check a pack completely; return what it holds. Nothing is written.

    :raises PackProblems: with every problem of every file, by file and line.
    """
    files = _read_zip(data)
    problems: list[str] = []
    try:
        manifest = json.loads(_text(files, "aula-pack.json", problems) or "{}")
    except json.JSONDecodeError as exc:
        raise PackProblems(
            _l("Nothing was imported."), [f"aula-pack.json:{exc.lineno}: {exc.msg}"]
        ) from exc
    if not isinstance(manifest, dict) or not isinstance(manifest.get("course"), str):
        raise PackProblems(
            _l("Nothing was imported."), [str(_l("aula-pack.json: unknown pack format"))]
        )
    if manifest.get("format") != FORMAT:
        problems.append(str(_l("aula-pack.json: unknown pack format")))
    slug = manifest.get("course")
    courses = {n.split("/")[1] for n in files if n.startswith("courses/")}
    if courses != {slug}:
        problems.append(str(_l("aula-pack.json: the pack must hold exactly its one course")))
    banks, quizzes, scenarios = {}, {}, {}
    for name in files:
        stem = PurePosixPath(name).name
        if name.startswith("assessments/banks/") and not stem.endswith(".en.yaml"):
            key = stem.removesuffix(".yaml")
            english = f"assessments/banks/{key}.en.yaml"
            try:
                banks[key] = {
                    "es": yaml.safe_load(_text(files, name, problems)),
                    "en": yaml.safe_load(_text(files, english, problems))
                    if english in files
                    else None,
                }
            except yaml.YAMLError as exc:
                problems.append(f"{name}: {exc}")
        elif name.startswith("assessments/definitions/"):
            try:
                quizzes[stem.removesuffix(".yaml")] = yaml.safe_load(_text(files, name, problems))
            except yaml.YAMLError as exc:
                problems.append(f"{name}: {exc}")
        elif name.startswith("case_simulations/scenarios/") and not stem.endswith(".en.yaml"):
            key = stem.removesuffix(".yaml")
            english = f"case_simulations/scenarios/{key}.en.yaml"
            scenarios[key] = {
                "es": _text(files, name, problems),
                "en": _text(files, english, problems) if english in files else "",
            }
    if problems:
        raise PackProblems(_l("Nothing was imported."), problems)
    if banks or quizzes:
        try:
            bank_drafts.check_tree(banks_over=banks, quizzes_over=quizzes)
        except bank_drafts.BankProblems as exc:
            problems.extend(f"assessments/{p}" for p in exc.problems)
    for key, content in scenarios.items():
        try:
            scenario_drafts.check(content, key)
        except scenario_drafts.ScenarioProblems as exc:
            problems.extend(f"case_simulations/scenarios/{p}" for p in exc.problems)
    course_doc = None
    with tempfile.TemporaryDirectory(prefix="aula-pack-") as tmp:
        for name, body in files.items():
            if name.startswith("courses/"):
                target = Path(tmp) / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(body)
        known = references()
        refs = References(
            legal_ids=known.legal_ids,
            assessments=(known.assessments or frozenset()) | frozenset(quizzes),
            simulations=(known.simulations or frozenset()) | frozenset(scenarios),
            positions=known.positions,
        )
        if slug and courses == {slug}:
            try:
                course_doc = load_course(Path(tmp) / "courses" / slug, refs)
            except ContentErrors as exc:
                problems.extend(str(e).replace(tmp + "/", "") for e in exc.errors)
    if problems:
        raise PackProblems(_l("Nothing was imported: fix the pack and upload it again."), problems)
    media = {n.removeprefix("media/"): body for n, body in files.items() if n.startswith("media/")}
    return {
        "course": course_doc,
        "banks": banks,
        "quizzes": quizzes,
        "scenarios": scenarios,
        "media": media,
        "manifest": manifest,
    }


def import_pack(data: bytes, user) -> Course:
    """Check the pack, then open a draft for each thing it holds (nothing is published).

    :raises PackProblems: when anything is wrong or something it holds has an open draft.
    """
    pack = read(data)
    doc = pack["course"]
    busy: list[str] = []
    course = db.session.scalar(select(Course).where(Course.slug == doc.slug))
    if course is not None and services.open_draft(course) is not None:
        busy.append(doc.slug)
    for slug in pack["banks"]:
        bank = db.session.scalar(select(QuestionBank).where(QuestionBank.slug == slug))
        if bank is not None and bank_drafts.open_draft(bank) is not None:
            busy.append(slug)
    for slug in pack["quizzes"]:
        quiz = db.session.scalar(select(Assessment).where(Assessment.slug == slug))
        if quiz is not None and quiz_drafts.open_draft(quiz) is not None:
            busy.append(slug)
    for slug in pack["scenarios"]:
        scenario = db.session.scalar(select(Scenario).where(Scenario.slug == slug))
        if scenario is not None and scenario_drafts.open_draft(scenario) is not None:
            busy.append(slug)
    if busy:
        raise PackProblems(
            _l("Nothing was imported."),
            [
                str(_l("%(slug)s: has an open draft; publish or discard it first", slug=s))
                for s in busy
            ],
        )
    try:
        if course is None:
            course, draft = services.create_course(
                user,
                slug=doc.slug,
                code=doc.code,
                family=doc.family,
                title_es=doc.title.es,
                title_en=doc.title.en,
            )
        else:
            if not services.can_author(user, course):
                raise services.NotAllowed()
            draft = drafts.new(
                CourseDraft,
                user,
                content=doc.as_dict(),
                course_id=course.id,
                base_version_id=course.current_version_id,
            )
        _replace(draft, doc.as_dict(), user)
        for slug, content in pack["banks"].items():
            bank = db.session.scalar(select(QuestionBank).where(QuestionBank.slug == slug))
            if bank is None:  # new: not used by any quiz until published
                bank = QuestionBank(slug=slug, title_es=slug, retired_at=utcnow())
                db.session.add(bank)
                db.session.flush()
            bank_draft = drafts.new(BankDraft, user, content=content, bank_id=bank.id)
            _replace(bank_draft, content, user)
        for slug, content in pack["quizzes"].items():
            quiz = db.session.scalar(select(Assessment).where(Assessment.slug == slug))
            if quiz is None:
                title = content.get("title") or {}
                quiz, quiz_draft = quiz_drafts.create_quiz(
                    user,
                    slug=slug,
                    title_es=title.get("es") if isinstance(title, dict) else str(title),
                    title_en=title.get("en") if isinstance(title, dict) else None,
                    bank=(content.get("draw") or [{}])[0].get("bank", ""),
                )
            else:
                quiz_draft = drafts.new(QuizDraft, user, content=content, assessment_id=quiz.id)
            _replace(quiz_draft, content, user)
        for slug, content in pack["scenarios"].items():
            scenario = db.session.scalar(select(Scenario).where(Scenario.slug == slug))
            if scenario is None:  # new: not offered until published
                scenario = Scenario(slug=slug, retired_at=utcnow())
                db.session.add(scenario)
                db.session.flush()
            draft_row = drafts.new(ScenarioDraft, user, content=content, scenario_id=scenario.id)
            _replace(draft_row, content, user)
        for filename, body in pack["media"].items():
            exists = db.session.scalar(select(CourseImage).where(CourseImage.filename == filename))
            if exists is None:
                images.store(course, user, io.BytesIO(body), filename)
    except IntegrityError as exc:  # a draft was opened meanwhile: the database refused a second
        raise PackProblems(
            _l("Nothing was imported."),
            [str(_l("Someone opened a draft of this content meanwhile: try again."))],
        ) from exc
    record_event(
        "course.pack_imported",
        actor=user,
        target=course,
        banks=sorted(pack["banks"]),
        quizzes=sorted(pack["quizzes"]),
        scenarios=sorted(pack["scenarios"]),
    )
    return course


def _replace(draft, content: dict, user) -> None:
    """Put the pack's content in a freshly opened draft; the importer counts as an editor."""
    draft.content = content
    draft.editor_ids = sorted({*draft.editor_ids, user.id})
    draft.revision += 1
    if isinstance(draft, CourseDraft):
        draft.translation_basis = {
            key: services.spanish_basis(row) for key, row in content["lessons"].items()
        }
    db.session.flush()
