"""Assessment rules: syncing banks and quizzes, attempts that never lose an answer, grading.

Every state change flushes; the caller commits once.
"""

import random
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.datastructures import MultiDict

from app.content import content_hash
from app.db import utcnow
from app.errors import DomainError
from app.extensions import db
from app.i18n import _, _l
from app.signals import assessment_passed
from assessments.loader import BankDoc, DefinitionDoc
from assessments.models import (
    AnswerChoice,
    Assessment,
    Attempt,
    AttemptQuestion,
    Question,
    QuestionBank,
)
from assessments.question_types import question_type

CHOICE_TYPES = {"single_choice", "multiple_response", "true_false"}


class NoAttemptsLeft(DomainError):
    """The learner used every attempt the quiz allows."""

    message = _l("You have used all the attempts this assessment allows.")


class AttemptClosed(DomainError):
    """The attempt was already submitted (by the learner or by its deadline)."""

    message = _l("This attempt is already finished; your answers were kept.")


class InvalidAnswer(DomainError):
    """The submitted answer cannot be read (nothing was overwritten)."""

    message = _l("Your answer could not be read, so it was not saved. Please check it.")


INVALID_ANSWER_MESSAGES = {
    "ordering": _l("Give each step a different position (1, 2, 3…); the answer was not saved."),
    "numeric": _l("Write a number, for example 36 or 3,5; the answer was not saved."),
}


class AssessmentRetired(DomainError):
    """The quiz is no longer offered."""

    message = _l("This assessment is no longer offered.")


@dataclass
class SyncSummary:
    """What a sync changed."""

    banks: int = 0
    new_questions: int = 0
    new_question_versions: int = 0
    retired_questions: int = 0
    assessments: list[str] = field(default_factory=list)
    new_assessment_versions: list[str] = field(default_factory=list)
    diverged: list[str] = field(default_factory=list)  # edited on the web, left alone

    def __str__(self) -> str:
        return _(
            "banks: %(banks)d, new questions: %(new)d, new question versions: %(versions)d, "
            "retired questions: %(retired)d, quizzes: %(quizzes)d, new quiz versions: %(qv)d",
            banks=self.banks,
            new=self.new_questions,
            versions=self.new_question_versions,
            retired=self.retired_questions,
            quizzes=len(self.assessments),
            qv=len(self.new_assessment_versions),
        ) + (
            "\n"
            + _(
                "banks or quizzes left alone because they were edited on the web: %(slugs)s "
                "(`flask content sync --force SLUG` loads their files)",
                slugs=", ".join(sorted(self.diverged)),
            )
            if self.diverged
            else ""
        )


def bank_hash(doc: BankDoc) -> str:
    """The content hash of a whole bank: titles and every question."""
    questions = [[q.id, q.content_hash, list(q.tags), q.difficulty] for q in doc.questions]
    return content_hash({"title": [doc.title_es, doc.title_en], "questions": questions})


def sync_assessments(
    banks: list[BankDoc], definitions: list[DefinitionDoc], force: frozenset[str] = frozenset()
) -> SyncSummary:
    """Upsert banks, questions (new version when a question changes) and quizzes by slug.

    Nothing is deleted: questions and quizzes missing from the files are marked retired. A
    bank published on the web is left alone (``summary.diverged``) until its files change and
    its slug is in ``force``; files unchanged since the last sync are not reloaded.
    """
    summary = SyncSummary()
    existing_banks = {b.slug: b for b in db.session.scalars(select(QuestionBank))}
    for doc in banks:
        bank = existing_banks.get(doc.slug)
        digest = bank_hash(doc)
        edited_on_web = bank is not None and bank.diverged_at is not None
        if edited_on_web and doc.slug not in force:
            if digest != bank.files_hash:
                summary.diverged.append(doc.slug)
            continue
        bank = bank or QuestionBank(slug=doc.slug)
        bank.files_hash, bank.diverged_at, bank.web_content = digest, None, None
        db.session.add(bank)
        sync_bank(bank, doc, summary)

    existing = {a.slug: a for a in db.session.scalars(select(Assessment))}
    for doc in definitions:
        data = doc.as_dict()
        digest = content_hash(data)
        row = existing.pop(doc.slug, None)
        if row is not None and row.diverged_at is not None and doc.slug not in force:
            if row.content_hash != digest:
                summary.diverged.append(doc.slug)  # edited on the web: left alone
            continue
        if row is None:
            row = Assessment(slug=doc.slug, version=1, content_hash=digest)
            db.session.add(row)
        elif row.content_hash != digest:
            row.version += 1
            summary.new_assessment_versions.append(doc.slug)
        row.content_hash, row.definition, row.retired_at = digest, data, None
        row.title_es, row.title_en = doc.title_es, doc.title_en
        row.source, row.diverged_at, row.web_definition = "files", None, None
        row.synced_at = utcnow()
        summary.assessments.append(doc.slug)
    for row in existing.values():
        if row.retired_at is None and row.source == "files" and row.diverged_at is None:
            row.retired_at = utcnow()
    db.session.flush()
    return summary


