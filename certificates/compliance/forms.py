"""Forms: training requirements, manual assignments, waivers, version requirements, filters."""

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.forms import strip_text
from app.i18n import _l

NUMBER = _l("Write a whole number from %(min)d to %(max)d.")


class RequirementForm(FlaskForm):
    """A rule: staff in a position (and/or an office) must hold a course, by a deadline."""

    course_id = SelectField(
        _l("Course"), coerce=int, validators=[InputRequired(message=_l("Choose a course."))]
    )
    position_id = SelectField(_l("Position"), coerce=int, default=0)
    office_id = SelectField(_l("Office"), coerce=int, default=0)
    due_within_days = IntegerField(
        _l("Days to complete it"),
        default=90,
        validators=[
            InputRequired(message=_l("This field is required.")),
            NumberRange(min=0, max=3650, message=NUMBER),
        ],
        description=_l("Counted from joining the position or office, or from the rule's start."),
    )
    starts_on = DateField(
        _l("Rule in force from"), validators=[InputRequired(message=_l("Give a date."))]
    )
    renewal_months = IntegerField(
        _l("Renew every (months)"),
        validators=[Optional(), NumberRange(min=1, max=240, message=NUMBER)],
        description=_l("Leave empty to follow the course's certificate validity."),
    )
    note = TextAreaField(
        _l("Note"),
        filters=[strip_text],
        validators=[Length(max=1000, message=_l("At most %(max)d characters."))],
    )


class AssignForm(FlaskForm):
    """Assign a course to one person by hand."""

    course_id = SelectField(
        _l("Course"), coerce=int, validators=[InputRequired(message=_l("Choose a course."))]
    )
    due_on = DateField(_l("Due date"), validators=[InputRequired(message=_l("Give a date."))])
    note = StringField(
        _l("Note"),
        filters=[strip_text],
        validators=[Length(max=300, message=_l("At most %(max)d characters."))],
    )


class WaiverForm(FlaskForm):
    """Exempt a person from an assignment."""

    reason = TextAreaField(
        _l("Reason"),
        filters=[strip_text],
        validators=[
            DataRequired(message=_l("Give the reason for the exemption.")),
            Length(max=1000, message=_l("At most %(max)d characters.")),
        ],
    )
    expires_on = DateField(
        _l("Valid until"),
        validators=[Optional()],
        description=_l("Leave empty for an exemption until revoked."),
    )


class VersionRequirementForm(FlaskForm):
    """Require the updated version of a course by a date (after a change in the law)."""

    course_id = SelectField(_l("Course"), coerce=int)
    min_version = IntegerField(
        _l("Minimum version number"),
        validators=[
            InputRequired(message=_l("This field is required.")),
            NumberRange(min=1, max=1000, message=NUMBER),
        ],
    )
    required_by = DateField(
        _l("Required by"), validators=[InputRequired(message=_l("Give a date."))]
    )
    reason = TextAreaField(
        _l("Reason (e.g. the amended provision)"),
        filters=[strip_text],
        validators=[
            DataRequired(message=_l("Give the reason.")),
            Length(max=1000, message=_l("At most %(max)d characters.")),
        ],
    )


class DashboardFilterForm(FlaskForm):
    """The dashboard's day and office (a GET form)."""

    class Meta:
        """A GET form: nothing to protect with a token."""

        csrf = False

    fecha = DateField(_l("On date"), validators=[Optional()])
    oficina = SelectField(_l("Office"), coerce=int, default=0, validators=[Optional()])
