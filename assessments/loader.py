"""Question banks and quiz definitions: files → frozen dataclasses, with validation.

Pure: no Flask, no database. A bank is ``banks/<slug>.yaml`` (Spanish) with an optional
``banks/<slug>.en.yaml`` overlay (English texts by question id); a quiz is
``definitions/<slug>.yaml``. Every problem names the file, line and key path.
"""

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path

from app.content import (
    ContentError,
    ContentErrors,
    Document,
    content_hash,
    load_mapping,
    load_yaml,
)
from app.i18n import _l
from assessments.question_types import QUESTION_TYPES, question_type

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DIFFICULTIES = ("easy", "medium", "hard")
GRADING = ("highest", "last", "first", "average")
FEEDBACK = ("immediate", "deferred")
QUESTION_KEYS = {
    "id",
    "type",
    "tags",
    "difficulty",
    "points",
    "prompt",
    "explanation",
    "legal_refs",
    "options",
    "answer",
    "feedback_true",
    "feedback_false",
    "pairs",
    "distractors",
    "items",
    "answers",
    "case_sensitive",
    "accents_matter",
    "feedback_other",
}
# Texts an English overlay may give, per question.
OVERLAY_TEXT_KEYS = {
    "prompt",
    "explanation",
    "feedback_true",
    "feedback_false",
    "distractors",
    "feedback_other",
}
DEFINITION_KEYS = {
    "slug",
    "title",
    "description",
    "draw",
    "shuffle_questions",
    "shuffle_options",
    "time_limit_minutes",
    "max_attempts",
    "pass_mark",
    "grading",
    "feedback",
    "review",
}
REVIEW_KEYS = {"show_score", "show_correct", "show_feedback"}


@dataclass(frozen=True)
class QuestionDoc:
    """A question: its Spanish spec and, when translated, its English spec."""

    id: str
    type: str
    tags: tuple[str, ...]
    difficulty: str
    points: float
    legal_refs: tuple[str, ...]
    spec_es: dict = field(hash=False)
    spec_en: dict | None = field(default=None, hash=False)

    @property
    def content_hash(self) -> str:
        """Changes whenever anything a learner sees or is scored on changes."""
        return content_hash({"es": self.spec_es, "en": self.spec_en})

    def spec(self, locale: str) -> dict:
        """The spec in ``locale``, falling back to Spanish."""
        return self.spec_en if str(locale).startswith("en") and self.spec_en else self.spec_es


@dataclass(frozen=True)
class BankDoc:
    """A question bank."""

    slug: str
    title_es: str
    title_en: str | None
    questions: tuple[QuestionDoc, ...]

    @property
    def tags(self) -> set[str]:
        """Every tag used in the bank."""
        return {tag for q in self.questions for tag in q.tags}


@dataclass(frozen=True)
class DrawRule:
    """Draw ``count`` questions from a bank (those with one of ``tags``), or take ``questions``."""

    bank: str
    count: int | None = None
    tags: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()


@dataclass(frozen=True)
class DefinitionDoc:
    """A quiz: what to draw and how it is taken and graded."""

    slug: str
    title_es: str
    title_en: str | None
    description_es: str | None
    description_en: str | None
    draw: tuple[DrawRule, ...]
    shuffle_questions: bool
    shuffle_options: bool
    time_limit_minutes: int | None
    max_attempts: int
    pass_mark: float
    grading: str
    feedback: str
    review: dict = field(hash=False)

    def as_dict(self) -> dict:
        """Plain form, stored with each version and hashed."""
        return {
            "slug": self.slug,
            "title": {"es": self.title_es, "en": self.title_en},
            "description": {"es": self.description_es, "en": self.description_en},
            "draw": [
                {
                    "bank": r.bank,
                    "count": r.count,
                    "tags": list(r.tags),
                    "questions": list(r.questions),
                }
                for r in self.draw
            ],
            "shuffle_questions": self.shuffle_questions,
            "shuffle_options": self.shuffle_options,
            "time_limit_minutes": self.time_limit_minutes,
            "max_attempts": self.max_attempts,
            "pass_mark": self.pass_mark,
            "grading": self.grading,
            "feedback": self.feedback,
            "review": dict(self.review),
        }


@dataclass(frozen=True)
class References:
    """What assessment files may point at; None means "do not check"."""

    legal_ids: frozenset[str] | None = None


NO_CHECKS = References()