def sync_bank(bank: QuestionBank, doc: BankDoc, summary: SyncSummary) -> None:
    """Make ``bank`` hold ``doc``.

    A changed question becomes a new version and a missing one is retired (attempts keep
    the versions they showed).
    """
    bank.title_es, bank.title_en, bank.retired_at = doc.title_es, doc.title_en, None
    bank.synced_at = utcnow()
    db.session.add(bank)
    db.session.flush()
    summary.banks += 1
    current = {
        q.key: q
        for q in db.session.scalars(
            select(Question).where(Question.bank_id == bank.id, Question.is_current)
        )
    }
    for question in doc.questions:
        row = current.pop(question.id, None)
        if row is not None and row.content_hash == question.content_hash:
            if row.tags != list(question.tags) or row.difficulty != question.difficulty:
                row.tags, row.difficulty = list(question.tags), question.difficulty
            continue
        version = 1
        if row is not None:
            row.is_current = False
            version = row.version + 1
            summary.new_question_versions += 1
        else:
            latest = db.session.scalar(
                select(func.max(Question.version)).where(
                    Question.bank_id == bank.id, Question.key == question.id
                )
            )
            version = (latest or 0) + 1
            summary.new_questions += 1
        db.session.flush()
        db.session.add(
            Question(
                bank_id=bank.id,
                key=question.id,
                version=version,
                content_hash=question.content_hash,
                type=question.type,
                tags=list(question.tags),
                difficulty=question.difficulty,
                points=question.points,
                legal_refs=list(question.legal_refs),
                spec_es=question.spec_es,
                spec_en=question.spec_en,
            )
        )
    for row in current.values():
        row.is_current = False
        row.retired_at = utcnow()
        summary.retired_questions += 1
    db.session.flush()


# -- attempts -------------------------------------------------------------------------------


def open_attempt(assessment: Assessment, user) -> Attempt | None:
    """The learner's unfinished attempt, if any."""
    return db.session.scalar(
        select(Attempt).where(
            Attempt.assessment_id == assessment.id,
            Attempt.user_id == user.id,
            Attempt.submitted_at.is_(None),
        )
    )


