"""The catalog file: complete, valid, and editable without code (add, retire, move the file)."""

import tomllib
from pathlib import Path

import pytest

from hotline.errors import HotlineError
from schemas.catalog import DEFAULT_CATALOG, LANGUAGES, load_catalog, read_catalog
from streams.classify.classifier import Classifier

SPEC_IDS = {
    "general.covid_info", "general.vaccine_purpose", "general.vaccine_types", "general.vaccine_cost",
    "general.vaccine_mandatory", "general.documents", "general.certificate",
    "vaccination.eligibility", "vaccination.when_my_turn", "vaccination.registration",
    "vaccination.appointment", "vaccination.centre", "vaccination.which_vaccine",
    "vaccination.second_dose", "vaccination.change_address", "vaccination.contraindications",
    "vaccination.foreigners", "adverse_effects.common", "adverse_effects.severe",
    "adverse_effects.treatment", "adverse_effects.reporting",
}


def test_shipped_catalog_matches_the_spec():
    cat = load_catalog(DEFAULT_CATALOG)
    assert cat.catalog_version
    assert {q.id for q in cat.questions} == SPEC_IDS
    assert set(cat.families) == {"general", "vaccination", "adverse_effects", "other"}
    assert set(cat.vaccines) == {"sinopharm", "astrazeneca", "pfizer", "janssen"}
    for q in cat.questions:
        assert q.answer["fr"] and q.answer["ar"]
        assert set(q.phrasings) == set(LANGUAGES), q.id          # every language, including ber
        assert sum(len(v) for v in q.phrasings.values()) >= 25, q.id
        assert q.keywords, q.id


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "catalog.toml"
    path.write_text(text, encoding="utf-8")
    return path


# A subject the catalog does not cover yet (neither as a question nor as an off-topic subject).
NEW_QUESTION = '''
[[question]]
id = "general.blood_donation"
family = "general"
gist = "giving blood before or after the vaccine"
keywords = ["sang", "donneur", "don du sang", "dem", "dm", "blood"]
[question.answer]
fr = "Réponse approuvée."
ar = "جواب مصادق عليه."
[question.phrasings]
fr = ["je donne mon sang chaque mois est ce que le vaccin change quelque chose", "combien de temps attendre pour un don du sang", "les donneurs de sang vaccinés sont acceptés ?"]
"ary-Latn" = ["ana kantbr3 b dem wach nqder mn b3d", "wach l vaccin kaymna3 tbra3 b dem"]
'''


def test_a_question_is_added_by_editing_the_file_only(tmp_path):
    text = DEFAULT_CATALOG.read_text(encoding="utf-8")
    text = text.replace('catalog_version = "', 'catalog_version = "test-', 1)
    path = _write(tmp_path, text + NEW_QUESTION)
    cat = read_catalog(path)
    assert "general.blood_donation" in {q.id for q in cat.active()}
    classifier = Classifier(cat, threshold=0.4)
    for text in ["est ce que je peux donner mon sang apres le vaccin sinopharm", "bghit ntbr3 b dem wach mamnou3"]:
        assert classifier.classify(text).question_id == "general.blood_donation", classifier.explain(text)


def test_retired_question_is_kept_but_never_predicted(tmp_path):
    text = DEFAULT_CATALOG.read_text(encoding="utf-8").replace(
        'id = "general.vaccine_cost"\nfamily = "general"\nretired = false',
        'id = "general.vaccine_cost"\nfamily = "general"\nretired = true')
    cat = read_catalog(_write(tmp_path, text))
    assert cat.get("general.vaccine_cost").retired
    assert "general.vaccine_cost" not in {q.id for q in cat.active()}
    got = Classifier(cat, threshold=0.05).classify("est ce que le vaccin est gratuit")
    assert got.question_id != "general.vaccine_cost"


@pytest.mark.parametrize(
    "edit, message",
    [
        (('id = "general.vaccine_cost"', 'id = "vaccination.vaccine_cost"'), "must start with its family"),
        (('id = "general.documents"', 'id = "general.vaccine_cost"'), "duplicate question id"),
        (('family = "adverse_effects"\nretired = false\ngist = "pain', 'family = "side_effects"\nretired = false\ngist = "pain'), "side_effects"),
        (("catalog_version = ", "catalog_version = = "), "not valid TOML"),
    ],
)
def test_invalid_catalog_is_one_clear_error(tmp_path, edit, message):
    text = DEFAULT_CATALOG.read_text(encoding="utf-8").replace(*edit, 1)
    with pytest.raises(HotlineError, match=message):
        read_catalog(_write(tmp_path, text))


def test_missing_file(tmp_path):
    with pytest.raises(HotlineError, match="not found"):
        read_catalog(tmp_path / "nope.toml")


def test_catalog_path_setting(tmp_path, monkeypatch):
    from hotline import config

    path = _write(tmp_path, DEFAULT_CATALOG.read_text(encoding="utf-8").replace(
        'catalog_version = "', 'catalog_version = "moved-', 1))
    monkeypatch.setenv("HOTLINE_CATALOG_PATH", str(path))
    config.get_settings.cache_clear()
    try:
        assert load_catalog().catalog_version.startswith("moved-")
    finally:
        monkeypatch.delenv("HOTLINE_CATALOG_PATH")
        config.get_settings.cache_clear()
    assert not load_catalog().catalog_version.startswith("moved-")


def test_file_is_plain_toml():
    with open(DEFAULT_CATALOG, "rb") as fh:
        data = tomllib.load(fh)
    assert isinstance(data["question"], list) and data["other"]


def test_cross_validation_holds_out_every_phrasing_once():
    from streams.classify.evaluate import cross_validate

    catalog = load_catalog()
    n = sum(len(q.all_phrasings()) for q in catalog.active())
    n += sum(len(ts) for by_lang in catalog.other_topics.values() for ts in by_lang.values())
    report = cross_validate(catalog, folds=2)
    assert report.overall.n == n
    # Half the phrasings unseen: far better than chance (22 families/questions), not perfect.
    assert 0.6 < report.overall.family / n < 1.0
