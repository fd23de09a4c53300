"""Per-class scores packed in one Python integer (fixed point, 64 bits per class).

Why: the classifier's score of a question is a sum over its features of per-class weights.
Summing Python integers that each carry every class's weight costs one addition per feature,
instead of one float addition per feature and class; the sum is unpacked once per question.
Field k holds `OFFSET + round(score * SCALE)`, so every field stays positive in a sum of up to
2^23 terms (|sum| < 2^15, resolution 2^-24).
"""

from __future__ import annotations

import struct

SCALE = float(1 << 24)
INV_SCALE = 1.0 / SCALE
OFFSET = 1 << 40
_MASK = (1 << 64) - 1


def pack(scores: list[float]) -> int:
    return int.from_bytes(struct.pack(f"<{len(scores)}Q", *[round(v * SCALE) + OFFSET for v in scores]), "little")


def field(packed: int, k: int) -> float:
    """Class k's score in one packed integer (one feature's, not a sum)."""
    return (((packed >> (64 * k)) & _MASK) - OFFSET) * INV_SCALE


def unpacker(n_classes: int):
    """A function: the sum of `terms` packed integers -> the per-class scores."""
    unpack = struct.Struct(f"<{n_classes}Q").unpack
    size = 8 * n_classes

    def scores(total: int, terms: int) -> list[float]:
        base = terms * OFFSET
        return [(r - base) * INV_SCALE for r in unpack(total.to_bytes(size, "little"))]

    return scores
