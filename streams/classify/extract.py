"""Adverse-effect details: which vaccine and which symptoms the caller mentions.

Keyword lists live in the catalog file (`[adverse_effects.vaccines]`, `[adverse_effects.symptoms]`)
so that a new vaccine or symptom word needs no code change. They are normalised like the text, so
"fièvre", "fievre", "FIEVRE" or "s5ana"/"skhana" all match; a keyword ending in `*` matches word
prefixes, a keyword of several words matches as a phrase. Arabic clitics (و ف ب ل ال) are stripped
before lookup so that "وذراعي" or "بالسخانة" still match.
"""

from __future__ import annotations

from schemas.catalog import SYMPTOMS, Catalog
from streams.text.normalise import is_arabic_letter, normalise, strip_arabic_article

# Questions about a reaction where an unlisted symptom still counts as a symptom ("other").
_SYMPTOM_QUESTIONS = ("adverse_effects.common", "adverse_effects.severe")


class Lexicon:
    """Label lookup by whole word, word prefix, or phrase, over normalised text (a word may carry
    several labels, e.g. a cue word shared by two questions)."""

    def __init__(self, entries: dict[str, list[str]]) -> None:
        self.words: dict[str, tuple[str, ...]] = {}
        self.prefixes: list[tuple[str, str]] = []
        self.phrases: list[tuple[str, str]] = []
        for label, keywords in entries.items():
            for kw in keywords:
                prefix = kw.endswith("*")
                norm = normalise(kw.rstrip("*"))
                if not norm:
                    continue
                if " " in norm:
                    self.phrases.append((" " + norm + ("" if prefix else " "), label))
                elif prefix:
                    self.prefixes.append((norm, label))
                else:
                    self._add(norm, label)
                    if is_arabic_letter(norm[0]):
                        self._add(strip_arabic_article(norm), label)
        self._first = tuple({p[0] for p, _ in self.prefixes})
        # Prefixes by length: a word is checked with one slice and lookup per prefix length.
        # (Each label keeps the rank of its keyword, so labels come out in keyword order.)
        self._prefix_index: dict[int, dict[str, tuple[tuple[int, str], ...]]] = {}
        for rank, (p, label) in enumerate(self.prefixes):
            by_prefix = self._prefix_index.setdefault(len(p), {})
            by_prefix[p] = by_prefix.get(p, ()) + ((rank, label),)
        self._prefix_lengths = sorted(self._prefix_index)
        # Phrases are tried only when their first word is in the text.
        self._phrases_by_word: dict[str, list[tuple[str, str]]] = {}
        for phrase, label in self.phrases:
            self._phrases_by_word.setdefault(phrase.split()[0], []).append((phrase, label))
        self._memo: dict[str, tuple[str, ...]] = {}

    def _add(self, word: str, label: str) -> None:
        labels = self.words.get(word, ())
        if label not in labels:
            self.words[word] = labels + (label,)

    def word_labels(self, tok: str) -> tuple[str, ...]:
        """Labels of one normalised word (memoised)."""
        return self._word_labels(tok)

    def phrase_labels(self, norm: str) -> list[str]:
        """Labels of the multi-word keywords found in normalised text."""
        by_word = self._phrases_by_word
        found = []
        padded = None
        for tok in norm.split():
            if tok in by_word:
                padded = padded or " " + norm + " "
                found += [label for phrase, label in by_word[tok] if phrase in padded]
        return found

    def _word_labels(self, tok: str) -> tuple[str, ...]:
        labels = self._memo.get(tok)
        if labels is None:
            if len(self._memo) >= 100_000:
                self._memo.clear()
            labels = self._memo[tok] = self._lookup(tok)
        return labels

    def _lookup(self, tok: str) -> tuple[str, ...]:
        labels = self.words.get(tok, ())
        if not labels and is_arabic_letter(tok[0]):
            labels = self.words.get(strip_arabic_article(tok), ())
            if not labels and tok[0] in "وفبلك" and len(tok) > 3:
                labels = self.words.get(tok[1:]) or self.words.get(strip_arabic_article(tok[1:]), ())
        if tok.startswith(self._first):
            matched = []
            for n in self._prefix_lengths:
                if n > len(tok):
                    break
                matched += self._prefix_index[n].get(tok[:n], ())
            for _, lab in sorted(matched):
                if lab not in labels:
                    labels += (lab,)
        return labels

    def find(self, norm: str) -> list[tuple[int, str]]:
        """(position, label) of every match, in text order."""
        found: list[tuple[int, str]] = []
        pos = 0
        candidates: list[tuple[str, str]] = []
        by_word = self._phrases_by_word
        for tok in norm.split():
            for label in self._word_labels(tok):
                found.append((pos, label))
            if tok in by_word:
                candidates += by_word[tok]
            pos += len(tok) + 1
        if candidates:
            padded = " " + norm + " "
            for phrase, label in candidates:
                at = padded.find(phrase)
                if at >= 0:
                    found.append((at, label))
        found.sort()
        return found

    def labels(self, norm: str) -> set[str]:
        return {label for _, label in self.find(norm)}


class Extractor:
    def __init__(self, catalog: Catalog) -> None:
        self.vaccines = Lexicon(catalog.vaccines)
        self.symptoms = Lexicon(catalog.symptoms)

    def extract(self, norm: str, question_id: str | None = None) -> tuple[str, tuple[str, ...]]:
        """(vaccine, symptoms) from normalised text: the first vaccine named, else "unknown"; the
        symptoms in catalog order; ("other",) for a reaction question that names none we know."""
        vaccines = self.vaccines.find(norm)
        vaccine = vaccines[0][1] if vaccines else "unknown"
        named = self.symptoms.labels(norm)
        symptoms = tuple(s for s in SYMPTOMS if s in named)
        if not symptoms and question_id in _SYMPTOM_QUESTIONS:
            symptoms = ("other",)
        return vaccine, symptoms
