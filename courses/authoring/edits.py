"""The edits a trainer makes to a draft, as pure functions on its on-disk-shaped content.

Each takes the content dict (and, for lessons, the translation basis) and changes it in
place, or raises DomainError with a message for the user. No Flask, no database.
"""

import hashlib

from app.errors import DomainError
from app.i18n import _l
from courses.loader import GLOSSARY_LINK, SLUG


def spanish_basis(lesson: dict) -> str:
    """A short hash of a lesson's Spanish text: the English is current while it matches."""
    es = lesson.get("es") or {}
    text = "\n".join([es.get("title", ""), *es.get("objectives", []), es.get("body", "")])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _text(es: str, en: str | None) -> dict:
    return {"es": es.strip(), **({"en": en.strip()} if en and en.strip() else {})}


def _keep_order(old: list[str], chosen) -> list[str]:
    """``chosen`` (from checkboxes, in their order) keeping the order ``old`` had."""
    chosen = list(chosen or [])
    return [x for x in old if x in chosen] + [x for x in chosen if x not in old]


def _lines(value: str | None) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


def set_course(content: dict, data: dict) -> None:
    """Title, summary, code, version label, family, audience, time, validity, completion."""
    content["title"] = _text(data["title_es"], data.get("title_en"))
    content["summary"] = _text(data["summary_es"], data.get("summary_en"))
    for key in ("code", "version", "family", "estimated_minutes", "certificate_validity_months"):
        content[key] = data[key]
    content["audience"] = _keep_order(content.get("audience", []), data.get("audience"))
    content["completion"] = {
        "lessons": data["completion_lessons"],
        "assessments": data["completion_assessments"],
        "simulations": data["completion_simulations"],
    }


def set_lesson(content: dict, basis: dict, key: str, data: dict, english_checked: bool) -> None:
    """Both languages of a lesson and its metadata.

    The English counts as current with the Spanish when it was changed in this save or the
    trainer ticked that it still matches; otherwise a Spanish change marks it out of date.
    """
    lesson = content["lessons"].get(key)
    if lesson is None:
        raise DomainError(_l("This lesson is no longer in the draft."))
    old_en = lesson.get("en")
    lesson["estimated_minutes"] = data["estimated_minutes"]
    lesson["legal_refs"] = _keep_order(lesson.get("legal_refs", []), data.get("legal_refs"))
    lesson["review_notes"] = _lines(data.get("review_notes"))
    lesson["es"] = {
        "title": data["title_es"].strip(),
        "objectives": _lines(data.get("objectives_es")),
        "body": _body(data.get("body_es")),
    }
    english = [data.get("title_en"), data.get("objectives_en"), data.get("body_en")]
    if any(value and value.strip() for value in english):
        lesson["en"] = {
            "title": (data.get("title_en") or "").strip(),
            "objectives": _lines(data.get("objectives_en")),
            "body": _body(data.get("body_en")),
        }
    else:
        lesson.pop("en", None)
    if lesson.get("en") and (lesson["en"] != old_en or english_checked):
        basis[key] = spanish_basis(lesson)
    elif not lesson.get("en"):
        basis.pop(key, None)


def _body(value: str | None) -> str:
    text = (value or "").replace("\r\n", "\n").strip("\n")
    return text + "\n" if text else ""


# --- structure -------------------------------------------------------------------------------


def item_kind_ref(item: dict) -> tuple[str, str]:
    """The kind and reference of an item in on-disk form."""
    for kind in ("lesson", "assessment", "simulation"):
        if kind in item:
            return kind, item[kind]
    raise DomainError(_l("Unknown item."))


def add_module(content: dict, module_id: str, title_es: str, title_en: str | None) -> None:
    """A new, empty module at the end (it needs an item before the course can be published)."""
    if not SLUG.match(module_id):
        raise DomainError(_l("The short name must be lower-case words joined by hyphens."))
    if any(m["id"] == module_id for m in content["modules"]):
        raise DomainError(_l("Another module already has this short name."))
    content["modules"].append({"id": module_id, "title": _text(title_es, title_en), "items": []})


def rename_module(content: dict, module_id: str, title_es: str, title_en: str | None) -> None:
    """Change a module's title."""
    _module(content, module_id)["title"] = _text(title_es, title_en)


def _module(content: dict, module_id: str) -> dict:
    for module in content["modules"]:
        if module["id"] == module_id:
            return module
    raise DomainError(_l("This module is no longer in the draft."))


