"""Verification codes, serials, masked names and holder hashes."""

from hypothesis import given
from hypothesis import strategies as st

from certificates import codes


def test_codes_are_80_bits_of_unambiguous_characters():
    seen = {codes.new_code() for _ in range(2000)}
    assert len(seen) == 2000
    for code in seen:
        assert len(code) == 16
        assert not set(code) & set("ILOU")
    assert codes.CODE_BITS >= 80


def test_codes_print_in_groups_and_read_back_however_they_are_typed():
    code = "AB12CD34EF56GH78"
    printed = codes.format_code(code)
    assert printed == "AB12-CD34-EF56-GH78"
    assert codes.normalise_code(printed.lower()) == code
    assert codes.normalise_code(" ab12 cd34 ef56 gh78 ") == code
    # O, I and L typed by mistake are read as 0, 1, 1.
    assert codes.normalise_code("AB12CD34EF56GH7O") == "AB12CD34EF56GH70"
    assert codes.normalise_code("too-short") is None
    assert codes.normalise_code("AB12CD34EF56GH7U") is None  # U is never used
    assert codes.normalise_code(None) is None


@given(st.text(max_size=40))
def test_normalise_code_never_accepts_a_wrong_length(text):
    result = codes.normalise_code(text)
    assert result is None or (len(result) == 16 and set(result) <= set(codes.ALPHABET))


def test_names_are_masked_and_hashed_with_the_serial():
    assert codes.mask_name("José Martínez") == "J*** M*******"
    one = codes.holder_hash("José  Martínez", "AC-2026-000001")
    assert one == codes.holder_hash("jose martinez", "AC-2026-000001")  # accents, case, spaces
    assert one != codes.holder_hash("José Martínez", "AC-2026-000002")  # salted
    assert one.startswith("sha256$") and len(one) == 7 + 64
    assert codes.serial_for(2026, 42) == "AC-2026-000042"
