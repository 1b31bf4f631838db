"""CSV cells a spreadsheet will not run: a cell that begins with =, +, -, @, a tab or a carriage return is
read as a formula by Excel, LibreOffice and Google Sheets, so it gets a leading apostrophe (OWASP's advice
for CSV injection). Every CSV the service writes (search export, plan) goes through `safe_row`."""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value, with an apostrophe before it when a spreadsheet would take it for a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: dict[str, Any]) -> dict[str, Any]:
    return {key: safe_cell(value) for key, value in row.items()}
