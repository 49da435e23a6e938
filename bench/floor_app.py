"""The floor for bench/load_faults.py: a bare Flask route returning a saved lesson page."""

import os
from pathlib import Path

from flask import Flask

app = Flask(__name__)
HTML = Path(os.environ["AULA_FLOOR_HTML"]).read_bytes()


@app.get("/")
def page():
    """The same bytes the lesson page sent, with nothing else done."""
    return HTML, 200, {"Content-Type": "text/html; charset=utf-8"}
