"""Verification codes, serial numbers, masked names and holder hashes. Pure.

A verification code is 80 random bits written in Crockford's base32 (16 characters, no I, L,
O or U), shown in four groups of four so it can be read aloud and typed from paper.
"""

import hashlib
import secrets
import unicodedata

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
CODE_BITS = 80
CODE_LENGTH = CODE_BITS // 5
_READ_AS = {"O": "0", "I": "1", "L": "1"}


def new_code() -> str:
    """A fresh unguessable verification code (80 bits)."""
    value = secrets.randbits(CODE_BITS)
    return "".join(ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(CODE_LENGTH)))


def format_code(code: str) -> str:
    """``ABCD1234EFGH5678`` → ``ABCD-1234-EFGH-5678`` for print."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise_code(text: str | None) -> str | None:
    """The code a person typed or scanned, or None when it cannot be one.

    Case, spaces and dashes are ignored; O, I and L are read as 0, 1 and 1, as Crockford's
    base32 intends.
    """
    if not text:
        return None
    cleaned = "".join(ch for ch in text.upper() if ch not in " -\t")
    cleaned = "".join(_READ_AS.get(ch, ch) for ch in cleaned)
    if len(cleaned) != CODE_LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def serial_for(year: int, number: int) -> str:
    """A readable serial number, e.g. ``AC-2026-000042``."""
    return f"AC-{year}-{number:06d}"


def mask_name(name: str) -> str:
    """Show initials only: ``José Martínez`` → ``J*** M*******``."""
    parts = []
    for word in name.split():
        parts.append(word[0] + "*" * (len(word) - 1))
    return " ".join(parts)


def normalise_name(name: str) -> str:
    """Lower case, no accents, single spaces: the form a name is hashed in."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.casefold().split())


def holder_hash(name: str, salt: str) -> str:
    """SHA-256 of the normalised name salted with the serial: proves a name without showing it."""
    digest = hashlib.sha256(f"{salt}:{normalise_name(name)}".encode()).hexdigest()
    return f"sha256${digest}"
