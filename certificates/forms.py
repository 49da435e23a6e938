"""Forms: revoke with a reason, the register's filters, and the public verification box."""

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.forms import strip_text
from app.i18n import _l


class RevokeForm(FlaskForm):
    """Revoke a certificate: the reason is required and kept in its history."""

    reason = TextAreaField(
        _l("Reason for revoking"),
        filters=[strip_text],
        validators=[
            DataRequired(message=_l("Give the reason for revoking the certificate.")),
            Length(max=1000, message=_l("At most %(max)d characters.")),
        ],
    )
    submit = SubmitField(_l("Revoke the certificate"))


class RegisterFilterForm(FlaskForm):
    """Filters of the certificate register (a GET form: no CSRF token needed)."""

    class Meta:
        """A GET form: nothing to protect with a token."""

        csrf = False

    office = SelectField(_l("Office"), default="")
    course = SelectField(_l("Course"), default="")
    status = SelectField(_l("Status"), default="")


class VerifyForm(FlaskForm):
    """The public box to type a verification code."""

    class Meta:
        """A GET form: nothing to protect with a token."""

        csrf = False

    codigo = StringField(
        _l("Verification code"),
        filters=[strip_text],
        validators=[Length(max=40, message=_l("At most %(max)d characters."))],
        description=_l("16 letters and numbers, as printed on the certificate (dashes optional)."),
    )
