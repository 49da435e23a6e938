"""Quizzes on the web: settings and draw rules in a draft, checked against every bank.

The draft holds the quiz as ``definitions/<slug>.yaml`` holds it; saving and publishing run
the same loader as the shipped files (see :func:`assessments.authoring.services.check_tree`).
"""

import copy

import yaml
from sqlalchemy import select

from app import drafts
from app.audit import record_event
from app.content import content_hash
from app.db import utcnow
from app.drafts import DraftClosed
from app.errors import DomainError
from app.extensions import db
from app.i18n import _l
from assessments.authoring.models import QuizDraft
from assessments.authoring.services import BankProblems, check_tree, require_author
from assessments.content_source import folders
from assessments.loader import SLUG, DefinitionDoc
from assessments.models import Assessment
from courses.queries import listed_in_reviewed_course


def raw_definition(quiz: Assessment) -> dict:
    """The quiz in its on-disk shape: as last published on the web, else as its file is."""
    if quiz.web_definition:
        return copy.deepcopy(quiz.web_definition)
    path = folders()[1] / f"{quiz.slug}.yaml"
    if not path.is_file():
        raise DomainError(_l("The file of this quiz is not on this server."))
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def open_draft(quiz: Assessment) -> QuizDraft | None:
    """The quiz's open draft, if any."""
    return drafts.open_of(QuizDraft, assessment_id=quiz.id)


def start_draft(quiz: Assessment, user) -> QuizDraft:
    """Open the quiz's draft (the same one when it is already open)."""
    require_author(user)
    content = drafts.published_or_last(
        QuizDraft, lambda: raw_definition(quiz), assessment_id=quiz.id
    )
    return drafts.start(QuizDraft, user, content, assessment_id=quiz.id)


def create_quiz(user, *, slug: str, title_es: str, title_en: str | None, bank: str):
    """A quiz made on the web; not offered until its draft is published."""
    require_author(user)
    if not SLUG.match(slug):
        raise DomainError(_l("The short name must be lower-case words joined by hyphens."))
    taken = db.session.scalar(select(Assessment.id).where(Assessment.slug == slug))
    if taken is not None or (folders()[1] / f"{slug}.yaml").exists():
        raise DomainError(_l("A quiz with this short name already exists."))
    content = {
        "slug": slug,
        "title": {"es": title_es, **({"en": title_en} if title_en else {})},
        "draw": [{"bank": bank, "count": 5}],
        "shuffle_questions": True,
        "shuffle_options": True,
        "max_attempts": 3,
        "pass_mark": 80,
        "grading": "highest",
        "feedback": "deferred",
        "review": {"show_score": True, "show_correct": True, "show_feedback": True},
    }
    quiz = Assessment(
        slug=slug,
        version=0,
        content_hash="",
        title_es=title_es,
        title_en=title_en,
        definition={},
        source="web",
        retired_at=utcnow(),  # not offered until published
    )
    db.session.add(quiz)
    db.session.flush()
    draft = drafts.new(QuizDraft, user, content=content, editors=(user.id,), assessment_id=quiz.id)
    record_event("quiz.created", actor=user, target=quiz)
    return quiz, draft


def check(content: dict, slug: str) -> DefinitionDoc:
    """The quiz as the loader reads it, against every bank.

    :raises BankProblems: with the problems that concern this quiz.
    """
    try:
        _banks, definitions = check_tree(quiz=(slug, content))
    except BankProblems as exc:
        mine = [p for p in exc.problems if p.startswith(f"definitions/{slug}.yaml")]
        raise BankProblems(_l("The quiz has problems to fix."), mine or exc.problems) from exc
    return next(doc for doc in definitions if doc.slug == slug)


def settings_from(data: dict, draw_text: str, slug: str) -> dict:
    """The on-disk definition from the settings form and the draw rules' YAML.

    :raises BankProblems: when the draw rules are not a YAML list.
    """
    try:
        draw = yaml.safe_load(draw_text or "")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        message = (
            _l("Draw rules, line %(line)d: this is not valid YAML", line=mark.line + 1)
            if mark
            else _l("Draw rules: this is not valid YAML")
        )
        raise BankProblems(_l("The quiz has problems to fix."), [str(message)]) from exc
    content = {
        "slug": slug,
        "title": {"es": data["title_es"], **({"en": data["title_en"]} if data["title_en"] else {})},
        "draw": draw,
        "shuffle_questions": bool(data["shuffle_questions"]),
        "shuffle_options": bool(data["shuffle_options"]),
        "max_attempts": data["max_attempts"],
        "pass_mark": data["pass_mark"],
        "grading": data["grading"],
        "feedback": data["feedback"],
        "review": {
            "show_score": bool(data["show_score"]),
            "show_correct": bool(data["show_correct"]),
            "show_feedback": bool(data["show_feedback"]),
        },
    }
    if data.get("description_es"):
        content["description"] = {
            "es": data["description_es"],
            **({"en": data["description_en"]} if data.get("description_en") else {}),
        }
    if data.get("time_limit_minutes"):
        content["time_limit_minutes"] = data["time_limit_minutes"]
    return content


def save(draft: QuizDraft, user, seen: int, content: dict) -> None:
    """Save the quiz's settings in the draft if the quiz, so set, is valid.

    :raises BankProblems: EditConflict: DraftClosed:
    """
    require_author(user)
    check(content, draft.assessment.slug)

    def change(current, basis):
        current.clear()
        current.update(content)

    drafts.save_part(draft, user, "quiz", seen, change)


def requires_review(quiz: Assessment) -> bool:
    """True when a course that requires review lists the quiz."""
    return listed_in_reviewed_course("assessment", [quiz.slug])


def blockers(draft: QuizDraft) -> list[str]:
    """Why the draft cannot be published now; empty when it can."""
    quiz = draft.assessment
    out: list[str] = []
    try:
        check(draft.content, quiz.slug)
    except BankProblems as exc:
        out.extend(exc.problems)
    if requires_review(quiz) and not draft.is_approved:
        out.append(
            str(_l("A course that requires review lists this quiz: another trainer must approve."))
        )
    try:
        unchanged = bool(quiz.version) and draft.content == raw_definition(quiz)
    except DomainError:
        unchanged = False
    if unchanged:
        out.append(str(_l("Nothing changed since the published quiz.")))
    return out


def publish(draft: QuizDraft, user, seen: int, note: str) -> Assessment:
    """Publish the quiz's new settings; attempts already started keep theirs."""
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
    doc = check(draft.content, draft.assessment.slug)
    drafts.close_for_publishing(draft, seen)
    quiz = draft.assessment
    data = doc.as_dict()
    digest = content_hash(data)
    if digest != quiz.content_hash:
        quiz.version += 1
    quiz.content_hash, quiz.definition, quiz.retired_at = digest, data, None
    quiz.title_es, quiz.title_en = doc.title_es, doc.title_en
    quiz.web_definition = copy.deepcopy(draft.content)
    quiz.diverged_at = draft.closed_at
    record_event("quiz.published", actor=user, target=quiz, version=quiz.version, note=note)
    return quiz


def discard(draft: QuizDraft, user) -> None:
    """Close the draft without publishing (authors only)."""
    require_author(user)
    drafts.discard(draft, user)


def request_review(draft: QuizDraft, user) -> None:
    """Put the draft in the review queue (authors only)."""
    require_author(user)
    drafts.request_review(draft, user)
