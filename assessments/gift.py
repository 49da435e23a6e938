"""GIFT (Moodle's question text format) import and export. Pure: no Flask, no database.

Import reads the whole file first and reports every problem with its line number and the
question's name; unsupported GIFT types (essay) are reported, never silently dropped. Our own
metadata rides in GIFT comments: ``[id:…]`` and ``[tag:…]`` as in Moodle, plus
``[difficulty:…]`` and ``[legal:…]``, which Moodle ignores.
"""

import math
import re
from dataclasses import dataclass, field

from app.i18n import _l
from assessments.question_types import question_type

# Escaped characters travel through parsing as private-use code points.
ESCAPES = {
    "\\\\": "\ue000",
    "\\~": "\ue001",
    "\\=": "\ue002",
    "\\#": "\ue003",
    "\\{": "\ue004",
    "\\}": "\ue005",
    "\\:": "\ue006",
}
UNESCAPE = {v: k[1] for k, v in ESCAPES.items()}
META = re.compile(r"\[(id|tag|difficulty|legal|points):((?:\\\]|[^\]])+)\]")
WEIGHT = re.compile(r"^%(-?\d{1,3}(?:\.\d+)?)%")
FORMAT_PREFIX = re.compile(r"^\[(html|moodle|plain|markdown)\]")
SLUG_CHARS = re.compile(r"[^a-z0-9]+")


@dataclass
class GiftProblem:
    """A problem found while reading a GIFT file."""

    line: int
    name: str
    message: str

    def __str__(self) -> str:
        return str(
            _l(
                "line %(line)d (%(name)s): %(message)s",
                line=self.line,
                name=self.name,
                message=self.message,
            )
        )


@dataclass
class GiftQuestion:
    """A question read from GIFT, in the shape of a bank entry."""

    line: int
    name: str
    bank: str | None
    data: dict = field(default_factory=dict)


def _encode(text: str) -> str:
    for raw, code in ESCAPES.items():
        text = text.replace(raw, code)
    return text.replace("\\n", "\n")


def _decode(text: str) -> str:
    for code, char in UNESCAPE.items():
        text = text.replace(code, char)
    return text


def _clean(text: str) -> str:
    return _decode(FORMAT_PREFIX.sub("", text.strip())).strip()


def slugify(text: str) -> str:
    """Lower-case words joined by hyphens (question ids and bank slugs)."""
    import unicodedata

    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return SLUG_CHARS.sub("-", text).strip("-")[:80]


def _blocks(text: str):
    """Yield (first line number, comment lines, text lines) per blank-line-separated block."""
    comments, lines, start = [], [], None
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped:
            if lines:
                yield start, comments, lines
            # Comments followed by a blank line belong to no question (as in Moodle).
            comments, lines, start = [], [], None
            continue
        if stripped.startswith("//"):
            comments.append(stripped[2:])
            continue
        if start is None:
            start = number
        lines.append(raw)
    if lines:
        yield start, comments, lines


def _split_answers(block: str) -> list[tuple[str, str]]:
    """Split an answer block into (marker, body) pairs at top-level ``=`` and ``~``."""
    parts, marker, current = [], None, []
    for char in block:
        if char in "=~":
            if marker is not None:
                parts.append((marker, "".join(current)))
            marker, current = char, []
        else:
            current.append(char)
    if marker is not None:
        parts.append((marker, "".join(current)))
    return parts


def _weight(body: str) -> tuple[float | None, str]:
    match = WEIGHT.match(body.strip())
    if not match:
        return None, body.strip()
    return float(match.group(1)), body.strip()[match.end() :]


def _text_and_feedback(body: str) -> tuple[str, str | None]:
    text, _sep, feedback = body.partition("#")
    return _clean(text), (_clean(feedback) or None) if _sep else None


def _metadata_problem(question: dict, legal_ids) -> str | None:
    if question.get("difficulty") not in (None, "easy", "medium", "hard"):
        return str(
            _l(
                "unknown difficulty '%(value)s' (easy, medium or hard)",
                value=question["difficulty"],
            )
        )
    if legal_ids is not None:
        unknown = [ref for ref in question.get("legal_refs", []) if ref not in legal_ids]
        if unknown:
            return str(_l("unknown legal reference '%(id)s'", id=unknown[0]))
    try:
        points = float(question.get("points", 1))
    except (TypeError, ValueError):
        points = -1
    if not 0 <= points <= 1000:
        return str(_l("must be a number of at least 0"))
    return None


