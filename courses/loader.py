"""Course files → frozen dataclasses, with validation. Pure: no Flask, no database.

A course is a folder ``<slug>/`` holding ``course.yaml`` and ``lessons/<key>.md`` (Spanish,
required) with an optional ``lessons/<key>.en.md`` (English). See docs/content-format.md.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from app.content import (
    ContentError,
    ContentErrors,
    Document,
    content_hash,
    load_yaml,
    read_markdown,
)
from app.i18n import _l

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FAMILIES = ("derechos-humanos", "ley-hondurena", "ley-mexicana", "documentacion")
ITEM_KINDS = ("lesson", "assessment", "simulation")
GLOSSARY_LINK = re.compile(r"\[\[([a-z0-9-]+)(?:\|([^\]\n]+))?\]\]")
H1 = re.compile(r"^# ", re.MULTILINE)
COURSE_KEYS = {
    "slug",
    "code",
    "family",
    "version",
    "title",
    "summary",
    "audience",
    "estimated_minutes",
    "certificate_validity_months",
    "modules",
    "completion",
    "glossary",
}
MODULE_KEYS = {"id", "title", "items"}
ITEM_KEYS = {"lesson", "assessment", "simulation", "optional"}
GLOSSARY_KEYS = {"id", "term", "definition"}
LESSON_KEYS = {"title", "objectives", "estimated_minutes", "legal_refs", "review_notes"}
ENGLISH_LESSON_KEYS = {"title", "objectives"}


@dataclass(frozen=True)
class LocalText:
    """Spanish text, with English when it exists."""

    es: str
    en: str | None = None

    def get(self, locale: str) -> str:
        """The text in ``locale``, falling back to Spanish."""
        return self.en if str(locale).startswith("en") and self.en else self.es

    def as_dict(self) -> dict:
        """Plain form for YAML and hashing."""
        return {"es": self.es, **({"en": self.en} if self.en else {})}


@dataclass(frozen=True)
class LessonText:
    """A lesson in one language."""

    title: str
    objectives: tuple[str, ...]
    body: str


@dataclass(frozen=True)
class LessonDoc:
    """A lesson: Spanish base, optional English, shared metadata."""

    key: str
    estimated_minutes: int
    legal_refs: tuple[str, ...]
    es: LessonText
    en: LessonText | None = None
    # For trainers only (never shown to learners): facts pending expert verification, etc.
    review_notes: tuple[str, ...] = ()

    def text(self, locale: str) -> LessonText:
        """The lesson in ``locale``, falling back to Spanish."""
        return self.en if str(locale).startswith("en") and self.en else self.es


@dataclass(frozen=True)
class ItemDoc:
    """One step of a module: a lesson (by key), an assessment or a simulation (by slug)."""

    kind: str
    ref: str
    optional: bool = False


@dataclass(frozen=True)
class ModuleDoc:
    """An ordered group of items."""

    id: str
    title: LocalText
    items: tuple[ItemDoc, ...]


@dataclass(frozen=True)
class GlossaryTerm:
    """A term explained on the lesson pages that link to it."""

    id: str
    term: LocalText
    definition: LocalText


@dataclass(frozen=True)
class CompletionRules:
    """What finishing the course takes."""

    lessons: str = "all"  # "all" or "none"
    assessments: str = "pass-all"  # "pass-all" or "none"
    simulations: str = "pass-all"  # "pass-all" or "none"

    def as_dict(self) -> dict:
        """Plain form for YAML, hashing and storage."""
        return {
            "lessons": self.lessons,
            "assessments": self.assessments,
            "simulations": self.simulations,
        }


@dataclass(frozen=True)
class CourseDoc:
    """A whole course as read from its folder."""

    slug: str
    code: str
    family: str
    version: str
    title: LocalText
    summary: LocalText
    audience: tuple[str, ...]
    estimated_minutes: int
    certificate_validity_months: int
    modules: tuple[ModuleDoc, ...]
    completion: CompletionRules
    glossary: tuple[GlossaryTerm, ...]
    lessons: dict[str, LessonDoc] = field(hash=False)

    @property
    def items(self) -> list[tuple[ModuleDoc, ItemDoc]]:
        """Every item in order, with its module."""
        return [(module, item) for module in self.modules for item in module.items]

    def as_dict(self) -> dict:
        """The course as plain data: what is hashed, stored and exported."""
        return {
            "slug": self.slug,
            "code": self.code,
            "family": self.family,
            "version": self.version,
            "title": self.title.as_dict(),
            "summary": self.summary.as_dict(),
            "audience": list(self.audience),
            "estimated_minutes": self.estimated_minutes,
            "certificate_validity_months": self.certificate_validity_months,
            "modules": [
                {
                    "id": m.id,
                    "title": m.title.as_dict(),
                    "items": [
                        {i.kind: i.ref, **({"optional": True} if i.optional else {})}
                        for i in m.items
                    ],
                }
                for m in self.modules
            ],
            "completion": self.completion.as_dict(),
            "glossary": [
                {"id": g.id, "term": g.term.as_dict(), "definition": g.definition.as_dict()}
                for g in self.glossary
            ],
            "lessons": {
                key: {
                    "estimated_minutes": lesson.estimated_minutes,
                    "legal_refs": list(lesson.legal_refs),
                    "review_notes": list(lesson.review_notes),
                    **{
                        lang: {"title": t.title, "objectives": list(t.objectives), "body": t.body}
                        for lang, t in (("es", lesson.es), ("en", lesson.en))
                        if t
                    },
                }
                for key, lesson in sorted(self.lessons.items())
            },
        }

    @property
    def content_hash(self) -> str:
        """SHA-256 of the course's meaning (not of its file layout)."""
        return content_hash(self.as_dict())


