"""Question types as a registry: validate, show, read, score and explain each kind of question.

Pure: no Flask, no database.

A *spec* is the question as stored (Spanish text, with an ``en`` overlay merged in by locale);
``public(spec, order)`` is what the browser may see: never the answer key.
"""

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from app.i18n import _l


@dataclass(frozen=True)
class Result:
    """A scored answer: points earned out of ``max_points``, and what to say about it."""

    points: float
    max_points: float
    feedback: tuple[str, ...] = ()

    @property
    def fraction(self) -> float:
        """Share of the marks earned, 0–1."""
        return self.points / self.max_points if self.max_points else 0.0


def clamp(points: float, max_points: float) -> float:
    """Keep a score within [0, max]; negative marks never take a question below zero."""
    return max(0.0, min(max_points, round(points, 6)))


def normalise(text: str, *, case_sensitive: bool = False, accents: bool = False) -> str:
    """Compare short answers ignoring surrounding and repeated spaces, case and accents."""
    text = " ".join(str(text).split())
    if not case_sensitive:
        text = text.casefold()
    if not accents:
        text = "".join(
            c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn"
        )
    return text


SMALL_INT = re.compile(r"[0-9]{1,4}")


def small_int(value) -> int | None:
    """A form value that is a plain number of up to four ASCII digits, else None."""
    return int(value) if isinstance(value, str) and SMALL_INT.fullmatch(value) else None


def _finite_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def parse_number(text: str) -> float | None:
    """Read "3,5", "3.5", " -2 " or "1 000" as a number; None when it is not one."""
    cleaned = str(text).strip().replace(" ", "").replace("\u00a0", "")
    if re.fullmatch(r"-?\d+,\d+", cleaned):
        cleaned = cleaned.replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


class QuestionType:
    """Base class; subclasses register themselves by ``name``."""

    name: ClassVar[str]
    graded: ClassVar[bool] = True
    registry: ClassVar[dict[str, type["QuestionType"]]] = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        QuestionType.registry[cls.name] = cls

    # -- validation -------------------------------------------------------------------------
    def validate(self, spec: Mapping) -> list[tuple[tuple, Any]]:
        """Problems as (key path inside the question, message)."""
        return []

    # -- presentation -----------------------------------------------------------------------
    @property
    def template(self) -> str:
        """The template that renders this type's form field."""
        return f"assessments/types/{self.name}.html"

    def shuffle_keys(self, spec: Mapping) -> list[str]:
        """Ids whose order may be shuffled when the attempt starts (options, answers…)."""
        return []

    def public(self, spec: Mapping, order: list[str]) -> dict:
        """What the page may show: prompt and choices in ``order``, no answer key."""
        return {"type": self.name, "prompt": spec["prompt"]}

    def read_answer(self, form: Mapping, spec: Mapping, order: list[str]) -> Any:
        """Turn submitted form values (field names ``a`` / ``a-<id>``) into a stored answer."""
        return None

    # -- scoring and feedback -----------------------------------------------------------------
    def score(self, spec: Mapping, answer: Any) -> Result:
        """Score ``answer`` against the key; must stay within [0, points]."""
        return Result(0.0, 0.0)

    def describe_answer(self, spec: Mapping, answer: Any, words: Mapping[str, str]) -> str:
        """A stored answer as text for the review page ("" when unanswered)."""
        return "" if answer in (None, [], {}) else str(answer)

    def describe_key(self, spec: Mapping, words: Mapping[str, str]) -> str:
        """The right answer as text for the review page."""
        return ""


def _options_by_id(spec: Mapping) -> dict[str, Mapping]:
    return {str(option["id"]): option for option in spec.get("options", [])}


def _weight(option: Mapping) -> float:
    if option.get("weight") is not None:  # an empty `weight:` means none, as in the checks
        return float(option["weight"])
    return 100.0 if option.get("correct") else 0.0


def _option_problems(spec: Mapping, minimum: int = 2) -> list[tuple[tuple, Any]]:
    problems = []
    options = spec.get("options")
    if not isinstance(options, list) or len(options) < minimum:
        return [(("options",), _l("needs at least %(count)d options", count=minimum))]
    seen = set()
    for index, option in enumerate(options):
        if not isinstance(option, Mapping) or not str(option.get("text", "")).strip():
            problems.append((("options", index), _l("each option needs an id and a text")))
            continue
        if str(option.get("id")) in seen or not str(option.get("id", "")).strip():
            problems.append((("options", index, "id"), _l("option ids must be unique")))
        seen.add(str(option.get("id")))
        weight = option.get("weight")
        if weight is not None and (
            isinstance(weight, bool)
            or not isinstance(weight, (int, float))
            or not -100 <= weight <= 100
        ):
            problems.append(
                (("options", index, "weight"), _l("a weight is a percentage from -100 to 100"))
            )
    return problems


