"""The trainer's review form: a level (0–3) per judged criterion, feedback and a debrief."""

from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from app.forms import strip_text
from app.i18n import _l

LEVELS = [("0", "0"), ("1", "1"), ("2", "2"), ("3", "3")]


def _level(label):
    return RadioField(
        label, choices=LEVELS, validators=[InputRequired(message=_l("Choose a level."))]
    )


class ReviewForm(FlaskForm):
    """Levels for C8, C10, C11 and C12 (rubric §B.4), feedback, and a debrief after a gate."""

    CRITERIA = ("C8", "C10", "C11", "C12")

    c8 = _level(_l("C8 Legal qualification and standard of proof"))
    c10 = _level(_l("C10 Referrals (judgement)"))
    c11 = _level(_l("C11 Narrative quality"))
    c12 = _level(_l("C12 Consistency and corroboration handling"))
    feedback = TextAreaField(
        _l("Feedback for the learner"),
        filters=[strip_text],
        validators=[
            InputRequired(message=_l("Write feedback for the learner.")),
            Length(min=20, max=5000, message=_l("Write between 20 and 5,000 characters.")),
        ],
    )
    debrief = TextAreaField(
        _l("Debrief notes (required when a gate was tripped)"),
        filters=[strip_text],
        validators=[Length(max=5000, message=_l("At most %(max)d characters."))],
    )

    def __init__(self, *args, needs_debrief: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_debrief = needs_debrief

    def validate_debrief(self, field):
        """A tripped gate needs a recorded debrief with the learner."""
        if self.needs_debrief and not field.data:
            raise ValidationError(_l("A gate was tripped: record the debrief with the learner."))
