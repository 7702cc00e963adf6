"""Cells of every CSV the register writes: text a spreadsheet would run as a formula (starting with
= + - @, a tab or a carriage return) gets a leading quote, so it is shown, not executed."""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text
