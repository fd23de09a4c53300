"""`hotline classify` and `hotline evaluate` as a user runs them (subprocess)."""

import json
import os
import select
import subprocess
import sys

import pytest

CLI = [sys.executable, "-m", "hotline.cli"]
ENV = {**os.environ, "HOTLINE_LOG_LEVEL": "WARNING"}


def run(args, stdin: str) -> subprocess.CompletedProcess:
    return subprocess.run(CLI + args, input=stdin, capture_output=True, text=True, env=ENV, timeout=60)


def test_one_object_per_line_in_order():
    lines = ["est ce que le vaccin est gratuit", "", "wach n9der nbdel lmaw3id",
             "j'ai de la fièvre après sinopharm", "quel temps fait-il", "فين كاين مركز التلقيح"]
    res = run(["classify"], "\n".join(lines) + "\n")
    assert res.returncode == 0, res.stderr
    out = [json.loads(line) for line in res.stdout.splitlines()]
    assert len(out) == len(lines)
    for obj in out:
        assert set(obj) >= {"family", "question_id", "language", "confidence", "vaccine", "symptoms"}
        assert 0.0 <= obj["confidence"] <= 1.0
    assert out[0]["question_id"] == "general.vaccine_cost"
    assert out[1] == {"family": "other", "question_id": None, "language": "und", "confidence": 0.0,
                      "vaccine": None, "symptoms": []}
    assert out[2]["question_id"] == "vaccination.appointment" and out[2]["language"] == "ary-Latn"
    assert out[3]["family"] == "adverse_effects" and out[3]["vaccine"] == "sinopharm" and "fever" in out[3]["symptoms"]
    assert out[4]["family"] == "other" and out[4]["question_id"] is None
    assert out[5]["question_id"] == "vaccination.centre"


def test_jsonl_input():
    lines = [json.dumps({"text": "is the vaccine mandatory", "id": 1}), "", "not json",
             json.dumps({"no_text": 1}), json.dumps({"text": "واش اللقاح بزز"})]
    res = run(["classify", "--jsonl"], "\n".join(lines) + "\n")
    out = [json.loads(line) for line in res.stdout.splitlines()]
    assert [o["family"] for o in out] == ["general", "other", "other", "other", "general"]
    assert out[0]["question_id"] == out[4]["question_id"] == "general.vaccine_mandatory"


def test_streams_line_by_line():
    """An answer comes out before stdin is closed: usable as a filter in a pipe."""
    proc = subprocess.Popen(CLI + ["classify"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=ENV)
    try:
        proc.stdin.write("fin kayn centre dyal talqi7\n")
        proc.stdin.flush()
        ready, _, _ = select.select([proc.stdout], [], [], 30)
        assert ready, "no answer before end of input"
        assert json.loads(proc.stdout.readline())["question_id"] == "vaccination.centre"
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)


@pytest.mark.parametrize("fmt", [[], ["--json"]])
def test_evaluate(tmp_path, fmt):
    data = tmp_path / "eval.jsonl"
    rows = [{"text": "est ce que le vaccin est gratuit", "family": "general", "question_id": "general.vaccine_cost", "language": "fr"},
            {"text": "wach l vaccin b flous", "family": "general", "question_id": "general.vaccine_cost", "language": "ary-Latn"},
            {"text": "quel temps fait-il demain", "family": "other", "question_id": None, "language": "fr"},
            {"text": "j'ai mal au bras après le vaccin", "family": "general", "question_id": "general.covid_info", "language": "fr"}]
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    res = run(["evaluate", "--file", str(data), *fmt], "")
    assert res.returncode == 0, res.stderr
    if fmt:
        report = json.loads(res.stdout)
        assert report["overall"]["n"] == 4
        assert report["overall"]["question_accuracy"] == 0.75
        assert report["per_language"]["ary-Latn"]["family_accuracy"] == 1.0
        assert report["confusions"] == [{"expected": "general.covid_info", "predicted": "adverse_effects.common", "count": 1}]
    else:
        assert "overall" in res.stdout and "general.covid_info -> adverse_effects.common" in res.stdout


def test_evaluate_missing_file(tmp_path):
    res = run(["evaluate", "--file", str(tmp_path / "missing.jsonl")], "")
    assert res.returncode == 1
    assert "not found" in res.stderr
