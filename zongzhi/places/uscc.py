"""Unified social credit codes (统一社会信用代码, GB 32100-2015).

Organisations, shops and other places in the registry are keyed by this 18-character code, so
it is checked on entry like an ID number is. The code is written in a 31-character alphabet
(digits and capitals without I, O, Z, S, V); the last character is a check character over the
first 17, computed modulo 31 with fixed weights.

`parse_uscc` is for forms and the API (a Chinese message and a stable code per rule);
`is_valid_uscc` gives the same answer without exceptions, for bulk imports.
"""

from __future__ import annotations

from zongzhi.core.errors import InvalidInput

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

_VALUES = {char: index for index, char in enumerate(ALPHABET)}

FORMAT_MESSAGE = "统一社会信用代码应为18位数字或大写字母（不含I、O、Z、S、V）"
CHECKSUM_MESSAGE = "统一社会信用代码校验位不正确，请核对"


def uscc_check_char(first17: str) -> str:
    """The check character of the first 17 characters of a code. Raises ValueError when
    `first17` is not 17 characters of the code's alphabet."""
    if len(first17) != 17:
        raise ValueError(f"uscc_check_char needs 17 characters, got {first17!r}")
    try:
        total = sum(weight * _VALUES[char] for weight, char in zip(WEIGHTS, first17, strict=True))
    except KeyError:
        raise ValueError(f"uscc_check_char got a character outside the alphabet: {first17!r}") from None
    return ALPHABET[(31 - total % 31) % 31]


def _normalize(value: str) -> str:
    return "".join(value.split()).upper()


def _check(code: str) -> str | None:
    """The error code for a normalized code, or None when it is valid."""
    if len(code) != 18 or any(char not in _VALUES for char in code):
        return "uscc_format"
    if uscc_check_char(code[:17]) != code[17]:
        return "uscc_checksum"
    return None


def parse_uscc(value: str, *, field: str = "credit_code") -> str:
    """Check a unified social credit code and return it normalized (whitespace dropped, upper
    case). Fails with `InvalidInput.field(field, ...)`, code `uscc_format` for a wrong length or
    character, `uscc_checksum` for a wrong check character."""
    code = _normalize(value)
    problem = _check(code)
    if problem == "uscc_format":
        raise InvalidInput.field(field, FORMAT_MESSAGE, code=problem)
    if problem == "uscc_checksum":
        raise InvalidInput.field(field, CHECKSUM_MESSAGE, code=problem)
    return code


def is_valid_uscc(value: str) -> bool:
    """Whether `value` is a valid code, by the same rules as `parse_uscc`."""
    return _check(_normalize(value)) is None
