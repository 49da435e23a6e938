"""Question banks on the web: a draft per bank, questions edited one at a time, GIFT import.

The draft holds the bank as its two files hold it (``{"es": …, "en": …}``); every check runs
the same loader as the shipped files on that content written to a temporary folder, with the
quizzes that draw from the bank checked against it too, so a bank published on the web obeys
exactly the rules of one committed to git.
"""

import copy
import shutil
import tempfile
from pathlib import Path

import yaml
from sqlalchemy import select

from app import drafts
from app.audit import record_event
from app.content import ContentError, ContentErrors, parse_yaml
from app.db import utcnow
from app.drafts import DraftClosed
from app.errors import DomainError
from app.extensions import db
from app.i18n import _l
from app.legal import registry
from app.security import Role
from assessments import gift
from assessments.authoring.models import BankDraft
from assessments.content_source import folders
from assessments.loader import (
    OVERLAY_GROUPS,
    OVERLAY_TEXT_KEYS,
    SLUG,
    BankDoc,
    DefinitionDoc,
    References,
    load_all,
)
from assessments.models import Assessment, Question, QuestionBank
from assessments.services import SyncSummary, sync_bank
from courses.queries import listed_in_reviewed_course

# What a new question of each type starts as (Spanish; the trainer replaces the texts).
SKELETONS = {
    "single_choice": {
        "prompt": "¿…?",
        "options": [
            {"id": "a", "text": "…", "correct": True, "feedback": "Por qué es correcta…"},
            {"id": "b", "text": "…", "feedback": "Por qué no…"},
        ],
        "explanation": "Explicación que cita la norma (instrumento y artículo).",
    },
    "multiple_response": {
        "prompt": "¿…? (varias respuestas)",
        "options": [
            {"id": "a", "text": "…", "weight": 50, "feedback": "…"},
            {"id": "b", "text": "…", "weight": 50, "feedback": "…"},
            {"id": "c", "text": "…", "weight": -50, "feedback": "…"},
        ],
        "explanation": "…",
    },
    "true_false": {
        "prompt": "Afirmación…",
        "answer": True,
        "feedback_true": "…",
        "feedback_false": "…",
    },
    "matching": {
        "prompt": "Relacione…",
        "pairs": [
            {"id": "1", "prompt": "…", "answer": "…"},
            {"id": "2", "prompt": "…", "answer": "…"},
        ],
    },
    "ordering": {
        "prompt": "Ordene…",
        "items": [{"id": "a", "text": "Primero…"}, {"id": "b", "text": "Después…"}],
    },
    "short_answer": {"prompt": "¿…?", "answers": [{"text": "…", "feedback": "…"}]},
    "numeric": {
        "prompt": "¿Cuántas horas…?",
        "answers": [{"value": 36, "tolerance": 0, "feedback": "…"}],
        "feedback_other": "…",
    },
    "description": {"prompt": "Texto de contexto…"},
}


class BankProblems(DomainError):
    """The bank, or a question, would not be valid; ``problems`` says where and why."""

    def __init__(self, message, problems: list[str]):
        self.problems = problems
        super().__init__(message)


def can_author(user) -> bool:
    """Trainers and admins write questions."""
    return user.has_any_role(Role.TRAINER, Role.ADMIN)


def require_author(user) -> None:
    """Refuse users who are neither trainers nor admins."""
    if not can_author(user):
        raise DomainError(_l("Only trainers and administrators edit questions and quizzes."))


def references() -> References:
    """What questions may cite."""
    return References(legal_ids=frozenset(registry().provisions))


def dump_yaml(value) -> str:
    """Readable YAML, as the shipped files are written."""
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=4096)


def raw_bank(bank: QuestionBank) -> dict:
    """The bank in its on-disk shape: as last published on the web, else as its files are."""
    if bank.web_content:
        return copy.deepcopy(bank.web_content)
    folder = folders()[0]
    path = folder / f"{bank.slug}.yaml"
    if not path.is_file():
        raise DomainError(_l("The files of this bank are not on this server."))
    english = path.with_name(f"{bank.slug}.en.yaml")
    return {
        "es": yaml.safe_load(path.read_text(encoding="utf-8")),
        "en": yaml.safe_load(english.read_text(encoding="utf-8")) if english.is_file() else None,
    }


