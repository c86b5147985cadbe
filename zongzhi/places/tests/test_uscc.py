"""Unified social credit codes: normalization, the alphabet and the check character."""

from __future__ import annotations

import pytest

from zongzhi.core.errors import InvalidInput
from zongzhi.places.uscc import ALPHABET, is_valid_uscc, parse_uscc, uscc_check_char

# Widely cited as a valid code; it passes the GB 32100-2015 check.
PUBLIC_EXAMPLE = "91350100M000100Y43"


def make_code(first17: str) -> str:
    return first17 + uscc_check_char(first17)


def independent_check_char(first17: str) -> str:
    """The check character computed from the standard's definition: weight = 3**i mod 31."""
    total = sum(ALPHABET.index(char) * pow(3, i, 31) for i, char in enumerate(first17))
    return ALPHABET[(31 - total % 31) % 31]


def refusal(value: str) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        parse_uscc(value)
    assert not is_valid_uscc(value)
    return caught.value


def test_alphabet_has_31_characters_without_i_o_z_s_v() -> None:
    assert len(ALPHABET) == len(set(ALPHABET)) == 31
    assert not set("IOZSV") & set(ALPHABET)


def test_public_example_is_valid() -> None:
    assert parse_uscc(PUBLIC_EXAMPLE) == PUBLIC_EXAMPLE
    assert is_valid_uscc(PUBLIC_EXAMPLE)


@pytest.mark.parametrize(
    "first17",
    ["91320111MA1XY70AB", "12320100466012345", "52320111MJ5678901", "93320111MA2PQRT0W", "Y1320111000000000"],
)
def test_built_codes_are_valid_and_agree_with_the_definition(first17: str) -> None:
    code = make_code(first17)
    assert code[17] == independent_check_char(first17)
    assert parse_uscc(code) == code
    assert is_valid_uscc(code)


def test_check_character_zero_when_the_sum_is_a_multiple_of_31() -> None:
    assert uscc_check_char("0" * 17) == "0"


def test_code_is_normalized() -> None:
    code = make_code("91320111MA1XY70AB")
    assert parse_uscc(f"  {code.lower()}\n") == code
    assert parse_uscc(f"{code[:8]} {code[8:]}") == code
    assert is_valid_uscc(code.lower())


@pytest.mark.parametrize(
    "value",
    [
        "",
        "91350100M000100Y4",  # 17 characters
        "91350100M000100Y433",  # 19 characters
        "91350100M000100I43",  # I is not in the alphabet
        "91350100M000100O43",
        "91350100M000100Z43",
        "91350100M000100S43",
        "91350100M000100V43",
        "91350100M000100Y4-",
        "９1350100M000100Y43",  # a full-width digit
    ],
)
def test_wrong_length_or_character_is_a_format_error(value: str) -> None:
    error = refusal(value)
    assert error.code == "uscc_format"
    assert "统一社会信用代码应为18位" in error.message
    assert error.errors == [{"field": "credit_code", "message": error.message}]


def test_wrong_check_character_is_a_checksum_error() -> None:
    for wrong in ALPHABET.replace(PUBLIC_EXAMPLE[17], ""):
        error = refusal(PUBLIC_EXAMPLE[:17] + wrong)
        assert error.code == "uscc_checksum"
        assert error.message == "统一社会信用代码校验位不正确，请核对"


def test_single_character_typo_is_caught() -> None:
    for position in range(17):
        for replacement in ALPHABET:
            if replacement != PUBLIC_EXAMPLE[position]:
                typo = PUBLIC_EXAMPLE[:position] + replacement + PUBLIC_EXAMPLE[position + 1 :]
                assert not is_valid_uscc(typo)


def test_errors_name_the_given_field() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_uscc("x", field="employer_code")
    assert caught.value.errors[0]["field"] == "employer_code"


def test_check_char_rejects_bad_input() -> None:
    for bad in ("", "91350100M000100Y", "91350100M000100I4"):
        with pytest.raises(ValueError):
            uscc_check_char(bad)
