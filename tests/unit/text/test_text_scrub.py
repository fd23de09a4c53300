"""Scrubbing: generated phone and CIN numbers never survive; ordinary numbers always do."""

from hypothesis import given, settings
from hypothesis import strategies as st

from streams.text.scrub import scrub, scrub_counts

CONTEXT_BEFORE = [
    "mon numéro c'est", "appelez moi au", "voici mon tel", "رقمي هو", "النمرة ديالي", "nmra dyali",
    "3iyet liya f", "wach t9der t3iyet 3la", "my number is", "", "bonjour madame", "السلام عليكم",
]
CONTEXT_AFTER = [
    "merci", "svp", "شكرا", "3afak", "et j'ai 45 ans", "pour la 2ème dose du 12/05/2021", "", "ok",
    "والتلقيح بعد 21 يوم", "wach ndir l vaccin",
]
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
UNITS = ["zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"]
TEENS = ["dix", "onze", "douze", "treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit", "dix-neuf"]
TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante", 8: "quatre-vingt"}


def french(n: int) -> str:
    """A two-digit group as a French speaker dictates it ("zéro six", "soixante-dix-huit")."""
    if n < 10:
        return "zéro " + UNITS[n]
    if n < 20:
        return TEENS[n - 10]
    tens, unit = divmod(n, 10)
    if tens in (7, 9):
        return TENS[tens - 1] + "-" + TEENS[unit]
    word = TENS[tens]
    if unit == 0:
        return word
    return word + ("-et-un" if unit == 1 and tens != 8 else "-" + UNITS[unit])


@st.composite
def phones(draw) -> str:
    """A Moroccan mobile or landline number in one of the usual spellings."""
    prefix = draw(st.sampled_from("567"))
    rest = draw(st.text("0123456789", min_size=8, max_size=8))
    nine = prefix + rest
    style = draw(st.sampled_from(["plain", "pairs", "433", "intl", "intl0", "intl_pairs", "00212", "spoken", "indic"]))
    sep = draw(st.sampled_from([" ", ".", "-", " - ", ""]))
    pairs = [("0" + nine)[i:i + 2] for i in range(0, 10, 2)]
    if style == "plain":
        return "0" + nine
    if style == "pairs":
        return sep.join(pairs)
    if style == "433":
        n = "0" + nine
        return sep.join([n[:4], n[4:7], n[7:]])
    if style == "intl":
        return "+212" + draw(st.sampled_from(["", " "])) + sep.join([nine[0], nine[1:3], nine[3:5], nine[5:7], nine[7:]])
    if style == "intl0":
        return "+212 (0) " + " ".join([nine[0], nine[1:3], nine[3:5], nine[5:7], nine[7:]])
    if style == "intl_pairs":
        return "+212 " + nine[0] + " " + " ".join(nine[i:i + 2] for i in range(1, 9, 2))
    if style == "00212":
        return "00212" + draw(st.sampled_from(["", " "])) + nine
    if style == "indic":
        return sep.join(pairs).translate(ARABIC_INDIC)
    return " ".join(french(int(p)) for p in pairs)


@st.composite
def cins(draw) -> tuple[str, str]:
    """(how it is said, the bare number): 'AB123456', 'cin BE 12345', 'lcarte dyali be123456'..."""
    letters = draw(st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=2))
    digits = draw(st.text("0123456789", min_size=5, max_size=6))
    style = draw(st.sampled_from(["glued", "glued_lower", "spaced", "keyword", "keyword_lower", "arabic_kw"]))
    if style == "glued":
        return letters + digits, letters + digits
    if style == "glued_lower":
        return (letters + digits).lower(), (letters + digits).lower()
    if style == "spaced":
        return letters + " " + digits, letters + " " + digits
    if style == "keyword":
        return "CIN " + letters + " " + digits, letters + " " + digits
    if style == "keyword_lower":
        return "cin: " + letters.lower() + digits, letters.lower() + digits
    return "رقم البطاقة " + letters + digits, letters + digits


@settings(max_examples=400, deadline=None)
@given(phone=phones(), before=st.sampled_from(CONTEXT_BEFORE), after=st.sampled_from(CONTEXT_AFTER))
def test_no_phone_survives(phone, before, after):
    text = f"{before} {phone} {after}".strip()
    out, counts = scrub_counts(text)
    assert phone not in out, out
    assert "[PHONE]" in out
    assert counts["phone"] >= 1


@settings(max_examples=300, deadline=None)
@given(cin=cins(), before=st.sampled_from(CONTEXT_BEFORE), after=st.sampled_from(CONTEXT_AFTER))
def test_no_cin_survives(cin, before, after):
    said, bare = cin
    text = f"{before} {said} {after}".strip()
    out = scrub(text)
    assert bare not in out, out
    assert "[CIN]" in out


@st.composite
def ordinary(draw) -> str:
    """Numbers a caller says that are not personal data."""
    day, month = draw(st.integers(1, 28)), draw(st.integers(1, 12))
    year = draw(st.integers(2019, 2022))
    choices = [
        f"j'ai {draw(st.integers(12, 99))} ans",
        f"{draw(st.integers(1, 3))} doses",
        f"la {draw(st.sampled_from(['2ème', '3eme', '1ère']))} dose",
        f"le {day:02d}/{month:02d}/{year}",
        f"le {day}-{month}-{year}",
        "sms au 1717", "envoyer la cin au 1717", "21 jours", "28 jours", "28 يوم", "بعد ٢١ يوم",
        f"à {draw(st.integers(8, 19))}h{draw(st.sampled_from(['00', '30']))}",
        f"en {year}", f"3ndi {draw(st.integers(18, 80))} 3am", "wach n9der ndir doz talta",
        f"{draw(st.integers(100, 999))} dh", "covid-19", "0801 000 180",
    ]
    picked = draw(st.lists(st.sampled_from(choices), min_size=1, max_size=4))
    return " ".join(picked)


@settings(max_examples=300, deadline=None)
@given(text=ordinary(), before=st.sampled_from(CONTEXT_BEFORE))
def test_ordinary_numbers_survive(text, before):
    full = f"{before} {text}".strip()
    assert scrub(full) == full


def test_email():
    assert scrub("écrivez à ahmed.benali-2@gmail.com svp") == "écrivez à [EMAIL] svp"


def test_counts_and_mixed():
    out, counts = scrub_counts("tel 0661234567, cin AB12345, mail a@b.ma")
    assert out == "tel [PHONE], cin [CIN], mail [EMAIL]"
    assert counts == {"phone": 1, "cin": 1, "email": 1}


def test_untouched_text_is_the_same_object():
    text = "quand faire la deuxième dose"
    assert scrub(text) is text
    assert scrub("") == ""
