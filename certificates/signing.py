"""Ed25519 signatures for credentials: the issuer key, Data Integrity proofs and compact tokens.

- The issuer key is created on first use and kept as a PEM file (mode 600).
- Credentials carry a W3C Data Integrity proof, cryptosuite ``eddsa-jcs-2022``: the SHA-256 of
  the canonical (JCS) proof options, then of the canonical document, signed with Ed25519.
- The QR code can carry a compact token, a JWS with ``alg: EdDSA`` (RFC 8037), which a phone or
  the CLI verifies offline with the pinned public key.

Pure apart from reading and writing the key file.
"""

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from app.i18n import _l

CRYPTOSUITE = "eddsa-jcs-2022"
MULTIKEY_ED25519 = b"\xed\x01"  # multicodec prefix of an Ed25519 public key
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
TOKEN_TYPE = "aula-cert+jws"  # noqa: S105 - a media type, not a secret


class VerificationFailed(Exception):
    """A signature or its envelope does not check out; ``reason`` says why, for people."""

    def __init__(self, reason):
        super().__init__(str(reason))
        self.reason = reason


# -- encodings ----------------------------------------------------------------------------------


def b58encode(data: bytes) -> str:
    """Base58 (Bitcoin alphabet), as multibase ``z`` uses."""
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rest = divmod(number, 58)
        out = B58[rest] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def b58decode(text: str) -> bytes:
    """Inverse of :func:`b58encode`.

    :raises ValueError: on a character outside the alphabet.
    """
    number = 0
    for char in text:
        index = B58.find(char)
        if index < 0:
            raise ValueError(f"not base58: {char!r}")
        number = number * 58 + index
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def b64url(data: bytes) -> str:
    """Unpadded base64url."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Inverse of :func:`b64url` (padding restored).

    :raises ValueError: on malformed input.
    """
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as exc:
        raise ValueError("not base64url") from exc


def canonical(value: Any) -> bytes:
    """JSON Canonicalization Scheme (RFC 8785) for the data credentials hold.

    Sorted keys, no insignificant white space, UTF-8. Numbers are integers or short decimals
    whose shortest form Python and ECMAScript write alike.
    """
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


# -- keys ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuerKey:
    """The installation's signing key and the public forms others pin."""

    private: Ed25519PrivateKey

    @property
    def public(self) -> Ed25519PublicKey:
        """The public half."""
        return self.private.public_key()

    @property
    def public_bytes(self) -> bytes:
        """The raw 32-byte public key."""
        return public_raw(self.public)

    @property
    def multibase(self) -> str:
        """``publicKeyMultibase`` of a Multikey (``z6Mk…``)."""
        return public_multibase(self.public)

    @property
    def key_id(self) -> str:
        """A short stable id: the first 16 hex digits of the public key's SHA-256."""
        return key_fingerprint(self.public)


def public_raw(key: Ed25519PublicKey) -> bytes:
    """The raw 32 bytes of a public key."""
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_multibase(key: Ed25519PublicKey) -> str:
    """Multikey form of a public key: ``z`` + base58btc(0xed01 ‖ key)."""
    return "z" + b58encode(MULTIKEY_ED25519 + public_raw(key))


def key_fingerprint(key: Ed25519PublicKey) -> str:
    """First 16 hex digits of the SHA-256 of the raw public key."""
    return hashlib.sha256(public_raw(key)).hexdigest()[:16]


def public_key_from_multibase(text: str) -> Ed25519PublicKey:
    """Read a pinned ``z6Mk…`` public key.

    :raises ValueError: when it is not an Ed25519 Multikey.
    """
    if not text.startswith("z"):
        raise ValueError("a Multikey starts with 'z'")
    raw = b58decode(text[1:].strip())
    if not raw.startswith(MULTIKEY_ED25519) or len(raw) != 34:
        raise ValueError("not an Ed25519 Multikey")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def load_or_create_key(path: Path) -> IssuerKey:
    """The key stored at ``path``, created there (mode 600) the first time."""
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} does not hold an Ed25519 key")
        return IssuerKey(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # Create exclusively so two processes starting together cannot overwrite each other.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return load_or_create_key(path)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return IssuerKey(key)


# -- Data Integrity proofs (eddsa-jcs-2022) -----------------------------------------------------


def _hash_data(document: dict, proof_options: dict) -> bytes:
    config = {**proof_options, "@context": document.get("@context")}
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    return (
        hashlib.sha256(canonical(config)).digest() + hashlib.sha256(canonical(unsecured)).digest()
    )


def sign_document(document: dict, key: IssuerKey, verification_method: str, created: str) -> dict:
    """``document`` with a Data Integrity proof added (the input is not changed)."""
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    signature = key.private.sign(_hash_data(document, options))
    return {**document, "proof": {**options, "proofValue": "z" + b58encode(signature)}}


def verify_document(document: Any, public_key: Ed25519PublicKey) -> dict:
    """Check a signed document's proof; return the document.

    :raises VerificationFailed: with the reason (no proof, other suite, altered content…).
    """
    if not isinstance(document, dict):
        raise VerificationFailed(_l("the credential is not a JSON object"))
    proof = document.get("proof")
    if not isinstance(proof, dict):
        raise VerificationFailed(_l("the credential has no proof"))
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE:
        raise VerificationFailed(_l("unsupported proof (expected %(suite)s)", suite=CRYPTOSUITE))
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        raise VerificationFailed(_l("the proof value is not multibase base58btc"))
    try:
        signature = b58decode(value[1:])
    except ValueError as exc:
        raise VerificationFailed(_l("the proof value is not base58")) from exc
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    try:
        public_key.verify(signature, _hash_data(document, options))
    except InvalidSignature as exc:
        raise VerificationFailed(
            _l("the signature does not match: the credential was altered or signed by another key")
        ) from exc
    return document


# -- compact tokens (JWS, EdDSA) ----------------------------------------------------------------


def sign_token(claims: dict, key: IssuerKey) -> str:
    """A compact JWS over ``claims`` (``header.payload.signature``)."""
    header = {"alg": "EdDSA", "typ": TOKEN_TYPE, "kid": key.key_id}
    signing_input = f"{b64url(canonical(header))}.{b64url(canonical(claims))}"
    signature = key.private.sign(signing_input.encode("ascii"))
    return f"{signing_input}.{b64url(signature)}"


def verify_token(token: str, public_key: Ed25519PublicKey) -> dict:
    """Check a compact token's signature and return its claims.

    :raises VerificationFailed: with the reason.
    """
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise VerificationFailed(_l("a token has three parts separated by dots"))
    try:
        header = json.loads(b64url_decode(parts[0]))
        claims = json.loads(b64url_decode(parts[1]))
        signature = b64url_decode(parts[2])
    except (ValueError, UnicodeDecodeError) as exc:
        raise VerificationFailed(_l("the token is not well formed")) from exc
    if not isinstance(header, dict) or header.get("alg") != "EdDSA":
        raise VerificationFailed(_l("unsupported token algorithm (expected EdDSA)"))
    if header.get("kid") != key_fingerprint(public_key):
        raise VerificationFailed(_l("the token was signed with another key"))
    try:
        public_key.verify(signature, f"{parts[0]}.{parts[1]}".encode("ascii"))
    except InvalidSignature as exc:
        raise VerificationFailed(_l("the signature does not match: the token was altered")) from exc
    if not isinstance(claims, dict):
        raise VerificationFailed(_l("the token holds no claims"))
    return claims