@dataclass(frozen=True)
class References:
    """What course files may point at; None means "do not check"."""

    legal_ids: frozenset[str] | None = None
    assessments: frozenset[str] | None = None
    simulations: frozenset[str] | None = None
    positions: frozenset[str] | None = None


NO_CHECKS = References()


class _Checker:
    """Collects every problem in one course instead of stopping at the first."""

    def __init__(self):
        self.errors: list[ContentError] = []

    def text(self, doc: Document, value, key, *, required=True, english=True) -> LocalText | None:
        if value is None and not required:
            return None
        if isinstance(value, str) and value.strip():
            return LocalText(es=value.strip())
        if (
            not isinstance(value, dict)
            or not isinstance(value.get("es"), str)
            or not value["es"].strip()
        ):
            self.errors.append(doc.error(key, _l("a Spanish text ('es') is required")))
            return None
        en = value.get("en")
        if en is not None and (not isinstance(en, str) or not en.strip()):
            self.errors.append(
                doc.error((*key, "en"), _l("the English text must be non-empty text"))
            )
            en = None
        return LocalText(es=value["es"].strip(), en=en.strip() if en and english else None)

    def integer(self, doc, value, key, minimum=0) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            self.errors.append(
                doc.error(
                    key, _l("must be a whole number of at least %(minimum)d", minimum=minimum)
                )
            )
            return minimum
        return value

    def slug(self, doc, value, key) -> str:
        if not isinstance(value, str) or not SLUG.match(value):
            self.errors.append(doc.error(key, _l("must be lower-case words joined by hyphens")))
            return str(value)
        return value

    def choice(self, doc, value, options, key) -> str:
        error = doc.choice_error(key, value, options)
        if error is not None:
            self.errors.append(error)
        return str(value)