def open_draft(bank: QuestionBank) -> BankDraft | None:
    """The bank's open draft, if any."""
    return drafts.open_of(BankDraft, bank_id=bank.id)


def start_draft(bank: QuestionBank, user) -> BankDraft:
    """Open the bank's draft (the same one when it is already open)."""
    require_author(user)
    content = drafts.published_or_last(BankDraft, lambda: raw_bank(bank), bank_id=bank.id)
    return drafts.start(BankDraft, user, content, bank_id=bank.id)


def create_bank(user, *, slug: str, title_es: str, title_en: str | None) -> QuestionBank:
    """A bank made on the web, with an empty draft; not used by any quiz until published."""
    require_author(user)
    if not SLUG.match(slug):
        raise DomainError(_l("The short name must be lower-case words joined by hyphens."))
    taken = db.session.scalar(select(QuestionBank.id).where(QuestionBank.slug == slug))
    if taken is not None or (folders()[0] / f"{slug}.yaml").exists():
        raise DomainError(_l("A bank with this short name already exists."))
    bank = QuestionBank(slug=slug, title_es=title_es, title_en=title_en, retired_at=utcnow())
    db.session.add(bank)
    db.session.flush()
    title = {"es": title_es, **({"en": title_en} if title_en else {})}
    content = {"es": {"slug": slug, "title": title, "questions": []}, "en": None}
    drafts.new(BankDraft, user, content=content, editors=(user.id,), bank_id=bank.id)
    record_event("bank.created", actor=user, target=bank)
    return bank


def questions_of(content: dict) -> list[dict]:
    """The draft's questions (Spanish) in order."""
    return list(content["es"].get("questions") or [])


def overlay_of(content: dict) -> dict:
    """The English texts, by question id."""
    return dict(((content.get("en") or {}).get("questions")) or {})


def question_entry(content: dict, qid: str) -> tuple[dict, dict | None]:
    """The question's bank entry (Spanish) and its English overlay, if any."""
    row = next((q for q in questions_of(content) if q.get("id") == qid), None)
    if row is None:
        raise DomainError(_l("This question is no longer in the draft."))
    return copy.deepcopy(row), copy.deepcopy(overlay_of(content).get(qid))


def question_texts(content: dict, qid: str) -> tuple[str, str]:
    """The question's Spanish YAML and its English overlay YAML, as the editor shows them."""
    row, english = question_entry(content, qid)
    return dump_yaml(row), dump_yaml(english) if english else ""


def skeleton(kind: str, qid: str) -> str:
    """The YAML a new question of ``kind`` starts from."""
    return dump_yaml(
        {"id": qid, "type": kind, "tags": [], "difficulty": "medium", **SKELETONS[kind]}
    )


def read_snippet(text: str, label: str) -> dict | None:
    """A YAML mapping from the editor; an empty English box means "no translation"."""
    if not text.strip():
        return None
    try:
        doc = parse_yaml(text, Path(label))
    except ContentError as exc:
        raise BankProblems(_l("The question could not be read."), [str(exc)]) from exc
    if not isinstance(doc.data, dict):
        raise BankProblems(
            _l("The question could not be read."),
            [str(_l("%(box)s: must be a mapping of keys (key: value)", box=label))],
        )
    return doc.data


def _with_question(content: dict, original: str | None, row: dict, english: dict | None) -> dict:
    trial = copy.deepcopy(content)
    questions = questions_of(trial)
    index = next((i for i, q in enumerate(questions) if q.get("id") == original), None)
    if index is None:
        questions.append(row)
    else:
        questions[index] = row
    trial["es"]["questions"] = questions
    overlay = overlay_of(trial)
    overlay.pop(original or "", None)
    if english:
        overlay[row["id"]] = english
    if overlay or trial.get("en"):
        trial["en"] = {**(trial.get("en") or {}), "questions": overlay}
    return trial


