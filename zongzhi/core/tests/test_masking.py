"""Masking identifiers written into free text."""

from __future__ import annotations


def test_mask_text_masks_id_numbers_and_phones_written_into_free_text() -> None:
    from zongzhi.core.masking import mask_text

    assert (
        mask_text("张三13812345678，身份证32011119800101123X，欠薪")
        == "张三138****5678，身份证3201**********123X，欠薪"
    )
    # a case number or a longer run of digits is not a phone
    assert mask_text("SJ2026120500013 编号12345678901234567890") == "SJ2026120500013 编号12345678901234567890"
    assert mask_text("") == ""
