"""Resident ID numbers: what is accepted, what each refusal says, and what is read from them."""

from __future__ import annotations

import datetime as dt

import pytest

from zongzhi.core.errors import InvalidInput
from zongzhi.people.idcard import (
    CHECK_CHARS,
    FEMALE,
    MALE,
    IdInfo,
    age_on,
    check_digit,
    is_valid_id_number,
    parse_id_number,
)

TODAY = dt.date(2025, 6, 1)


def make_id(birth: str, sequence: str = "123", region: str = "320111") -> str:
    """A valid number for the birth date (YYYYMMDD) and sequence, in 南京市浦口区 by default."""
    first17 = region + birth + sequence
    return first17 + check_digit(first17)


def with_check(first17: str, check: str) -> str:
    return first17 + check


def refusal(value: str) -> InvalidInput:
    """The error parse_id_number raises; the bulk check must refuse the value too."""
    with pytest.raises(InvalidInput) as caught:
        parse_id_number(value, today=TODAY)
    born_after_today = value[6:14].isascii() and value[6:14] > TODAY.strftime("%Y%m%d")
    if not born_after_today:  # the bulk check knows only the real today
        assert not is_valid_id_number(value)
    return caught.value


def is_chinese(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)


# --- check digit --------------------------------------------------------------------------


def test_check_digit_matches_the_standards_example() -> None:
    # The example number printed in GB 11643-1999.
    assert check_digit("11010519491231002") == "X"


def test_check_digit_matches_an_independent_computation() -> None:
    weights = [2 ** (17 - i) % 11 for i in range(17)]  # the definition of the MOD 11-2 weights
    for first17 in ("32011119900101123", "32011120000229456", "11010519491231002", "65010119850615999"):
        total = sum(int(d) * w for d, w in zip(first17, weights, strict=True))
        expected = (12 - total % 11) % 11
        assert check_digit(first17) == ("X" if expected == 10 else str(expected))


def test_check_digit_rejects_anything_but_17_digits() -> None:
    for bad in ("", "3201111990010112", "320111199001011234", "3201111990010112a"):
        with pytest.raises(ValueError):
            check_digit(bad)


# --- valid numbers ------------------------------------------------------------------------


def test_valid_number_gives_region_birth_date_and_sex() -> None:
    number = make_id("19900101", "123")
    info = parse_id_number(number, today=TODAY)
    assert info == IdInfo(number=number, region="320111", birth_date=dt.date(1990, 1, 1), sex=MALE)
    assert is_valid_id_number(number)


def test_even_seventeenth_digit_is_female() -> None:
    info = parse_id_number(make_id("19851231", "124"), today=TODAY)
    assert info.sex == FEMALE
    assert parse_id_number(make_id("19851231", "120"), today=TODAY).sex == FEMALE
    assert parse_id_number(make_id("19851231", "129"), today=TODAY).sex == MALE


def test_leap_day_birth_date_is_accepted() -> None:
    number = make_id("20000229", "456")
    assert parse_id_number(number, today=TODAY).birth_date == dt.date(2000, 2, 29)
    assert is_valid_id_number(number)


def test_number_with_x_check_character_is_accepted_in_either_case() -> None:
    first17 = next(
        f"320111{birth}{seq:03d}"
        for birth in ("19900101", "19750815")
        for seq in range(1000)
        if check_digit(f"320111{birth}{seq:03d}") == "X"
    )
    upper = first17 + "X"
    lower = first17 + "x"
    assert parse_id_number(upper, today=TODAY).number == upper
    assert parse_id_number(lower, today=TODAY).number == upper
    assert is_valid_id_number(upper)
    assert is_valid_id_number(lower)


def test_standards_example_is_valid() -> None:
    info = parse_id_number("11010519491231002X", today=TODAY)
    assert info.birth_date == dt.date(1949, 12, 31)
    assert info.sex == FEMALE
    assert is_valid_id_number("11010519491231002x")


def test_spaces_are_dropped() -> None:
    number = make_id("19900101")
    spaced = f" {number[:6]} {number[6:14]} {number[14:]}\u3000"
    assert parse_id_number(spaced, today=TODAY).number == number
    assert is_valid_id_number(spaced)


def test_born_today_is_accepted() -> None:
    number = make_id(TODAY.strftime("%Y%m%d"))
    assert parse_id_number(number, today=TODAY).birth_date == TODAY


def test_default_today_is_the_current_date() -> None:
    number = make_id(dt.date.today().strftime("%Y%m%d"))
    assert parse_id_number(number).birth_date == dt.date.today()
    assert is_valid_id_number(number)


def test_every_province_code_is_accepted() -> None:
    provinces = [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46]
    provinces += [50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83]
    for province in provinces:
        number = make_id("19900101", region=f"{province}0101")
        assert parse_id_number(number, today=TODAY).region == f"{province}0101"
        assert is_valid_id_number(number)


