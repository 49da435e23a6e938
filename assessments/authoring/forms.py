"""Forms of the question editor and the GIFT upload."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.draft_views import RevisionForm
from app.forms import text_field
from app.i18n import _l

QUESTION_MAX = 20_000


class QuestionForm(RevisionForm):
    """One question as YAML: the Spanish question and its English texts."""

    spanish = TextAreaField(
        _l("Question in Spanish (YAML)"),
        validators=[
            DataRequired(message=_l("This field is required.")),
            Length(max=QUESTION_MAX, message=_l("At most %(max)d characters.")),
        ],
        render_kw={"rows": 22, "spellcheck": "true", "lang": "es"},
    )
    english = TextAreaField(
        _l("English texts (YAML; leave empty if not translated)"),
        validators=[
            Optional(),
            Length(max=QUESTION_MAX, message=_l("At most %(max)d characters.")),
        ],
        render_kw={"rows": 22, "spellcheck": "true", "lang": "en"},
    )


class NewQuestionForm(FlaskForm):
    """The type and id of a new question (sent by GET to open the editor)."""

    kind = SelectField(_l("Type"))
    id = text_field(
        _l("Id"),
        80,
        description=_l("Lower-case words joined by hyphens; it never changes once published."),
    )


class GiftForm(FlaskForm):
    """A GIFT file (Moodle's question format) to add to the bank."""

    file = FileField(_l("GIFT file"), validators=[FileRequired(message=_l("Choose a file."))])


class NewQuizForm(FlaskForm):
    """A quiz created on the web."""

    slug = text_field(
        _l("Short name (used in addresses)"),
        80,
        description=_l("Lower-case words joined by hyphens, e.g. dh-201-final."),
    )
    title_es = text_field(_l("Title in Spanish"), 200)
    title_en = text_field(_l("Title in English"), 200, required=False)
    bank = SelectField(_l("Draw its questions from"))


class QuizForm(RevisionForm):
    """A quiz's settings and draw rules."""

    title_es = text_field(_l("Title in Spanish"), 200)
    title_en = text_field(_l("Title in English"), 200, required=False)
    description_es = TextAreaField(_l("Description in Spanish"), validators=[Optional()])
    description_en = TextAreaField(_l("Description in English"), validators=[Optional()])
    draw = TextAreaField(
        _l("Draw rules (YAML)"),
        validators=[DataRequired(message=_l("This field is required."))],
        description=_l(
            "One rule per bank: '- bank: dh-101' with 'tags: [...]' and 'count: 5', or "
            "'questions: [id, id]'."
        ),
        render_kw={"rows": 8},
    )
    pass_mark = IntegerField(
        _l("Pass mark (%)"),
        validators=[
            InputRequired(message=_l("Give a whole number.")),
            NumberRange(0, 100, message=_l("Give a whole number from %(min)d to %(max)d.")),
        ],
    )
    max_attempts = IntegerField(
        _l("Attempts allowed (0: no limit)"),
        validators=[
            InputRequired(message=_l("Give a whole number.")),
            NumberRange(0, 100, message=_l("Give a whole number from %(min)d to %(max)d.")),
        ],
    )
    time_limit_minutes = IntegerField(
        _l("Time limit in minutes (empty: none)"),
        validators=[
            Optional(),
            NumberRange(1, 600, message=_l("Give a whole number from %(min)d to %(max)d.")),
        ],
    )
    grading = SelectField(
        _l("Grade kept"),
        choices=[
            ("highest", _l("The best attempt")),
            ("last", _l("The latest attempt")),
            ("first", _l("The first attempt")),
            ("average", _l("The average of the attempts")),
        ],
    )
    feedback = SelectField(
        _l("Feedback"),
        choices=[
            ("deferred", _l("After submitting")),
            ("immediate", _l("After each question")),
        ],
    )
    shuffle_questions = BooleanField(_l("Shuffle the questions"))
    shuffle_options = BooleanField(_l("Shuffle the options"))
    show_score = BooleanField(_l("Show the score on review"))
    show_correct = BooleanField(_l("Show the right answers on review"))
    show_feedback = BooleanField(_l("Show the feedback on review"))


class NewBankForm(FlaskForm):
    """A question bank created on the web."""

    slug = text_field(
        _l("Short name (used in addresses)"),
        80,
        description=_l("Lower-case words joined by hyphens, e.g. dh-201."),
    )
    title_es = text_field(_l("Title in Spanish"), 200)
    title_en = text_field(_l("Title in English"), 200, required=False)
