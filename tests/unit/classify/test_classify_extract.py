"""Vaccine and symptom extraction from normalised text, with catalog keyword lists."""

import pytest

from schemas.catalog import load_catalog
from streams.classify.extract import Extractor, Lexicon
from streams.text.normalise import normalise


@pytest.fixture(scope="module")
def ex() -> Extractor:
    return Extractor(load_catalog())


@pytest.mark.parametrize(
    "text, vaccine, symptoms",
    [
        ("j'ai de la FIÈVRE et des courbatures après AstraZeneca", "astrazeneca", ("fever", "muscle_pain")),
        ("من بعد الفايزر جاتني السخانة وذراعي كيضرني", "pfizer", ("injection_site", "fever")),
        ("mn b3d sinopharm 3yit bzaf w kandokh", "sinopharm", ("fatigue", "dizziness")),
        ("after the Johnson shot I had a rash and chest pain", "janssen", ("allergic", "chest_pain")),
        ("j'ai envie de vomir depuis le vaccin", "unknown", ("nausea",)),
    ],
)
def test_extract(ex, text, vaccine, symptoms):
    assert ex.extract(normalise(text), "adverse_effects.common") == (vaccine, symptoms)


def test_first_vaccine_named_wins(ex):
    assert ex.extract(normalise("j'ai fait sinopharm puis pfizer"))[0] == "sinopharm"


def test_unlisted_symptom_is_other_only_for_reaction_questions(ex):
    assert ex.extract(normalise("j'ai un truc bizarre"), "adverse_effects.severe") == ("unknown", ("other",))
    assert ex.extract(normalise("comment declarer"), "adverse_effects.reporting") == ("unknown", ())


def test_lexicon_words_prefixes_phrases_and_clitics():
    lex = Lexicon({"a": ["gonfl*", "mal de tete", "الذراع"], "b": ["mal de tete"]})
    assert lex.labels(normalise("ça a gonflé")) == {"a"}
    assert lex.labels(normalise("j'ai mal de tête")) == {"a", "b"}
    assert lex.labels(normalise("وذراعي")) == set()          # a different word
    assert lex.labels(normalise("والذراع")) == {"a"}         # clitic + article
