"""Chinese resident ID numbers (居民身份证号码, GB 11643-1999).

The registry keys people by their ID number, so a number is checked before it is sealed and
indexed (see `crypto.py`): a typo caught here is one duplicate person fewer later. An 18-character
number is 6 digits of region, 8 of birth date (YYYYMMDD), 3 of sequence (odd for men) and one
ISO 7064 MOD 11-2 check character (0-9 or X).

Two entry points share one set of rules:

- `parse_id_number` for forms and the API: it says what is wrong, in Chinese, with one stable
  code per rule, and returns the birth date and sex read from the number.
- `is_valid_id_number` for bulk imports (a million rows): a yes/no answer without exceptions,
  dates or per-row allocations beyond what the check needs.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from decimal import Decimal
from operator import mul

from django.utils import timezone

from zongzhi.core.errors import InvalidInput

# Province-level codes that open a region code (GB/T 2260, plus 71 台湾, 81 香港, 82 澳门 and 83,
# used by the residence permits of Taiwan residents).
PROVINCE_CODES = frozenset(
    str(code)
    for code in (
        *range(11, 16),
        *range(21, 24),
        *range(31, 38),
        *range(41, 47),
        *range(50, 55),
        *range(61, 66),
        71,
        81,
        82,
        83,
    )
)

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"  # indexed by (weighted sum mod 11)

# Multiplying the ASCII codes instead of the digits adds 48 * sum(WEIGHTS); subtracting it once
# lets the fast path weigh `str.encode()` bytes without converting each character to an int.
_ASCII_OFFSET = ord("0") * sum(WEIGHTS)
_DIGITS = frozenset("0123456789")
_EARLIEST = "19000101"
# Every month-day that exists in some year; 02-29 additionally needs a leap year.
_MONTH_DAYS = frozenset(
    f"{month:02d}{day:02d}"
    for month, days in enumerate((31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31), start=1)
    for day in range(1, days + 1)
)

FORMAT_MESSAGE = "身份证号码应为18位，最后一位可以是X"
OLD_FORMAT_MESSAGE = "这是15位的旧身份证号码，请填写18位身份证号码"
REGION_MESSAGE = "身份证号码前6位的地区码不正确"
CHECKSUM_MESSAGE = "身份证号码校验位不正确，请核对"

MALE = "1"  # GB/T 2261.1 sex codes
FEMALE = "2"


@dataclass(frozen=True)
class IdInfo:
    """A checked ID number and what it says about its holder."""

    number: str
    region: str
    birth_date: dt.date
    sex: str  # GB/T 2261.1: "1" male, "2" female


def check_digit(first17: str) -> str:
    """The check character (0-9 or X) of the first 17 digits, by ISO 7064 MOD 11-2."""
    if len(first17) != 17 or not set(first17) <= _DIGITS:
        raise ValueError(f"check_digit needs 17 ASCII digits, got {first17!r}")
    return CHECK_CHARS[(sum(map(mul, WEIGHTS, first17.encode())) - _ASCII_OFFSET) % 11]


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


# Today's date as "YYYYMMDD" in the project's time zone, and the moment it stops being today.
# Bulk checks ask for it per row; recomputing a zone-aware date each time would cost more than
# the rest of the check.
_today: tuple[str, float] = ("", 0.0)


def _today_key() -> str:
    global _today
    key, until = _today
    if time.time() < until:
        return key
    now = timezone.localtime()
    tomorrow = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time.min, tzinfo=now.tzinfo)
    key = now.strftime("%Y%m%d")
    _today = (key, tomorrow.timestamp())
    return key


def _normalize(value: str) -> str:
    """Drop all whitespace (also the full-width space) and upper-case a trailing x."""
    number = "".join(value.split())
    if number.endswith("x"):
        number = number[:-1] + "X"
    return number


def normalize_id_number(value: str) -> str:
    """The number as stored and indexed: no whitespace anywhere, an upper-case X."""
    return _normalize(value).upper()


def is_valid_id_number(value: str) -> bool:
    """Whether `value` is an acceptable 18-character ID number; the same rules as
    `parse_id_number`, without building messages or dates, for bulk imports."""
    if len(value) != 18 or value[-1] == "x" or not value.isascii():
        value = _normalize(value)
        if len(value) != 18 or not value.isascii():
            return False
    body = value[:17]
    if not body.isdigit():  # ASCII already checked, so these are 0-9 only
        return False
    if value[:2] not in PROVINCE_CODES:
        return False
    ymd = value[6:14]
    if ymd < _EARLIEST or ymd > _today_key():
        return False
    month_day = ymd[4:]
    if month_day not in _MONTH_DAYS or (month_day == "0229" and not _is_leap(int(ymd[:4]))):
        return False
    return CHECK_CHARS[(sum(map(mul, WEIGHTS, body.encode())) - _ASCII_OFFSET) % 11] == value[17]


def parse_id_number(value: str, *, field: str = "id_number", today: dt.date | None = None) -> IdInfo:
    """Check an ID number and read its region, birth date and sex.

    Steps, each failing with its own code (`InvalidInput.field(field, ...)`):
    1. format (`id_format`): after dropping spaces, 17 digits and a digit or X (x accepted);
       a 15-digit number of the old kind gets its own message;
    2. region (`id_region`): the first two digits are a province-level code;
    3. birth date (`id_birth_date`): a real date from 1900-01-01 up to `today` (default: today
       in the project's time zone);
    4. check character (`id_checksum`).
    """
    number = _normalize(value)
    if len(number) == 15 and number.isascii() and number.isdigit():
        raise InvalidInput.field(field, OLD_FORMAT_MESSAGE, code="id_format")
    if len(number) != 18 or not set(number[:17]) <= _DIGITS or number[17] not in CHECK_CHARS:
        raise InvalidInput.field(field, FORMAT_MESSAGE, code="id_format")

    if number[:2] not in PROVINCE_CODES:
        raise InvalidInput.field(field, REGION_MESSAGE, code="id_region")

    ymd = number[6:14]
    shown = f"{ymd[:4]}-{ymd[4:6]}-{ymd[6:]}"
    try:
        birth = dt.date(int(ymd[:4]), int(ymd[4:6]), int(ymd[6:]))
    except ValueError:
        raise InvalidInput.field(field, f"身份证号码中的出生日期 {shown} 不正确", code="id_birth_date") from None
    if birth < dt.date(1900, 1, 1):
        raise InvalidInput.field(field, f"身份证号码中的出生日期 {shown} 不正确，不能早于1900年", code="id_birth_date")
    if birth > (today or timezone.localdate()):
        raise InvalidInput.field(field, f"身份证号码中的出生日期 {shown} 不正确，不能晚于今天", code="id_birth_date")

    if check_digit(number[:17]) != number[17]:
        raise InvalidInput.field(field, CHECKSUM_MESSAGE, code="id_checksum")

    return IdInfo(
        number=number,
        region=number[:6],
        birth_date=birth,
        sex=MALE if int(number[16]) % 2 else FEMALE,
    )


def age_on(birth: dt.date, day: dt.date) -> int:
    """Age in whole years on `day`. Someone born on 29 February turns a year older on 1 March
    in common years. Raises ValueError if `day` is before `birth`."""
    if day < birth:
        raise ValueError(f"{day} is before the birth date {birth}")
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def may_come_from_number_cell(number: str) -> bool:
    """Whether an 18-digit number is what a spreadsheet's number cell makes of some number.

    Excel keeps 15 significant digits. Saved as CSV the number reads as those digits and three
    zeros; read from an .xlsx by a parser it is the double nearest to them, whose last digits
    are whatever the double holds (320111198503121234 came back as 320111198503121024). Earlier
    imports turned such cells into text and kept them when the checksum happened to pass (about
    one in eleven). A real ID number matches one of the two forms by chance about once in 500,
    so a match says "check this person's papers", not "wrong".
    """
    if len(number) != 18 or not number.isdigit():
        return False
    kept = format(int(number), ".14e")  # the 15 significant digits a number cell keeps
    return int(number) in (int(float(kept)), int(Decimal(kept)))
