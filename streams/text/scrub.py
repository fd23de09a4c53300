"""Personal-data scrubbing of transcript text: phone numbers, national ID numbers, e-mails.

Callers dictate their number or CNIE to the agent, so transcripts carry them in every spelling:
`0612345678`, `06 12 34 56 78`, `06.12.34.56.78`, `+212 6 12-34-56-78`, `00212612345678`,
Arabic-Indic digits, or spoken ("zéro six douze trente-quatre ..."). They are replaced by typed
placeholders so that the text stays useful for analysis. Ordinary numbers (ages, doses, dates,
times, "1717", "21 jours", years) are kept: a phone needs 10 digits in the Moroccan plan
(0 + 5/6/7 + 8 digits, the international forms without the 0), a CIN needs letters glued to a
digit run (or a CIN keyword before it).
"""

from __future__ import annotations

import re

PHONE, CIN, EMAIL = "[PHONE]", "[CIN]", "[EMAIL]"

_D = r"[0-9\u0660-\u0669\u06F0-\u06F9]"          # ASCII, Arabic-Indic, Persian digits
_SEP = r"[ \t.\-\u00a0]{0,3}"                      # a short separator run between digits (no newlines)
_NB = r"(?<![0-9\u0660-\u0669\u06F0-\u06F9])"       # not preceded by a digit
_NA = r"(?![0-9\u0660-\u0669\u06F0-\u06F9])"        # not followed by a digit

_ZERO = "[0\u0660\u06F0]"
_MOBILE = "[5-7\u0665-\u0667\u06F5-\u06F7]"
_PHONE_RE = re.compile(
    # international: +212 / 00212 / 212, optional (0), then 9 digits starting 5-7
    rf"(?:\+[ \t]*|{_NB}{_ZERO}{_ZERO}[ \t]*|{_NB})[2\u0662\u06F2][1\u0661\u06F1][2\u0662\u06F2]"
    rf"[ \t.\-]*(?:\(\s*{_ZERO}\s*\)[ \t.\-]*)?{_MOBILE}(?:{_SEP}{_D}){{8}}{_NA}"
    # national: 0 + 5-7 + 8 digits, any grouping
    rf"|{_NB}{_ZERO}[ \t.\-]?{_MOBILE}(?:{_SEP}{_D}){{8}}{_NA}"
)

_EMAIL_RE = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")

# CIN / CNIE: one or two Latin letters then 3-7 digits ("AB123456", "J456789", "be 12345").
_CIN_KEY = r"(?:cin|cnie|c\.i\.n|carte(?:\s+nationale)?|la\s+carte|lkart|lakarte|bitaqa|ra9m|n°|no|num(?:ero|éro)?|رقم|البطاقة|لاكارط|بطاقة)"
_CIN_RE = re.compile(
    # glued: letters directly followed by 5-7 digits, not inside a longer word or number
    rf"(?<![A-Za-z0-9])[A-Za-z]{{1,2}}{_D}{{5,7}}{_NA}(?![A-Za-z])"
    # upper-case letters, one space or dash, 5-7 digits ("AB 123456", "BE-12345")
    rf"|(?<![A-Za-z0-9])[A-Z]{{1,2}}[ \-]{_D}{{5,7}}{_NA}(?![A-Za-z])"
)
# After a CIN keyword: any case, a short separator, 3-7 digits ("cin be 12345", "رقم البطاقة a 1234").
_CIN_KEY_RE = re.compile(
    rf"(?i)((?<!\w){_CIN_KEY}(?:\s+(?:dyali|dyal|ديالي|ديال|de|est|c est|is|my|ta3i|هو|ila|:))*[\s:=\-]*)"
    rf"(?-i:(?!(?:de|le|la|en|au|du|et|ou|un|el|il|fi|a|l|f|w|b|y|o|e)[\s\-:]))"
    rf"[A-Za-z]{{1,2}}[\s\-:]?{_D}{{3,7}}{_NA}(?![A-Za-z])"
)