def parse(
    text: str, default_bank: str | None = None, legal_ids: frozenset[str] | None = None
) -> tuple[list[GiftQuestion], list[GiftProblem]]:
    """Read a GIFT file: every question that parses, and every problem (with its line)."""
    questions: list[GiftQuestion] = []
    problems: list[GiftProblem] = []
    bank = default_bank
    seen: set[tuple[str | None, str]] = set()
    for line, comments, lines in _blocks(text.lstrip("\ufeff")):
        if lines[0].strip().startswith("$CATEGORY:"):
            path = lines[0].strip().removeprefix("$CATEGORY:").strip()
            bank = slugify(path.split("/")[-1]) or bank
            lines, line = lines[1:], line + 1
            if not lines:
                continue  # a question written right under the category line is kept
        body = "\n".join(lines).strip()
        meta = {"tag": [], "legal": []}
        for kind, value in META.findall(" ".join(comments)):
            value = value.replace("\\]", "]").strip()
            if kind in ("tag", "legal"):
                meta[kind].append(value)
            else:
                meta.setdefault(kind, value)
        encoded = _encode(body)
        name = ""
        if encoded.startswith("::"):
            end = encoded.find("::", 2)
            if end == -1:
                problems.append(
                    GiftProblem(line, "?", str(_l("the question name is not closed with '::'")))
                )
                continue
            name, encoded = _decode(encoded[2:end]).strip(), encoded[end + 2 :]
        label = name or _decode(encoded)[:40].strip()
        question, problem = _question(encoded, meta, name)
        if not problem:
            problem = _metadata_problem(question, legal_ids)
        if problem:
            problems.append(GiftProblem(line, label, str(problem)))
            continue
        key = (bank, question["id"])
        if key in seen:
            problems.append(
                GiftProblem(
                    line, label, str(_l("duplicate question id '%(id)s'", id=question["id"]))
                )
            )
            continue
        seen.add(key)
        questions.append(GiftQuestion(line, label, bank, question))
    return questions, problems


def _question(encoded: str, meta: dict, name: str):
    """(bank entry, None) or (None, problem message)."""
    opening, closing = encoded.find("{"), encoded.find("}")
    qid = slugify(meta.get("id") or name or _decode(encoded)[:60])
    if not qid:
        return None, _l("give the question an [id:…] or a ::name::")
    base = {"id": qid}
    if meta["tag"]:
        base["tags"] = [slugify(t) for t in meta["tag"]]
    if meta.get("difficulty"):
        base["difficulty"] = meta["difficulty"]
    if meta.get("points"):
        try:
            base["points"] = float(meta["points"])
        except ValueError:
            base["points"] = meta["points"]  # reported by _metadata_problem
    if meta["legal"]:
        base["legal_refs"] = meta["legal"]
    if opening == -1 and closing == -1:
        return {**base, "type": "description", "prompt": _clean(encoded)}, None
    if opening == -1 or closing == -1 or closing < opening:
        return None, _l("unbalanced braces: escape a literal brace as \\{ or \\}")
    before, block, after = encoded[:opening], encoded[opening + 1 : closing], encoded[closing + 1 :]
    if "{" in after or "}" in after:
        return None, _l("only one answer block {…} is allowed per question")
    prompt = _clean(before) + (" _____ " + _clean(after) if after.strip() else "")
    block, _sep, general = block.rpartition("####") if "####" in block else (block, "", "")
    if general.strip():
        base["explanation"] = _clean(general)
    base["prompt"] = prompt.strip()
    if not base["prompt"]:
        return None, _l("the question has no text")
    content = block.strip()
    if not content:
        return None, _l("essay questions ({}) are not supported; they are not imported")
    if content.startswith("#"):
        return _numeric(base, content[1:])
    if "~" in content:
        return _choice(base, content)
    if "=" in content and "->" in content:
        return _matching(base, content)
    head = content.split("#", 1)[0].strip().upper()
    if head in ("T", "TRUE", "F", "FALSE"):
        return _true_false(base, content, head in ("T", "TRUE"))
    return _short(base, content)


