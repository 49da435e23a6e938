"""The question editor as a form: one set of fields per question type, Spanish and English.

Trainers who never write YAML edit questions here. The form turns into the same bank entry
and English overlay a file holds (docs/assessment-format.md), so it is saved through the
same checks as the YAML editor (``services.save_question_entry``); and a question written
in either editor opens in the other.
"""

import math
import string

from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.draft_views import RevisionForm
from app.forms import MultiCheckboxField, strip_text, text_field
from app.i18n import _l
from assessments.loader import DIFFICULTIES, SLUG
from assessments.question_types import question_type

TEXT_MAX = 5000
MAX_ROWS = 40
BLANK_ROWS = 2  # empty rows offered under the filled ones

TYPE_LABELS = {
    "single_choice": _l("Single choice"),
    "multiple_response": _l("Multiple response"),
    "true_false": _l("True or false"),
    "matching": _l("Matching"),
    "ordering": _l("Ordering"),
    "short_answer": _l("Short answer"),
    "numeric": _l("Numeric"),
    "description": _l("Description (text only, not scored)"),
}
DIFFICULTY_LABELS = {"easy": _l("Easy"), "medium": _l("Medium"), "hard": _l("Hard")}


def _area(label, *, required=False, rows=2, lang="es", description=None):
    validators = [DataRequired(message=_l("This field is required."))] if required else []
    validators += [Optional(), Length(max=TEXT_MAX, message=_l("At most %(max)d characters."))]
    return TextAreaField(
        label,
        filters=[strip_text],
        validators=validators,
        description=description,
        render_kw={"rows": rows, "lang": lang, "spellcheck": "true"},
    )