def move_module(content: dict, module_id: str, step: int) -> None:
    """Move a module one place up (-1) or down (+1)."""
    modules = content["modules"]
    index = modules.index(_module(content, module_id))
    target = index + step
    if 0 <= target < len(modules):
        modules[index], modules[target] = modules[target], modules[index]


def remove_module(content: dict, module_id: str) -> None:
    """Remove an empty module."""
    module = _module(content, module_id)
    if module["items"]:
        raise DomainError(_l("Move or remove the module's items first."))
    content["modules"].remove(module)


def add_item(content: dict, module_id: str, kind: str, ref: str, title_es: str | None) -> None:
    """Add a lesson (a new one, by key and title), a quiz or a simulation at a module's end."""
    module = _module(content, module_id)
    if not SLUG.match(ref or ""):
        raise DomainError(_l("The short name must be lower-case words joined by hyphens."))
    if kind == "lesson":
        if ref in content["lessons"]:
            raise DomainError(_l("Another lesson already has this short name."))
        if not (title_es or "").strip():
            raise DomainError(_l("Give the new lesson a title."))
        content["lessons"][ref] = {
            "estimated_minutes": 10,
            "legal_refs": [],
            "review_notes": [],
            "es": {"title": title_es.strip(), "objectives": [], "body": ""},
        }
    elif any(item_kind_ref(i) == (kind, ref) for m in content["modules"] for i in m["items"]):
        raise DomainError(_l("This activity is already in the course."))
    module["items"].append({kind: ref})


def move_item(content: dict, module_id: str, index: int, step: int) -> None:
    """Move an item one place up or down; past a module's edge it joins the next module."""
    modules = content["modules"]
    m = modules.index(_module(content, module_id))
    items = modules[m]["items"]
    if not 0 <= index < len(items):
        raise DomainError(_l("This item is no longer in the draft."))
    target = index + step
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    elif step < 0 and m > 0:
        modules[m - 1]["items"].append(items.pop(index))
    elif step > 0 and m + 1 < len(modules):
        modules[m + 1]["items"].insert(0, items.pop(index))


def remove_item(content: dict, module_id: str, index: int) -> None:
    """Take an item out of the course; a removed lesson's text leaves the draft with it."""
    items = _module(content, module_id)["items"]
    if not 0 <= index < len(items):
        raise DomainError(_l("This item is no longer in the draft."))
    kind, ref = item_kind_ref(items.pop(index))
    if kind == "lesson":
        content["lessons"].pop(ref, None)


def set_optional(content: dict, module_id: str, index: int, optional: bool) -> None:
    """Mark an item optional (not needed to finish the course) or required."""
    items = _module(content, module_id)["items"]
    if not 0 <= index < len(items):
        raise DomainError(_l("This item is no longer in the draft."))
    if optional:
        items[index]["optional"] = True
    else:
        items[index].pop("optional", None)


# --- glossary --------------------------------------------------------------------------------


def term_uses(content: dict, term_id: str) -> list[str]:
    """Keys of the lessons that link to a glossary term."""
    out = []
    for key, lesson in content["lessons"].items():
        bodies = [(lesson.get(lang) or {}).get("body", "") for lang in ("es", "en")]
        if any(m.group(1) == term_id for body in bodies for m in GLOSSARY_LINK.finditer(body)):
            out.append(key)
    return out


def save_term(content: dict, original: str | None, data: dict) -> None:
    """Add a glossary term, or change one (``original`` is its id before the edit)."""
    term_id = data["id"]
    if not SLUG.match(term_id):
        raise DomainError(_l("The short name must be lower-case words joined by hyphens."))
    glossary = content.setdefault("glossary", [])
    if term_id != original and any(t["id"] == term_id for t in glossary):
        raise DomainError(_l("Another term already has this short name."))
    row = {
        "id": term_id,
        "term": _text(data["term_es"], data.get("term_en")),
        "definition": _text(data["definition_es"], data.get("definition_en")),
    }
    if original is None:
        glossary.append(row)
        return
    for index, term in enumerate(glossary):
        if term["id"] == original:
            if term_id != original and term_uses(content, original):
                raise DomainError(
                    _l("Lessons link to this term by its short name: keep the short name.")
                )
            glossary[index] = row
            return
    raise DomainError(_l("This term is no longer in the draft."))


def remove_term(content: dict, term_id: str) -> None:
    """Remove a glossary term no lesson links to."""
    uses = term_uses(content, term_id)
    if uses:
        raise DomainError(
            _l("Lessons still link to this term: %(lessons)s.", lessons=", ".join(uses))
        )
    content["glossary"] = [t for t in content.get("glossary", []) if t["id"] != term_id]
