"""Classifier throughput on one core: questions per second, with and without the result cache.

    .venv/bin/python -m bench.classifier [--texts 20000] [--runs 5]

Texts are generated from the catalog phrasings with the perturbations callers make (case,
accents dropped, repeated letters, typos, greetings, numbers, Arabizi digit swaps), so most are
distinct. Timings are CPU time of this process (`time.process_time`), median of `--runs`, so
that other processes on a shared machine do not distort them.

- build:           Classifier built from the catalog file (start-up cost), CPU time including
                   the child process that fits the SVM.
- cold:            a fresh classifier (empty word memo and result cache) over all texts.
- no result cache: result cache disabled; word memo warm (its steady state in a worker).
- cached, 10% new: a stream where 90% of questions repeat an earlier text, result cache on.
- scrub:           `scrub` on the same texts (runs on every question and answer).
- baseline:        `normalise` + `detect_language` alone, the floor every classifier call pays;
                   the last column gives each measure's rate as a ratio to it.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
import unicodedata

from hotline.config import get_settings
from schemas.catalog import load_catalog
from streams.classify.classifier import Classifier
from streams.text.langid import detect_language
from streams.text.normalise import normalise
from streams.text.scrub import scrub

GREETINGS = ["", "", "salam ", "bonjour ", "allo ", "السلام عليكم ", "3afak ", "svp "]
ENDINGS = ["", "", " merci", " 3afak", " شكرا", " svp", " ?", "!!"]
ARABIZI_SWAP = {"3": "a", "7": "h", "9": "q", "kh": "5", "a": "3"}


def perturb(text: str, rng: random.Random) -> str:
    """One caller-like variant of a catalog phrasing."""
    t = text
    if rng.random() < 0.3:
        t = "".join(c for c in unicodedata.normalize("NFKD", t) if not unicodedata.combining(c))
    if rng.random() < 0.2:
        t = t.upper() if rng.random() < 0.3 else t.capitalize()
    if rng.random() < 0.3 and len(t) > 4:  # a repeated letter
        i = rng.randrange(len(t))
        t = t[:i] + t[i] * rng.randint(2, 4) + t[i:]
    if rng.random() < 0.3 and len(t) > 4:  # swapped letters
        i = rng.randrange(len(t) - 1)
        t = t[:i] + t[i + 1] + t[i] + t[i + 2:]
    if rng.random() < 0.2:
        k = rng.choice(list(ARABIZI_SWAP))
        t = t.replace(k, ARABIZI_SWAP[k], 1)
    if rng.random() < 0.3:
        t += f" {rng.randint(18, 80)} " + rng.choice(["ans", "3am", "عام", "years"])
    return (rng.choice(GREETINGS) + t + rng.choice(ENDINGS)).strip()


def make_texts(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    cat = load_catalog()
    base = [t for q in cat.active() for _, t in q.all_phrasings()]
    base += [t for by_lang in cat.other_topics.values() for texts in by_lang.values() for t in texts]
    return [perturb(rng.choice(base), rng) for _ in range(n)]


def _cpu(fn) -> float:
    t0 = time.process_time()
    fn()
    return time.process_time() - t0


def _cpu_with_children(fn) -> float:
    def now() -> float:
        t = os.times()
        return t.user + t.system + t.children_user + t.children_system

    t0 = now()
    fn()
    return now() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--texts", type=int, default=20_000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    texts = make_texts(args.texts)
    distinct = len(set(texts))
    rng = random.Random(11)
    pool = texts[: max(1, len(texts) // 10)]
    repeated = [rng.choice(pool) for _ in range(len(texts))]
    catalog = load_catalog()
    threshold = get_settings().classifier_threshold

    builds = [_cpu_with_children(lambda: Classifier(catalog, threshold)) for _ in range(args.runs)]

    def cold() -> None:
        clf = Classifier(catalog, threshold)
        t0 = time.process_time()
        for t in texts:
            clf.classify(t)
        cold.seconds = time.process_time() - t0  # type: ignore[attr-defined]

    cold_times = []
    for _ in range(args.runs):
        cold()
        cold_times.append(cold.seconds)  # type: ignore[attr-defined]

    nocache = Classifier(catalog, threshold, cache_size=0)
    for t in texts:  # warm the word memo
        nocache.classify(t)
    warm_times = [_cpu(lambda: [nocache.classify(t) for t in texts]) for _ in range(args.runs)]

    cached = Classifier(catalog, threshold)

    def run_cached() -> None:
        cached.clear_cache()
        for t in repeated:
            cached.classify(t)

    cached_times = [_cpu(run_cached) for _ in range(args.runs)]
    scrub_times = [_cpu(lambda: [scrub(t) for t in texts]) for _ in range(args.runs)]
    base_times = [_cpu(lambda: [detect_language(t, normalise(t)) for t in texts]) for _ in range(args.runs)]
    base_rate = statistics.median([len(texts) / s for s in base_times])

    n = len(texts)
    print(f"classifier throughput, one core, {n} texts ({distinct} distinct), median of {args.runs} runs (CPU time)")
    print(f"{'measure':<34} {'median':>12} {'min':>12} {'max':>12} {'x baseline':>11}")
    print(f"{'build from catalog (s)':<34} {statistics.median(builds):>12.3f} {min(builds):>12.3f} {max(builds):>12.3f}")
    for name, times in [("cold: new classifier (q/s)", cold_times),
                        ("no result cache, warm words (q/s)", warm_times),
                        ("result cache, 90% repeats (q/s)", cached_times),
                        ("scrub (texts/s)", scrub_times),
                        ("baseline: normalise + langid (q/s)", base_times)]:
        rates = [n / s for s in times]
        median = statistics.median(rates)
        print(f"{name:<34} {median:>12,.0f} {min(rates):>12,.0f} {max(rates):>12,.0f} {median / base_rate:>11.2f}")


if __name__ == "__main__":
    main()
