"""Certificate pages; routes arrive with the Certificates issue."""

from flask import Blueprint

bp = Blueprint("certificates", __name__, url_prefix="/certificados")
