"""The SVM fitted in a child process, and the packed per-class scores the classifier sums."""

import sys

import pytest

from hotline.errors import HotlineError
from streams.classify import svm
from streams.classify.packed import field, pack, unpacker


def test_packed_scores_sum_and_unpack():
    rows = [[0.5, -1.25, 0.0], [-0.125, 2.0, 3.5], [1e-6, -7.0, 0.25]]
    total = sum(pack(r) for r in rows)
    got = unpacker(3)(total, len(rows))
    assert got == pytest.approx([sum(c) for c in zip(*rows)], abs=1e-6)
    assert [field(pack(rows[1]), k) for k in range(3)] == pytest.approx(rows[1], abs=1e-6)


def _score(index: dict, words: list[str], n_classes: int) -> list[float]:
    """What the classifier does with a model: the sum of the packed idf x weight of each known feature."""
    known = [index[w][1] for w in words if w in index]
    return unpacker(n_classes)(sum(known), len(known))


TOY = [
    (0, {"#gratuit": 1.0, "#vaccin": 0.5}), (0, {"#payer": 1.0, "#vaccin": 0.5}),
    (1, {"#centre": 1.0, "#ou": 0.5}), (1, {"#adresse": 1.0, "#centre": 0.5}),
    (2, {"#fievre": 1.0, "#bras": 0.5}), (2, {"#fievre": 1.0, "#fatigue": 0.5}),
]
IDF = {f: 1.0 for _, x in TOY for f in x}


@pytest.mark.parametrize("classes", [(0, 1, 2), (0, 2), (1,)])
def test_fit_separates_the_training_classes(classes):
    vectors = [(k, x) for k, x in TOY if k in classes]
    index = svm.fit(vectors, 4, IDF)   # a fourth class never seen: it must never win
    for k, x in vectors:
        scores = _score(index, list(x), 4)
        assert max(range(4), key=scores.__getitem__) == k, (k, scores)


def test_fit_in_a_child_is_deterministic_and_matches_in_process():
    first = svm.fit_groups({"fr": TOY}, 3, IDF)
    again = svm.fit_groups({"fr": TOY}, 3, IDF)
    assert first == again == {"fr": svm.fit(TOY, 3, IDF)}


def test_a_failing_child_is_one_clear_error(monkeypatch):
    monkeypatch.setattr(sys, "executable", "/bin/false")
    with pytest.raises(HotlineError, match="training the classifier failed"):
        svm.fit_groups({"fr": TOY}, 3, IDF)
