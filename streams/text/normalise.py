"""Text normalisation for matching callers' free spelling against the catalog phrasings.

Callers write the same word many ways: Arabic letter variants (أ/إ/آ/ا, ة/ه, ى/ي), diacritics and
tatweel, Arabizi digits for letters (3=ع, 7=ح, 9=ق, 2=ء, 5=خ), missing French accents, repeated
letters ("bghiiiit"), no punctuation. `normalise` maps all of them onto one form so that the
classifier learns from few phrasings. The result is for matching only, never for display.
"""

from __future__ import annotations

import re
import sys
import unicodedata

# --- one str.translate table: drop marks, unify letters, punctuation -> space -----------------
_TABLE: dict[int, str | None] = {}
for _cp in range(0x20, 0x3000):
    _ch = chr(_cp)
    _cat = unicodedata.category(_ch)
    if _cat == "Mn":  # combining marks: Latin accents after NFKD, Arabic harakat, shadda, madda
        _TABLE[_cp] = None
    elif _cat[0] in "PSZ" and _ch not in "@":  # punctuation, symbols, separators
        _TABLE[_cp] = " "
_TABLE.update({
    ord("\u0640"): None,          # tatweel
    ord("\u0621"): None,          # lone hamza
    ord("\u0671"): "ا",           # alef wasla
    ord("ة"): "ه",                # ta marbuta
    ord("ث"): "ت", ord("ذ"): "د", ord("ظ"): "ض",  # Darija writes التانية, الدراع: fold the interdentals
    ord("ى"): "ي",                # alef maqsura
    ord("ی"): "ي", ord("ې"): "ي",  # Persian/Urdu yeh
    ord("ک"): "ك", ord("ڭ"): "ك", ord("گ"): "ك",  # keheh, Moroccan gaf
    ord("ڤ"): "ف", ord("ڥ"): "ف", ord("پ"): "ب", ord("چ"): "ج",
    ord("\u200c"): None, ord("\u200d"): None, ord("\u200f"): None, ord("\u200e"): None,
    ord("œ"): "oe", ord("æ"): "ae", ord("ß"): "ss", ord("ı"): "i",
    ord("ɣ"): "gh", ord("ε"): "a", ord("ɛ"): "a",  # Amazigh Latin letters
})
# Tifinagh -> the Latin transcription the catalog's Amazigh phrasings use.
_TABLE.update({ord(k): v for k, v in {
    "ⴰ": "a", "ⴱ": "b", "ⴳ": "g", "ⴷ": "d", "ⴹ": "d", "ⴻ": "e", "ⴼ": "f", "ⴽ": "k", "ⵀ": "h",
    "ⵃ": "h", "ⵄ": "a", "ⵅ": "kh", "ⵇ": "q", "ⵉ": "i", "ⵊ": "j", "ⵍ": "l", "ⵎ": "m", "ⵏ": "n",
    "ⵓ": "u", "ⵔ": "r", "ⵕ": "r", "ⵖ": "gh", "ⵙ": "s", "ⵚ": "s", "ⵛ": "ch", "ⵜ": "t", "ⵟ": "t",
    "ⵡ": "w", "ⵢ": "y", "ⵣ": "z", "ⵥ": "z", "ⵯ": "w", "ⵞ": "tch", "ⵠ": "v", "ⵒ": "p",
}.items()})
for _i in range(10):  # Arabic-Indic and Persian digits -> ASCII
    _TABLE[0x0660 + _i] = str(_i)
    _TABLE[0x06F0 + _i] = str(_i)
_TABLE[ord("@")] = " "
# NFKD turns أ into ا + U+0654, so hamza/madda carriers unify once marks are dropped.

_ARABIZI = str.maketrans({"2": "a", "3": "a", "5": "kh", "7": "h", "9": "q"})
_ARABIZI_DIGITS = frozenset("23579")
# A number with a unit or an ordinal is not Arabizi ("2eme", "3ans", "5j", "2x"), nor is a token
# with a run of digits ("covid19", "1717").
_NOT_ARABIZI = re.compile(r"^\d(?:e|eme|em|er|ere|nd|rd|st|th|an|ans|j|jr|jrs|jour|jours|h|mois|x|mg|ml|dh|dhs|doses?)$|\d\d|^[^a-z]*$")
_ASCII_PUNCT = re.compile(r"[!-/:-@\[-`{-~]")  # the ASCII punctuation and symbols the table maps to space
_REPEAT = re.compile(r"(\w)\1+")  # digits too ("22" -> "2"): harmless for matching, and fast
_HAS_DIGIT = re.compile(r"[23579]")
# Latin spelling of Darija is free: ch/sh, ou/o/u, q/9/k are the same sounds to its writers.
_FOLD = (("sh", "ch"), ("ou", "u"), ("o", "u"), ("q", "k"))


def _first(m: re.Match[str]) -> str:
    """One letter for a run, except an Arabic pair: اللقاح and اللي are spelt with two ل."""
    run = m.group(0)
    if len(run) == 2 and "\u0600" <= run[0] <= "\u06ff":
        return run
    return m.group(1)