def load_course(folder: Path, refs: References = NO_CHECKS, *, draft: bool = False) -> CourseDoc:
    """Read and validate one course folder.

    With ``draft`` (courses still being written) lessons not written yet are skipped; every
    lesson that exists is checked in full.
    :raises ContentErrors: with every problem found, each naming file, line and key path.
    """
    check = _Checker()
    try:
        doc = load_yaml(folder / "course.yaml")
    except ContentError as exc:
        raise ContentErrors([exc]) from exc
    data = doc.data if isinstance(doc.data, dict) else {}
    if not isinstance(doc.data, dict):
        raise ContentErrors([doc.error((), _l("course.yaml must be a mapping of keys"))])

    check.errors.extend(doc.unknown_keys((), data, COURSE_KEYS))
    slug = check.slug(doc, data.get("slug"), ("slug",))
    if slug != folder.name:
        check.errors.append(
            doc.error(("slug",), _l("must match the folder name '%(name)s'", name=folder.name))
        )
    code = data.get("code")
    if not isinstance(code, str) or not code.strip():
        check.errors.append(doc.error(("code",), _l("a course code is required, e.g. DH-101")))
    family = check.choice(doc, data.get("family"), FAMILIES, ("family",))
    version = data.get("version")
    if not isinstance(version, str) or not version.strip():
        # Unquoted 2026.10 would be read as the number 2026.1: labels must be quoted text.
        check.errors.append(
            doc.error(("version",), _l('a quoted version label is required, e.g. "2026.1"'))
        )
        version = str(version)
    title = check.text(doc, data.get("title"), ("title",))
    summary = check.text(doc, data.get("summary"), ("summary",))
    audience = data.get("audience") or []
    if not isinstance(audience, list):
        check.errors.append(doc.error(("audience",), _l("must be a list of position codes")))
        audience = []
    for index, position in enumerate(audience):
        if not isinstance(position, str) or (
            refs.positions is not None and position not in refs.positions
        ):
            check.errors.append(
                doc.error(
                    ("audience", index), _l("unknown position '%(code)s'", code=str(position))
                )
            )
    minutes = check.integer(doc, data.get("estimated_minutes"), ("estimated_minutes",), 1)
    validity = check.integer(
        doc, data.get("certificate_validity_months"), ("certificate_validity_months",), 1
    )
    glossary = _glossary(doc, data.get("glossary") or [], check)
    completion = _completion(doc, data.get("completion") or {}, check)
    modules = _modules(doc, data.get("modules"), check, refs)
    lessons = {}
    for m, module in enumerate(modules):
        for i, item in enumerate(module.items):
            if item.kind != "lesson":
                continue
            if not (folder / "lessons" / f"{item.ref}.md").exists():
                if not draft:
                    check.errors.append(
                        doc.error(
                            ("modules", m, "items", i, "lesson"),
                            _l(
                                "lesson '%(key)s' has no Spanish base file lessons/%(key)s.md",
                                key=item.ref,
                            ),
                        )
                    )
                continue
            lesson = _lesson(folder, item.ref, check, refs, {g.id for g in glossary})
            if lesson is not None:
                lessons[item.ref] = lesson
    if modules and not check.errors and not _has_required_item(modules, completion):
        check.errors.append(
            doc.error(
                ("completion",),
                _l("nothing is required to finish this course: make at least one item required"),
            )
        )
    if check.errors:
        raise ContentErrors(check.errors)
    return CourseDoc(
        slug=slug,
        code=code.strip(),
        family=family,
        version=str(version).strip(),
        title=title,
        summary=summary,
        audience=tuple(audience),
        estimated_minutes=minutes,
        certificate_validity_months=validity,
        modules=tuple(modules),
        completion=completion,
        glossary=tuple(glossary),
        lessons=lessons,
    )


REQUIRED_WHEN = (
    ("lesson", "lessons", "all"),
    ("assessment", "assessments", "pass-all"),
    ("simulation", "simulations", "pass-all"),
)


def required_kinds(completion: dict) -> set[str]:
    """The item kinds that finishing a course takes, by its completion rules (plain form)."""
    return {kind for kind, rule, value in REQUIRED_WHEN if completion.get(rule, value) == value}


def _has_required_item(modules, completion: CompletionRules) -> bool:
    kinds = required_kinds(completion.as_dict())
    return any(i.kind in kinds and not i.optional for m in modules for i in m.items)


def _glossary(doc, rows, check) -> list[GlossaryTerm]:
    terms, seen = [], set()
    if not isinstance(rows, list):
        check.errors.append(doc.error(("glossary",), _l("must be a list of terms")))
        return terms
    for index, row in enumerate(rows):
        key = ("glossary", index)
        if not isinstance(row, dict):
            check.errors.append(doc.error(key, _l("each term needs id, term and definition")))
            continue
        check.errors.extend(doc.unknown_keys(key, row, GLOSSARY_KEYS))
        term_id = check.slug(doc, row.get("id"), (*key, "id"))
        if term_id in seen:
            check.errors.append(
                doc.error((*key, "id"), _l("duplicate glossary id '%(id)s'", id=term_id))
            )
        seen.add(term_id)
        term = check.text(doc, row.get("term"), (*key, "term"))
        definition = check.text(doc, row.get("definition"), (*key, "definition"))
        if term and definition:
            terms.append(GlossaryTerm(term_id, term, definition))
    return terms


