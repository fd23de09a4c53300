"""Language of a caller's question: fr, ar, ary, ary-Latn, en, ber or und.

Rules, not a model: the script decides the candidates (Tifinagh -> Amazigh, Arabic script -> MSA or
Darija, Latin -> French, English, Arabizi Darija or Amazigh), then marker words decide between
them. Darija is usually code-switched with French ("bghit nbdel rendez-vous dyali"), so Darija
markers outweigh French words, and digits inside words ("3ndi", "l9a7") are Arabizi evidence.
"""

from __future__ import annotations

import re

from streams.text.normalise import normalise


def _normalised(words: str) -> frozenset[str]:
    """Marker lists are compared with normalised words, so they are normalised the same way."""
    return frozenset(w for word in words.split() for w in normalise(word).split())


_ARY_AR = _normalised("""
ديال ديالي ديالك ديالو ديالها ديالنا ديالهم واش بغيت بغيت بغينا بغا بغات كيفاش فين شنو اشنو أشنو اش
شحال علاش امتى إمتى فوقاش دابا بزاف غادي غادين ماشي راه راني راك واخا هادي هادا هاد داكشي دكشي
كاين كاينة كاينين خاصني خاصك خاص ملي باش حيت والو شي مزيان عافاك نتا نتي حنا ليا ليك عليا شوية درت
ماعنديش ماجانيش ماجاني ماكاينش مابغيتش بلا كيضرني كيضرب كنقلب كندير كنرضع كناخد كنتقيا ولدي مي
الجلبة جلبة الدوز لاكارط السونطر الميساج صيفطت صيفط نتلقح نتسجل ندير نمشي نجيب نقدر نبدل نعرف
واحد جوج ديما مازال باقي اللي لي فالدار فالمركز تاني زعما ياك بحال كيفما نهار السخانة عيان
""")
_AR_MSA = _normalised("""
هل ماذا لماذا كيف أين اين متى الذي التي الذين يمكنني يمكن أريد أستطيع لم لن ليس ليست هذا هذه
ذلك تلك إذا اذا إلى الى أن إن نحن جدا فقط أيضا حتى يجب أود أرغب سوف
""")
_ARY_LATN = _normalised("""
wach wech ach achno chno chnou chnu chno shno bghit bghina bgha bghat kifach kifash kif fin fine
dyal dyali dyalek dyalo dyalha dyalna d daba bzaf bzzaf ghadi ghadin machi mashi rah rani rak waxa
wakha hadi hada had dakchi dyal chkon dik dak kayn kayna kaynin khassni khasni khass khas mli bach 7it hit walo
chi mzyan mzian 3afak nta nti 7na liya lia 3liya 3ndi andi 3ndk ma3ndich ma3ndi majanich majani makaynch
mabghitch bla kaydrni kandir kanakhod kanred3 wlidi mama baba lwalida lwalid jouj wa7ed diman mazal
ba9i li f l fl ila 3la mn men m3a m3aya imta fo9ach fou9ach wa9tach ch7al chhal 3lach 3lash ndir nmchi
njib n9der nqder nbdel n3ref ntl9e7 ntla9a7 ntsjel nsjel sift sifet lvaccin l9a7 talqi7 nhar skhana
3yan drt dert jatni jani tl3at tl3o kan kant kont mrid mrida hadchi wla ola bghit wili safi
""")
_FR = _normalised("""
le la les de des du un une et est je j tu il elle nous vous ils elles que qui quoi quand comment
pourquoi où ou pour pas ne avec mon ma mes ton ta son sa ses ce cette ces c qu au aux dans sur par
plus moins très tres faire fait ai as a été etre être avoir suis peux peut dois doit faut veux
quel quelle quels quelles est-ce combien merci bonjour depuis après apres avant mais donc si ça ca
on me va se en y
""")
_EN = _normalised("""
the is are was were what how when where why who which can could should would will do does did i my
me you your it its of for and to in on at with from have has had not no yes get got take after
before there this that am be been any please hello thank thanks i'm i've don't can't
""")
_BER_LATN = _normalised("""
azul tanmmirt is ad mani manza mamnk mayd mad ghuri ghuri inu nkki nkk riɣ righ rix ur zmrx zmrɣ
dffir ghayi ghad ighd ikhssa izri yi n markaz ifulki tdrast illa illan tawla ighf ighil idmarn tigmmi ass lflus ddur mlmi awix
lqqḥx lqqhx lqqḥn ssjlx ggx sswx fkx yuski walu tadist arraw imzzyann tamzwarut snat wussan usggas
""")
# word -> (fr, en, ary-Latn, ber) evidence: one lookup per word. Darija markers weigh more than
# French words because Darija callers code-switch with French, not the other way round.
_LATIN_MARKERS = {
    w: (1.0 * (w in _FR), 1.0 * (w in _EN), 1.5 * (w in _ARY_LATN), 1.2 * (w in _BER_LATN))
    for w in _FR | _EN | _ARY_LATN | _BER_LATN
}
_ARABIZI_DIGIT = re.compile(r"[a-z][23579]|[23579][a-z]")
_BER_LETTERS = re.compile("[ɣḥḍṭẓṛṣεɛ]")
_ARABIC_RUNS = re.compile(r"[\u0600-\u06ff\u0750-\u077f]+")
_LATIN_RUNS = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff\u025b\u0263\u03b5]+")
_TIFINAGH_RUNS = re.compile(r"[\u2d30-\u2d7f]+")
_ACCENTED = re.compile(r"[éèêëàâçîïôûùœ]")


