"""The caller's phone number becomes a keyed hash at the edge (contract 2).

HMAC-SHA256 with a secret key from configuration: the same caller always gets the same hash
(repeat callers can be counted), but without the key nobody can test a guessed number against
the hash, which a plain SHA-256 of a 10-digit number would allow in seconds. Numbers are first
normalised to E.164 so that 0612345678, +212 6 12 34 56 78 and 00212612345678 are one caller.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from hotline.config import Settings
from hotline.errors import HotlineError
from hotline.log import get_logger

log = get_logger(__name__)

DEVELOPMENT_KEY = b"hotline-DEVELOPMENT-ONLY-caller-hash-key--NOT-SECRET"
"""Used only when HOTLINE_MODE is demo or test and no key is set; never in production."""

MIN_KEY_CHARS = 16
WITHHELD = {"anonymous", "private", "restricted", "unknown", "unavailable", "withheld"}
_SEPARATORS = re.compile(r"[\s().\-/]")
_warned = False


def caller_key(settings: Settings) -> bytes:
    """The HMAC key; refuses to run in production without a real one."""
    global _warned
    key = settings.caller_hash_key
    if key:
        if settings.mode == "production" and (len(key) < MIN_KEY_CHARS or key.encode() == DEVELOPMENT_KEY):
            raise HotlineError(
                f"HOTLINE_CALLER_HASH_KEY is too weak for production (at least {MIN_KEY_CHARS} random characters, "
                "not the development key); generate one with `python -c 'import secrets; print(secrets.token_urlsafe(32))'`"
            )
        return key.encode("utf-8")
    if settings.mode == "production":
        raise HotlineError(
            "HOTLINE_CALLER_HASH_KEY is not set: caller numbers cannot be hashed in production without a secret key; "
            "set it (and keep it: changing it changes every caller hash), or set HOTLINE_MODE=demo for a trial run"
        )
    if not _warned:
        _warned = True
        log.warning("caller_hash.development_key", mode=settings.mode, note="caller hashes use the built-in development key; never use this mode with real calls")
    return DEVELOPMENT_KEY


def normalise_number(raw: str) -> str:
    """E.164 form: Moroccan numbers as +212XXXXXXXXX, foreign ones as + and their digits.

    Accepted Moroccan forms: 0612345678, 612345678 (leading 0 lost in a spreadsheet),
    +212612345678, 00212612345678, 212612345678, +212 (0)6 12 34 56 78. Raises ValueError
    when there is no number in `raw`.
    """
    s = _SEPARATORS.sub("", raw.strip())
    if s.startswith("00"):
        s = "+" + s[2:]
    plus = s.startswith("+")
    digits = s[1:] if plus else s
    if not digits.isdigit() or len(digits) < 3:
        raise ValueError("not a phone number (expected digits, optionally with a leading + or 00)")
    if digits.startswith("2120") and len(digits) == 13:  # +212 (0)6...: drop the trunk zero
        digits = "212" + digits[4:]
    if not plus:
        if len(digits) == 10 and digits[0] == "0" and digits[1] in "5678":
            return "+212" + digits[1:]
        if len(digits) == 9 and digits[0] in "5678":
            return "+212" + digits
        if len(digits) == 12 and digits.startswith("212"):
            return "+" + digits
    return "+" + digits


def hash_caller(number: str | None, key: bytes) -> str | None:
    """Hex HMAC-SHA256 of the normalised number; None when the number is absent or withheld."""
    if number is None or not number.strip() or number.strip().lower() in WITHHELD:
        return None
    return hmac.new(key, normalise_number(number).encode("ascii"), hashlib.sha256).hexdigest()