def check_tree(
    *,
    bank: tuple[str, dict] | None = None,
    quiz: tuple[str, dict] | None = None,
    banks_over: dict[str, dict] | None = None,
    quizzes_over: dict[str, dict] | None = None,
) -> tuple[list[BankDoc], list[DefinitionDoc]]:
    """Validate every bank and quiz: the files, what the web published, and drafts.

    ``bank`` or ``quiz`` (slug, content) replaces that bank or quiz by a draft's content;
    ``banks_over`` and ``quizzes_over`` replace several (a content pack being imported).
    :raises BankProblems: every problem, named by file, line and key.
    """
    with tempfile.TemporaryDirectory(prefix="aula-assessments-") as tmp:
        banks, definitions = Path(tmp) / "banks", Path(tmp) / "definitions"
        source_banks, source_definitions = folders()
        for source, target in ((source_banks, banks), (source_definitions, definitions)):
            if source.is_dir():
                shutil.copytree(source, target)
            else:
                target.mkdir()
        for other in db.session.scalars(
            select(QuestionBank).where(QuestionBank.web_content.is_not(None))
        ):
            _write(banks, other.slug, other.web_content)
        for other in db.session.scalars(
            select(Assessment).where(Assessment.web_definition.is_not(None))
        ):
            _write_definition(definitions, other.slug, other.web_definition)
        for slug, content in {**(banks_over or {}), **dict([bank] if bank else [])}.items():
            _write(banks, slug, content)
        for slug, content in {**(quizzes_over or {}), **dict([quiz] if quiz else [])}.items():
            _write_definition(definitions, slug, content)
        try:
            return load_all(banks, definitions, references())
        except ContentErrors as exc:
            raise BankProblems(
                _l("The bank has problems to fix."),
                [str(e).replace(str(tmp) + "/", "") for e in exc.errors],
            ) from exc


def check(content: dict, slug: str) -> BankDoc:
    """Validate the bank ``slug`` holding ``content``, and every quiz against it."""
    loaded, _definitions = check_tree(bank=(slug, content))
    return next(doc for doc in loaded if doc.slug == slug)


def _write_definition(folder: Path, slug: str, content: dict) -> None:
    (folder / f"{slug}.yaml").write_text(dump_yaml(content), encoding="utf-8")


def _write(folder: Path, slug: str, content: dict) -> None:
    (folder / f"{slug}.yaml").write_text(dump_yaml(content["es"]), encoding="utf-8")
    english = folder / f"{slug}.en.yaml"
    if content.get("en"):
        english.write_text(dump_yaml(content["en"]), encoding="utf-8")
    else:
        english.unlink(missing_ok=True)


def _question_problems(content: dict, slug: str, qid: str) -> list[str]:
    """Problems of the bank that concern question ``qid`` (others are not this form's)."""
    try:
        check(content, slug)
    except BankProblems as exc:
        index = next(i for i, q in enumerate(questions_of(content)) if q.get("id") == qid)
        marks = (f"questions[{index}]", f"questions.{qid}", f"'{qid}'")
        mine = [p for p in exc.problems if any(m in p for m in marks)]
        return mine or exc.problems
    return []


def save_question(
    draft: BankDraft, user, original: str | None, seen: int, spanish: str, english: str
) -> str:
    """Add or change one question from the editor's two boxes; returns its id.

    Nothing is saved unless the whole bank, with this question, is valid.
    :raises BankProblems: EditConflict: DraftClosed: DomainError:
    """
    require_author(user)
    row = read_snippet(spanish, str(_l("Spanish")))
    if row is None:
        raise BankProblems(_l("The question could not be read."), [str(_l("Spanish is required."))])
    translation = read_snippet(english, str(_l("English")))
    return save_question_entry(draft, user, original, seen, row, translation)


def save_question_entry(
    draft: BankDraft, user, original: str | None, seen: int, row: dict, translation: dict | None
) -> str:
    """Add or change one question given as a bank entry and its English overlay; returns its id.

    Nothing is saved unless the whole bank, with this question, is valid.
    :raises BankProblems: EditConflict: DraftClosed: DomainError:
    """
    require_author(user)
    qid = row.get("id")
    if not isinstance(qid, str) or not SLUG.match(qid):
        raise BankProblems(
            _l("The question could not be read."),
            [str(_l("id: must be lower-case words joined by hyphens"))],
        )
    existing = {q.get("id") for q in questions_of(draft.content)}
    if original is not None and qid != original:
        raise BankProblems(
            _l("The question could not be saved."),
            [str(_l("id: a question keeps its id for ever (attempts and statistics use it)"))],
        )
    if original is None and qid in existing:
        raise BankProblems(
            _l("The question could not be saved."),
            [str(_l("id: another question already has this id"))],
        )
    if original is None:
        # A new id: nobody else can be editing it (a clash is "already has this id" above).
        seen = drafts.part_revision(draft, f"question:{qid}")
    trial = _with_question(draft.content, original, row, translation)
    problems = _question_problems(trial, draft.bank.slug, qid)
    if problems:
        raise BankProblems(_l("The question has problems to fix."), problems)

    def change(content, basis):
        fresh = _with_question(content, original, row, translation)
        content.clear()
        content.update(fresh)

    drafts.save_part(draft, user, f"question:{qid}", seen, change)
    return qid


