"""What a draft looks like to a learner: the outline and each lesson, rendered as on the site."""

from dataclasses import dataclass
from types import SimpleNamespace

from app.content_registry import item_titles
from app.legal import Provision, registry
from courses.authoring.edits import item_kind_ref
from courses.loader import GLOSSARY_LINK, required_kinds
from courses.pages import GlossaryEntry, glossary_entries, render_body


@dataclass(frozen=True)
class PreviewItem:
    """One item of the draft's outline."""

    module_id: str
    index: int  # position in its module
    kind: str
    ref: str
    title_es: str
    title_en: str | None
    required: bool

    def title(self, locale: str) -> str:
        """Title in ``locale``, falling back to Spanish."""
        return self.title_en if str(locale).startswith("en") and self.title_en else self.title_es


def outline(content: dict) -> list[PreviewItem]:
    """Every item of the draft in order, with titles (quizzes' and simulations' from the site)."""
    kinds = required_kinds(content.get("completion") or {})
    refs: dict[str, list[str]] = {"assessment": [], "simulation": []}
    for module in content["modules"]:
        for item in module["items"]:
            kind, ref = item_kind_ref(item)
            if kind in refs:
                refs[kind].append(ref)
    titles = {kind: item_titles(kind, slugs) for kind, slugs in refs.items()}
    rows = []
    for module in content["modules"]:
        for index, item in enumerate(module["items"]):
            kind, ref = item_kind_ref(item)
            if kind == "lesson":
                lesson = content["lessons"].get(ref) or {}
                title_es = (lesson.get("es") or {}).get("title") or ref
                title_en = (lesson.get("en") or {}).get("title")
            else:
                title_es, title_en = titles[kind].get(ref, (ref, None))
            rows.append(
                PreviewItem(
                    module["id"],
                    index,
                    kind,
                    ref,
                    title_es,
                    title_en,
                    kind in kinds and not item.get("optional"),
                )
            )
    return rows


@dataclass(frozen=True)
class PreviewLesson:
    """The fields the lesson article shows (the same names as ``courses.pages.LessonPage``)."""

    key: str
    title: str
    objectives: list[str]
    body_html: str
    provisions: list[Provision]
    glossary: list[GlossaryEntry]
    language: str
    fallback: bool
    lesson: SimpleNamespace  # estimated_minutes


def lesson(content: dict, key: str, locale: str) -> PreviewLesson | None:
    """The draft's lesson ``key`` as a reader in ``locale`` would see it."""
    row = content["lessons"].get(key)
    if row is None:
        return None
    english = str(locale).startswith("en") and bool(row.get("en"))
    text = row["en"] if english else row["es"]
    glossary = glossary_entries(SimpleNamespace(glossary=content.get("glossary", [])), locale)
    if not english:
        glossary = glossary_entries(SimpleNamespace(glossary=content.get("glossary", [])), "es")
    body = text.get("body", "")
    used = [glossary[m.group(1)] for m in GLOSSARY_LINK.finditer(body) if m.group(1) in glossary]
    return PreviewLesson(
        key=key,
        title=text.get("title") or key,
        objectives=list(text.get("objectives", [])),
        body_html=render_body(body, glossary),
        provisions=registry().resolve(row.get("legal_refs", [])),
        glossary=list(dict.fromkeys(used)),
        language="en" if english else "es",
        fallback=str(locale).startswith("en") and not english,
        lesson=SimpleNamespace(estimated_minutes=row.get("estimated_minutes") or 0),
    )