def _text(doc: Document, value, key, errors, required=True) -> tuple[str | None, str | None]:
    if value is None and not required:
        return None, None
    if isinstance(value, str) and value.strip():
        return value.strip(), None
    if isinstance(value, dict) and isinstance(value.get("es"), str) and value["es"].strip():
        en = value.get("en")
        return value["es"].strip(), en.strip() if isinstance(en, str) and en.strip() else None
    errors.append(doc.error(key, _l("a Spanish text ('es') is required")))
    return None, None


def load_bank(path: Path, refs: References = NO_CHECKS) -> BankDoc:
    """Read and validate a bank and its English overlay.

    :raises ContentErrors: with every problem found.
    """
    doc = load_mapping(path)
    errors: list[ContentError] = []
    data = doc.data
    errors.extend(doc.unknown_keys((), data, {"slug", "title", "questions"}))
    slug = data.get("slug")
    if slug != path.name.removesuffix(".yaml"):
        errors.append(
            doc.error(
                ("slug",),
                _l("must match the file name '%(name)s'", name=path.name.removesuffix(".yaml")),
            )
        )
    title_es, title_en = _text(doc, data.get("title"), ("title",), errors)
    rows = data.get("questions")
    if not isinstance(rows, list) or not rows:
        errors.append(doc.error(("questions",), _l("a bank needs at least one question")))
        rows = []
    overlay, overlay_doc = _overlay(path, errors)
    questions, seen = [], set()
    for index, row in enumerate(rows):
        question = _question(doc, row, ("questions", index), errors, refs, seen)
        if question is None:
            continue
        spec_en = None
        if overlay is not None and question.id in overlay:
            spec_en = _apply_overlay(
                question, overlay[question.id], overlay_doc, ("questions", question.id), errors
            )
        questions.append(QuestionDoc(**{**question.__dict__, "spec_en": spec_en}))
    if overlay is not None:
        title_en = title_en or (
            overlay_doc.data.get("title")
            if isinstance(overlay_doc.data.get("title"), str)
            else None
        )
        for key in overlay:
            if key not in seen:
                errors.append(
                    overlay_doc.error(
                        ("questions", key), _l("no question with this id in the bank")
                    )
                )
    if errors:
        raise ContentErrors(errors)
    return BankDoc(slug, title_es, title_en, tuple(questions))


def _question(doc, row, key, errors, refs, seen) -> QuestionDoc | None:
    if not isinstance(row, dict):
        errors.append(doc.error(key, _l("each question needs an id, a type and a prompt")))
        return None
    count = len(errors)
    errors.extend(doc.unknown_keys(key, row, QUESTION_KEYS))
    qid = row.get("id")
    if not isinstance(qid, str) or not SLUG.match(qid):
        errors.append(doc.error((*key, "id"), _l("must be lower-case words joined by hyphens")))
    elif qid in seen:
        errors.append(doc.error((*key, "id"), _l("duplicate question id '%(id)s'", id=qid)))
    if isinstance(qid, str):
        seen.add(qid)
    kind = row.get("type")
    if kind not in QUESTION_TYPES:
        error = doc.choice_error((*key, "type"), kind, QUESTION_TYPES)
        errors.append(error)
        return None
    if not isinstance(row.get("prompt"), str) or not row["prompt"].strip():
        errors.append(doc.error((*key, "prompt"), _l("a question needs a prompt")))
    tags = row.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) and SLUG.match(t) for t in tags):
        errors.append(doc.error((*key, "tags"), _l("must be a list of tags (lower-case words)")))
        tags = []
    difficulty = row.get("difficulty", "medium")
    error = doc.choice_error((*key, "difficulty"), difficulty, DIFFICULTIES)
    if error:
        errors.append(error)
    points = row.get("points", 1)
    if isinstance(points, bool) or not isinstance(points, (int, float)) or points < 0:
        errors.append(doc.error((*key, "points"), _l("must be a number of at least 0")))
        points = 1
    legal = row.get("legal_refs") or []
    if not isinstance(legal, list):
        errors.append(doc.error((*key, "legal_refs"), _l("must be a list of reference ids")))
        legal = []
    for index, ref in enumerate(legal):
        if not isinstance(ref, str) or (refs.legal_ids is not None and ref not in refs.legal_ids):
            errors.append(
                doc.error(
                    (*key, "legal_refs", index), _l("unknown legal reference '%(id)s'", id=str(ref))
                )
            )
    spec = {
        k: copy.deepcopy(v)
        for k, v in row.items()
        if k not in {"id", "tags", "difficulty", "legal_refs"}
    }
    spec["points"] = float(points) if question_type(kind).graded else 0.0
    if len(errors) == count:
        for path, message in question_type(kind).validate(spec):
            errors.append(doc.error((*key, *path), message))
    if len(errors) != count:
        return None
    return QuestionDoc(qid, kind, tuple(tags), difficulty, spec["points"], tuple(legal), spec)