def remove_question(draft: BankDraft, user, qid: str, seen: int) -> None:
    """Take a question out of the draft (published, it is retired; attempts keep it)."""
    require_author(user)

    def change(content, basis):
        content["es"]["questions"] = [q for q in questions_of(content) if q.get("id") != qid]
        overlay = overlay_of(content)
        if overlay.pop(qid, None) is not None:
            content["en"]["questions"] = overlay

    drafts.save_part(draft, user, f"question:{qid}", seen, change)


def read_gift(text: str, draft: BankDraft) -> list[gift.GiftQuestion]:
    """Questions from a GIFT text, checked as they would sit in the bank; all or nothing.

    :raises BankProblems: with every problem and its line (nothing is added).
    """
    questions, problems = gift.parse(text, draft.bank.slug, frozenset(registry().provisions))
    messages = [str(p) for p in problems]
    other_banks = sorted({q.bank for q in questions if q.bank and q.bank != draft.bank.slug})
    if other_banks:
        messages.append(
            str(
                _l(
                    "the file names other banks ($CATEGORY: %(banks)s): upload it to each bank "
                    "separately",
                    banks=", ".join(other_banks),
                )
            )
        )
    existing = {q.get("id") for q in questions_of(draft.content)}
    for question in questions:
        if question.data["id"] in existing:
            messages.append(
                str(
                    _l(
                        "line %(line)d (%(name)s): the bank already has a question '%(id)s'",
                        line=question.line,
                        name=question.name,
                        id=question.data["id"],
                    )
                )
            )
    if not questions and not messages:
        messages.append(str(_l("The file holds no question.")))
    if not messages:
        trial = copy.deepcopy(draft.content)
        trial["es"]["questions"] = questions_of(trial) + [q.data for q in questions]
        try:
            check(trial, draft.bank.slug)
        except BankProblems as exc:
            messages.extend(exc.problems)
    if messages:
        raise BankProblems(_l("Nothing was imported: fix the file and upload it again."), messages)
    return questions


def add_gift(draft: BankDraft, user, text: str, seen: int) -> int:
    """Add a GIFT file's questions to the draft (after the preview); returns how many."""
    require_author(user)
    questions = read_gift(text, draft)

    def change(content, basis):
        content["es"]["questions"] = questions_of(content) + [q.data for q in questions]

    also = tuple(f"question:{q.data['id']}" for q in questions)
    drafts.save_part(draft, user, "bank", seen, change, also=also)
    record_event("bank.gift_imported", actor=user, target=draft.bank, count=len(questions))
    return len(questions)


def quizzes_using(bank: QuestionBank) -> list[Assessment]:
    """The offered quizzes that draw from the bank."""
    return [
        quiz
        for quiz in db.session.scalars(select(Assessment).where(Assessment.retired_at.is_(None)))
        if any(rule.get("bank") == bank.slug for rule in quiz.definition.get("draw", []))
    ]


def requires_review(bank: QuestionBank) -> bool:
    """True when a course that requires review uses a quiz drawing from the bank."""
    return listed_in_reviewed_course("assessment", [quiz.slug for quiz in quizzes_using(bank)])