def _completion(doc, data, check) -> CompletionRules:
    if not isinstance(data, dict):
        check.errors.append(doc.error(("completion",), _l("must be a mapping")))
        return CompletionRules()
    unknown = set(data) - {"lessons", "assessments", "simulations"}
    for name in sorted(unknown):
        check.errors.append(doc.error(("completion", name), _l("unknown completion rule")))
    return CompletionRules(
        lessons=check.choice(
            doc, data.get("lessons", "all"), ("all", "none"), ("completion", "lessons")
        ),
        assessments=check.choice(
            doc,
            data.get("assessments", "pass-all"),
            ("pass-all", "none"),
            ("completion", "assessments"),
        ),
        simulations=check.choice(
            doc,
            data.get("simulations", "pass-all"),
            ("pass-all", "none"),
            ("completion", "simulations"),
        ),
    )


def _modules(doc, rows, check, refs: References) -> list[ModuleDoc]:
    modules: list[ModuleDoc] = []
    if not isinstance(rows, list) or not rows:
        check.errors.append(doc.error(("modules",), _l("at least one module is required")))
        return modules
    module_ids, lesson_keys = set(), set()
    known = {"assessment": refs.assessments, "simulation": refs.simulations}
    for m, row in enumerate(rows):
        key = ("modules", m)
        if not isinstance(row, dict):
            check.errors.append(doc.error(key, _l("each module needs id, title and items")))
            continue
        check.errors.extend(doc.unknown_keys(key, row, MODULE_KEYS))
        module_id = check.slug(doc, row.get("id"), (*key, "id"))
        if module_id in module_ids:
            check.errors.append(
                doc.error((*key, "id"), _l("duplicate module id '%(id)s'", id=module_id))
            )
        module_ids.add(module_id)
        title = check.text(doc, row.get("title"), (*key, "title"))
        items = []
        if not isinstance(row.get("items"), list) or not row["items"]:
            check.errors.append(doc.error((*key, "items"), _l("a module needs at least one item")))
        for i, entry in enumerate(row["items"] if isinstance(row.get("items"), list) else []):
            ikey = (*key, "items", i)
            kinds = [k for k in ITEM_KINDS if isinstance(entry, dict) and k in entry]
            if len(kinds) != 1:
                check.errors.append(
                    doc.error(
                        ikey, _l("each item is exactly one of: lesson, assessment, simulation")
                    )
                )
                continue
            check.errors.extend(doc.unknown_keys(ikey, entry, ITEM_KEYS))
            kind = kinds[0]
            ref = check.slug(doc, entry[kind], (*ikey, kind))
            if not SLUG.match(ref):
                continue  # reported above; no file may be looked up by such a name
            optional = entry.get("optional", False)
            if not isinstance(optional, bool):
                check.errors.append(doc.error((*ikey, "optional"), _l("must be true or false")))
            if kind == "lesson":
                if ref in lesson_keys:
                    check.errors.append(
                        doc.error((*ikey, kind), _l("duplicate lesson id '%(id)s'", id=ref))
                    )
                lesson_keys.add(ref)
            elif known[kind] is not None and ref not in known[kind]:
                check.errors.append(
                    doc.error(
                        (*ikey, kind),
                        (
                            _l("unknown assessment slug '%(slug)s'", slug=ref)
                            if kind == "assessment"
                            else _l("unknown simulation slug '%(slug)s'", slug=ref)
                        ),
                    )
                )
            items.append(ItemDoc(kind, ref, optional is True))
        if title is not None:
            modules.append(ModuleDoc(module_id, title, tuple(items)))
    return modules