# --- refusals -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "",
        "32011119900101123",  # 17 characters
        "3201111990010112345",  # 19 characters
        "32011119900101123A",  # a letter other than X
        "3201111990010112X4",  # X not last
        "３２０１１１１９９００１０１１２３４",  # full-width digits
        "320111-19900101-1234",
    ],
)
def test_wrong_length_or_characters_is_a_format_error(value: str) -> None:
    error = refusal(value)
    assert error.code == "id_format"
    assert error.message == "身份证号码应为18位，最后一位可以是X"
    assert error.errors == [{"field": "id_number", "message": error.message}]


def test_old_15_digit_number_asks_for_the_18_digit_one() -> None:
    error = refusal("320111900101123")
    assert error.code == "id_format"
    assert "15位" in error.message
    assert "18位" in error.message


def test_unknown_province_is_a_region_error() -> None:
    for region in ("000000", "100101", "160101", "240101", "470101", "550101", "700101", "840101", "990101"):
        error = refusal(make_id("19900101", region=region))
        assert error.code == "id_region"
        assert is_chinese(error.message)
        assert "地区" in error.message


@pytest.mark.parametrize(
    ("birth", "shown"),
    [
        ("19900230", "1990-02-30"),  # no such day
        ("19010229", "1901-02-29"),  # not a leap year
        ("19000229", "1900-02-29"),  # century, not a leap year
        ("19901301", "1990-13-01"),
        ("19900100", "1990-01-00"),
        ("18991231", "1899-12-31"),  # before 1900
        ("20250602", "2025-06-02"),  # after TODAY
    ],
)
def test_impossible_birth_date_is_named_in_the_error(birth: str, shown: str) -> None:
    error = refusal(make_id(birth))
    assert error.code == "id_birth_date"
    assert error.message.startswith(f"身份证号码中的出生日期 {shown} 不正确")


def test_future_birth_date_is_refused_by_the_bulk_check() -> None:
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    assert not is_valid_id_number(make_id(tomorrow.strftime("%Y%m%d")))


def test_wrong_check_character_is_a_checksum_error() -> None:
    number = make_id("19900101")
    for wrong in CHECK_CHARS.replace(number[17], ""):
        error = refusal(number[:17] + wrong)
        assert error.code == "id_checksum"
        assert error.message == "身份证号码校验位不正确，请核对"


def test_single_digit_typo_is_caught() -> None:
    number = make_id("19900101")
    for position in range(17):
        digit = number[position]
        for replacement in "0123456789":
            if replacement == digit:
                continue
            typo = number[:position] + replacement + number[position + 1 :]
            assert not is_valid_id_number(typo)


def test_errors_name_the_given_field() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_id_number("123", field="guardian_id_number")
    assert caught.value.errors == [{"field": "guardian_id_number", "message": "身份证号码应为18位，最后一位可以是X"}]


def test_checks_run_in_order_format_region_date_checksum() -> None:
    # A number wrong in every way reports its format first, then region, date, checksum.
    assert refusal("99011118991231123").code == "id_format"
    assert refusal(with_check("99011118991231123", "0")).code == "id_region"
    assert refusal(with_check("32011118991231123", "0")).code == "id_birth_date"


def test_bulk_check_agrees_with_parse_on_mixed_input() -> None:
    samples = [
        make_id(f"19{year:02d}{month:02d}{day:02d}") for year in (0, 4, 99) for month in (1, 2) for day in (28, 29, 30)
    ]
    samples += [s[:17] + "0" for s in samples] + ["", "x", "11010519491231002x", "320111900101123"]
    for sample in samples:
        try:
            parse_id_number(sample)
            parsed = True
        except InvalidInput:
            parsed = False
        assert is_valid_id_number(sample) is parsed, sample


# --- age ----------------------------------------------------------------------------------


def test_age_counts_whole_years() -> None:
    birth = dt.date(1990, 6, 15)
    assert age_on(birth, dt.date(1990, 6, 15)) == 0
    assert age_on(birth, dt.date(2008, 6, 14)) == 17
    assert age_on(birth, dt.date(2008, 6, 15)) == 18
    assert age_on(birth, dt.date(2025, 12, 31)) == 35


def test_leap_day_birthday_counts_from_march_first_in_common_years() -> None:
    birth = dt.date(2000, 2, 29)
    assert age_on(birth, dt.date(2018, 2, 28)) == 17
    assert age_on(birth, dt.date(2018, 3, 1)) == 18
    assert age_on(birth, dt.date(2004, 2, 29)) == 4


def test_age_before_birth_is_an_error() -> None:
    with pytest.raises(ValueError):
        age_on(dt.date(2000, 1, 2), dt.date(2000, 1, 1))
