"""Question and answer text of simulated calls: templates, slots, code-switching, typos, PII.

Callers rarely say a question the way a catalog writes it: they greet, give their age or city,
switch between Darija and French mid-sentence and the agent types fast. The text is built as
[opener] [context] question [closer] from `templates/`, then distorted by script-aware typos.
A share of calls gets a spoken phone or national ID number (CIN) in one question, so that the
scrubbing stage has something real to redact; nothing in the event says which calls have one.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Sequence
from typing import NamedTuple, TypeVar

from producers.simulator import templates as T
from producers.simulator.mix import Weighted
from producers.simulator.templates.adverse_effects import SYMPTOM_MIX
from producers.simulator.templates.slots import AGES, CITIES, CITIES_AR, DAYS, DOSES, JOBS, SYMPTOMS, VACCINE_WEIGHTS, VACCINES, WHO

T_ = TypeVar("T_")
ARABIC_SCRIPT = frozenset({"ar", "ary"})
# Where a caller goes when no template exists in their language, and which language they
# drift into when they switch mid-call.
FALLBACK = {"en": "fr", "ber": "ary-Latn", "und": "fr"}
SWITCH_TO = {"fr": "ary-Latn", "ary": "fr", "ary-Latn": "fr", "ar": "ary", "en": "fr", "ber": "ary", "und": "fr"}
SWITCH_SHARE = 0.10  # turns asked in another language than the call's

P_OPENER, P_CONTEXT, P_CLOSER, P_TAG, P_WRONG_TAG = 0.35, 0.25, 0.25, 0.35, 0.05
P_FR_INSERT, P_ARY_INSERT = 0.2, 0.3  # a Darija word in French, a French word in Darija
AND = {"fr": " et ", "ary": " و", "ary-Latn": " w ", "ar": " و", "en": " and ", "ber": " d "}
FRENCH_INSERTS = ["franchement", "c'est-à-dire", "normalement", "bon", "donc", "voilà", "en fait", "par exemple", "déjà"]
DARIJA_INSERTS = ["wakha", "3afak", "safi", "yak", "wallah", "daba", "bla ma n3tlek", "sm7li"]

PII_PHRASES: dict[str, dict[str, list[str]]] = {
    "phone": {
        "fr": ["mon numéro c'est le {n}", "rappelez-moi au {n}", "vous pouvez me joindre sur {n}", "c'est le {n} mon téléphone"],
        "ary": ["النمرة ديالي {n}", "عيطو ليا ف {n}", "هاهي النمرة {n}"],
        "ary-Latn": ["numero dyali {n}", "3ayto lia f {n}", "ha numero {n}", "tel dyali {n}"],
        "ar": ["رقم هاتفي {n}", "يمكنكم الاتصال بي على {n}"],
        "en": ["my number is {n}", "call me back on {n}"],
        "ber": ["numero inu {n}"],
    },
    "cin": {
        "fr": ["ma CIN c'est {n}", "le numéro de ma carte c'est {n}", "ma carte nationale {n}", "CIN {n}"],
        "ary": ["رقم لاكارط ديالي {n}", "البطاقة ديالي {n}"],
        "ary-Latn": ["la carte dyali {n}", "cin dyali {n}", "numero dyal la carte {n}"],
        "ar": ["رقم بطاقتي الوطنية {n}"],
        "en": ["my ID number is {n}"],
        "ber": ["la carte inu {n}"],
    },
}
CIN_PREFIXES = ["A", "B", "BE", "BH", "BJ", "BK", "BL", "C", "CB", "CD", "D", "DA", "E", "EE", "F", "G", "GM", "H", "HH", "I", "IA", "J", "JA", "JB", "K", "L", "LA", "M", "N", "P", "Q", "R", "S", "SH", "T", "U", "UA", "V", "W", "X", "Y", "Z"]

# Regular expressions rather than str.translate: translate with a dict is slow on non-ASCII text.
_UNACCENTED = {"é": "e", "è": "e", "ê": "e", "ë": "e", "à": "a", "â": "a", "ä": "a", "î": "i", "ï": "i", "ô": "o", "ö": "o",
               "ù": "u", "û": "u", "ü": "u", "ç": "c", "É": "E", "È": "E", "À": "A", "Ç": "C", "œ": "oe"}
_ACCENT = re.compile("[" + "".join(_UNACCENTED) + "]")
_LATIN_PUNCT = re.compile(r"\s*[?!,;.]+")
_ARABIC_PUNCT = re.compile(r"\s*[؟،?!.]+")
_HAMZA = re.compile("[أإآ]")


class QuestionLabel(NamedTuple):
    """The truth behind one generated question (for evaluating the classifier; never in the event)."""

    question_id: str | None
    family: str
    language: str
    vaccine: str | None = None
    symptoms: tuple[str, ...] = ()


def _fields(template: str) -> tuple[str, ...]:
    return tuple(name for _, name, _, _ in string.Formatter().parse(template) if name)


def _compile(by_lang: dict[str, list[str]]) -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    return {lang: [(t, _fields(t)) for t in items] for lang, items in by_lang.items() if items}


_VACCINE_PICK = Weighted(VACCINE_WEIGHTS)
_SYMPTOM_PICK = {qid: Weighted(mix) for qid, mix in SYMPTOM_MIX.items()}
_ANY_SYMPTOM = Weighted({s: 1.0 for s in SYMPTOMS})


class _CallSlots:
    """Slot values held for one call, so the same city, vaccine and relative recur across its turns.

    Drawn on first use: most questions need none of them.
    """

    __slots__ = ("rng", "region", "vaccines", "drawn")

    def __init__(self, rng: random.Random, region: str, vaccines: Weighted) -> None:
        self.rng, self.region, self.vaccines = rng, region, vaccines
        self.drawn: dict[str, object] = {}

    def get(self, name: str) -> object:
        value = self.drawn.get(name)
        if value is None:
            rng = self.rng
            if name == "vaccine":
                value = self.vaccines.pick(rng)
            elif name == "city":
                value = _pick(rng, CITIES[self.region])
            elif name == "age":
                value = str(_pick(rng, AGES))
            elif name == "days":
                value = str(_pick(rng, DAYS))
            else:  # who, job, dose: an index kept across languages
                value = rng.random()
            self.drawn[name] = value
        return value


def _pick(rng: random.Random, options: Sequence[T_]) -> T_:
    """rng.choice without its rejection sampling: ~3x faster, bias below 1e-15 for short lists."""
    return options[int(rng.random() * len(options))]


def _indexed(options: list[str], u: float) -> str:
    return options[int(u * len(options))]


class TranscriptWriter:
    """Writes the turns of answered calls for a fixed set of question ids."""

    def __init__(self, question_ids: list[str]) -> None:
        self.families = {qid: qid.split(".", 1)[0] for qid in question_ids}
        self.questions = {qid: _compile(T.QUESTIONS[qid]) for qid in question_ids}
        self.other = _compile(T.OTHER_QUESTIONS)
        self.openers, self.closers, self.contexts = T.OPENERS, T.CLOSERS, _compile(T.CONTEXTS)
        self.tag_pool = [tag for tags in T.TOPIC_TAGS.values() for tag in tags]

    # --- one question ---------------------------------------------------------------
    def question(self, rng: random.Random, qid: str | None, language: str, slots: _CallSlots) -> tuple[str, QuestionLabel]:
        """Text of one question and the truth behind it."""
        r = rng.random
        table = self.questions[qid] if qid is not None else self.other
        lang = language if language in table else FALLBACK.get(language, "fr")
        if lang not in table:
            lang = "fr"
        options = table[lang]
        template, fields = options[int(r() * len(options))]
        vaccine, symptoms = None, ()
        if fields:
            values: dict[str, str] = {}
            for name in fields:
                if name == "symptoms":
                    pick = _SYMPTOM_PICK.get(qid or "", _ANY_SYMPTOM)
                    first = pick.pick(rng)
                    symptoms = (first,) if r() < 0.6 else tuple(dict.fromkeys((first, pick.pick(rng))))
                    values[name] = AND[lang].join(_pick(rng, SYMPTOMS[s][lang]) for s in symptoms)
                elif name == "vaccine":
                    vaccine = slots.get("vaccine")
                    values[name] = _pick(rng, VACCINES[vaccine][lang])
                else:
                    values[name] = self._slot(name, lang, slots)
            text = template.format_map(values)
        else:
            text = template
        opener = r() < P_OPENER
        context = r() < P_CONTEXT and lang in self.contexts
        closer = r() < P_CLOSER
        if opener or context or closer:
            parts = []
            if opener:
                parts.append(_pick(rng, self.openers[lang]))
            if context:
                ctx, ctx_fields = _pick(rng, self.contexts[lang])
                parts.append(ctx.format_map({f: self._slot(f, lang, slots) for f in ctx_fields}) if ctx_fields else ctx)
            parts.append(text)
            if closer:
                parts.append(_pick(rng, self.closers[lang]))
            text = (", " if r() < 0.35 else " ").join(parts)
        text = self._code_switch(rng, text, lang)
        text = _typos(rng, text, lang in ARABIC_SCRIPT)
        family = self.families[qid] if qid is not None else "other"
        if family == "adverse_effects":
            return text, QuestionLabel(qid, family, lang, vaccine, symptoms)
        return text, QuestionLabel(qid, family, lang)

    def _slot(self, name: str, lang: str, slots: _CallSlots) -> str:
        if name == "city":
            city = slots.get("city")
            return CITIES_AR.get(city, city) if lang in ARABIC_SCRIPT else city
        if name in ("age", "days"):
            return slots.get(name)
        if name == "who":
            return _indexed(WHO[lang], slots.get(name))
        if name == "job":
            return _indexed(JOBS[lang], slots.get(name))
        if name == "dose":
            return _indexed(DOSES[lang], slots.get(name))
        raise KeyError(f"unknown template slot {{{name}}}")

    @staticmethod
    def _code_switch(rng: random.Random, text: str, lang: str) -> str:
        if lang in ("ary", "ary-Latn") and rng.random() < P_ARY_INSERT:
            word = _pick(rng, FRENCH_INSERTS)
        elif lang == "fr" and rng.random() < P_FR_INSERT:
            word = _pick(rng, DARIJA_INSERTS)
        else:
            return text
        return f"{word} {text}" if rng.random() < 0.5 else f"{text} {word}"

    # --- one call -------------------------------------------------------------------
    def turns(self, rng: random.Random, qids: list[str | None], language: str, region: str, pii: bool,
              vaccines: Weighted | None = None) -> list[tuple[str, str, str | None, QuestionLabel]]:
        """(question, answer, topic_tag, label) for each question of one answered call."""
        slots = _CallSlots(rng, region, vaccines or _VACCINE_PICK)
        out = []
        pii_turn = int(rng.random() * len(qids)) if pii else -1
        for i, qid in enumerate(qids):
            lang = SWITCH_TO[language] if rng.random() < SWITCH_SHARE else language
            text, label = self.question(rng, qid, lang, slots)
            if i == pii_turn:
                text = _with_pii(rng, text, label.language)
            out.append((text, self._answer(rng, qid, language), self._tag(rng, qid), label))
        return out

    def _answer(self, rng: random.Random, qid: str | None, language: str) -> str:
        answers = T.ANSWERS.get(qid) or T.ANSWERS[None]
        if language == "ar":
            lang = "ar"
        elif language in ("ary", "ary-Latn", "ber"):
            lang = "ar" if rng.random() < 0.6 else "fr"
        else:
            lang = "fr"
        return _pick(rng, answers[lang])

    def _tag(self, rng: random.Random, qid: str | None) -> str | None:
        if rng.random() >= P_TAG:
            return None
        if rng.random() < P_WRONG_TAG:
            return _pick(rng, self.tag_pool)
        return _pick(rng, T.TOPIC_TAGS.get(qid) or T.TOPIC_TAGS[None])


# --- distortions ----------------------------------------------------------------------
def _typos(rng: random.Random, text: str, arabic: bool) -> str:
    """How a hurried agent types: dropped accents or hamzas, no punctuation, swaps, repeats."""
    r = rng.random
    if arabic:
        if r() < 0.5:
            text = _HAMZA.sub("ا", text)
        if r() < 0.3:
            text = text.replace("ة ", "ه ")
        if r() < 0.5:
            text = _ARABIC_PUNCT.sub("", text)
    else:
        if r() < 0.45:
            text = _ACCENT.sub(_unaccent, text)
        if r() < 0.5:
            text = _LATIN_PUNCT.sub("", text.lower())
    if r() < 0.2:
        text = _edit_word(rng, text, "swap")
    if r() < 0.15:
        text = _edit_word(rng, text, "repeat")
    if r() < 0.08:
        text = _edit_word(rng, text, "drop")
    return text


def _unaccent(m: re.Match) -> str:
    return _UNACCENTED[m.group()]


def _edit_word(rng: random.Random, text: str, how: str) -> str:
    words = text.split(" ")
    i = int(rng.random() * len(words))
    w = words[i]
    if len(w) < 4 or not w.isalpha():
        return text
    j = 1 + int(rng.random() * (len(w) - 2))
    if how == "swap":
        w = w[:j] + w[j + 1] + w[j] + w[j + 2:]
    elif how == "repeat":
        w = w[:j] + w[j] * (2 + int(rng.random() * 3)) + w[j + 1:]
    else:
        w = w[:j] + w[j + 1:]
    words[i] = w
    return " ".join(words)


def phone_number(rng: random.Random) -> str:
    """A Moroccan mobile number as a caller would say it, in one of the usual spellings."""
    d = f"{_pick(rng, '67')}{int(rng.random() * 100_000_000):08d}"  # 6XXXXXXXX or 7XXXXXXXX
    pairs = [d[1:3], d[3:5], d[5:7], d[7:9]]
    style = int(rng.random() * 8)
    if style == 0:
        return "0" + d[0] + " " + " ".join(pairs)
    if style == 1:
        return "0" + d
    if style == 2:
        return "+212 " + d[0] + " " + " ".join(pairs)
    if style == 3:
        return "+212" + d
    if style == 4:
        return "00212" + d
    if style == 5:
        return "0" + d[0] + "." + ".".join(pairs)
    if style == 6:
        return "0" + d[0] + "-" + "-".join(pairs)
    return "00212 " + d[0] + " " + " ".join(pairs)


def cin_number(rng: random.Random) -> str:
    """A national ID card number: one or two letters and five or six digits (e.g. AB123456)."""
    prefix = _pick(rng, CIN_PREFIXES)
    digits = f"{int(rng.random() * 1_000_000):06d}" if len(prefix) == 2 or rng.random() < 0.6 else f"{int(rng.random() * 100_000):05d}"
    return prefix + (" " if rng.random() < 0.15 else "") + digits


def _with_pii(rng: random.Random, text: str, lang: str) -> str:
    kind = "phone" if rng.random() < 0.6 else "cin"
    number = phone_number(rng) if kind == "phone" else cin_number(rng)
    phrases = PII_PHRASES[kind]
    phrase = _pick(rng, phrases.get(lang) or phrases["fr"]).format(n=number)
    return f"{phrase} {text}" if rng.random() < 0.5 else f"{text} {phrase}"