def _count(runs: re.Pattern[str], text: str) -> int:
    return sum(map(len, runs.findall(text)))


def detect_language(text: str, normalised: str | None = None) -> str:
    """One of fr, ar, ary, ary-Latn, en, ber, und (`normalised`: `normalise(text)` if already known)."""
    if text.isascii():  # the common Latin-script case: no script census needed
        if not _LATIN_RUNS.search(text):
            return "und"
        return _latin(text.lower(), (normalise(text) if normalised is None else normalised).split(), -1)
    arabic = _count(_ARABIC_RUNS, text)
    latin = _count(_LATIN_RUNS, text)
    tifinagh = _count(_TIFINAGH_RUNS, text) if _TIFINAGH_RUNS.search(text) else 0
    if tifinagh and tifinagh >= (arabic + latin) / 3:
        return "ber"
    if not arabic and not latin:
        return "und"
    lower = text.lower()
    words = (normalise(text) if normalised is None else normalised).split()
    if arabic < latin:
        return _latin(lower, words, latin)
    # Darija markers: its own words, negation ما...ش, present-tense ك prefix, فال contraction.
    ary = sum(1 for w in words if w in _ARY_AR or (len(w) > 3 and (
        w.startswith("ما") and w.endswith("ش") or w[0] == "ك" and w[1] in "ينت" or w.startswith("فال"))))
    msa = sum(1 for w in words if w in _AR_MSA)
    return "ary" if ary > msa else "ar"


def _latin(lower: str, words: list[str], latin: int) -> str:
    """French, English, Arabizi Darija or Amazigh, by marker words (`latin`: letter count, -1 unknown)."""
    if _BER_LETTERS.search(lower):
        return "ber"
    fr = 0.5 if _ACCENTED.search(lower) else 0.0
    en = ber = 0.0
    ary = 1.5 * len(_ARABIZI_DIGIT.findall(lower))
    get = _LATIN_MARKERS.get
    for w in words:
        m = get(w)
        if m is not None:
            fr += m[0]
            en += m[1]
            ary += m[2]
            ber += m[3]
    score = max(fr, en, ary, ber)
    if score == 0:  # no marker word: French if there is some Latin text at all
        if latin < 0:
            latin = _count(_LATIN_RUNS, lower)
        return "fr" if latin >= 3 else "und"
    return "fr" if fr == score else "en" if en == score else "ary-Latn" if ary == score else "ber"