def _lesson(
    folder: Path, key: str, check, refs: References, glossary: set[str]
) -> LessonDoc | None:
    base = folder / "lessons" / f"{key}.md"
    try:
        front, body = read_markdown(base)
    except ContentError as exc:
        check.errors.append(exc)
        return None
    meta = front.data
    check.errors.extend(front.unknown_keys((), meta, LESSON_KEYS))
    es = _lesson_text(front, meta, body, check, glossary)
    minutes = check.integer(front, meta.get("estimated_minutes"), ("estimated_minutes",), 1)
    legal = meta.get("legal_refs") or []
    if not isinstance(legal, list):
        check.errors.append(front.error(("legal_refs",), _l("must be a list of reference ids")))
        legal = []
    for index, ref in enumerate(legal):
        if not isinstance(ref, str) or (refs.legal_ids is not None and ref not in refs.legal_ids):
            check.errors.append(
                front.error(("legal_refs", index), _l("unknown legal reference '%(id)s'", id=ref))
            )
    notes = meta.get("review_notes") or []
    if not isinstance(notes, list) or not all(isinstance(n, str) and n.strip() for n in notes):
        check.errors.append(front.error(("review_notes",), _l("must be a list of sentences")))
        notes = []
    en = None
    english = folder / "lessons" / f"{key}.en.md"
    if english.exists():
        try:
            en_front, en_body = read_markdown(english)
        except ContentError as exc:
            check.errors.append(exc)
        else:
            check.errors.extend(en_front.unknown_keys((), en_front.data, ENGLISH_LESSON_KEYS))
            en = _lesson_text(en_front, en_front.data, en_body, check, glossary)
    if es is None:
        return None
    return LessonDoc(key, minutes, tuple(legal), es, en, tuple(n.strip() for n in notes))


def _lesson_text(
    front: Document, meta: dict, body: str, check, glossary: set[str]
) -> LessonText | None:
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        check.errors.append(front.error(("title",), _l("a lesson title is required")))
        return None
    objectives = meta.get("objectives") or []
    if not isinstance(objectives, list) or not all(
        isinstance(o, str) and o.strip() for o in objectives
    ):
        check.errors.append(front.error(("objectives",), _l("must be a list of sentences")))
        objectives = []
    if not objectives:
        check.errors.append(
            front.error(("objectives",), _l("at least one learning objective is required"))
        )
    if not body.strip():
        check.errors.append(
            ContentError(front.path, _l("the lesson has no text after the front matter"))
        )
    if H1.search(body):
        check.errors.append(
            ContentError(
                front.path,
                _l("use '##' for sections: the lesson title is the page's only level-1 heading"),
            )
        )
    for match in GLOSSARY_LINK.finditer(body):
        if match.group(1) not in glossary:
            check.errors.append(
                ContentError(
                    front.path,
                    _l("[[%(id)s]] is not a term of the course glossary", id=match.group(1)),
                )
            )
    return LessonText(title.strip(), tuple(o.strip() for o in objectives), body)


def discover_courses(root: Path) -> list[Path]:
    """Course folders under ``root`` (those holding a course.yaml), by name."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if (p / "course.yaml").is_file())


def load_all(root: Path, refs: References = NO_CHECKS) -> list[CourseDoc]:
    """Load every course under ``root``; all-or-nothing.

    :raises ContentErrors: with the problems of every course together.
    """
    courses, errors = [], []
    codes: dict[str, str] = {}
    for folder in discover_courses(root):
        try:
            course = load_course(folder, refs)
        except ContentErrors as exc:
            errors.extend(exc.errors)
            continue
        if course.code in codes:
            errors.append(
                ContentError(
                    folder / "course.yaml",
                    _l(
                        "code '%(code)s' is also used by %(other)s",
                        code=course.code,
                        other=codes[course.code],
                    ),
                    ("code",),
                )
            )
        codes[course.code] = course.slug
        courses.append(course)
    if errors:
        raise ContentErrors(errors)
    return courses


def dump_course(data: dict, folder: Path) -> None:
    """Write a course (in the shape of ``CourseDoc.as_dict()``) as ``course.yaml`` + lessons."""
    import yaml

    lessons_dir = folder / "lessons"
    lessons_dir.mkdir(parents=True, exist_ok=True)
    course = {k: v for k, v in data.items() if k != "lessons"}
    (folder / "course.yaml").write_text(
        yaml.safe_dump(course, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8"
    )
    for key, lesson in data["lessons"].items():
        for lang, suffix in (("es", ".md"), ("en", ".en.md")):
            text = lesson.get(lang)
            if text is None:
                continue
            front = {"title": text["title"], "objectives": text["objectives"]}
            if lang == "es":
                front["estimated_minutes"] = lesson["estimated_minutes"]
                front["legal_refs"] = lesson["legal_refs"]
                if lesson.get("review_notes"):
                    front["review_notes"] = lesson["review_notes"]
            header = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=100)
            (lessons_dir / f"{key}{suffix}").write_text(
                f"---\n{header}---\n\n{text['body']}", encoding="utf-8"
            )