def _overlay(path: Path, errors) -> tuple[dict | None, Document | None]:
    english = path.with_name(path.name.removesuffix(".yaml") + ".en.yaml")
    if not english.exists():
        return None, None
    try:
        doc = load_yaml(english)
    except ContentError as exc:
        errors.append(exc)
        return None, None
    data = doc.data if isinstance(doc.data, dict) else {}
    errors.extend(doc.unknown_keys((), data, {"title", "questions"}))
    questions = data.get("questions") or {}
    if not isinstance(questions, dict):
        errors.append(doc.error(("questions",), _l("must map question ids to their English texts")))
        return None, doc
    return questions, doc


OVERLAY_GROUPS = (
    ("options", ("text", "feedback")),
    ("pairs", ("prompt", "answer")),
    ("items", ("text",)),
)


def lay_over(spec: dict, texts: dict) -> list[tuple[str, str]]:
    """Lay English ``texts`` over ``spec`` in place (ids, keys and weights stay Spanish).

    :returns: the (group, id) entries of the overlay that name no entry of the question.
    """
    missing = []
    for name in OVERLAY_TEXT_KEYS & set(texts):
        spec[name] = texts[name]
    for group, fields in OVERLAY_GROUPS:
        if group not in texts:
            continue
        entries = texts[group] or {}
        if not isinstance(entries, dict):
            missing.append((group, ""))
            continue
        by_id = {str(item["id"]): item for item in spec.get(group, []) if isinstance(item, dict)}
        for item_id, values in entries.items():
            target = by_id.get(str(item_id))
            if target is None or not isinstance(values, dict):
                missing.append((group, item_id))
                continue
            for name in fields:
                if name in values:
                    target[name] = values[name]
    if "answers" in texts:
        # Accepted short answers differ by language: the overlay replaces the list.
        spec["answers"] = texts["answers"]
    return missing


def _apply_overlay(question: QuestionDoc, texts, doc: Document, key, errors) -> dict | None:
    """The question's spec with English texts laid over it (ids, keys and weights kept)."""
    if not isinstance(texts, dict):
        errors.append(doc.error(key, _l("must be a mapping of English texts")))
        return None
    spec = copy.deepcopy(question.spec_es)
    allowed = OVERLAY_TEXT_KEYS | {"options", "pairs", "items", "answers"}
    errors.extend(doc.unknown_keys(key, texts, allowed))
    for group, item_id in lay_over(spec, texts):
        errors.append(
            doc.error((*key, group, item_id), _l("no %(group)s entry with this id", group=group))
        )
    for path, message in question_type(question.type).validate(spec):
        errors.append(doc.error((*key, *path), message))
    return spec


def load_definition(
    path: Path, banks: dict[str, BankDoc], broken: frozenset[str] = frozenset()
) -> DefinitionDoc:
    """Read and validate a quiz definition against the loaded banks.

    Banks in ``broken`` failed to load: their own errors are reported, not "unknown bank".

    :raises ContentErrors: with every problem found.
    """
    doc = load_mapping(path)
    errors: list[ContentError] = []
    data = doc.data
    errors.extend(doc.unknown_keys((), data, DEFINITION_KEYS))
    slug = data.get("slug")
    if slug != path.name.removesuffix(".yaml"):
        errors.append(
            doc.error(
                ("slug",),
                _l("must match the file name '%(name)s'", name=path.name.removesuffix(".yaml")),
            )
        )
    title_es, title_en = _text(doc, data.get("title"), ("title",), errors)
    description_es, description_en = _text(
        doc, data.get("description"), ("description",), errors, required=False
    )
    rules = []
    draws = data.get("draw")
    if not isinstance(draws, list) or not draws:
        errors.append(doc.error(("draw",), _l("say which questions to draw")))
        draws = []
    for index, row in enumerate(draws):
        rule = _draw_rule(doc, row, ("draw", index), banks, errors, broken)
        if rule:
            rules.append(rule)
    limit = data.get("time_limit_minutes")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        errors.append(
            doc.error(
                ("time_limit_minutes",),
                _l("must be a whole number of at least %(minimum)d", minimum=1),
            )
        )
    attempts = data.get("max_attempts", 0)
    if isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 0:
        errors.append(
            doc.error(
                ("max_attempts",), _l("must be a whole number of at least %(minimum)d", minimum=0)
            )
        )
    pass_mark = data.get("pass_mark", 80)
    if (
        isinstance(pass_mark, bool)
        or not isinstance(pass_mark, (int, float))
        or not 0 <= pass_mark <= 100
    ):
        errors.append(doc.error(("pass_mark",), _l("must be a percentage from 0 to 100")))
    for name, options, default in (
        ("grading", GRADING, "highest"),
        ("feedback", FEEDBACK, "deferred"),
    ):
        error = doc.choice_error((name,), data.get(name, default), options)
        if error:
            errors.append(error)
    review = data.get("review") or {}
    if not isinstance(review, dict):
        errors.append(doc.error(("review",), _l("must be a mapping")))
        review = {}
    errors.extend(doc.unknown_keys(("review",), review, REVIEW_KEYS))
    for name in ("shuffle_questions", "shuffle_options", *REVIEW_KEYS):
        value = (review if name in REVIEW_KEYS else data).get(name, True)
        if not isinstance(value, bool):
            key = ("review", name) if name in REVIEW_KEYS else (name,)
            errors.append(doc.error(key, _l("must be true or false")))
    if errors:
        raise ContentErrors(errors)
    return DefinitionDoc(
        slug=slug,
        title_es=title_es,
        title_en=title_en,
        description_es=description_es,
        description_en=description_en,
        draw=tuple(rules),
        shuffle_questions=data.get("shuffle_questions", True),
        shuffle_options=data.get("shuffle_options", True),
        time_limit_minutes=limit,
        max_attempts=attempts,
        pass_mark=float(pass_mark),
        grading=data.get("grading", "highest"),
        feedback=data.get("feedback", "deferred"),
        review={name: review.get(name, True) for name in sorted(REVIEW_KEYS)},
    )


