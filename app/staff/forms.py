"""Forms for the staff import."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileRequired, MultipleFileField
from wtforms import BooleanField, HiddenField, SubmitField
from wtforms.validators import DataRequired, Regexp

from app.i18n import _l


class UploadForm(FlaskForm):
    """One or more CSV files, checked before anything changes."""

    files = MultipleFileField(
        _l("CSV files"),
        validators=[
            FileRequired(_l("Choose at least one CSV file.")),
            FileAllowed(["csv", "txt"], _l("Only CSV files (.csv) can be imported.")),
        ],
        description=_l(
            "People, offices or positions; the kind is recognised by the header. "
            "Several files are checked and applied together."
        ),
    )
    deactivate_missing = BooleanField(
        _l("Deactivate people of these offices who are not in the file"),
        description=_l("Use it with the complete staff list of each office. Nobody is deleted."),
    )
    invite = BooleanField(_l("E-mail new people a link to choose their password"))
    submit = SubmitField(_l("Check the files"))


class ApplyForm(FlaskForm):
    """Apply a checked import (the files wait on the server under a random token)."""

    token = HiddenField(validators=[DataRequired(), Regexp(r"^[A-Za-z0-9_-]{16,64}$")])
    deactivate_missing = HiddenField()
    invite = HiddenField()
    submit = SubmitField(_l("Apply the import"))
