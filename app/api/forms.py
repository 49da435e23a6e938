"""The form that creates an API token."""

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SubmitField
from wtforms.validators import Optional

from app.api.core import SCOPES
from app.forms import MultiCheckboxField, text_field
from app.i18n import _l


class TokenForm(FlaskForm):
    """Name, scopes, offices and an optional end; the nonce makes a double submit harmless."""

    name = text_field(_l("Name"), 120, description=_l("Who uses it, e.g. the HR reporting tool."))
    scopes = MultiCheckboxField(
        _l("May read"), choices=[(k, v) for k, v in SCOPES.items()], default=["compliance"]
    )
    offices = MultiCheckboxField(
        _l("Only these offices"),
        coerce=int,
        description=_l("None ticked: every office."),
    )
    expires_on = DateField(_l("Valid until"), validators=[Optional()])
    nonce = HiddenField()
    submit = SubmitField(_l("Create the token"))