class SingleChoice(QuestionType):
    """One answer among several; options may carry partial-credit weights."""

    name = "single_choice"

    def validate(self, spec):
        problems = _option_problems(spec)
        if not problems and sum(1 for o in spec["options"] if _weight(o) == 100) != 1:
            problems.append((("options",), _l("exactly one option must be fully correct")))
        return problems

    def shuffle_keys(self, spec):
        return [str(o["id"]) for o in spec["options"]]

    def public(self, spec, order):
        options = _options_by_id(spec)
        return {
            "type": self.name,
            "prompt": spec["prompt"],
            "options": [{"id": key, "text": options[key]["text"]} for key in order],
        }

    def read_answer(self, form, spec, order):
        value = form.get("a")
        return value if value in _options_by_id(spec) else None

    def describe_answer(self, spec, answer, words):
        option = _options_by_id(spec).get(str(answer)) if answer is not None else None
        return option["text"] if option else ""

    def describe_key(self, spec, words):
        return next(o["text"] for o in spec["options"] if _weight(o) == 100)

    def score(self, spec, answer):
        points = float(spec.get("points", 1))
        options = _options_by_id(spec)
        chosen = options.get(str(answer)) if answer is not None else None
        feedback = (chosen["feedback"],) if chosen and chosen.get("feedback") else ()
        earned = points * _weight(chosen) / 100 if chosen else 0.0
        return Result(clamp(earned, points), points, feedback)


class MultipleResponse(QuestionType):
    """Several answers may be right; weights give partial credit and may be negative."""

    name = "multiple_response"

    def validate(self, spec):
        problems = _option_problems(spec)
        if not problems:
            positive = sum(_weight(o) for o in spec["options"] if _weight(o) > 0)
            if abs(positive - 100) > 0.01:
                problems.append((("options",), _l("the positive weights must add up to 100")))
        return problems

    def shuffle_keys(self, spec):
        return [str(o["id"]) for o in spec["options"]]

    def public(self, spec, order):
        return SingleChoice.public(self, spec, order) | {"type": self.name}

    def read_answer(self, form, spec, order):
        options = _options_by_id(spec)
        values = form.getlist("a") if hasattr(form, "getlist") else form.get("a", [])
        return sorted({v for v in values if v in options})

    def describe_answer(self, spec, answer, words):
        options = _options_by_id(spec)
        return "; ".join(options[a]["text"] for a in (answer or []) if a in options)

    def describe_key(self, spec, words):
        return "; ".join(o["text"] for o in spec["options"] if _weight(o) > 0)

    def score(self, spec, answer):
        points = float(spec.get("points", 1))
        options = _options_by_id(spec)
        chosen = [options[a] for a in (answer or []) if a in options]
        earned = points * sum(_weight(o) for o in chosen) / 100
        feedback = tuple(o["feedback"] for o in chosen if o.get("feedback"))
        return Result(clamp(earned, points), points, feedback)


class TrueFalse(QuestionType):
    """A statement that is true or false."""

    name = "true_false"

    def validate(self, spec):
        if not isinstance(spec.get("answer"), bool):
            return [(("answer",), _l("must be true or false"))]
        return []

    def public(self, spec, order):
        return {"type": self.name, "prompt": spec["prompt"]}

    def read_answer(self, form, spec, order):
        return {"true": True, "false": False}.get(form.get("a"))

    def describe_answer(self, spec, answer, words):
        return "" if answer is None else words["true" if answer else "false"]

    def describe_key(self, spec, words):
        return words["true" if spec["answer"] else "false"]

    def score(self, spec, answer):
        points = float(spec.get("points", 1))
        if answer is None:
            return Result(0.0, points)
        right = answer == spec["answer"]
        note = spec.get("feedback_true" if answer else "feedback_false")
        return Result(points if right else 0.0, points, (note,) if note else ())


