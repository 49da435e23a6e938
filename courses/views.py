"""Course pages (catalogue, course, lesson); routes arrive with the Courses issue."""

from flask import Blueprint

bp = Blueprint("courses", __name__, url_prefix="/cursos")
