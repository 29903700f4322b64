"""IDs: the table-driven base36 writes what digit-by-digit base36 writes."""

import random

from app.core import ids


def _reference(number: int) -> str:
    chars = []
    for _ in range(25):
        number, rem = divmod(number, 36)
        chars.append("0123456789abcdefghijklmnopqrstuvwxyz"[rem])
    return "".join(reversed(chars))


def test_base36_matches_digit_by_digit():
    rng = random.Random(5)
    values = [0, 1, 35, 36, 36**3 - 1, 36**3, 2**128 - 1, 36**25 - 1] + [rng.getrandbits(128) for _ in range(20000)]
    for value in values:
        assert ids._base36(value) == _reference(value)


def test_new_id_shape():
    value = ids.new_id("ct")
    assert ids.looks_like("ct", value)


def test_new_ids_are_new_ids():
    made = ids.new_ids("evt", 500)
    assert len(set(made)) == 500 and all(ids.looks_like("evt", i) for i in made)
    assert ids.new_ids("ct", 0) == []