def _validated(entry: dict):
    spec = {k: v for k, v in entry.items() if k not in {"id", "tags", "difficulty", "legal_refs"}}
    spec["points"] = 1.0
    problems = question_type(entry["type"]).validate(spec)
    if problems:
        path, message = problems[0]
        where = ".".join(str(p) for p in path)
        return None, f"{where}: {message}" if where else message
    return entry, None


def _choice(base: dict, content: str):
    answers = _split_answers(content)
    single = any(marker == "=" for marker, _body in answers)
    options = []
    for index, (marker, body) in enumerate(answers):
        weight, rest = _weight(body)
        text, feedback = _text_and_feedback(rest)
        if weight is None:
            weight = 100.0 if marker == "=" else 0.0
        option = {
            "id": chr(ord("a") + index) if index < 26 else f"o{index}",
            "text": text,
            "weight": weight,
        }
        if feedback:
            option["feedback"] = feedback
        options.append(option)
    kind = "single_choice" if single else "multiple_response"
    return _validated({**base, "type": kind, "options": options})


def _matching(base: dict, content: str):
    pairs, distractors = [], []
    for marker, body in _split_answers(content):
        if marker != "=" or "->" not in body:
            return None, _l("each matching pair is written '=left -> right'")
        left, _arrow, right = body.partition("->")
        left, right = _clean(left), _clean(right)
        if not left:
            distractors.append(right)
        else:
            pairs.append({"id": str(len(pairs) + 1), "prompt": left, "answer": right})
    entry = {**base, "type": "matching", "pairs": pairs}
    if distractors:
        entry["distractors"] = distractors
    return _validated(entry)


def _true_false(base: dict, content: str, answer: bool):
    parts = content.split("#")
    entry = {**base, "type": "true_false", "answer": answer}
    wrong = _clean(parts[1]) if len(parts) > 1 else ""
    right = _clean(parts[2]) if len(parts) > 2 else ""
    # GIFT: the first feedback is for a wrong answer, the second for a right one.
    if wrong:
        entry["feedback_false" if answer else "feedback_true"] = wrong
    if right:
        entry["feedback_true" if answer else "feedback_false"] = right
    return _validated(entry)


def _short(base: dict, content: str):
    answers = []
    for marker, body in _split_answers(content):
        if marker != "=":
            return None, _l("short answers are all written with '='")
        weight, rest = _weight(body)
        text, feedback = _text_and_feedback(rest)
        answer = {"text": text}
        if weight is not None and weight != 100:
            answer["weight"] = weight
        if feedback:
            answer["feedback"] = feedback
        answers.append(answer)
    if not answers:
        return None, _l("the answer block has no answers")
    return _validated({**base, "type": "short_answer", "answers": answers})


def _number(text: str) -> float | None:
    try:
        value = float(_decode(text).strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _numeric_answer(body: str):
    weight, rest = _weight(body)
    value_text, feedback = _text_and_feedback(rest)
    answer: dict = {}
    if ".." in value_text:
        low, high = (_number(v) for v in value_text.split("..", 1))
        if low is None or high is None:
            return None
        answer.update(min=low, max=high)
    else:
        value, _sep, tolerance = value_text.partition(":")
        value, tolerance = _number(value), _number(tolerance) if tolerance else 0.0
        if value is None or tolerance is None:
            return None
        answer.update(value=value, tolerance=tolerance)
    if weight is not None and weight != 100:
        answer["weight"] = weight
    if feedback:
        answer["feedback"] = feedback
    return answer


def _numeric(base: dict, content: str):
    entry = {**base, "type": "numeric", "answers": []}
    markers = [i for i, char in enumerate(content) if char in "=~"]
    first = markers[0] if markers else len(content)
    leading = content[:first].strip()
    # "{#25:0#Exact. =%50%20..30#Close. ~#Other}": a leading answer, then marked ones.
    parts = ([("=", leading)] if leading else []) + _split_answers(content[first:])
    for marker, body in parts:
        if marker == "~":
            _text, feedback = _text_and_feedback(body)
            if feedback:
                entry["feedback_other"] = feedback
            continue
        answer = _numeric_answer(body)
        if answer is None:
            return None, _l("a numerical answer is a number, number:tolerance or min..max")
        entry["answers"].append(answer)
    return _validated(entry)


# -- export ---------------------------------------------------------------------------------


def _escape(text: str) -> str:
    text = str(text).replace("\\", "\\\\")
    for char in "~=#{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n")


