"""Authoring forms. Every edit form carries the revision it was opened at (optimistic locking)."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.draft_views import RevisionForm
from app.forms import MultiCheckboxField, strip_text, text_field
from app.i18n import _l

REQUIRED = _l("This field is required.")
TOO_LONG = _l("At most %(max)d characters.")
LESSON_BODY_MAX = 60_000


def _number(label, minimum, maximum, default=None):
    return IntegerField(
        label,
        default=default,
        validators=[
            InputRequired(message=_l("Give a whole number.")),
            NumberRange(
                min=minimum,
                max=maximum,
                message=_l(
                    "Give a whole number from %(min)d to %(max)d.", min=minimum, max=maximum
                ),
            ),
        ],
    )


def _area(label, max_length, *, required=False, rows=3):
    validators = [Length(max=max_length, message=TOO_LONG)]
    validators.insert(0, DataRequired(message=REQUIRED) if required else Optional())
    return TextAreaField(
        label, filters=[strip_text], validators=validators, render_kw={"rows": rows}
    )


class NewCourseForm(FlaskForm):
    """A course created on the web."""

    slug = text_field(
        _l("Short name (used in addresses)"),
        80,
        description=_l("Lower-case words joined by hyphens, e.g. derechos-ninez-migrante."),
    )
    code = text_field(_l("Code"), 20, description=_l("e.g. DH-201"))
    family = SelectField(_l("Family"))
    title_es = text_field(_l("Title in Spanish"), 200)
    title_en = text_field(_l("Title in English"), 200, required=False)


class CourseForm(RevisionForm):
    """The course's own data (the part ``course``)."""

    title_es = text_field(_l("Title in Spanish"), 200)
    title_en = text_field(_l("Title in English"), 200, required=False)
    summary_es = _area(_l("Summary in Spanish"), 2000, required=True)
    summary_en = _area(_l("Summary in English"), 2000)
    code = text_field(_l("Code"), 20)
    version = text_field(
        _l("Version label"), 40, description=_l("A new label for each published version.")
    )
    family = SelectField(_l("Family"))
    audience = MultiCheckboxField(_l("Positions it is meant for"))
    estimated_minutes = _number(_l("Estimated time (minutes)"), 1, 10_000)
    certificate_validity_months = _number(_l("Certificate valid for (months)"), 1, 120)
    completion_lessons = SelectField(_l("Lessons to finish the course"))
    completion_assessments = SelectField(_l("Quizzes to finish the course"))
    completion_simulations = SelectField(_l("Simulations to finish the course"))


class LessonForm(RevisionForm):
    """Both languages of a lesson, side by side, and its metadata."""

    title_es = text_field(_l("Title"), 200)
    objectives_es = _area(_l("Learning objectives (one per line)"), 3000, required=True)
    body_es = _area(_l("Text (Markdown)"), LESSON_BODY_MAX, required=True, rows=24)
    title_en = text_field(_l("Title"), 200, required=False)
    objectives_en = _area(_l("Learning objectives (one per line)"), 3000)
    body_en = _area(_l("Text (Markdown)"), LESSON_BODY_MAX, rows=24)
    english_checked = BooleanField(_l("The English still says what the Spanish says"))
    estimated_minutes = _number(_l("Estimated time (minutes)"), 1, 600)
    legal_refs = MultiCheckboxField(_l("Legal references"))
    review_notes = _area(
        _l("Notes for reviewers (one per line; never shown to learners)"), 3000, rows=3
    )


class ModuleForm(RevisionForm):
    """A new module, or a module's new title."""

    module_id = text_field(_l("Short name"), 80, required=False)
    title_es = text_field(_l("Title in Spanish"), 200)
    title_en = text_field(_l("Title in English"), 200, required=False)


class ItemForm(RevisionForm):
    """A new item at the end of a module: a new lesson, or an existing quiz or simulation."""

    module_id = SelectField(_l("Module"))
    kind = SelectField(_l("Kind"))
    lesson_key = text_field(_l("Short name of the new lesson"), 80, required=False)
    lesson_title = text_field(_l("Title of the new lesson"), 200, required=False)
    assessment = SelectField(_l("Quiz"), default="")
    simulation = SelectField(_l("Simulation"), default="")


class TermForm(RevisionForm):
    """A glossary term in both languages."""

    original = HiddenField()
    id = text_field(_l("Short name"), 80)
    term_es = text_field(_l("Term in Spanish"), 200)
    term_en = text_field(_l("Term in English"), 200, required=False)
    definition_es = _area(_l("Definition in Spanish"), 2000, required=True)
    definition_en = _area(_l("Definition in English"), 2000)


class SettingsForm(FlaskForm):
    """Who owns the course and whether publishing needs a second trainer."""

    owners = MultiCheckboxField(_l("Owners (when none is ticked, every trainer may edit)"))
    requires_review = BooleanField(_l("Publishing needs the approval of another trainer"))


class ImageForm(FlaskForm):
    """An image for a lesson: PNG, JPEG, GIF or WebP."""

    image = FileField(_l("Image"), validators=[FileRequired(message=_l("Choose an image."))])
    alt = StringField(
        _l("Description for screen readers"),
        filters=[strip_text],
        validators=[DataRequired(message=REQUIRED), Length(max=200, message=TOO_LONG)],
    )


class PackForm(FlaskForm):
    """A content pack (ZIP) to import."""

    file = FileField(
        _l("Content pack (ZIP)"), validators=[FileRequired(message=_l("Choose a file."))]
    )
