"""Caller numbers: one E.164 form per caller, a keyed hash, and no key-less production run."""

import hashlib
import hmac
import logging

import pytest

from hotline.config import Settings
from hotline.errors import HotlineError
from producers import caller_hash
from producers.caller_hash import DEVELOPMENT_KEY, caller_key, hash_caller, normalise_number

KEY = b"0123456789abcdef-test-key"


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("0612345678", "+212612345678"),
        ("06 12 34 56 78", "+212612345678"),
        ("06.12.34.56.78", "+212612345678"),
        ("0712-345678", "+212712345678"),
        ("0522123456", "+212522123456"),
        ("612345678", "+212612345678"),  # leading zero lost in a spreadsheet
        ("+212612345678", "+212612345678"),
        ("+212 6 12 34 56 78", "+212612345678"),
        ("+212 (0)6 12 34 56 78", "+212612345678"),
        ("00212612345678", "+212612345678"),
        ("212612345678", "+212612345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("0033612345678", "+33612345678"),
        ("+1 (415) 555-0100", "+14155550100"),
    ],
)
def test_normalise_number(raw: str, e164: str) -> None:
    assert normalise_number(raw) == e164


@pytest.mark.parametrize("raw", ["", "abc", "+", "12", "06x2345678"])
def test_not_a_number_is_refused(raw: str) -> None:
    with pytest.raises(ValueError, match="not a phone number"):
        normalise_number(raw)


def test_every_form_of_one_number_has_one_hash() -> None:
    forms = ["0612345678", "+212612345678", "00212 6 12 34 56 78", "612345678"]
    hashes = {hash_caller(f, KEY) for f in forms}
    assert len(hashes) == 1
    expected = hmac.new(KEY, b"+212612345678", hashlib.sha256).hexdigest()
    assert hashes == {expected}
    assert hash_caller("0612345678", KEY) != hash_caller("0612345679", KEY)
    assert hash_caller("0612345678", KEY) != hash_caller("0612345678", KEY + b"x")
    assert hash_caller("0612345678", KEY) != hashlib.sha256(b"+212612345678").hexdigest()  # keyed, not a bare digest


@pytest.mark.parametrize("withheld", [None, "", "  ", "anonymous", "Private", "UNKNOWN"])
def test_withheld_numbers_have_no_hash(withheld: str | None) -> None:
    assert hash_caller(withheld, KEY) is None


def test_production_refuses_to_run_without_a_key() -> None:
    with pytest.raises(HotlineError, match="HOTLINE_CALLER_HASH_KEY is not set"):
        caller_key(Settings(mode="production", caller_hash_key=""))


@pytest.mark.parametrize("weak", ["short", DEVELOPMENT_KEY.decode()])
def test_production_refuses_a_weak_key(weak: str) -> None:
    with pytest.raises(HotlineError, match="too weak"):
        caller_key(Settings(mode="production", caller_hash_key=weak))


def test_production_uses_the_configured_key() -> None:
    assert caller_key(Settings(mode="production", caller_hash_key="k" * 32)) == b"k" * 32


@pytest.mark.parametrize("mode", ["demo", "test"])
def test_demo_and_test_fall_back_to_the_labelled_development_key(mode: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(caller_hash, "_warned", False)
    with caplog.at_level(logging.WARNING):
        assert caller_key(Settings(mode=mode, caller_hash_key="")) == DEVELOPMENT_KEY
    assert "caller_hash.development_key" in caplog.text
    assert b"DEVELOPMENT-ONLY" in DEVELOPMENT_KEY
