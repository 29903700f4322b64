"""CSV cells against spreadsheet formula injection (OWASP "CSV injection"): a cell that
begins with one of FORMULA_START is run as a formula by spreadsheet programs, so the export
writes it with a leading `'` (csv_safe_cell), and the CSV import removes exactly that `'`
again (csv_cell_value, applied by app/engines/imports.py to every cell), so exports import
back unchanged."""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _needs_quote(value: str) -> bool:
    # Values that already begin with `'`s before a formula character get one more, so that
    # reading a cell back (strip exactly one `'`) is the exact inverse of writing it.
    return value.lstrip("'").startswith(FORMULA_START)


def csv_safe_cell(value: str) -> str:
    """The cell the CSV export writes for `value`: `'` + value when it (after any leading
    `'`s) begins with =, +, -, @, TAB or CR; otherwise the value itself."""
    return "'" + value if _needs_quote(value) else value


def csv_cell_value(cell: str) -> str:
    """The inverse of csv_safe_cell, applied by the CSV importer to every cell."""
    return cell[1:] if cell.startswith("'") and _needs_quote(cell[1:]) else cell
