"""Sealing and blind indexing of personal data, and where the key comes from."""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured

from zongzhi.core import crypto
from zongzhi.core.crypto import (
    SealError,
    blind_index,
    blind_index_many,
    reset_keys,
    seal,
    seal_many,
    seal_optional,
    unseal,
)

KEY_A = "00112233445566778899aabbccddeeff" * 2
KEY_B = "ffeeddccbbaa99887766554433221100" * 2
ID_NUMBER = "320111199001011234"
VERSION_PREFIX = b"\x01"
PHONE = "13912345678"


@pytest.fixture(autouse=True)
def data_key(settings: Any, tmp_path: Path) -> Iterator[None]:
    """Every test starts from KEY_A, with no derived keys left from another test and no key
    file written outside tmp_path."""
    settings.DATA_KEY = KEY_A
    settings.EMBEDDED = True
    settings.DATA_DIR = tmp_path
    reset_keys()
    yield
    reset_keys()


def embedded(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_KEY = ""
    settings.EMBEDDED = True
    settings.DATA_DIR = tmp_path
    reset_keys()
    return tmp_path / "data.key"


# --- seal and unseal ----------------------------------------------------------------------


@pytest.mark.parametrize("value", [ID_NUMBER, PHONE, "", "张三 北京市朝阳区", "x" * 10_000])
def test_unseal_returns_what_was_sealed(value: str) -> None:
    assert unseal(seal(value)) == value


def test_sealed_value_has_the_documented_layout() -> None:
    blob = seal(PHONE)
    assert blob[:1] == b"\x01"
    assert len(blob) == 1 + 12 + len(PHONE) + 16


def test_sealed_value_does_not_contain_the_plaintext() -> None:
    for value in (ID_NUMBER, PHONE):
        blob = seal(value)
        assert value.encode() not in blob
        assert value[-6:].encode() not in blob


def test_two_seals_of_one_value_differ_but_their_indexes_are_equal() -> None:
    first, second = seal(ID_NUMBER), seal(ID_NUMBER)
    assert first != second
    assert first[1:13] != second[1:13]  # fresh nonces
    assert blind_index(ID_NUMBER, "id_number") == blind_index(ID_NUMBER, "id_number")


def test_any_changed_byte_fails_unseal() -> None:
    blob = seal(ID_NUMBER)
    for position in range(1, len(blob)):
        tampered = bytearray(blob)
        tampered[position] ^= 0x01
        with pytest.raises(SealError, match="authentication"):
            unseal(bytes(tampered))


def test_unknown_version_fails_unseal() -> None:
    blob = seal(ID_NUMBER)
    with pytest.raises(SealError, match="version"):
        unseal(b"\x02" + blob[1:])


@pytest.mark.parametrize("length", [0, 1, 28])
def test_short_blob_fails_unseal(length: int) -> None:
    with pytest.raises(SealError, match="too short"):
        unseal(seal("")[:length])


def test_unseal_accepts_memoryview_from_database_drivers() -> None:
    assert unseal(memoryview(seal(PHONE))) == PHONE


def test_seal_optional_keeps_empty_values_empty() -> None:
    assert seal_optional("") is None
    sealed = seal_optional(PHONE)
    assert sealed is not None
    assert unseal(sealed) == PHONE


def test_known_answer_stays_readable() -> None:
    # Sealed once under KEY_A; if this fails, the format or key derivation changed and every
    # stored value would become unreadable.
    blob = bytes.fromhex("010699687abac0edb8b167b557585a3bf63cad6be945424c5321addb10a3c3a4824c5ddde9242fc2")
    assert unseal(blob) == PHONE


# --- blind index --------------------------------------------------------------------------


def test_blind_index_is_a_32_byte_digest_per_purpose() -> None:
    by_id = blind_index(ID_NUMBER, "id_number")
    assert len(by_id) == 32
    assert blind_index(ID_NUMBER, "phone") != by_id
    assert blind_index(ID_NUMBER[:-1] + "5", "id_number") != by_id


def test_blind_index_known_answer() -> None:
    expected = "9c58f92bb7b335cb73b0ae691eb2bd2a91ab2210b136b65042c20100e3383e5c"
    assert blind_index(ID_NUMBER, "id_number").hex() == expected


@pytest.mark.skipif("sm3" not in hashlib.algorithms_available, reason="the system OpenSSL has no SM3")
def test_blind_index_matches_hkdf_and_hmac_sm3_computed_independently() -> None:
    def hmac_sm3(key: bytes, message: bytes) -> bytes:
        return hmac.new(key, message, "sm3").digest()

    prk = hmac_sm3(b"\0" * 32, bytes.fromhex(KEY_A))  # HKDF-Extract, no salt (RFC 5869)
    index_key = hmac_sm3(prk, b"zongzhi:index:v1" + b"\x01")  # HKDF-Expand, one block
    expected = hmac_sm3(index_key, b"phone\0" + PHONE.encode())
    assert blind_index(PHONE, "phone") == expected


# --- keys ---------------------------------------------------------------------------------


def test_another_key_cannot_unseal_and_gives_another_index(settings: Any) -> None:
    blob = seal(ID_NUMBER)
    index = blind_index(ID_NUMBER, "id_number")
    settings.DATA_KEY = KEY_B  # the setting_changed signal drops the cached keys
    with pytest.raises(SealError):
        unseal(blob)
    assert blind_index(ID_NUMBER, "id_number") != index
    settings.DATA_KEY = KEY_A
    assert unseal(blob) == ID_NUMBER


def test_reset_keys_rereads_the_settings() -> None:
    index = blind_index(PHONE, "phone")
    # Assigning to django.conf.settings sends no setting_changed signal, so the cache must be
    # dropped explicitly. The assignment lands in the override the data_key fixture made and
    # goes away with it.
    django_settings.DATA_KEY = KEY_B
    assert blind_index(PHONE, "phone") == index
    reset_keys()
    assert blind_index(PHONE, "phone") != index


@pytest.mark.parametrize("bad", ["abc", KEY_A + "00", "zz" * 32, KEY_A[:-1]])
def test_malformed_key_is_a_configuration_error(settings: Any, bad: str) -> None:
    settings.DATA_KEY = bad
    with pytest.raises(ImproperlyConfigured, match="ZONGZHI_DATA_KEY"):
        seal(PHONE)


def test_key_with_surrounding_whitespace_is_accepted(settings: Any) -> None:
    blob = seal(PHONE)
    settings.DATA_KEY = f" {KEY_A.upper()}\n"
    assert unseal(blob) == PHONE


def test_production_without_a_key_refuses_to_start(settings: Any, tmp_path: Path) -> None:
    settings.DATA_KEY = ""
    settings.EMBEDDED = False
    settings.DATA_DIR = tmp_path
    with pytest.raises(ImproperlyConfigured, match="ZONGZHI_DATA_KEY"):
        seal(PHONE)
    with pytest.raises(ImproperlyConfigured, match="ZONGZHI_DATA_KEY"):
        blind_index(PHONE, "phone")
    assert not (tmp_path / "data.key").exists()


def test_embedded_key_file_is_created_once_private_and_reused(settings: Any, tmp_path: Path) -> None:
    key_file = embedded(settings, tmp_path / "var")
    assert not key_file.exists()

    blob = seal(ID_NUMBER)
    index = blind_index(ID_NUMBER, "id_number")
    content = key_file.read_text()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(content.strip()) == 64
    bytes.fromhex(content.strip())
    assert [p.name for p in key_file.parent.iterdir()] == ["data.key"]  # no temporary file left

    reset_keys()  # as a restarted process would
    assert unseal(blob) == ID_NUMBER
    assert blind_index(ID_NUMBER, "id_number") == index
    assert key_file.read_text() == content


def test_embedded_key_differs_from_configured_key(settings: Any, tmp_path: Path) -> None:
    index = blind_index(PHONE, "phone")
    embedded(settings, tmp_path)
    assert blind_index(PHONE, "phone") != index


def test_processes_starting_together_agree_on_one_key(tmp_path: Path) -> None:
    key_file = tmp_path / "data.key"
    barrier = threading.Barrier(8)
    keys: list[bytes] = []

    def start() -> None:
        barrier.wait()
        keys.append(crypto._embedded_key(key_file))

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == 8
    assert len(set(keys)) == 1
    assert keys[0] == bytes.fromhex(key_file.read_text())


def test_first_writer_of_the_key_file_wins(tmp_path: Path) -> None:
    key_file = tmp_path / "data.key"
    crypto._create_key_file(key_file, KEY_A + "\n")
    crypto._create_key_file(key_file, KEY_B + "\n")
    assert key_file.read_text() == KEY_A + "\n"
    assert crypto._embedded_key(key_file) == bytes.fromhex(KEY_A)


def test_key_file_without_hard_links_is_still_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_links(src: Any, dst: Any) -> None:
        raise PermissionError("hard links not supported")

    monkeypatch.setattr(os, "link", no_links)
    key_file = tmp_path / "data.key"
    key = crypto._embedded_key(key_file)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert crypto._embedded_key(key_file) == key
    assert [p.name for p in tmp_path.iterdir()] == ["data.key"]


def test_damaged_key_file_is_a_configuration_error(settings: Any, tmp_path: Path) -> None:
    key_file = embedded(settings, tmp_path)
    key_file.write_text("not a key, but long enough to be read at once: " + "q" * 40)
    with pytest.raises(ImproperlyConfigured, match=r"data\.key"):
        seal(PHONE)


# --- bulk ---------------------------------------------------------------------------------


def test_seal_many_agrees_with_unseal() -> None:
    values = [f"3201111990010{n:05d}" for n in range(200)] + ["", "张三"]
    sealed = seal_many(values)
    assert [unseal(blob) for blob in sealed] == values
    assert len({blob[1:13] for blob in sealed}) == len(values)  # every nonce distinct
    assert seal_many([]) == []


def test_blind_index_many_agrees_with_blind_index() -> None:
    values = [f"139{n:08d}" for n in range(200)] + [""]
    assert blind_index_many(values, "phone") == [blind_index(value, "phone") for value in values]
    assert blind_index_many([], "phone") == []


# --- whole files -------------------------------------------------------------------------


def test_a_sealed_file_opens_only_for_its_record_and_hides_the_numbers() -> None:
    body = ("证件号码," + ID_NUMBER + "\n").encode() * 100
    blob = crypto.seal_file(body, "registry.importjob:1:rejects_file")
    assert crypto.is_sealed_file(blob) and ID_NUMBER.encode() not in blob
    assert crypto.unseal_file(blob, "registry.importjob:1:rejects_file") == body
    with pytest.raises(SealError):
        crypto.unseal_file(blob, "registry.importjob:2:rejects_file")  # copied onto another record
    altered = bytearray(blob)
    altered[-20] ^= 1
    with pytest.raises(SealError):
        crypto.unseal_file(bytes(altered), "registry.importjob:1:rejects_file")
    with pytest.raises(SealError):
        crypto.unseal_file(body, "registry.importjob:1:rejects_file")  # not sealed at all


def test_files_are_sealed_under_their_own_key(settings: Any) -> None:
    # With an empty context (GCM's empty associated data, as a value has) neither opens as the
    # other: only the keys differ.
    blob = crypto.seal_file(b"x" * 40, "")
    value = seal("x" * 40)
    assert crypto.unseal_file(blob, "") == b"x" * 40
    with pytest.raises(SealError):
        unseal(VERSION_PREFIX + blob[len(crypto.FILE_MAGIC) :])
    with pytest.raises(SealError):
        crypto.unseal_file(crypto.FILE_MAGIC + value[1:], "")
    settings.DATA_KEY = KEY_B
    with pytest.raises(SealError):
        crypto.unseal_file(blob, "")