class Matching(QuestionType):
    """Match each item with its answer; extra answers may act as distractors."""

    name = "matching"

    def validate(self, spec):
        pairs = spec.get("pairs")
        if not isinstance(pairs, list) or len(pairs) < 2:
            return [(("pairs",), _l("needs at least %(count)d pairs", count=2))]
        problems = []
        ids = [str(p.get("id", "")) for p in pairs if isinstance(p, Mapping)]
        if len(set(ids)) != len(pairs) or not all(ids):
            problems.append((("pairs",), _l("pair ids must be unique")))
        for index, pair in enumerate(pairs):
            if (
                not isinstance(pair, Mapping)
                or not str(pair.get("prompt", "")).strip()
                or not str(pair.get("answer", "")).strip()
            ):
                problems.append(
                    (("pairs", index), _l("each pair needs an id, a prompt and an answer"))
                )
        return problems

    def _answers(self, spec) -> list[str]:
        seen = []
        for text in [p["answer"] for p in spec["pairs"]] + list(spec.get("distractors", [])):
            if text not in seen:
                seen.append(text)
        return seen

    def shuffle_keys(self, spec):
        return [str(i) for i in range(len(self._answers(spec)))]

    def public(self, spec, order):
        answers = self._answers(spec)
        return {
            "type": self.name,
            "prompt": spec["prompt"],
            "items": [{"id": str(p["id"]), "text": p["prompt"]} for p in spec["pairs"]],
            "choices": [{"id": key, "text": answers[int(key)]} for key in order],
        }

    def read_answer(self, form, spec, order):
        answers = self._answers(spec)
        result = {}
        for pair in spec["pairs"]:
            value = form.get(f"a-{pair['id']}")
            index = small_int(value)
            if index is not None and index < len(answers):
                result[str(pair["id"])] = answers[index]
        return result

    def describe_answer(self, spec, answer, words):
        if not answer:
            return ""
        return "; ".join(f"{p['prompt']} → {answer.get(str(p['id']), '—')}" for p in spec["pairs"])

    def describe_key(self, spec, words):
        return "; ".join(f"{p['prompt']} → {p['answer']}" for p in spec["pairs"])

    def score(self, spec, answer):
        points = float(spec.get("points", 1))
        answer = answer or {}
        right = sum(1 for p in spec["pairs"] if answer.get(str(p["id"])) == p["answer"])
        return Result(clamp(points * right / len(spec["pairs"]), points), points)


class Ordering(QuestionType):
    """Put steps in the right order; credit for each step in its place."""

    name = "ordering"

    def validate(self, spec):
        items = spec.get("items")
        if not isinstance(items, list) or len(items) < 2:
            return [(("items",), _l("needs at least %(count)d items", count=2))]
        ids = [str(i.get("id", "")) for i in items if isinstance(i, Mapping)]
        if len(set(ids)) != len(items) or not all(ids):
            return [(("items",), _l("item ids must be unique"))]
        for index, item in enumerate(items):
            if not str(item.get("text", "")).strip():
                return [(("items", index), _l("each item needs an id and a text"))]
        return []

    def shuffle_keys(self, spec):
        return [str(i["id"]) for i in spec["items"]]

    def public(self, spec, order):
        items = {str(i["id"]): i["text"] for i in spec["items"]}
        return {
            "type": self.name,
            "prompt": spec["prompt"],
            "items": [{"id": key, "text": items[key]} for key in order],
            "positions": list(range(1, len(order) + 1)),
        }

    def read_answer(self, form, spec, order):
        positions = {}
        for item in spec["items"]:
            value = small_int(form.get(f"a-{item['id']}", ""))
            if value is not None and 1 <= value <= len(spec["items"]):
                positions[str(item["id"])] = value
        return (
            [key for key, _pos in sorted(positions.items(), key=lambda kv: kv[1])]
            if len(set(positions.values())) == len(spec["items"])
            else None
        )

    def describe_answer(self, spec, answer, words):
        items = {str(i["id"]): i["text"] for i in spec["items"]}
        return " → ".join(items[a] for a in (answer or []) if a in items)

    def describe_key(self, spec, words):
        return " → ".join(i["text"] for i in spec["items"])

    def score(self, spec, answer):
        points = float(spec.get("points", 1))
        correct = [str(i["id"]) for i in spec["items"]]
        if not answer or len(answer) != len(correct):
            return Result(0.0, points)
        right = sum(1 for given, expected in zip(answer, correct, strict=True) if given == expected)
        return Result(clamp(points * right / len(correct), points), points)