def _number_text(value: float) -> str:
    return format(value, ".15g")  # "g" alone would round 1234567 to 1.23457e+06


def _with_weight(weight, default: float) -> str:
    return "" if weight is None or float(weight) == default else f"%{_number_text(float(weight))}%"


def export(bank_slug: str, questions: list[dict]) -> tuple[str, list[str]]:
    """GIFT text for a bank's questions (Spanish), and the ids GIFT cannot express."""
    out = [f"$CATEGORY: $course$/top/{bank_slug}", ""]
    skipped = []
    for q in questions:
        body = _export_question(q)
        if body is None:
            skipped.append(q["id"])
            continue
        meta = [f"[id:{q['id']}]"] + [f"[tag:{t}]" for t in q.get("tags", [])]
        if q.get("difficulty"):
            meta.append(f"[difficulty:{q['difficulty']}]")
        if q.get("points", 1) != 1:
            meta.append(f"[points:{_number_text(float(q['points']))}]")
        meta += [f"[legal:{ref}]" for ref in q.get("legal_refs", [])]
        out += [f"// {' '.join(meta)}", f"::{_escape(q['id'])}::{body}", ""]
    return "\n".join(out), skipped


def _export_question(q: dict) -> str | None:
    kind, prompt = q["type"], _escape(q["prompt"])
    general = f" ####{_escape(q['explanation'])}" if q.get("explanation") else ""
    if kind == "description":
        return prompt
    if kind in ("single_choice", "multiple_response"):
        parts = []
        for option in q["options"]:
            weight = option.get("weight", 100 if option.get("correct") else 0)
            if kind == "single_choice" and float(weight) == 100:
                marker = "="
            else:
                marker = "~" + (f"%{_number_text(float(weight))}%" if float(weight) else "")
            feedback = f"#{_escape(option['feedback'])}" if option.get("feedback") else ""
            parts.append(f"{marker}{_escape(option['text'])}{feedback}")
        return f"{prompt} {{{' '.join(parts)}{general}}}"
    if kind == "true_false":
        answer = q["answer"]
        wrong = q.get("feedback_false" if answer else "feedback_true")
        right = q.get("feedback_true" if answer else "feedback_false")
        feedback = ""
        if wrong or right:
            feedback = f"#{_escape(wrong or '')}" + (f"#{_escape(right)}" if right else "")
        return f"{prompt} {{{'TRUE' if answer else 'FALSE'}{feedback}{general}}}"
    if kind == "short_answer":
        parts = [
            f"={_with_weight(a.get('weight'), 100)}{_escape(a['text'])}"
            + (f"#{_escape(a['feedback'])}" if a.get("feedback") else "")
            for a in q["answers"]
        ]
        return f"{prompt} {{{' '.join(parts)}{general}}}"
    if kind == "matching":
        parts = [f"={_escape(p['prompt'])} -> {_escape(p['answer'])}" for p in q["pairs"]]
        parts += [f"= -> {_escape(d)}" for d in q.get("distractors", [])]
        return f"{prompt} {{{' '.join(parts)}{general}}}"
    if kind == "numeric":
        parts = []
        for a in q["answers"]:
            if "value" in a:
                value = _number_text(float(a["value"])) + (
                    f":{_number_text(float(a['tolerance']))}" if a.get("tolerance") else ""
                )
            else:
                value = f"{_number_text(float(a['min']))}..{_number_text(float(a['max']))}"
            feedback = f"#{_escape(a['feedback'])}" if a.get("feedback") else ""
            parts.append(f"={_with_weight(a.get('weight'), 100)}{value}{feedback}")
        if q.get("feedback_other"):
            parts.append(f"~#{_escape(q['feedback_other'])}")
        return f"{prompt} {{#{' '.join(parts)}{general}}}"
    return None  # ordering: GIFT has no way to say it