_DIGIT_GROUPS = re.compile(rf"{_D}+")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_TO_ASCII = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def _phone(m: re.Match[str]) -> str:
    """A date or a list of numbers can look like 10 digits ("05 01 2019 21"): a group that is a
    year, after the first, means it is not a phone number."""
    groups = _DIGIT_GROUPS.findall(m.group(0).translate(_TO_ASCII))
    if any(_YEAR.match(g) for g in groups[1:]):
        return m.group(0)
    return PHONE


def _keep_key(m: re.Match[str]) -> str:
    return m.group(1) + CIN


# Digits spoken in words: "zéro six douze trente-quatre cinquante-six soixante-dix-huit".
_NUMWORDS = (
    "zero|zéro|zer|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|"
    "quinze|seize|vingt|vingts|trente|quarante|cinquante|soixante|septante|octante|nonante|cent|cents|et|"
    "oh|one|two|three|four|five|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    "seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|and|"
    "sifr|sefr|wa7ed|wahed|jouj|jooj|zouj|tlata|tleta|rb3a|reb3a|arb3a|khamsa|5amsa|setta|stta|sta|seb3a|sb3a|"
    "tmnya|tmnia|tmanya|ts3ud|tes3ud|3achra|w|"
    "صفر|زيرو|واحد|اثنان|اثنين|جوج|ثلاثة|تلاتة|أربعة|اربعة|ربعة|خمسة|ستة|سبعة|ثمانية|تمنية|تسعة|عشرة|و"
)
_SPOKEN_RE = re.compile(
    rf"(?i)(?<!\w)(?:zero|zéro|zer|oh|sifr|sefr|صفر|زيرو|0)[\s\-,]+(?:six|sept|cinq|six|seven|five|setta|stta|sta|seb3a|sb3a|khamsa|5amsa|ستة|سبعة|خمسة|[5-7])"
    rf"(?:[\s\-,]+(?:(?:{_NUMWORDS})(?!\w)|\d{{1,3}}(?!\d))){{3,14}}"
)
_HINT = re.compile(rf"{_D}|@")
_CIN_HINTS = ("cin", "cnie", "c.i.n", "carte", "kart", "bitaqa", "ra9m", "n°", "no", "num", "رقم", "بطاقة", "لاكارط")
_SPOKEN_HINTS = ("zero", "zéro", "zer ", "oh ", "sifr", "sefr", "صفر", "زيرو")


_RUNS = re.compile(rf"{_D}+")


def scrub_counts(text: str) -> tuple[str, dict[str, int]]:
    """The scrubbed text and how many of each kind were replaced."""
    counts = {"phone": 0, "cin": 0, "email": 0}
    if not text:
        return text, counts
    lower = text.lower()
    spoken = any(h in lower for h in _SPOKEN_HINTS)
    if not spoken and not _HINT.search(text):
        return text, counts
    if "@" in text:
        text, counts["email"] = _EMAIL_RE.subn(EMAIL, text)
    # Cheap digit census first: most texts with digits hold only short ordinary numbers.
    runs = [len(r) for r in _RUNS.findall(text)]
    if sum(runs) >= 9:
        text, counts["phone"] = _PHONE_RE.subn(_phone, text)
        if counts["phone"]:
            counts["phone"] = text.count(PHONE)
    if spoken:
        text, n = _SPOKEN_RE.subn(PHONE, text)
        counts["phone"] += n
    longest = max(runs, default=0)
    if longest >= 5:
        text, counts["cin"] = _CIN_RE.subn(CIN, text)
    if longest >= 3 and any(k in lower for k in _CIN_HINTS):
        text, n = _CIN_KEY_RE.subn(_keep_key, text)
        counts["cin"] += n
    return text, counts


def scrub(text: str) -> str:
    """`text` with phone numbers, CIN numbers and e-mails replaced by `[PHONE]`, `[CIN]`, `[EMAIL]`."""
    return scrub_counts(text)[0]
