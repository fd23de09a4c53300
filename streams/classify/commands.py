"""`hotline classify` and `hotline evaluate` (registered by hotline.cli)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    """Add the classifier's subcommands; handlers import the classifier lazily."""
    p = sub.add_parser(
        "classify",
        help="classify questions read on stdin (one per line) into catalog family/question/language",
        description="Reads questions on standard input, one per line (or JSON Lines objects with a "
        "`text` field with --jsonl), and writes one JSON object per input line, in order: "
        "family, question_id, language, confidence, vaccine, symptoms.",
    )
    p.add_argument("--jsonl", action="store_true", help="input lines are JSON objects with a `text` field")
    p.add_argument("--explain", action="store_true", help="add the candidates and the features that decided")
    p.set_defaults(func=_classify)

    p = sub.add_parser(
        "evaluate",
        help="accuracy of the classifier per language on the labelled evaluation set",
        description="Family and question accuracy per language and overall, and the most frequent "
        "confusions, on a JSON Lines file of {text, family, question_id, language}.",
    )
    p.add_argument("--file", type=Path, default=None, help="evaluation set (default tests/data/classifier_eval.jsonl)")
    p.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    p.add_argument("--errors", action="store_true", help="also list every misclassified question")
    p.add_argument("--cv", type=int, default=0, metavar="K",
                   help="instead: K-fold cross-validation on the catalog's own phrasings (no evaluation file)")
    p.set_defaults(func=_evaluate)


def _text_of(line: str, jsonl: bool) -> str:
    if not jsonl:
        return line.rstrip("\r\n")
    if not line.strip():
        return ""
    try:
        obj = json.loads(line)
    except ValueError:
        return ""
    text = obj.get("text") if isinstance(obj, dict) else None
    return text if isinstance(text, str) else ""


def _classify(args: argparse.Namespace) -> int:
    from streams.classify.classifier import get_classifier

    classifier = get_classifier()
    out = sys.stdout
    for line in sys.stdin:
        text = _text_of(line, args.jsonl)
        result = classifier.classify(text).as_dict()
        if args.explain:
            explained = classifier.explain(text)
            result["candidates"] = explained["candidates"]
            result["features"] = explained["features"]
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
        out.flush()  # one answer per question as it comes: usable in a pipe
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from streams.classify.classifier import get_classifier
    from streams.classify.evaluate import DEFAULT_EVAL_FILE, evaluate, read_eval

    if args.cv:
        from schemas.catalog import load_catalog
        from streams.classify.evaluate import cross_validate

        clf = get_classifier()
        path = f"{args.cv}-fold cross-validation on the catalog phrasings (catalog {clf.catalog.catalog_version})"
        report = cross_validate(load_catalog(), args.cv, clf.threshold)
    else:
        path = args.file or DEFAULT_EVAL_FILE
        report = evaluate(get_classifier(), read_eval(path))
    if args.json:
        data = report.as_dict()
        if args.errors:
            data["errors"] = report.errors
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(f"evaluation set: {path}")
        print(report.table())
        if args.errors:
            print("\nmisclassified:")
            for e in report.errors:
                print(f"  [{e['language']}] {e['expected']} -> {e['predicted']} ({e['confidence']}): {e['text']}")
    return 0
