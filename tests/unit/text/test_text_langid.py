"""Language id: script first, then marker words (Darija markers win over French loanwords)."""

import pytest

from streams.text.langid import detect_language


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Bonjour, est-ce que je peux me faire vacciner si je suis enceinte ?", "fr"),
        ("quand est ce que je dois faire la deuxieme dose", "fr"),
        ("هل يمكنني أن أتلقى اللقاح وأنا مصاب بالسكري", "ar"),
        ("ما هي الوثائق المطلوبة يوم التلقيح", "ar"),
        ("واش نقدر ندير الجلبة التانية فمدينة أخرى", "ary"),
        ("بغيت نعرف فين كاين المركز ديال التلقيح", "ary"),
        ("wach n9der ndir l vaccin ila kont 7amla", "ary-Latn"),
        ("bghit nbdel rendez-vous dyali", "ary-Latn"),        # code-switching stays Darija
        ("salam 3afak fin kayn centre de vaccination", "ary-Latn"),
        ("can I get the vaccine if I am pregnant", "en"),
        ("where is the vaccination centre", "en"),
        ("ⴰⵣⵓⵍ ⵎⴰⵏⵉ ⵉⵍⵍⴰ ⵍⵎⴰⵔⴽⴰⵣ", "ber"),
        ("mani ghayi lqqḥx", "ber"),
        ("", "und"),
        ("12345", "und"),
        ("?!", "und"),
    ],
)
def test_detect(text, lang):
    assert detect_language(text) == lang