def parse_number(text) -> float | None:
    """A number typed with a point or a comma ("12,5"); None when empty or not a number."""
    if text is None or not str(text).strip():
        return None
    try:
        value = float(str(text).strip().replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


class NumberIn:
    """Validator: empty, or a number from ``low`` to ``high`` (either may be None)."""

    def __init__(self, low: float | None = None, high: float | None = None):
        self.low, self.high = low, high

    def __call__(self, form, field):
        """Raise ValidationError unless the field is empty or a number within the bounds."""
        if field.data is None or not str(field.data).strip():
            return
        value = parse_number(field.data)
        if value is None:
            raise ValidationError(_l("Give a number, e.g. 36 or 12.5."))
        if (self.low is not None and value < self.low) or (
            self.high is not None and value > self.high
        ):
            raise ValidationError(
                _l("Give a number from %(min)s to %(max)s.", min=self.low, max=self.high)
            )


def _number(label, low=None, high=None, description=None):
    return StringField(
        label,
        filters=[strip_text],
        validators=[NumberIn(low, high)],
        description=description,
        render_kw={"inputmode": "decimal", "size": 6},
    )


def _number_value(value: float | None):
    """36.0 is written 36, as a trainer would."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


class OptionRow(Form):
    """An option of a single-choice or multiple-response question."""

    id = HiddenField()
    text_es = _area(_l("Option in Spanish"))
    text_en = _area(_l("Option in English"), lang="en")
    feedback_es = _area(_l("Feedback when chosen, in Spanish"))
    feedback_en = _area(_l("Feedback when chosen, in English"), lang="en")
    correct = BooleanField(_l("Right answer"))
    weight = _number(_l("Weight (%)"), -100, 100)


class PairRow(Form):
    """A pair of a matching question."""

    id = HiddenField()
    prompt_es = _area(_l("Item in Spanish"))
    prompt_en = _area(_l("Item in English"), lang="en")
    answer_es = _area(_l("Its match in Spanish"))
    answer_en = _area(_l("Its match in English"), lang="en")


class ItemRow(Form):
    """A step of an ordering question."""

    id = HiddenField()
    position = _number(_l("Position"), 1, MAX_ROWS)
    text_es = _area(_l("Step in Spanish"))
    text_en = _area(_l("Step in English"), lang="en")


class AnswerRow(Form):
    """An accepted short answer (one list per language: accepted words differ)."""

    text = StringField(_l("Accepted answer"), filters=[strip_text], validators=[Length(max=500)])
    weight = _number(_l("Worth (%)"), -100, 100)
    feedback = _area(_l("Feedback"))


class NumberRow(Form):
    """An accepted number: a value with a tolerance, or a range."""

    value = _number(_l("Value"))
    tolerance = _number(_l("± tolerance"), 0)
    low = _number(_l("or from"))
    high = _number(_l("to"))
    weight = _number(_l("Worth (%)"), -100, 100)
    feedback_es = _area(_l("Feedback in Spanish"))
    feedback_en = _area(_l("Feedback in English"), lang="en")


def _rows(row_form):
    return FieldList(FormField(row_form), min_entries=0, max_entries=MAX_ROWS)


class QuestionFieldsForm(RevisionForm):
    """Every field a question may have; the page shows those of its type."""

    id = text_field(
        _l("Id"),
        80,
        description=_l("Lower-case words joined by hyphens; it never changes once published."),
    )
    prompt_es = _area(_l("Question in Spanish"), required=True, rows=4)
    prompt_en = _area(_l("Question in English"), rows=4, lang="en")
    explanation_es = _area(
        _l("Explanation in Spanish (shown after answering)"),
        rows=4,
        description=_l("Cite the instrument and the article, e.g. Art. 36(1)(b) CVRC."),
    )
    explanation_en = _area(_l("Explanation in English (shown after answering)"), rows=4, lang="en")
    tags = StringField(
        _l("Tags"),
        filters=[strip_text],
        validators=[Length(max=1000)],
        description=_l(
            "Separated by commas; a tag is the short name of the lesson the question assesses."
        ),
    )
    difficulty = SelectField(
        _l("Difficulty"), choices=[(d, DIFFICULTY_LABELS[d]) for d in DIFFICULTIES]
    )
    points = _number(_l("Points"), 0, 1000)
    legal_refs = MultiCheckboxField(_l("Legal references"))
    options = _rows(OptionRow)
    answer = RadioField(
        _l("The statement is"),
        choices=[("true", _l("True")), ("false", _l("False"))],
        validators=[Optional()],
    )
    feedback_true_es = _area(_l("Feedback for “true”, in Spanish"))
    feedback_true_en = _area(_l("Feedback for “true”, in English"), lang="en")
    feedback_false_es = _area(_l("Feedback for “false”, in Spanish"))
    feedback_false_en = _area(_l("Feedback for “false”, in English"), lang="en")
    pairs = _rows(PairRow)
    distractors_es = _area(
        _l("Extra wrong matches in Spanish (one per line)"),
        rows=3,
        description=_l("Offered among the matches; they belong to no item."),
    )
    distractors_en = _area(_l("Extra wrong matches in English (one per line)"), rows=3, lang="en")
    items = _rows(ItemRow)
    answers_es = _rows(AnswerRow)
    answers_en = _rows(AnswerRow)
    case_sensitive = BooleanField(_l("Capital letters matter"))
    accents_matter = BooleanField(_l("Accents matter"))
    numbers = _rows(NumberRow)
    feedback_other_es = _area(_l("Feedback for any other number, in Spanish"))
    feedback_other_en = _area(_l("Feedback for any other number, in English"), lang="en")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.group_errors: dict[str, list] = {}  # problems of a whole list of rows

    def validate_id(self, field):
        """A question's id is a short name (it never changes once published)."""
        if field.data and not SLUG.match(field.data):
            raise ValidationError(_l("Lower-case words joined by hyphens, e.g. plazo-36-horas."))

    def validate_tags(self, field):
        """Every tag is a short name."""
        bad = [t for t in split_tags(field.data) if not SLUG.match(t)]
        if bad:
            raise ValidationError(
                _l(
                    "Tags are lower-case words joined by hyphens: %(tags)s",
                    tags=", ".join(bad),
                )
            )


def split_tags(text: str | None) -> list[str]:
    """Tags typed with commas (or spaces) between them, without repeats."""
    out: list[str] = []
    for tag in (text or "").replace(",", " ").split():
        if tag not in out:
            out.append(tag)
    return out


# --- entry -> form ----------------------------------------------------------------------------


def form_data(entry: dict, english: dict | None) -> dict:
    """The form's data for a bank entry and its English overlay (the reverse of ``entry_from``)."""
    english = english or {}
    kind = entry["type"]
    data = {
        "id": entry.get("id"),
        "prompt_es": entry.get("prompt"),
        "prompt_en": english.get("prompt"),
        "explanation_es": entry.get("explanation"),
        "explanation_en": english.get("explanation"),
        "tags": ", ".join(entry.get("tags") or []),
        "difficulty": entry.get("difficulty", "medium"),
        "points": _show(entry.get("points", 1)),
        "legal_refs": list(entry.get("legal_refs") or []),
    }
    en_options = english.get("options") or {}
    data["options"] = [
        {
            "id": str(o.get("id", "")),
            "text_es": o.get("text"),
            "text_en": (en_options.get(str(o.get("id"))) or {}).get("text"),
            "feedback_es": o.get("feedback"),
            "feedback_en": (en_options.get(str(o.get("id"))) or {}).get("feedback"),
            "correct": _is_right(kind, o),
            "weight": _show(o.get("weight")),
        }
        for o in entry.get("options") or []
        if isinstance(o, dict)
    ]
    if "answer" in entry and isinstance(entry["answer"], bool):
        data["answer"] = "true" if entry["answer"] else "false"
    for name in ("feedback_true", "feedback_false", "feedback_other"):
        data[f"{name}_es"] = entry.get(name)
        data[f"{name}_en"] = english.get(name)
    en_pairs = english.get("pairs") or {}
    data["pairs"] = [
        {
            "id": str(p.get("id", "")),
            "prompt_es": p.get("prompt"),
            "prompt_en": (en_pairs.get(str(p.get("id"))) or {}).get("prompt"),
            "answer_es": p.get("answer"),
            "answer_en": (en_pairs.get(str(p.get("id"))) or {}).get("answer"),
        }
        for p in entry.get("pairs") or []
        if isinstance(p, dict)
    ]
    data["distractors_es"] = "\n".join(str(d) for d in entry.get("distractors") or [])
    data["distractors_en"] = "\n".join(str(d) for d in english.get("distractors") or [])
    en_items = english.get("items") or {}
    data["items"] = [
        {
            "id": str(i.get("id", "")),
            "position": str(n),
            "text_es": i.get("text"),
            "text_en": (en_items.get(str(i.get("id"))) or {}).get("text"),
        }
        for n, i in enumerate((i for i in entry.get("items") or [] if isinstance(i, dict)), 1)
    ]
    answers = [a for a in entry.get("answers") or [] if isinstance(a, dict)]
    en_answers = [a for a in english.get("answers") or [] if isinstance(a, dict)]
    if kind == "numeric":
        data["numbers"] = [
            {
                "value": _show(a.get("value")),
                "tolerance": _show(a.get("tolerance")),
                "low": _show(a.get("min")),
                "high": _show(a.get("max")),
                "weight": _show(a.get("weight")),
                "feedback_es": a.get("feedback"),
                "feedback_en": (en_answers[n] if n < len(en_answers) else {}).get("feedback"),
            }
            for n, a in enumerate(answers)
        ]
    else:
        data["answers_es"] = [_answer_data(a) for a in answers]
        data["answers_en"] = [_answer_data(a) for a in en_answers]
    data["case_sensitive"] = bool(entry.get("case_sensitive"))
    data["accents_matter"] = bool(entry.get("accents_matter"))
    return with_blank_rows(data, kind)


def _is_right(kind: str, option: dict) -> bool:
    weight = option.get("weight")
    if isinstance(weight, (int, float)) and not isinstance(weight, bool):
        return weight == 100 if kind == "single_choice" else weight > 0
    return bool(option.get("correct"))


def _answer_data(answer: dict) -> dict:
    return {
        "text": answer.get("text"),
        "weight": _show(answer.get("weight")),
        "feedback": answer.get("feedback"),
    }


def _show(value) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    return format(value, "g") if isinstance(value, float) else str(value)


# The rows each type edits (the others stay hidden and empty).
GROUPS = {
    "single_choice": ("options",),
    "multiple_response": ("options",),
    "matching": ("pairs",),
    "ordering": ("items",),
    "short_answer": ("answers_es", "answers_en"),
    "numeric": ("numbers",),
}


def with_blank_rows(data: dict, kind: str) -> dict:
    """Add empty rows under the filled ones, so a new option is typed in, not requested."""
    for group in GROUPS.get(kind, ()):
        rows = list(data.get(group) or [])
        data[group] = rows + [{} for _ in range(min(BLANK_ROWS, MAX_ROWS - len(rows)))]
    return data


def new_entry(kind: str, qid: str) -> dict:
    """A new question of ``kind``: empty texts, the first option right, one point."""
    entry: dict = {"id": qid, "type": kind, "tags": [], "difficulty": "medium", "points": 1}
    if kind == "single_choice":
        entry["options"] = [{"id": "a", "correct": True}, {"id": "b"}]
    elif kind == "multiple_response":
        entry["options"] = [{"id": "a"}, {"id": "b"}, {"id": "c"}]
    elif kind == "true_false":
        entry["answer"] = True
    return entry


# --- form -> entry ----------------------------------------------------------------------------


class Built:
    """A bank entry and English overlay built from the form, with where each row came from."""

    def __init__(self):
        self.entry: dict = {}
        self.english: dict = {}
        self.rows: dict[str, list[int]] = {}  # entry list name -> form row index of each element


def _blank(values: dict, *names) -> bool:
    return not any(values.get(n) not in (None, "", False) for n in names)


def _next_id(used: set[str], numbers: bool) -> str:
    pool = (str(n) for n in range(1, MAX_ROWS * 2)) if numbers else iter(string.ascii_lowercase)
    for candidate in pool:
        if candidate not in used:
            used.add(candidate)
            return candidate
    n = len(used) + 1
    while f"x{n}" in used:
        n += 1
    used.add(f"x{n}")
    return f"x{n}"


def _fill_ids(rows: list[dict], numbers: bool = False) -> None:
    used = {str(r["id"]) for r in rows if r.get("id")}
    for row in rows:
        if not row.get("id"):
            row["id"] = _next_id(used, numbers)


def entry_from(form: QuestionFieldsForm, kind: str) -> Built:
    """The bank entry and English overlay the form describes; empty rows are left out."""
    built = Built()
    graded = question_type(kind).graded
    entry: dict = {
        "id": form.id.data,
        "type": kind,
        "tags": split_tags(form.tags.data),
        "difficulty": form.difficulty.data or "medium",
    }
    if graded:
        points = parse_number(form.points.data)
        entry["points"] = _number_value(points if points is not None else 1)
    entry["prompt"] = form.prompt_es.data or ""
    english: dict = {}
    _put(english, "prompt", form.prompt_en.data)

    if kind in ("single_choice", "multiple_response"):
        rows = [
            (n, r.data)
            for n, r in enumerate(form.options)
            if not _blank(r.data, "text_es", "text_en", "feedback_es", "feedback_en", "weight")
        ]
        options = []
        for _n, values in rows:
            option = {"id": values.get("id") or "", "text": values.get("text_es") or ""}
            weight = parse_number(values.get("weight"))
            if weight is not None:
                option["weight"] = _number_value(weight)
            elif values.get("correct"):
                if kind == "single_choice":
                    option["correct"] = True
                else:
                    option["weight"] = 0  # filled in below: the right ones share 100
            if values.get("feedback_es"):
                option["feedback"] = values["feedback_es"]
            options.append(option)
        if kind == "multiple_response":
            _share_weights(options, [v for _n, v in rows])
        _fill_ids(options)
        entry["options"] = options
        built.rows["options"] = [n for n, _v in rows]
        texts = {}
        for option, (_n, values) in zip(options, rows, strict=True):
            en = {}
            _put(en, "text", values.get("text_en"))
            _put(en, "feedback", values.get("feedback_en"))
            if en:
                texts[option["id"]] = en
        if texts:
            english["options"] = texts
    elif kind == "true_false":
        entry["answer"] = form.answer.data != "false"
        for name in ("feedback_true", "feedback_false"):
            _put(entry, name, getattr(form, f"{name}_es").data)
            _put(english, name, getattr(form, f"{name}_en").data)
    elif kind == "matching":
        rows = [
            (n, r.data)
            for n, r in enumerate(form.pairs)
            if not _blank(r.data, "prompt_es", "prompt_en", "answer_es", "answer_en")
        ]
        pairs = [
            {
                "id": v.get("id") or "",
                "prompt": v.get("prompt_es") or "",
                "answer": v.get("answer_es") or "",
            }
            for _n, v in rows
        ]
        _fill_ids(pairs, numbers=True)
        entry["pairs"] = pairs
        built.rows["pairs"] = [n for n, _v in rows]
        texts = {}
        for pair, (_n, values) in zip(pairs, rows, strict=True):
            en = {}
            _put(en, "prompt", values.get("prompt_en"))
            _put(en, "answer", values.get("answer_en"))
            if en:
                texts[pair["id"]] = en
        if texts:
            english["pairs"] = texts
        distractors = _lines(form.distractors_es.data)
        if distractors:
            entry["distractors"] = distractors
        _put(english, "distractors", _lines(form.distractors_en.data) or None)
    elif kind == "ordering":
        rows = [
            (n, r.data)
            for n, r in enumerate(form.items)
            if not _blank(r.data, "text_es", "text_en")
        ]

        def place(pair):
            n, values = pair
            position = parse_number(values.get("position"))
            return (position if position is not None else MAX_ROWS + 1, n)

        rows.sort(key=place)
        items = [{"id": v.get("id") or "", "text": v.get("text_es") or ""} for _n, v in rows]
        _fill_ids(items)
        entry["items"] = items
        built.rows["items"] = [n for n, _v in rows]
        texts = {
            item["id"]: {"text": values["text_en"]}
            for item, (_n, values) in zip(items, rows, strict=True)
            if values.get("text_en")
        }
        if texts:
            english["items"] = texts
    elif kind == "short_answer":
        for group, target in (("answers_es", entry), ("answers_en", english)):
            rows = [
                (n, r.data)
                for n, r in enumerate(getattr(form, group))
                if not _blank(r.data, "text", "weight", "feedback")
            ]
            answers = []
            for _n, values in rows:
                answer = {"text": values.get("text") or ""}
                weight = parse_number(values.get("weight"))
                if weight is not None:
                    answer["weight"] = _number_value(weight)
                _put(answer, "feedback", values.get("feedback"))
                answers.append(answer)
            built.rows[group] = [n for n, _v in rows]
            if answers or target is entry:
                target["answers"] = answers
        for flag in ("case_sensitive", "accents_matter"):
            if getattr(form, flag).data:
                entry[flag] = True
    elif kind == "numeric":
        rows = [
            (n, r.data)
            for n, r in enumerate(form.numbers)
            if not _blank(r.data, "value", "tolerance", "low", "high", "weight", "feedback_es")
            or r.data.get("feedback_en")
        ]
        answers, english_answers = [], []
        for _n, values in rows:
            answer: dict = {}
            value = parse_number(values.get("value"))
            if value is not None or parse_number(values.get("low")) is None:
                answer["value"] = _number_value(value)
                tolerance = parse_number(values.get("tolerance"))
                answer["tolerance"] = _number_value(tolerance or 0)
            else:
                answer["min"] = _number_value(parse_number(values.get("low")))
                answer["max"] = _number_value(parse_number(values.get("high")))
            weight = parse_number(values.get("weight"))
            if weight is not None:
                answer["weight"] = _number_value(weight)
            _put(answer, "feedback", values.get("feedback_es"))
            answers.append(answer)
            translated = {k: v for k, v in answer.items() if k != "feedback"}
            _put(translated, "feedback", values.get("feedback_en"))
            english_answers.append(translated)
        entry["answers"] = answers
        built.rows["numbers"] = [n for n, _v in rows]
        if any("feedback" in a for a in english_answers):
            english["answers"] = english_answers
        _put(entry, "feedback_other", form.feedback_other_es.data)
        _put(english, "feedback_other", form.feedback_other_en.data)
    _put(entry, "explanation", form.explanation_es.data)
    _put(english, "explanation", form.explanation_en.data)
    entry["legal_refs"] = list(form.legal_refs.data or [])
    built.entry, built.english = entry, english
    return built


def _put(target: dict, key: str, value) -> None:
    if value not in (None, "", []):
        target[key] = value


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _share_weights(options: list[dict], rows: list[dict]) -> None:
    """Ticked options without a typed weight share what the typed positive weights leave of 100."""
    pending = [
        i
        for i, row in enumerate(rows)
        if row.get("correct") and parse_number(row.get("weight")) is None
    ]
    if not pending:
        return
    typed = sum(
        o["weight"] for i, o in enumerate(options) if i not in pending and o.get("weight", 0) > 0
    )
    left = 100 - typed
    share = round(left / len(pending), 2)
    for i in pending:
        options[i]["weight"] = _number_value(share)
    # The last one takes the rounding, so the positive weights add up to exactly 100.
    options[pending[-1]]["weight"] = _number_value(round(left - share * (len(pending) - 1), 2))


# --- errors back onto the fields --------------------------------------------------------------

# The form rows holding each list a type's checks name, and the field a problem of a row's key
# lands on (Spanish names; an English problem lands on the English twin).
ROW_FIELDS = {
    "options": ("options", {"text": "text_es", "weight": "weight", "id": "text_es"}),
    "pairs": ("pairs", {"prompt": "prompt_es", "answer": "answer_es"}),
    "items": ("items", {"text": "text_es"}),
}


def place_problems(form: QuestionFieldsForm, built: Built, kind: str, english_spec=None) -> bool:
    """Put the type's own problems (Spanish, then English) on the fields; True when any."""
    found = False
    checks = [("es", {**built.entry, "points": 1})]
    if english_spec is not None:
        checks.append(("en", {**english_spec, "points": 1}))
    for language, spec in checks:
        for path, message in question_type(kind).validate(spec):
            found = True
            _place(form, built, kind, language, path, message)
    return found


def _place(form, built, kind, language, path, message) -> None:
    top = path[0] if path else None
    if top == "answer":
        _add(form.answer, message)
        return
    if top == "answers":  # accepted answers: one list per language, or the numbers
        group, fields = (
            ("numbers", {"text": "value"})
            if kind == "numeric"
            else (f"answers_{language}", {"text": "text", "weight": "weight"})
        )
    elif top in ROW_FIELDS:
        group, fields = ROW_FIELDS[top]
    else:
        _add_group(form, "question", message)
        return
    rows = built.rows.get(group, [])
    if len(path) >= 2 and isinstance(path[1], int) and path[1] < len(rows):
        row = getattr(form, group)[rows[path[1]]].form
        first = next(iter(fields.values()))
        name = fields.get(path[2], first) if len(path) > 2 else first
        if kind == "numeric":
            name = "value"  # every problem of an accepted number is about its value
        elif language == "en" and name.endswith("_es"):
            name = name.removesuffix("_es") + "_en"
        _add(getattr(row, name), message)
        return
    _add_group(form, group, message)


def _add(field, message) -> None:
    if str(message) not in [str(e) for e in field.errors]:
        field.errors = [*field.errors, message]


def _add_group(form, group: str, message) -> None:
    listed = form.group_errors.setdefault(group, [])
    if str(message) not in [str(e) for e in listed]:
        listed.append(message)
