"""The classifier on clear questions per language, off-topic text, and adverse-effect details."""

import pytest

from schemas.catalog import load_catalog
from streams.classify.classifier import Classification, Classifier, get_classifier


@pytest.fixture(scope="module")
def clf() -> Classifier:
    return Classifier(load_catalog(), threshold=0.05)


CLEAR = [
    # fr
    ("est-ce que la vaccination est payante ?", "general.vaccine_cost", "fr"),
    ("Je voudrais savoir où se trouve le centre de vaccination de mon quartier", "vaccination.centre", "fr"),
    ("j'ai raté mon rendez vous hier, comment en avoir un autre", "vaccination.appointment", "fr"),
    ("je suis enceinte de 4 mois, puis-je me faire vacciner", "vaccination.contraindications", "fr"),
    ("comment declarer un effet indesirable apres le vaccin", "adverse_effects.reporting", "fr"),
    # ar
    ("هل التلقيح ضد كورونا إجباري", "general.vaccine_mandatory", "ar"),
    ("كيف أحصل على شهادة التلقيح من الموقع", "general.certificate", "ar"),
    ("كم يوما يجب أن أنتظر بين الجرعة الأولى والجرعة الثانية", "vaccination.second_dose", "ar"),
    # ary
    ("واش اللقاح فابور ولا بالفلوس", "general.vaccine_cost", "ary"),
    ("صيفطت لاكارط ل 1717 وما جاني حتى ميساج", "vaccination.registration", "ary"),
    ("من بعد الجلبة جاتني السخانة و راسي كيضرني واش عادي", "adverse_effects.common", "ary"),
    # ary-Latn
    ("salam wach n9der nkhtar pfizer f blast sinopharm", "vaccination.which_vaccine", "ary-Latn"),
    ("imta ghadi yji dawri ana 3ndi 33 3am", "vaccination.when_my_turn", "ary-Latn"),
    ("bdelt sokna l casa w la carte fiha fes kifach ndir", "vaccination.change_address", "ary-Latn"),
    ("wach n9der nakhod doliprane ila tl3at liya skhana mn b3d l vaccin", "adverse_effects.treatment", "ary-Latn"),
    # en
    ("is the covid vaccine free of charge", "general.vaccine_cost", "en"),
    ("my face is swelling and I can't breathe after the injection", "adverse_effects.severe", "en"),
    # ber
    ("mani ghayi lqqḥx ass nna", "vaccination.centre", "ber"),
]


@pytest.mark.parametrize("text, question_id, language", CLEAR)
def test_clear_questions(clf, text, question_id, language):
    got = clf.classify(text)
    assert got.question_id == question_id, clf.explain(text)
    assert got.family == question_id.split(".")[0]
    assert got.language == language
    assert 0.0 <= got.confidence <= 1.0


@pytest.mark.parametrize(
    "text",
    ["quel temps fera-t-il demain à Rabat", "je veux renouveler mon passeport", "bghit nchri tomobil",
     "شكون ربح الماتش البارح", "", "   ", "?!"],
)
def test_off_topic_is_other(clf, text):
    got = clf.classify(text)
    assert got.family == "other"
    assert got.question_id is None
    assert got.vaccine is None and got.symptoms == ()


def test_adverse_effect_details(clf):
    got = clf.classify("depuis la deuxième dose de Pfizer j'ai de la fièvre et mal au bras, c'est normal ?")
    assert got.question_id == "adverse_effects.common"
    assert got.vaccine == "pfizer"
    assert got.symptoms == ("injection_site", "fever")
    got = clf.classify("ma9dertch ntneffes w sdri kaydrni mn b3d astrazeneca")
    assert got.question_id == "adverse_effects.severe"
    assert got.vaccine == "astrazeneca"
    assert set(got.symptoms) == {"breathing", "chest_pain"}


def test_details_only_for_adverse_effects(clf):
    got = clf.classify("combien de jours entre les deux doses de sinopharm")
    assert got.family == "vaccination"
    assert got.vaccine is None and got.symptoms == ()


def test_unknown_vaccine_and_unlisted_symptom(clf):
    got = clf.classify("من بعد الجلبة طاحت عليا شي حاجة غريبة واش عادي")
    assert got.family == "adverse_effects"
    assert got.vaccine == "unknown"


def test_threshold_sends_weak_matches_to_other():
    strict = Classifier(load_catalog(), threshold=1.01)
    got = strict.classify("est ce que le vaccin est gratuit")
    assert (got.family, got.question_id) == ("other", None)
    assert got.confidence > 0.5


def test_deterministic_and_cached(clf):
    text = "wach l vaccin b flous"
    first = clf.classify(text)
    clf.clear_cache()
    assert clf.classify(text) == first == clf.classify(text)
    assert clf.classify_many([text, "hello", text]) == [first, clf.classify("hello"), first]


def test_as_dict_contract(clf):
    d = clf.classify("j'ai mal au bras après le vaccin").as_dict()
    assert set(d) >= {"family", "question_id", "language", "confidence", "vaccine", "symptoms"}
    assert isinstance(d["symptoms"], list)


def test_explain_names_the_deciding_features(clf):
    e = clf.explain("est ce que le vaccin est gratuit")
    assert e["candidates"][0][0] == "general.vaccine_cost"
    assert any(f.startswith("!general.vaccine_cost") or "grat" in f for f, _ in e["features"])


def test_get_classifier_is_cached():
    assert get_classifier() is get_classifier()
    assert isinstance(get_classifier().classify("salam"), Classification)


@pytest.mark.parametrize(
    "text, group",
    [("est-ce que le vaccin est gratuit", "latin"), ("wach lvaccin fabor", "latin"),
     ("is lvaccin bla lflus", "latin"), ("is the vaccine free", "latin"),
     ("واش اللقاح فابور", "arabic"), ("هل اللقاح مجاني", "arabic"), ("1717", "latin")],
)
def test_one_model_per_script(clf, text, group):
    """Latin-script callers code-switch, so French, English, Arabizi and Amazigh share one model;
    text in no known language falls back to the largest (Latin) one."""
    assert clf.explain(text)["group"] == group
