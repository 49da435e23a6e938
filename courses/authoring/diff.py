"""Side-by-side comparison of two course versions (or a version and a draft), line by line."""

import difflib
from dataclasses import dataclass, field

from app.i18n import _l


@dataclass(frozen=True)
class Row:
    """One row of a side-by-side table: ``tag`` is equal, replace, delete or insert."""

    tag: str
    left: str | None
    right: str | None
    left_no: int | None
    right_no: int | None


@dataclass
class Section:
    """A compared text (a lesson in one language, the course data…) and its rows."""

    title: str
    status: str  # same | changed | added | removed
    rows: list[Row] = field(default_factory=list)


CONTEXT = 2


def side_by_side(left: str, right: str, context: int = CONTEXT) -> list[Row]:
    """Changed lines with ``context`` unchanged lines around them; a None row marks a gap."""
    a, b = left.splitlines(), right.splitlines()
    rows: list[Row] = []
    for group in difflib.SequenceMatcher(None, a, b, autojunk=False).get_grouped_opcodes(context):
        if rows:
            rows.append(Row("gap", None, None, None, None))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows.extend(
                    Row("equal", a[i], b[j], i + 1, j + 1)
                    for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
                )
                continue
            left_lines, right_lines = a[i1:i2], b[j1:j2]
            for k in range(max(len(left_lines), len(right_lines))):
                lt = left_lines[k] if k < len(left_lines) else None
                rt = right_lines[k] if k < len(right_lines) else None
                kind = (
                    "replace"
                    if lt is not None and rt is not None
                    else ("delete" if rt is None else "insert")
                )
                rows.append(
                    Row(
                        kind,
                        lt,
                        rt,
                        i1 + k + 1 if lt is not None else None,
                        j1 + k + 1 if rt is not None else None,
                    )
                )
    return rows


def _lesson_text(lesson: dict | None, lang: str) -> str | None:
    if not lesson or not lesson.get(lang):
        return None
    text = lesson[lang]
    objectives = "\n".join(f"- {o}" for o in text.get("objectives", []))
    return f"# {text['title']}\n\n{objectives}\n\n{text['body']}"


def _course_text(content: dict) -> str:
    lines = [
        f"code: {content['code']}",
        f"version: {content['version']}",
        f"family: {content['family']}",
        f"title (es): {content['title'].get('es', '')}",
        f"title (en): {content['title'].get('en', '')}",
        f"summary (es): {content['summary'].get('es', '')}",
        f"summary (en): {content['summary'].get('en', '')}",
        f"audience: {', '.join(content.get('audience', []))}",
        f"estimated_minutes: {content['estimated_minutes']}",
        f"certificate_validity_months: {content['certificate_validity_months']}",
        f"completion: {content.get('completion')}",
    ]
    for module in content["modules"]:
        lines.append(f"module {module['id']}: {module['title'].get('es', '')}")
        for item in module["items"]:
            (kind, ref), *_ = [(k, v) for k, v in item.items() if k != "optional"]
            lines.append(f"    {kind}: {ref}{' (optional)' if item.get('optional') else ''}")
    for term in content.get("glossary", []):
        term_text, definition = term["term"].get("es", ""), term["definition"].get("es", "")
        lines.append(f"glossary {term['id']}: {term_text} — {definition}")
    for key, lesson in sorted(content["lessons"].items()):
        refs = ", ".join(lesson.get("legal_refs", []))
        lines.append(f"lesson {key}: {lesson.get('estimated_minutes')} min; {refs}")
    return "\n".join(lines)


def compare(left: dict, right: dict) -> list[Section]:
    """Sections for the course data and every lesson in both languages, in the right's order."""
    sections = [
        _section(_l("Course data, structure and glossary"), _course_text(left), _course_text(right))
    ]
    order = list(right["lessons"]) + [k for k in left["lessons"] if k not in right["lessons"]]
    for key in order:
        for lang, name in (("es", _l("Spanish")), ("en", _l("English"))):
            a = _lesson_text(left["lessons"].get(key), lang)
            b = _lesson_text(right["lessons"].get(key), lang)
            if a is None and b is None:
                continue
            sections.append(_section(f"{key} · {name}", a, b))
    return sections


def _section(title, a: str | None, b: str | None) -> Section:
    if a is None:
        return Section(str(title), "added", side_by_side("", b or "", context=10_000))
    if b is None:
        return Section(str(title), "removed", side_by_side(a, "", context=10_000))
    if a == b:
        return Section(str(title), "same")
    return Section(str(title), "changed", side_by_side(a, b))
