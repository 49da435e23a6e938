"""Simulation pages; routes arrive with the Case-documentation simulations issue."""

from flask import Blueprint

bp = Blueprint("case_simulations", __name__, url_prefix="/simulaciones")
