"""Ed25519 keys, Data Integrity proofs (eddsa-jcs-2022) and compact tokens."""

import copy
import os

import pytest

from certificates import signing


@pytest.fixture
def key(tmp_path):
    return signing.load_or_create_key(tmp_path / "keys" / "issuer.pem")


def test_the_key_is_created_once_with_private_permissions(tmp_path):
    path = tmp_path / "keys" / "issuer.pem"
    first = signing.load_or_create_key(path)
    again = signing.load_or_create_key(path)
    assert first.public_bytes == again.public_bytes
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    assert first.multibase.startswith("z6Mk")
    pinned = signing.public_key_from_multibase(first.multibase)
    assert signing.public_raw(pinned) == first.public_bytes


def test_base58_round_trips_and_keeps_leading_zeros():
    for data in (b"", b"\0", b"\0\0abc", os.urandom(64)):
        assert signing.b58decode(signing.b58encode(data)) == data
    assert signing.b58encode(b"hello world") == "StV1DL6CwTryKyV"  # a known vector


def test_a_signed_document_verifies_and_any_change_breaks_it(key):
    document = {"@context": ["https://www.w3.org/ns/credentials/v2"], "name": "Curso", "n": 4.5}
    signed = signing.sign_document(
        document, key, "https://x/emisor.json#key-1", "2026-12-01T00:00:00Z"
    )
    assert signed["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    assert signing.verify_document(signed, key.public) == signed
    for path, value in (
        (("name",), "Otro curso"),
        (("n",), 5),
        (("proof", "created"), "2026-12-02T00:00:00Z"),
    ):
        altered = copy.deepcopy(signed)
        target = altered
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value
        with pytest.raises(signing.VerificationFailed) as caught:
            signing.verify_document(altered, key.public)
        assert "altered" in str(caught.value.reason)


def test_a_proof_from_another_key_or_without_proof_fails(key, tmp_path):
    other = signing.load_or_create_key(tmp_path / "other.pem")
    signed = signing.sign_document({"name": "x"}, other, "k", "2026-12-01T00:00:00Z")
    with pytest.raises(signing.VerificationFailed):
        signing.verify_document(signed, key.public)
    with pytest.raises(signing.VerificationFailed) as caught:
        signing.verify_document({"name": "x"}, key.public)
    assert "no proof" in str(caught.value.reason)


def test_tokens_verify_offline_and_refuse_tampering(key, tmp_path):
    token = signing.sign_token({"sn": "AC-2026-000001", "exp": 1893456000}, key)
    assert signing.verify_token(token, key.public) == {"sn": "AC-2026-000001", "exp": 1893456000}
    header, payload, signature = token.split(".")
    forged = signing.b64url(b'{"exp":1893456000,"sn":"AC-2026-000999"}')
    with pytest.raises(signing.VerificationFailed):
        signing.verify_token(f"{header}.{forged}.{signature}", key.public)
    with pytest.raises(signing.VerificationFailed):
        signing.verify_token("not-a-token", key.public)
    other = signing.load_or_create_key(tmp_path / "other.pem")
    with pytest.raises(signing.VerificationFailed) as caught:
        signing.verify_token(token, other.public)
    assert "another key" in str(caught.value.reason)
