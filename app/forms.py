"""Small forms shared by every package: button-only confirmations and the language switch."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from app.i18n import LANGUAGE_NAMES, _l, language
from app.legal import registry


def strip_text(value):
    """WTForms filter: trim surrounding white space from text input."""
    return value.strip() if isinstance(value, str) else value


def text_field(label, max_length: int, *, required=True, message=None, **kwargs) -> StringField:
    """A trimmed text field; when required, white space alone does not count as an answer."""
    validators = [Length(max=max_length, message=_l("At most %(max)d characters."))]
    if required:
        validators.insert(0, DataRequired(message=message or _l("This field is required.")))
    return StringField(label, filters=[strip_text], validators=validators, **kwargs)


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes (works without JavaScript, unlike a multi-select)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def legal_choices() -> list[tuple[str, str]]:
    """Every provision of the legal registry as a checkbox choice, cited in the user's language."""
    locale = language()
    rows = sorted(registry().provisions.values(), key=lambda p: (p.instrument.id, p.id))
    return [(p.id, f"{p.citation(locale)} — {p.title.get(locale)}") for p in rows]


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
