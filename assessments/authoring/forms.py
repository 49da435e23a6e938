"""Forms of the question editor and the GIFT upload."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import text_field
from app.i18n import _l
from courses.authoring.forms import RevisionForm

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
