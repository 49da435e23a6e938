"""Compliance matrix and training records as CSV and XLSX, from the same rows as the screens.

The matrix has one line per person and, per course, the status and its date (valid until when a
certificate counts, else the due date); the XLSX adds the by-office and by-position tallies the
dashboard draws. Cells that a spreadsheet would run as a formula (= + - @) are neutralised.
XLSX files are written in openpyxl's write-only mode, row by row.
"""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from certificates.compliance.queries import Row, Tally

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe(value):
    """A cell value that no spreadsheet will run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


@dataclass
class Sheet:
    """A title, a header and rows of plain values (str, int, float, date or None)."""

    title: str
    header: list[str]
    rows: Iterable[list]


def matrix_sheet(
    rows: list[Row],
    *,
    title: str,
    courses: dict[int, str],
    offices: dict[int, str],
    positions: dict[int, str],
    status_labels: dict[str, str],
    header: tuple[str, str, str, str],
    status_word: str,
    date_word: str,
) -> Sheet:
    """One line per person; per course, status and its date."""
    columns = sorted({r.course_id for r in rows}, key=lambda c: courses.get(c, ""))
    people: dict[int, tuple[Row, dict[int, Row]]] = {}
    for row in rows:
        people.setdefault(row.user_id, (row, {}))[1][row.course_id] = row
    names = list(header)
    for course_id in columns:
        code = courses.get(course_id, str(course_id))
        names += [f"{code} · {status_word}", f"{code} · {date_word}"]

    def lines():
        for first, cells in sorted(people.values(), key=lambda p: (p[0].name, p[0].user_id)):
            line = [
                first.name,
                first.email,
                offices.get(first.office_id, ""),
                positions.get(first.position_id, ""),
            ]
            for course_id in columns:
                cell = cells.get(course_id)
                if cell is None:
                    line += ["", None]
                    continue
                standing = cell.standing
                when = standing.valid_until if standing.compliant and standing.valid_until else None
                line += [str(status_labels[standing.status]), when or standing.due_on]
            yield line

    return Sheet(title, names, lines())


def tally_sheet(title: str, tallies: list[Tally], header: list[str], statuses) -> Sheet:
    """Counts per status, total, compliant and percentage for each group."""
    return Sheet(
        title,
        header,
        (
            [t.label, *(t.counts.get(s, 0) for s in statuses), t.total, t.compliant, t.percent]
            for t in tallies
        ),
    )


def to_csv(sheet: Sheet) -> bytes:
    """UTF-8 with BOM (so Excel reads accents) and ISO dates."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe(h) for h in sheet.header])
    for row in sheet.rows:
        writer.writerow(
            [v.isoformat() if isinstance(v, date) else safe("" if v is None else v) for v in row]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(sheets: list[Sheet]) -> bytes:
    """A workbook with one sheet per ``Sheet``; bold header, dates as dates, frozen header."""
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet in sheets:
        ws = book.create_sheet(sheet.title[:31])
        ws.freeze_panes = "A2"
        header = []
        for name in sheet.header:
            cell = WriteOnlyCell(ws, value=safe(name))
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for row in sheet.rows:
            ws.append([safe(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
