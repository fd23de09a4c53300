"""The question classifier: catalog phrasings -> a linear SVM per script over TF-IDF features
of words, char n-grams, stems and cue keywords (docs/classifier.md).

Why this method: it learns from the phrasings per question that the catalog file holds, in any
language or spelling, in a few seconds at start-up; it is deterministic, needs no model download,
and every decision can be explained by the features that weighed most (`explain`).

- Features of normalised text: each word, its char 3-4-grams (typos, missing accents, Arabizi
  spelling variants), its stem (`normalise.stem`: Arabic clitics dropped, Latin consonant
  skeleton), word bigrams, and cue keywords from the catalog (each question's `keywords` act as
  multilingual synonyms: "payer" ~ "gratuit" ~ "flous"; each symptom and "a vaccine name" are
  cues for the adverse-effect questions).
- Weights: term count x question-level IDF (a feature seen in many questions' phrasings says
  little) x a weight per feature kind (`KIND_WEIGHTS`), L2-normalised.
- One linear SVM (scikit-learn's liblinear, one-vs-rest, no intercept) per script: the caller's
  language, detected first, chooses the model (`SCRIPT_GROUPS`). Classes are the active questions
  plus one reject class per off-topic subject of the catalog's `[other]` section. Darija
  phrasings in Arabic script also train the Latin-script model, transliterated
  (`normalise.arabic_to_latin`). scikit-learn is used at build time only, in a child process
  (`svm.py`); scoring is pure Python.
- Speed: a class score is a dot product and most features belong to one word, so each word's
  (and each bigram's) contribution to every class is memoised, packed in one integer; a question
  costs one lookup per word and bigram and one integer sum. Results are memoised by raw and
  normalised text.
- Confidence = softmax mass of the winner's family over the SVM scores; below the threshold, or
  with no known feature at all, the answer is `other`.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from pathlib import Path

from schemas.catalog import OTHER, Catalog, load_catalog
from streams.classify.extract import Extractor, Lexicon
from streams.classify.packed import field, pack, unpacker
from streams.classify.svm import fit_groups
from streams.text.langid import detect_language
from streams.text.normalise import arabic_to_latin, is_arabic_letter, normalise, stem, strip_arabic_article

TEMPERATURE = 0.1           # softmax temperature over the SVM scores (the confidence)
CACHE_SIZE = 50_000         # results memoised by raw text and by normalised text (0: no cache)
WORD_CACHE_SIZE = 200_000   # per-word score vectors (the vocabulary of callers is Zipfian)
IDF_FLOOR = 0.1
TRANSLITERATE = True        # Arabic-script Darija phrasings also train the Latin-script model
# One model per script. Latin-script callers code-switch: Arabizi Darija is full of French words
# ("rendez-vous", "deuxième dose"), Amazigh of Darija and French ones, and English callers use the
# French names; one Latin model learns from all their phrasings (5-fold CV: Arabizi family
# accuracy 0.895 -> 0.912, French 0.858 -> 0.865, against a French+English and an Arabizi+Amazigh
# model). Standard Arabic and Darija share the script and much vocabulary, and telling them apart
# is the least reliable call of the language id.
SCRIPT_GROUPS = {"fr": "latin", "en": "latin", "ary-Latn": "latin", "ber": "latin",
                 "ar": "arabic", "ary": "arabic"}
# word, word bigram, char n-gram, question cue keyword, "names a symptom / a vaccine", word stem
KIND_WEIGHTS = {"#": 1.0, "_": 1.0, "c": 1.0, "!": 2.0, "~": 1.5, "%": 0.5}


@dataclass(frozen=True, slots=True)
class Classification:
    family: str
    question_id: str | None
    language: str
    confidence: float
    vaccine: str | None = None
    symptoms: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {
            "family": self.family,
            "question_id": self.question_id,
            "language": self.language,
            "confidence": self.confidence,
            "vaccine": self.vaccine,
            "symptoms": list(self.symptoms),
        }


def word_features(word: str) -> list[str]:
    """`#word` and the char 3- and 4-grams of the word padded with spaces (typos, spelling variants)."""
    padded = " " + word + " "
    n = len(padded)
    out = ["#" + word]
    out += [padded[i:i + 3] for i in range(n - 2)]
    if n > 4:
        out += [padded[i:i + 4] for i in range(n - 3)]
    return out


class Classifier:
    """Built once from a catalog; not thread-safe (one instance per worker thread or process)."""

    def __init__(self, catalog: Catalog, threshold: float, cache_size: int = CACHE_SIZE) -> None:
        self.catalog = catalog
        self.threshold = threshold
        self.cache_size = cache_size
        # One class per active question, then one reject class per off-topic subject.
        self.labels: list[str] = [q.id for q in catalog.active()]
        self.families: list[str] = [q.family for q in catalog.active()]
        self.n_questions = len(self.labels)
        self.labels += [f"{OTHER}.{topic}" for topic in catalog.other_topics] or [OTHER]
        self.families += [OTHER] * (len(self.labels) - self.n_questions)
        self._family_mask = {f: [fam == f for fam in self.families] for f in set(self.families)}
        self.extractor = Extractor(catalog)
        # Cue keywords: each question's synonyms, plus each symptom and "a vaccine name" as
        # evidence for the adverse-effect questions (chest pain points to severe, fever to common).
        cue_lists = {"!" + q.id: q.keywords for q in catalog.active()}
        cue_lists.update({"~" + symptom: kws for symptom, kws in catalog.symptoms.items()})
        cue_lists["~vaccine"] = [kw for kws in catalog.vaccines.values() for kw in kws]
        self.cues = Lexicon(cue_lists)
        self._cache: dict[str, tuple[int, float]] = {}       # group + normalised text -> (class, confidence)
        self._results: dict[str, Classification] = {}        # raw text -> result
        # Training documents, grouped by (class, script group).
        docs: dict[str, list[tuple[int, list[str]]]] = {}
        sources = [(k, q.phrasings) for k, q in enumerate(catalog.active())]
        sources += list(enumerate(catalog.other_topics.values(), start=self.n_questions))
        for k, by_lang in sources:
            for lang, texts in by_lang.items():
                docs.setdefault(group_of(lang), []).extend((k, self.features(normalise(t))) for t in texts)
                if TRANSLITERATE and lang == "ary":  # Darija in Arabic script also teaches Arabizi
                    docs.setdefault(group_of("ary-Latn"), []).extend(
                        (k, self.features(arabic_to_latin(normalise(t)))) for t in texts)
        self._train(docs)
        self._word_cache: dict[str, dict[str, tuple[float, int]]] = {g: {} for g in self._indexes}
        self._scores = unpacker(len(self.labels))
        self._packed_zero = pack([0.0] * len(self.labels))

    # --- features -----------------------------------------------------------------------------
    def _units(self, norm: str) -> tuple[list[str], list[str]]:
        """(words, other features): each word carries its n-grams and cue keywords (memoised
        together); word bigrams and multi-word cue phrases are the other features."""
        words = norm.split()
        extra = [a + "_" + b for a, b in zip(words, words[1:])]
        extra += self.cues.phrase_labels(norm)
        return words, extra

    def word_features(self, word: str) -> list[str]:
        """A word's own features; the Arabic article is dropped so that اللقاح meets لقاح."""
        bare = strip_arabic_article(word) if is_arabic_letter(word[0]) else word
        return word_features(bare) + ["%" + stem(word)] + list(self.cues.word_labels(word))

    def features(self, norm: str) -> list[str]:
        """All features of normalised text, with repeats (term frequency counts)."""
        words, extra = self._units(norm)
        return [f for w in words for f in self.word_features(w)] + extra

    # --- training -----------------------------------------------------------------------------
    def _train(self, docs: dict[str, list[tuple[int, list[str]]]]) -> None:
        # Class-level IDF: a feature found in the phrasings of many questions ("vaccin", "dose")
        # says little about which one; one found in a single question ("gratuit") says a lot.
        classes_with: dict[str, set[int]] = {}
        for group_docs in docs.values():
            for k, feats in group_docs:
                for f in feats:
                    classes_with.setdefault(f, set()).add(k)
        n_classes = len(self.labels)
        idf = {f: (math.log((n_classes + 1) / (len(ks) + 0.5)) + IDF_FLOOR) * _kind_weight(f)
               for f, ks in classes_with.items()}
        top_idf = max(idf.values()) / max(KIND_WEIGHTS.values())
        self._unseen = {kind: (top_idf * weight) ** 2 for kind, weight in KIND_WEIGHTS.items()}
        # One model per script: the Latin and Arabic phrasings of a question share no word, and a
        # model per script keeps each one sharp. A question is scored with its script's model only.
        vectors: dict[str, list[tuple[int, dict[str, float]]]] = {}
        for group, group_docs in docs.items():
            vectors[group] = []
            for k, feats in group_docs:
                vec = Counter(feats)
                norm = math.sqrt(sum((n * idf[f]) ** 2 for f, n in vec.items())) or 1.0
                vectors[group].append((k, {f: n * idf[f] / norm for f, n in vec.items()}))
        self._indexes = fit_groups(vectors, n_classes, idf)  # in a child process (svm.py says why)
        self._default_group = max(docs, key=lambda g: len(docs[g]))

    def _group(self, language: str) -> str:
        group = group_of(language)
        return group if group in self._indexes else self._default_group

    # --- scoring ------------------------------------------------------------------------------
    def _unit_entry(self, unit: str, group: str) -> tuple[float, int]:
        """(squared weight, packed per-class score) of one word with its n-grams, stem and cues,
        memoised."""
        memo = self._word_cache[group]
        entry = memo.get(unit)
        if entry is not None:
            return entry
        get = self._indexes[group].get
        unseen = self._unseen.get  # a word's features: the first character is the kind, or "c"
        unseen_gram = self._unseen["c"]
        q2 = 0.0
        total = count = 0
        for f, n in Counter(self.word_features(unit)).items():
            post = get(f)
            if post is None:
                q2 += n * n * unseen(f[0], unseen_gram)
                continue
            q2 += n * n * post[0]
            total += n * post[1]
            count += n
        # Each packed feature carries one offset per field; the word's entry keeps exactly one.
        entry = (q2, total - (count - 1) * self._packed_zero if count else self._packed_zero)
        if len(memo) >= WORD_CACHE_SIZE:
            memo.clear()
        memo[unit] = entry
        return entry

    def _similarities(self, norm: str, group: str) -> tuple[list[float], float]:
        """(per-class dot products with the group's model weights, query norm).

        Each memoised word and each known bigram carries its per-class scores packed in one integer (fixed
        point, 64 bits per class, offset so that every field stays positive): a question's scores
        are one integer sum, unpacked once, instead of one float addition per word and class."""
        words = norm.split()
        memo = self._word_cache[group]
        entries = [memo.get(w) or self._unit_entry(w, group) for w in words]
        # Bigrams (the same strings as _units' bigrams) and multi-word cue phrases: their index
        # entries are already (squared weight, packed scores); most bigrams are unseen.
        get = self._indexes[group].get
        extra = list(map(get, map("_".join, zip(words, words[1:]))))
        unseen_q2 = extra.count(None) * self._unseen["_"]
        for f in self.cues.phrase_labels(norm):
            post = get(f)
            if post is None:
                unseen_q2 += self._unseen[f[0]]
            extra.append(post)
        entries += [e for e in extra if e is not None]
        q2 = sum([e[0] for e in entries]) + unseen_q2
        return self._scores(sum([e[1] for e in entries]), len(entries)), math.sqrt(q2)

    def _score(self, norm: str, group: str) -> tuple[int, float]:
        """(class index, confidence) of normalised text."""
        if not norm:
            return self.n_questions, 0.0
        scores, qn = self._similarities(norm, group)
        top = max(scores)
        best = scores.index(top)
        if top == min(scores):  # no feature of the text is known (or all classes tie)
            return self.n_questions, 0.0
        # Confidence = how sure the family is: the softmax mass of the winner's family (two close
        # questions of one family do not make the family doubtful). Dividing by the query norm
        # counts unknown features against the text, as in a cosine.
        scale = 1.0 / (qn * TEMPERATURE)
        exps = list(map(math.exp, [(s - top) * scale for s in scores]))
        same = sum(compress(exps, self._family_mask[self.families[best]]))
        confidence = same / sum(exps)
        return best, confidence

    def classify(self, text: str) -> Classification:
        done = self._results.get(text)  # exact repeats (the same question asked again)
        if done is not None:
            return done
        result = self._classify(text)
        if self.cache_size:
            if len(self._results) >= self.cache_size:
                self._results.clear()
            self._results[text] = result
        return result

    def _classify(self, text: str) -> Classification:
        norm = normalise(text)
        language = detect_language(text, norm)
        group = self._group(language)
        key = group + "\x1f" + norm
        hit = self._cache.get(key)
        if hit is None:
            hit = self._score(norm, group)
            if len(self._cache) >= self.cache_size:
                self._cache.clear()
            if self.cache_size:
                self._cache[key] = hit
        best, confidence = hit
        confidence = round(confidence, 4)
        if best >= self.n_questions or confidence < self.threshold:
            return Classification(OTHER, None, language, confidence)
        family = self.families[best]
        if family == "adverse_effects":
            vaccine, symptoms = self.extractor.extract(norm, self.labels[best])
            return Classification(family, self.labels[best], language, confidence, vaccine, symptoms)
        return Classification(family, self.labels[best], language, confidence)

    def classify_many(self, texts: list[str]) -> list[Classification]:
        return [self.classify(t) for t in texts]

    def clear_cache(self) -> None:
        """Forget memoised results (benchmarks measure the uncached path with it)."""
        self._cache.clear()
        self._results.clear()

    def explain(self, text: str, top: int = 8) -> dict:
        """Why: the best classes with their score, and the features that pushed the winner most."""
        norm = normalise(text)
        group = self._group(detect_language(text, norm))
        scores, qn = self._similarities(norm, group) if norm else ([0.0] * len(self.labels), 1.0)
        ranked = sorted(range(len(self.labels)), key=lambda k: -scores[k])
        best = ranked[0]
        contrib: Counter[str] = Counter()
        unknown = 0
        index = self._indexes[group]
        for f in self.features(norm):
            post = index.get(f)
            if post is None:
                unknown += 1
                continue
            w = field(post[1], best)
            if w:
                contrib[f] += w / qn
        return {
            "text": text,
            "normalised": norm,
            "group": group,
            "result": self.classify(text).as_dict(),
            "candidates": [(self.labels[k], round(scores[k] / qn, 4)) for k in ranked[:3]],
            "features": [(f, round(w, 4)) for f, w in contrib.most_common(top)],
            "unknown_features": unknown,
        }


def group_of(language: str) -> str:
    """The model (script group) of a language; a language of no group (`und`) is returned as is,
    and `Classifier._group` scores it with the largest model."""
    return SCRIPT_GROUPS.get(language, language)


def _kind(feature: str) -> str:
    if feature[0] in "#!~%":
        return feature[0]
    return "_" if "_" in feature else "c"


def _kind_weight(feature: str) -> float:
    return KIND_WEIGHTS[_kind(feature)]


@lru_cache(maxsize=4)
def _build(path: Path | None, threshold: float) -> Classifier:
    return Classifier(load_catalog(path), threshold)


def get_classifier() -> Classifier:
    """The process-wide classifier, built once from the configured catalog and threshold."""
    from hotline.config import get_settings

    settings = get_settings()
    return _build(settings.catalog_path, settings.classifier_threshold)
