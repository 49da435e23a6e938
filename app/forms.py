"""Small forms shared by every package: button-only confirmations and the language switch."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SubmitField
from wtforms.validators import InputRequired

from app.i18n import LANGUAGE_NAMES, _l


class ConfirmForm(FlaskForm):
    """A CSRF-protected button (deactivate, close, log out…)."""

    submit = SubmitField(_l("Confirm"))


class LanguageForm(FlaskForm):
    """The language switch in the page header."""

    language = SelectField(
        _l("Language"), choices=list(LANGUAGE_NAMES.items()), validators=[InputRequired()]
    )
    next = HiddenField()
    submit = SubmitField(_l("Change"))
