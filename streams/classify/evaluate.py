"""Accuracy of the classifier on a labelled evaluation set kept apart from the catalog phrasings.

The set is JSON Lines: `{"text", "family", "question_id" (null for other), "language"}`. Figures
are per language (the set's label, not the detected one) and overall, plus the most frequent
confusions, so that the ministry sees where the catalog needs more phrasings.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from hotline.errors import HotlineError
from schemas.catalog import OTHER, Catalog
from streams.classify.classifier import Classifier

DEFAULT_EVAL_FILE = Path("tests/data/classifier_eval.jsonl")


@dataclass
class Tally:
    n: int = 0
    family: int = 0
    question: int = 0
    language: int = 0

    def as_dict(self) -> dict:
        d = max(self.n, 1)
        return {"n": self.n, "family_accuracy": round(self.family / d, 4),
                "question_accuracy": round(self.question / d, 4),
                "language_accuracy": round(self.language / d, 4)}


@dataclass
class Report:
    per_language: dict[str, Tally] = field(default_factory=dict)
    overall: Tally = field(default_factory=Tally)
    confusions: Counter = field(default_factory=Counter)
    errors: list[dict] = field(default_factory=list)

    def as_dict(self, top: int = 15) -> dict:
        return {
            "overall": self.overall.as_dict(),
            "per_language": {lang: t.as_dict() for lang, t in sorted(self.per_language.items())},
            "confusions": [{"expected": e, "predicted": p, "count": n} for (e, p), n in self.confusions.most_common(top)],
        }

    def table(self, top: int = 15) -> str:
        lines = [f"{'language':<10} {'n':>5} {'family':>8} {'question':>9} {'lang-id':>8}"]
        rows = sorted(self.per_language.items()) + [("overall", self.overall)]
        for lang, t in rows:
            d = t.as_dict()
            lines.append(f"{lang:<10} {t.n:>5} {d['family_accuracy']:>8.3f} {d['question_accuracy']:>9.3f} {d['language_accuracy']:>8.3f}")
        lines.append("")
        lines.append("most frequent confusions (expected -> predicted):")
        for (e, p), n in self.confusions.most_common(top):
            lines.append(f"  {n:>3}  {e} -> {p}")
        return "\n".join(lines)


def read_eval(path: Path) -> list[dict]:
    """The labelled lines; a malformed line is an error naming its number."""
    try:
        raw = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise HotlineError(f"evaluation file {path} not found; pass --file") from None
    rows = []
    for no, line in enumerate(raw, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            row["text"], row["family"]  # noqa: B018 - required keys
        except (ValueError, KeyError, TypeError):
            raise HotlineError(f"{path}:{no}: expected a JSON object with text, family, question_id, language") from None
        rows.append(row)
    return rows


def evaluate(classifier: Classifier, rows: list[dict]) -> Report:
    report = Report()
    for row in rows:
        lang = row.get("language") or "und"
        expected_q = row.get("question_id")
        got = classifier.classify(row["text"])
        tally = report.per_language.setdefault(lang, Tally())
        ok_family = got.family == row["family"]
        ok_question = got.question_id == expected_q and ok_family
        for t in (tally, report.overall):
            t.n += 1
            t.family += ok_family
            t.question += ok_question
            t.language += got.language == lang
        if not ok_question:
            report.confusions[(expected_q or "other", got.question_id or "other")] += 1
            report.errors.append({"text": row["text"], "language": lang, "expected": expected_q or "other",
                                  "predicted": got.question_id or "other", "confidence": got.confidence})
    return report


def cross_validate(catalog: Catalog, folds: int = 5, threshold: float = 0.05, seed: int = 3) -> Report:
    """k-fold cross-validation on the catalog's own phrasings (questions and off-topic subjects).

    Why: the labelled evaluation sets are small and one of them is held out; CV measures how the
    method generalises to phrasings it has not seen, so method changes can be compared without
    tuning on the held-out set. Every phrasing is held out once; a fresh classifier is trained on
    the other folds each time (deterministic: fixed seed)."""
    items: list[tuple[tuple, str, str, str | None, str]] = []  # (key, text, family, question_id, language)
    for qi, q in enumerate(catalog.questions):
        if q.retired:
            continue
        for lang, texts in q.phrasings.items():
            items += [(("q", qi, lang, ti), t, q.family, q.id, lang) for ti, t in enumerate(texts)]
    for topic, by_lang in catalog.other_topics.items():
        for lang, texts in by_lang.items():
            items += [(("o", topic, lang, ti), t, OTHER, None, lang) for ti, t in enumerate(texts)]
    order = list(range(len(items)))
    random.Random(seed).shuffle(order)
    fold_of = {items[i][0]: n % folds for n, i in enumerate(order)}
    rows: list[dict] = []
    report = Report()
    for fold in range(folds):
        def keep(key: tuple) -> bool:
            return fold_of[key] != fold

        questions = [q.model_copy(update={"phrasings": {lang: [t for ti, t in enumerate(ts) if keep(("q", qi, lang, ti))]
                                                        for lang, ts in q.phrasings.items()}})
                     for qi, q in enumerate(catalog.questions)]
        topics = {topic: {lang: [t for ti, t in enumerate(ts) if keep(("o", topic, lang, ti))] for lang, ts in by_lang.items()}
                  for topic, by_lang in catalog.other_topics.items()}
        trained = Classifier(catalog.model_copy(update={"questions": questions, "other_topics": topics}), threshold, cache_size=0)
        rows = [{"text": t, "family": fam, "question_id": qid, "language": lang}
                for key, t, fam, qid, lang in items if not keep(key)]
        part = evaluate(trained, rows)
        for lang, tally in part.per_language.items():
            total = report.per_language.setdefault(lang, Tally())
            for t in (total, report.overall):
                t.n += tally.n
                t.family += tally.family
                t.question += tally.question
                t.language += tally.language
        report.confusions.update(part.confusions)
        report.errors += part.errors
    return report
