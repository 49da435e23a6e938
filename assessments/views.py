"""Quiz pages; routes arrive with the Assessments issue."""

from flask import Blueprint

bp = Blueprint("assessments", __name__, url_prefix="/evaluaciones")