def blockers(draft: BankDraft) -> list[str]:
    """Why the draft cannot be published now; empty when it can."""
    out: list[str] = []
    try:
        check(draft.content, draft.bank.slug)
    except BankProblems as exc:
        out.extend(exc.problems)
    if requires_review(draft.bank) and not draft.is_approved:
        out.append(
            str(
                _l(
                    "A course that requires review uses this bank: another trainer must "
                    "approve the draft."
                )
            )
        )
    if draft.bank.web_content or draft.bank.diverged_at is None:
        try:
            unchanged = draft.content == raw_bank(draft.bank)
        except DomainError:
            unchanged = False  # a bank that came in a content pack: nothing published yet
        if unchanged:
            out.append(str(_l("Nothing changed since the published bank.")))
    return out


def publish(draft: BankDraft, user, seen: int, note: str) -> SyncSummary:
    """Publish the draft: changed questions get new versions, removed ones are retired.

    Attempts keep the versions they showed. The bank is marked as edited on the web, so
    `flask content sync` leaves it alone unless forced.
    :raises DraftClosed: EditConflict: BankProblems:
    """
    require_author(user)
    if not draft.is_open:
        raise DraftClosed()
    if draft.revision != seen:
        raise drafts.EditConflict(
            None, draft.revision, _l("The draft changed since you opened this page: check it.")
        )
    problems = blockers(draft)
    if problems:
        raise BankProblems(_l("The draft cannot be published yet."), problems)
    doc = check(draft.content, draft.bank.slug)
    drafts.close_for_publishing(draft, seen)
    bank = draft.bank
    summary = SyncSummary()
    sync_bank(bank, doc, summary)
    bank.web_content = copy.deepcopy(draft.content)
    bank.diverged_at = draft.closed_at
    record_event(
        "bank.published",
        actor=user,
        target=bank,
        note=note,
        new=summary.new_questions,
        changed=summary.new_question_versions,
        retired=summary.retired_questions,
    )
    return summary


def discard(draft: BankDraft, user) -> None:
    """Close the draft without publishing (authors only)."""
    require_author(user)
    drafts.discard(draft, user)


def request_review(draft: BankDraft, user) -> None:
    """Put the draft in the review queue (authors only)."""
    require_author(user)
    drafts.request_review(draft, user)


# --- question history ----------------------------------------------------------------------


def overlay_from(spec_es: dict, spec_en: dict | None) -> dict:
    """The English overlay (texts only, by id) that turns ``spec_es`` into ``spec_en``."""
    if not spec_en:
        return {}
    out: dict = {}
    for name in sorted(OVERLAY_TEXT_KEYS):
        if name in spec_en and spec_en.get(name) != spec_es.get(name):
            out[name] = spec_en[name]
    for group, fields in OVERLAY_GROUPS:
        base = {str(item.get("id")): item for item in spec_es.get(group) or []}
        entries = {}
        for item in spec_en.get(group) or []:
            original = base.get(str(item.get("id")), {})
            changed = {f: item[f] for f in fields if f in item and item[f] != original.get(f)}
            if changed:
                entries[str(item.get("id"))] = changed
        if entries:
            out[group] = entries
    if "answers" in spec_en and spec_en.get("answers") != spec_es.get("answers"):
        out["answers"] = spec_en["answers"]
    return out


def raw_question(row: Question) -> tuple[dict, dict]:
    """A stored question version back in the bank files' shape: (Spanish entry, English texts)."""
    spec = {k: v for k, v in row.spec_es.items() if k != "points"}
    entry = {
        "id": row.key,
        "type": row.type,
        "tags": list(row.tags),
        "difficulty": row.difficulty,
        "points": row.points,
        **spec,
        "legal_refs": list(row.legal_refs),
    }
    return entry, overlay_from(row.spec_es, row.spec_en)


def versions_of(bank: QuestionBank, qid: str) -> list[Question]:
    """Every stored version of a question, newest first."""
    return list(
        db.session.scalars(
            select(Question)
            .where(Question.bank_id == bank.id, Question.key == qid)
            .order_by(Question.version.desc())
        )
    )


def restore(draft: BankDraft, user, row: Question, seen: int) -> None:
    """Put an old version of a question back into the draft (checked like any save).

    ``seen`` is the question's part revision when the history page was opened.
    """
    entry, english = raw_question(row)
    exists = any(q.get("id") == row.key for q in questions_of(draft.content))
    save_question(
        draft,
        user,
        row.key if exists else None,
        seen,
        dump_yaml(entry),
        dump_yaml(english) if english else "",
    )