def _arabizi(s: str) -> str:
    """Digits-for-letters inside Latin words become letters; real numbers stay."""
    out = []
    for tok in s.split():
        if _ARABIZI_DIGITS.intersection(tok) and not _NOT_ARABIZI.search(tok):
            tok = tok.translate(_ARABIZI)
        out.append(tok)
    return " ".join(out)


def normalise(text: str) -> str:
    """The matching form of `text`: lower case, no accents/diacritics, unified letters, one space."""
    if text.isascii():  # most Latin-script questions: no accents to strip, one C-level pass
        s = _ASCII_PUNCT.sub(" ", text.lower())
    else:
        s = unicodedata.normalize("NFKD", text.lower()).translate(_TABLE)
    if _HAS_DIGIT.search(s):
        s = _arabizi(s.replace("covid19", "covid 19"))
    s = _REPEAT.sub(_first, s)
    for a, b in _FOLD:
        if a in s:
            s = s.replace(a, b)
    return " ".join(s.split())


def strip_arabic_article(token: str) -> str:
    """`الجرعة` -> `جرعة`, `والمركز` -> `مركز`: the article hides shared stems from word features."""
    for prefix in ("وال", "بال", "فال", "كال", "لل", "ال"):
        if token.startswith(prefix) and len(token) - len(prefix) >= 2:
            return token[len(prefix):]
    return token


_AR_PREFIXES = ("وال", "بال", "فال", "كال", "لل", "ال", "و", "ف", "ب", "ل", "ك")
_AR_SUFFIXES = ("تهم", "كم", "هم", "ها", "نا", "ات", "ين", "ون", "ني", "ه", "ي", "ك", "و", "ش", "ت")
_VOWELS = str.maketrans("", "", "aeiouy")
_LATIN_SUFFIXES = ("ement", "ment", "s", "x")


def stem(token: str) -> str:
    """A coarse stem that different spellings and inflections of one word share.

    Arabic script: one proclitic (article, و ف ب ل ك) and one enclitic or inflection (ي ك ه ها نا
    ات ين ...) dropped while 3 letters remain (4 for a lone-letter proclitic): لقاحي, واللقاح, بلقاحات -> لقاح. Latin script (French
    and Arabizi): the consonant skeleton after the first letter, so that vowels dropped or swapped
    by free spelling (ntla9a7 / ntl9e7, kifach / kifash, vaccins / vaccin) meet.
    """
    if not token:
        return token
    if is_arabic_letter(token[0]):
        for x in _AR_SUFFIXES:
            if token.endswith(x) and len(token) - len(x) >= 3:
                token = token[: -len(x)]
                break
        for p in _AR_PREFIXES:  # a lone letter only from a long word: لقاح keeps its ل
            if token.startswith(p) and len(token) - len(p) >= (3 if len(p) > 1 else 4):
                return token[len(p):]
        return token
    for x in _LATIN_SUFFIXES:
        if token.endswith(x) and len(token) - len(x) >= 4:
            token = token[: -len(x)]
            break
    return token[0] + token[1:].translate(_VOWELS)


_TO_LATIN = {
    "ا": "a", "ب": "b", "ت": "t", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ر": "r", "ز": "z",
    "س": "s", "ش": "ch", "ص": "s", "ض": "d", "ط": "t", "ع": "a", "غ": "gh", "ف": "f", "ق": "k",
    "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "و": "u", "ي": "i",
}


def arabic_to_latin(norm: str) -> str:
    """Normalised Arabic-script text spelt the way Arabizi writers spell it, normalised (same
    folds: 7 -> h, 3 -> a, 9 -> k): لقاح -> lkah, كيفاش -> kifach. Why: Darija phrasings in Arabic
    script then also teach the Latin-script model. The article is a separate l; final ه is the vowel a (الجلبه -> ljlba);
    و and ي are w and y at the start of a word."""
    words = []
    for w in norm.split():
        if not is_arabic_letter(w[0]):
            words.append(w)
            continue
        out = []
        for prefix, latin in (("وال", "w l "), ("فال", "f l "), ("بال", "b l "), ("ال", "l ")):
            if w.startswith(prefix) and len(w) - len(prefix) >= 2:  # the article is written apart
                out.append(latin)
                w = w[len(prefix):]
                break
        for i, ch in enumerate(w):
            if i == 0 and ch in "وي":
                out.append("w" if ch == "و" else "y")
            elif ch == "ه" and i == len(w) - 1 and i > 0:
                out.append("a")
            else:
                out.append(_TO_LATIN.get(ch, ""))
        words.append("".join(out))
    return normalise(" ".join(words))


def is_arabic_letter(ch: str) -> bool:
    return "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f"


__all__ = ["normalise", "strip_arabic_article", "stem", "arabic_to_latin", "is_arabic_letter"]

if __name__ == "__main__":  # quick manual check: python -m streams.text.normalise "texte"
    for arg in sys.argv[1:]:
        print(normalise(arg))
