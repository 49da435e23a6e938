"""Forms for administering users, offices and positions."""

import re

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    PasswordField,
    SelectField,
    SubmitField,
)
from wtforms.validators import Optional, ValidationError

from app.auth.forms import PasswordPolicy, email_field
from app.forms import MultiCheckboxField, text_field
from app.i18n import LANGUAGE_NAMES, _l
from app.security import ROLE_LABELS, Role

CODE_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
TIMEZONES = [
    ("America/Mexico_City", "America/Mexico_City"),
    ("America/Monterrey", "America/Monterrey"),
    ("America/Tijuana", "America/Tijuana"),
    ("America/Cancun", "America/Cancun"),
    ("America/Tegucigalpa", "America/Tegucigalpa"),
    ("America/New_York", "America/New_York"),
    ("America/Chicago", "America/Chicago"),
    ("America/Los_Angeles", "America/Los_Angeles"),
    ("America/Guatemala", "America/Guatemala"),
]


class UserForm(FlaskForm):
    """Create or edit a user. Office and position choices are set by the view."""

    email = email_field()
    display_name = text_field(_l("Name"), 120)
    language = SelectField(_l("Language"), choices=list(LANGUAGE_NAMES.items()))
    office_id = SelectField(_l("Office"), coerce=int)
    position_id = SelectField(_l("Position"), coerce=int)
    hire_date = DateField(_l("Hire date"), validators=[Optional()])
    roles = MultiCheckboxField(
        _l("Roles"),
        choices=[(r.value, label) for r, label in ROLE_LABELS.items()],
        default=[Role.LEARNER.value],
    )
    submit = SubmitField(_l("Save"))

    def validate_roles(self, field):
        """At least one role."""
        if not field.data:
            raise ValidationError(_l("Choose at least one role."))


class UserCreateForm(UserForm):
    """Create a user: with no password, an e-mail invites the person to choose one."""

    password = PasswordField(
        _l("Initial password"),
        description=_l(
            "Leave empty to e-mail the person a link to choose their own password (recommended)."
        ),
        validators=[Optional(), PasswordPolicy()],
    )


class UserEditForm(UserForm):
    """Edit a user, including the active flag and, for HR, the offices they may see."""

    is_active = BooleanField(_l("Active (can log in)"))
    hr_offices = MultiCheckboxField(
        _l("Human resources: offices this person may see"),
        coerce=int,
        description=_l("For the human resources role only. None ticked: every office."),
    )


def validate_code(form, field):
    """Codes are lower-case slugs."""
    if field.data and not re.match(CODE_PATTERN, field.data):
        raise ValidationError(_l("Use lower-case letters, digits and hyphens only."))


class OfficeForm(FlaskForm):
    """Add or rename an office."""

    code = text_field(
        _l("Code"),
        40,
        description=_l(
            "Short identifier in lower case, e.g. tapachula. It cannot be changed later."
        ),
    )
    name = text_field(_l("Name"), 160)
    kind = SelectField(
        _l("Kind"),
        choices=[("consulate", _l("Consulate")), ("directorate", _l("Directorate"))],
    )
    city = text_field(_l("City"), 80)
    country = SelectField(
        _l("Country"),
        choices=[
            ("MX", _l("Mexico")),
            ("HN", _l("Honduras")),
            ("US", _l("United States")),
            ("GT", _l("Guatemala")),
        ],
    )
    timezone = SelectField(_l("Time zone"), choices=TIMEZONES)
    manager_id = SelectField(
        _l("Manager"),
        coerce=int,
        choices=[(0, "—")],
        default=0,
        description=_l("Receives a copy of the reminders when someone in the office is overdue."),
    )
    submit = SubmitField(_l("Save"))

    validate_code = validate_code


class PositionForm(FlaskForm):
    """Add or rename a position."""

    code = OfficeForm.code
    validate_code = validate_code
    name_es = text_field(_l("Name in Spanish"), 120)
    name_en = text_field(_l("Name in English"), 120)
    submit = SubmitField(_l("Save"))
