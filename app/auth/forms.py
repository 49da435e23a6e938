"""Login, password and profile forms."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, SubmitField
from wtforms.validators import Email, EqualTo, InputRequired, Length, ValidationError

from app.auth.passwords import MAX_LENGTH, password_problems
from app.forms import strip_text, text_field
from app.i18n import LANGUAGE_NAMES, _l


class PasswordPolicy:
    """WTForms validator applying the password policy.

    Views set ``form.user_inputs`` (e-mail, name) so the password may not reuse them.
    """

    def __call__(self, form, field):
        """Raise the policy problems as one field error."""
        problems = password_problems(field.data or "", getattr(form, "user_inputs", []))
        if problems:
            raise ValidationError(" ".join(str(p) for p in problems))


def email_field(label=None):
    """The e-mail field used by every form (required, valid, at most 254 characters)."""
    return EmailField(
        label or _l("E-mail address"),
        filters=[strip_text],
        validators=[
            InputRequired(message=_l("Enter your e-mail address.")),
            Length(max=254, message=_l("An e-mail address has at most 254 characters.")),
            Email(
                message=_l("Enter a valid e-mail address, such as nombre@ejemplo.org."),
                check_deliverability=False,
            ),
        ],
    )


class LoginForm(FlaskForm):
    """E-mail, password and remember-me."""

    email = email_field()
    password = PasswordField(
        _l("Password"),
        validators=[
            InputRequired(message=_l("Enter your password.")),
            Length(max=MAX_LENGTH, message=_l("A password has at most 128 characters.")),
        ],
    )
    remember = BooleanField(_l("Keep me signed in on this device"))
    submit = SubmitField(_l("Log in"))


class ForgotPasswordForm(FlaskForm):
    """Ask for a reset link."""

    email = email_field()
    submit = SubmitField(_l("Send me a link"))


def _new_password_fields():
    return (
        PasswordField(
            _l("New password"),
            description=_l("At least 12 characters. A phrase of several words works well."),
            validators=[InputRequired(message=_l("Enter a new password.")), PasswordPolicy()],
        ),
        PasswordField(
            _l("Repeat the new password"),
            validators=[
                InputRequired(message=_l("Repeat the new password.")),
                EqualTo("password", message=_l("The two passwords do not match.")),
            ],
        ),
    )


class ResetPasswordForm(FlaskForm):
    """Choose a new password from a reset link."""

    password, confirm = _new_password_fields()
    submit = SubmitField(_l("Save the new password"))


class ChangePasswordForm(FlaskForm):
    """Change the password while logged in."""

    current_password = PasswordField(
        _l("Current password"),
        validators=[
            InputRequired(message=_l("Enter your current password.")),
            Length(max=MAX_LENGTH, message=_l("A password has at most 128 characters.")),
        ],
    )
    password, confirm = _new_password_fields()
    submit = SubmitField(_l("Change password"))


class ProfileForm(FlaskForm):
    """What a user may change about themself."""

    display_name = text_field(_l("Name"), 120, message=_l("Enter your name."))
    language = SelectField(_l("Language"), choices=list(LANGUAGE_NAMES.items()))
    submit = SubmitField(_l("Save"))
