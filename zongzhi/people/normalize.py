"""Cell values of department spreadsheets, brought to one form before they are checked.

Files exported by other departments' systems write the same value many ways: full-width digits
and letters (３２０１…Ｘ), dates as 1969年10月16日, 1990/3/3, 1969.10.16, 19691016 or an Excel
date serial, phones with spaces, dashes or +86. None of these is a defect of the row; each is
brought to the form the checks expect, and only what is still wrong after that is refused.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

# Excel's day 0 is 1899-12-30 (it counts 1900-02-29, which never was; serials after it match).
_EXCEL_EPOCH = dt.date(1899, 12, 30)
# Five-digit serials only: 10000 is 1927-05-18, 80000 is 2119-01-10. A four-digit number in a
# date column is more likely a year than a day of 1900-1927.
_SERIAL = re.compile(r"^\d{5}(\.0+)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
# year, month, day separated by - / . 年 月 (日), optionally followed by a time of day
_SEPARATED = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT].*)?$")
# A mobile number grouped 3-4-4 (spaces or dashes), after an optional +86 / 0086 / 86; a landline
# with its area code in brackets or before one dash or space. Anything else is left as written
# for the checks to refuse: taking every dash out made 025-1234567-1 (an extension) valid.
_MOBILE = re.compile(r"^(?:\+86|0086|86)?[\s-]*(1\d{2})[\s-]?(\d{4})[\s-]?(\d{4})$")
_LANDLINE = re.compile(r"^(?:[(（](0\d{2,3})[)）][\s-]?|(0\d{2,3})[\s-])(\d{7,8})$")


def text(raw: str) -> str:
    """NFKC (full-width digits, letters and spaces to their plain forms) and trimmed. ASCII is
    NFKC already: most cells skip the call."""
    if not raw.isascii():
        raw = unicodedata.normalize("NFKC", raw)
    return raw.strip()


def date(raw: str) -> dt.date:
    """A date in any of the forms department files use; ValueError if it is none of them."""
    value = text(raw)
    match = _SEPARATED.match(value) or _COMPACT.match(value)
    if match:
        year, month, day = (int(part) for part in match.groups())
        return dt.date(year, month, day)
    if _SERIAL.match(value):
        return _EXCEL_EPOCH + dt.timedelta(days=int(float(value)))
    raise ValueError(value)


def phone(raw: str) -> str:
    """A mobile number's spaces, dashes and +86 / 0086 country code taken out; a landline as
    area code, dash, number (025 12345678 and (025)12345678 become 025-12345678). A value of
    neither form is returned as written."""
    value = text(raw)
    if match := _MOBILE.match(value):
        return "".join(match.groups())
    if match := _LANDLINE.match(value):
        bracketed, separated, number = match.groups()
        return f"{bracketed or separated}-{number}"
    return value