def attempts_used(assessment: Assessment, user) -> int:
    """How many attempts the learner has started."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Attempt)
            .where(Attempt.assessment_id == assessment.id, Attempt.user_id == user.id)
        )
        or 0
    )


def _draw(definition: dict, rng: random.Random) -> list[Question]:
    chosen: list[Question] = []
    for rule in definition["draw"]:
        bank = db.session.scalar(select(QuestionBank).where(QuestionBank.slug == rule["bank"]))
        pool = list(
            db.session.scalars(
                select(Question)
                .where(Question.bank_id == bank.id, Question.is_current)
                .order_by(Question.key)
            )
        )
        if rule["questions"]:
            by_key = {q.key: q for q in pool}
            chosen.extend(by_key[k] for k in rule["questions"] if k in by_key)
            continue
        taken = {q.id for q in chosen}
        candidates = [
            q
            for q in pool
            if q.type != "description"
            and q.id not in taken
            and (not rule["tags"] or set(rule["tags"]) & set(q.tags))
        ]
        chosen.extend(rng.sample(candidates, min(rule["count"], len(candidates))))
    if definition["shuffle_questions"]:
        rng.shuffle(chosen)
    return chosen


def start_attempt(
    assessment: Assessment, user, locale: str, rng: random.Random | None = None
) -> Attempt:
    """Start (or return the unfinished) attempt, snapshotting questions as they are shown.

    :raises NoAttemptsLeft, AssessmentRetired:
    """
    existing = open_attempt(assessment, user)
    if existing is not None:
        return existing
    if assessment.retired_at is not None:
        raise AssessmentRetired()
    definition = assessment.definition
    used = attempts_used(assessment, user)
    if definition["max_attempts"] and used >= definition["max_attempts"]:
        raise NoAttemptsLeft()
    rng = rng or random.SystemRandom()
    now = utcnow()
    limit = definition.get("time_limit_minutes")
    attempt = Attempt(
        assessment_id=assessment.id,
        user_id=user.id,
        number=used + 1,
        assessment_version=assessment.version,
        locale="en" if str(locale).startswith("en") else "es",
        settings={
            k: definition[k]
            for k in ("pass_mark", "grading", "feedback", "review", "time_limit_minutes")
        },
        started_at=now,
        deadline_at=now + timedelta(minutes=limit) if limit else None,
    )
    for position, question in enumerate(_draw(definition, rng), start=1):
        spec = question.spec(attempt.locale)
        kind = question_type(question.type)
        order = kind.shuffle_keys(spec)
        # Ordering items are always shuffled: their authored order is the answer.
        if definition["shuffle_options"] or question.type == "ordering":
            rng.shuffle(order)
        attempt.questions.append(
            AttemptQuestion(
                position=position,
                question_id=question.id,
                question_key=question.key,
                snapshot={
                    "type": question.type,
                    "spec": spec,
                    "order": order,
                    "tokens": _tokens(question.type, spec, order),
                    "legal_refs": list(question.legal_refs),
                    "version": question.version,
                },
                max_score=question.points if kind.graded else 0.0,
            )
        )
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except IntegrityError:
        # A second tab started one at the same moment: use that one.
        return open_attempt(assessment, user)
    return attempt


def _tokens(kind: str, spec: dict, order: list[str]) -> dict[str, dict[str, str]]:
    """Random names for options and items, so the page never shows the authored ids.

    Authored ids can betray the key (options "a, b, c" in the right order; matching answers
    numbered like their items). ``keys`` names choices, ``items`` names the per-item fields.
    """
    rng = random.SystemRandom()

    def names(values) -> dict[str, str]:
        return {f"t{rng.getrandbits(40):010x}": str(v) for v in values}

    if kind in ("single_choice", "multiple_response"):
        return {"keys": names(order), "items": {}}
    if kind == "matching":
        return {"keys": names(order), "items": names(str(p["id"]) for p in spec["pairs"])}
    if kind == "ordering":
        return {"keys": {}, "items": names(order)}
    return {"keys": {}, "items": {}}


def translate_form(snapshot: dict, form) -> MultiDict:
    """The posted answer with page tokens turned back into authored ids."""
    tokens = snapshot.get("tokens") or {"keys": {}, "items": {}}
    keys, items = tokens["keys"], tokens["items"]
    out = MultiDict()
    pairs = form.items(multi=True) if hasattr(form, "getlist") else form.items()
    for name, value in pairs:
        if name == "a":
            out.add("a", keys.get(value, value) if keys else value)
        elif name.startswith("a-"):
            item = items.get(name[2:], name[2:]) if items else name[2:]
            out.add(f"a-{item}", keys.get(value, value) if keys else value)
    return out


def is_past_deadline(attempt: Attempt) -> bool:
    """True when the time limit has run out."""
    return attempt.deadline_at is not None and utcnow() >= attempt.deadline_at


def close_if_expired(attempt: Attempt, user) -> bool:
    """Submit an attempt whose time ran out, with the answers saved so far."""
    if attempt.is_open and is_past_deadline(attempt):
        return submit_attempt(attempt, user, automatic=True)
    return False


def save_answer(attempt: Attempt, aq: AttemptQuestion, form) -> None:
    """Store the answer read from ``form`` (unless the question was already checked).

    :raises AttemptClosed: when the attempt is finished or its time ran out.
    """
    if not attempt.is_open or is_past_deadline(attempt):
        raise AttemptClosed()
    snapshot = aq.snapshot
    posted = translate_form(snapshot, form)
    if aq.is_locked or not posted:
        return  # a checked answer is final; a bare move (no answer fields) changes nothing
    answer = question_type(snapshot["type"]).read_answer(
        posted, snapshot["spec"], snapshot["order"]
    )
    if answer in ([], {}, ""):
        answer = None
    if answer is None and any(v.strip() for v in posted.values()):
        raise InvalidAnswer(INVALID_ANSWER_MESSAGES.get(snapshot["type"]))
    now = utcnow()
    # Decided by the database: nothing changes once the question is checked or the attempt
    # is submitted, even by a request that started before.
    still_open = (
        select(Attempt.id)
        .where(Attempt.id == aq.attempt_id, Attempt.submitted_at.is_(None))
        .exists()
    )
    changed = db.session.execute(
        update(AttemptQuestion)
        .where(AttemptQuestion.id == aq.id, AttemptQuestion.is_locked.is_(False), still_open)
        .values(answer=answer, answered_at=now),
        execution_options={"synchronize_session": False},
    ).rowcount
    if not changed:
        raise AttemptClosed()
    set_committed_value(aq, "answer", answer)
    set_committed_value(aq, "answered_at", now)


def check_answer(attempt: Attempt, aq: AttemptQuestion, form) -> None:
    """Immediate feedback: save, score and lock the question so it cannot be changed."""
    save_answer(attempt, aq, form)
    if not aq.is_locked:
        _grade_question(aq)
        aq.is_locked = True


def _grade_question(aq: AttemptQuestion) -> None:
    snapshot = aq.snapshot
    result = question_type(snapshot["type"]).score(snapshot["spec"], aq.answer)
    aq.score, aq.max_score = result.points, result.max_points
    if snapshot["type"] in CHOICE_TYPES and aq.answer is not None:
        chosen = aq.answer if isinstance(aq.answer, list) else [aq.answer]
        db.session.add_all(
            AnswerChoice(
                attempt_question_id=aq.id,
                option_key=str(c).lower() if snapshot["type"] == "true_false" else str(c),
            )
            for c in chosen
        )


def submit_attempt(attempt: Attempt, user, *, automatic: bool = False) -> bool:
    """Grade and close the attempt exactly once, even from two tabs at the same moment.

    The database decides (``UPDATE … WHERE submitted_at IS NULL``); the losing request changes
    nothing. Sends ``assessment_passed`` on the first passing attempt. Returns True when this
    call submitted it.
    """
    now = utcnow()
    closed_at = min(now, attempt.deadline_at) if automatic and attempt.deadline_at else now
    won = db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.submitted_at.is_(None))
        .values(submitted_at=closed_at, auto_submitted=automatic),
        execution_options={"synchronize_session": False},
    ).rowcount
    if not won:
        db.session.refresh(attempt)
        return False
    set_committed_value(attempt, "submitted_at", closed_at)
    set_committed_value(attempt, "auto_submitted", automatic)
    for aq in attempt.questions:
        if not aq.is_locked:
            _grade_question(aq)
    attempt.score = round(sum(aq.score or 0.0 for aq in attempt.questions), 4)
    attempt.max_score = round(sum(aq.max_score for aq in attempt.questions), 4)
    attempt.percent = (
        round(100 * attempt.score / attempt.max_score, 2) if attempt.max_score else 0.0
    )
    attempt.passed = attempt.percent >= attempt.settings["pass_mark"]
    db.session.flush()
    if attempt.passed and not _passed_before(attempt):
        assessment_passed.send(
            current_app._get_current_object(),
            user=user,
            item_id=attempt.assessment.slug,
            version=attempt.assessment_version,
            attempt=attempt,
        )
    return True


def _passed_before(attempt: Attempt) -> bool:
    return bool(
        db.session.scalar(
            select(func.count())
            .select_from(Attempt)
            .where(
                Attempt.assessment_id == attempt.assessment_id,
                Attempt.user_id == attempt.user_id,
                Attempt.passed.is_(True),
                Attempt.id != attempt.id,
            )
        )
    )


def final_grade(attempts: list[Attempt], method: str) -> float | None:
    """The learner's grade (percent) over finished attempts by the quiz's grading method."""
    done = [a for a in attempts if a.percent is not None]
    if not done:
        return None
    if method == "last":
        return done[-1].percent
    if method == "first":
        return done[0].percent
    if method == "average":
        return round(sum(a.percent for a in done) / len(done), 2)
    return max(a.percent for a in done)
