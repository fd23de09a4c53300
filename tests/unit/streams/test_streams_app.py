"""Small pure parts of the worker app: message chunking, the changelog-mirrored store."""

from pydantic_core import to_json

from streams.app import CHUNK_BYTES, ChangelogStore, chunks


def test_chunks_keep_order_and_stay_under_the_message_limit():
    q = ["vaccination", "vaccination.centre", "fr", None, []]
    contribs = [[f"{i:032x}", 1622530000 + i, i % 6, "answered", 1.0, 60.0, "fr", "R", [q] * (1 + i % 4)] for i in range(5000)]
    parts = chunks(contribs)
    assert [c for part in parts for c in part] == contribs
    assert len(parts) > 1
    assert all(len(to_json({"n": 6, "c": part})) < 1_000_000 for part in parts)
    assert all(len(to_json({"n": 6, "c": part})) <= CHUNK_BYTES * 1.5 for part in parts)


def test_store_records_every_change_for_the_changelog():
    store = ChangelogStore(app=None, topic="t", bootstrap="x")  # type: ignore[arg-type]
    store[b"a"] = b"1"
    store[b"b"] = b"2"
    store.pop(b"a")
    assert dict(store.items()) == {b"b": b"2"} and b"b" in store and len(store) == 1
    assert store.pending == [(b"a", b"1"), (b"b", b"2"), (b"a", None)]  # None = tombstone
