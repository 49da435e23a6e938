"""What the course and lesson pages show, assembled from queries (no writes)."""

import re
from dataclasses import dataclass

from app.legal import Provision, registry
from app.markdown import render_markdown
from courses import queries
from courses.loader import GLOSSARY_LINK
from courses.models import Course, CourseVersion, Enrollment, Lesson


@dataclass(frozen=True)
class GlossaryEntry:
    """A glossary term in the reader's language."""

    id: str
    term: str
    definition: str


@dataclass(frozen=True)
class LessonPage:
    """Everything the lesson template needs."""

    course: Course
    version: CourseVersion
    enrollment: Enrollment
    outline: list[queries.OutlineItem]
    current: queries.OutlineItem
    previous: queries.OutlineItem | None
    next: queries.OutlineItem | None
    lesson: Lesson
    language: str  # the language the lesson is shown in
    fallback: bool  # True when the reader asked for English and got Spanish
    title: str
    objectives: list[str]
    body_html: str
    provisions: list[Provision]
    glossary: list[GlossaryEntry]
    progress: queries.Progress


def _local(value: dict, locale: str) -> str:
    return value.get("en") if str(locale).startswith("en") and value.get("en") else value["es"]


def glossary_entries(version: CourseVersion, locale: str) -> dict[str, GlossaryEntry]:
    """The course glossary in ``locale``, by term id."""
    return {
        row["id"]: GlossaryEntry(
            row["id"], _local(row["term"], locale), _local(row["definition"], locale)
        )
        for row in version.glossary
    }


CODE_SPAN = re.compile(r"(`+)(?:.|\n)*?\1")
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]()<>#!|])")


def render_body(body: str, glossary: dict[str, GlossaryEntry]) -> str:
    """Turn ``[[term]]`` and ``[[term|text]]`` into links to the definitions, then render.

    Code spans are left alone; the link text and title are escaped so a definition can never
    break out of the link.
    """

    def link(match) -> str:
        entry = glossary.get(match.group(1))
        if entry is None:
            return match.group(2) or match.group(1)
        text = MARKDOWN_SPECIAL.sub(r"\\\1", match.group(2) or entry.term)
        title = entry.definition.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
        return f'[{text}](#g-{entry.id} "{title}")'

    out, last = [], 0
    for code in CODE_SPAN.finditer(body):
        out.append(GLOSSARY_LINK.sub(link, body[last : code.start()]))
        out.append(code.group(0))
        last = code.end()
    out.append(GLOSSARY_LINK.sub(link, body[last:]))
    return render_markdown("".join(out))


def lesson_page(course: Course, enrollment: Enrollment, key: str, locale: str) -> LessonPage | None:
    """The lesson ``key`` of the learner's version, or None when it does not exist there."""
    version = enrollment.version
    outline = queries.outline(version, enrollment)
    index = next(
        (i for i, row in enumerate(outline) if row.item.kind == "lesson" and row.item.ref == key),
        None,
    )
    if index is None:
        return None
    lesson = queries.lesson_in_version(version.id, key)
    english = str(locale).startswith("en")
    fallback = english and lesson.body_en is None
    shown_in_english = english and not fallback
    body = lesson.body_en if shown_in_english else lesson.body_es
    glossary = glossary_entries(version, "en" if shown_in_english else "es")
    used = [glossary[m.group(1)] for m in GLOSSARY_LINK.finditer(body) if m.group(1) in glossary]
    return LessonPage(
        course=course,
        version=version,
        enrollment=enrollment,
        outline=outline,
        current=outline[index],
        previous=outline[index - 1] if index > 0 else None,
        next=outline[index + 1] if index + 1 < len(outline) else None,
        lesson=lesson,
        language="en" if shown_in_english else "es",
        fallback=fallback,
        title=lesson.title_en if shown_in_english else lesson.title_es,
        objectives=list(lesson.objectives_en if shown_in_english else lesson.objectives_es),
        body_html=render_body(body, glossary),
        provisions=registry().resolve(lesson.legal_refs),
        glossary=list(dict.fromkeys(used)),
        progress=queries.progress_of(outline),
    )


@dataclass(frozen=True)
class PrintLesson:
    """A lesson as the printable course shows it."""

    title: str
    objectives: list[str]
    body_html: str
    provisions: list[Provision]
    language: str
    fallback: bool


def print_lesson(version: CourseVersion, lesson: Lesson, locale: str) -> PrintLesson:
    """One lesson of ``version`` in ``locale`` (Spanish when it has no translation)."""
    english = str(locale).startswith("en") and lesson.body_en is not None
    glossary = glossary_entries(version, "en" if english else "es")
    return PrintLesson(
        title=lesson.title_en if english else lesson.title_es,
        objectives=list(lesson.objectives_en if english else lesson.objectives_es),
        body_html=render_body(lesson.body_en if english else lesson.body_es, glossary),
        provisions=registry().resolve(lesson.legal_refs),
        language="en" if english else "es",
        fallback=str(locale).startswith("en") and not english,
    )