class ShortAnswer(QuestionType):
    """A few words typed in; several accepted answers, compared leniently by default."""

    name = "short_answer"

    def validate(self, spec):
        answers = spec.get("answers")
        if not isinstance(answers, list) or not answers:
            return [(("answers",), _l("needs at least one accepted answer"))]
        problems = []
        for index, item in enumerate(answers):
            if not isinstance(item, Mapping) or not str(item.get("text", "")).strip():
                problems.append((("answers", index), _l("each accepted answer needs a text")))
            elif "weight" in item and not _finite_number(item["weight"]):
                problems.append(
                    (("answers", index, "weight"), _l("a weight is a percentage from -100 to 100"))
                )
        if not problems and max(float(a.get("weight", 100)) for a in answers) != 100:
            problems.append((("answers",), _l("one accepted answer must be worth 100%")))
        return problems

    def read_answer(self, form, spec, order):
        value = (form.get("a") or "").strip()
        return value[:500] or None

    def describe_key(self, spec, words):
        return " / ".join(a["text"] for a in spec["answers"] if float(a.get("weight", 100)) == 100)

    def score(self, spec, answer):
        points = float(spec.get("points", 1))
        if not answer:
            return Result(0.0, points)
        options = {
            "case_sensitive": bool(spec.get("case_sensitive")),
            "accents": bool(spec.get("accents_matter")),
        }
        given = normalise(answer, **options)
        best = None
        for accepted in spec["answers"]:
            if normalise(accepted["text"], **options) == given:
                weight = float(accepted.get("weight", 100))
                if best is None or weight > float(best.get("weight", 100)):
                    best = accepted
        if best is None:
            return Result(0.0, points)
        note = (best["feedback"],) if best.get("feedback") else ()
        return Result(clamp(points * float(best.get("weight", 100)) / 100, points), points, note)


class Numeric(QuestionType):
    """A number, right within a tolerance or a range."""

    name = "numeric"

    def validate(self, spec):
        answers = spec.get("answers")
        if not isinstance(answers, list) or not answers:
            return [(("answers",), _l("needs at least one accepted answer"))]
        problems = []
        for index, item in enumerate(answers):
            ok = (
                isinstance(item, Mapping)
                and (
                    (_finite_number(item.get("value")) and _finite_number(item.get("tolerance", 0)))
                    or (
                        _finite_number(item.get("min"))
                        and _finite_number(item.get("max"))
                        and item["min"] <= item["max"]
                    )
                )
                and (
                    not isinstance(item, Mapping)
                    or "weight" not in item
                    or _finite_number(item["weight"])
                )
            )
            if not ok:
                problems.append(
                    (("answers", index), _l("give a value (and tolerance) or a min and max"))
                )
        return problems

    def read_answer(self, form, spec, order):
        return parse_number(form.get("a") or "")

    def describe_answer(self, spec, answer, words):
        return "" if answer is None else format(answer, ",.15g")

    def describe_key(self, spec, words):
        parts = []
        for a in spec["answers"]:
            if float(a.get("weight", 100)) != 100:
                continue
            if "value" in a:
                tolerance = float(a.get("tolerance", 0))
                parts.append(
                    format(a["value"], ",.15g") + (f" ± {tolerance:.15g}" if tolerance else "")
                )
            else:
                parts.append(f"{a['min']:,.15g}–{a['max']:,.15g}")
        return " / ".join(parts)

    @staticmethod
    def _matches(accepted: Mapping, value: float) -> bool:
        if "value" in accepted:
            tolerance = abs(float(accepted.get("tolerance", 0)))
            return abs(value - float(accepted["value"])) <= tolerance + 1e-9
        return float(accepted["min"]) - 1e-9 <= value <= float(accepted["max"]) + 1e-9

    def score(self, spec, answer):
        points = float(spec.get("points", 1))
        if answer is None:
            return Result(0.0, points)
        matches = [a for a in spec["answers"] if self._matches(a, float(answer))]
        if not matches:
            other = spec.get("feedback_other")
            return Result(0.0, points, (other,) if other else ())
        best = max(matches, key=lambda a: float(a.get("weight", 100)))
        note = (best["feedback"],) if best.get("feedback") else ()
        return Result(clamp(points * float(best.get("weight", 100)) / 100, points), points, note)


class Description(QuestionType):
    """Text only (context for the next questions); never scored."""

    name = "description"
    graded = False


def question_type(name: str) -> QuestionType:
    """The registered type called ``name``."""
    return QuestionType.registry[name]()


QUESTION_TYPES = tuple(QuestionType.registry)