def _draw_rule(doc, row, key, banks, errors, broken=frozenset()) -> DrawRule | None:
    if not isinstance(row, dict):
        errors.append(doc.error(key, _l("each draw rule names a bank")))
        return None
    errors.extend(doc.unknown_keys(key, row, {"bank", "count", "tags", "questions"}))
    bank = banks.get(row.get("bank"))
    if bank is None:
        if row.get("bank") not in broken:  # a broken bank has reported its own errors
            errors.append(
                doc.error((*key, "bank"), _l("unknown bank '%(slug)s'", slug=str(row.get("bank"))))
            )
        return None
    tags = tuple(row.get("tags") or ())
    for index, tag in enumerate(tags):
        if tag not in bank.tags:
            errors.append(
                doc.error(
                    (*key, "tags", index),
                    _l("no question in the bank has the tag '%(tag)s'", tag=str(tag)),
                )
            )
    fixed = tuple(row.get("questions") or ())
    ids = {q.id for q in bank.questions}
    for index, qid in enumerate(fixed):
        if qid not in ids:
            errors.append(
                doc.error((*key, "questions", index), _l("no question with this id in the bank"))
            )
    count = row.get("count")
    if fixed and count is not None:
        errors.append(
            doc.error((*key, "count"), _l("give either a count or a list of questions, not both"))
        )
    if not fixed:
        pool = [
            q
            for q in bank.questions
            if q.type != "description" and (not tags or set(tags) & set(q.tags))
        ]
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            errors.append(
                doc.error(
                    (*key, "count"), _l("must be a whole number of at least %(minimum)d", minimum=1)
                )
            )
        elif count > len(pool):
            errors.append(
                doc.error(
                    (*key, "count"),
                    _l(
                        "only %(available)d questions match; cannot draw %(count)d",
                        available=len(pool),
                        count=count,
                    ),
                )
            )
    return DrawRule(bank.slug, count, tags, fixed)


def load_all(
    banks_dir: Path, definitions_dir: Path, refs: References = NO_CHECKS
) -> tuple[list[BankDoc], list[DefinitionDoc]]:
    """Every bank and quiz; all-or-nothing.

    :raises ContentErrors: with the problems of every file together.
    """
    banks, errors, broken = {}, [], set()
    for path in sorted(banks_dir.glob("*.yaml")) if banks_dir.is_dir() else []:
        if path.name.endswith(".en.yaml"):
            continue
        try:
            bank = load_bank(path, refs)
        except ContentErrors as exc:
            errors.extend(exc.errors)
            broken.add(path.name.removesuffix(".yaml"))
            continue
        banks[bank.slug] = bank
    definitions = []
    for path in sorted(definitions_dir.glob("*.yaml")) if definitions_dir.is_dir() else []:
        try:
            definitions.append(load_definition(path, banks, frozenset(broken)))
        except ContentErrors as exc:
            errors.extend(exc.errors)
    if errors:
        raise ContentErrors(errors)
    return list(banks.values()), definitions
