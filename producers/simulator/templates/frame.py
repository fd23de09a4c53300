"""What surrounds a question: greetings, a bit of context about the caller, a closing word.

The context clauses carry the same slots as the questions, so that an age, a city or a
profession shows up in the transcript the way callers volunteer them.
"""

from __future__ import annotations

OPENERS: dict[str, list[str]] = {
    "fr": ["bonjour", "bonjour madame", "bonjour monsieur", "allô oui bonjour", "salam bonjour", "excusez-moi", "oui bonjour j'ai une question", "bonsoir", "s'il vous plaît"],
    "ary": ["السلام عليكم", "سلام", "الو السلام", "عفاك", "الله يخليك", "صباح الخير", "سمحي ليا أختي", "عافاك أخويا"],
    "ary-Latn": ["salam", "slm", "salam 3alikom", "allo salam", "3afak", "3afak a lalla", "lah y5lik", "sba7 l5ir", "smhili", "salam khoya"],
    "ar": ["السلام عليكم", "مرحبا", "صباح الخير", "من فضلك", "لو سمحت", "تحية طيبة"],
    "en": ["hello", "hi", "good morning", "excuse me"],
    "ber": ["azul", "azul fllawn", "salam"],
}

CONTEXTS: dict[str, list[str]] = {
    "fr": ["j'ai {age} ans", "j'habite à {city}", "je suis {job}", "ma mère a {age} ans", "je suis à {city} maintenant", "je travaille comme {job}", "j'ai déjà appelé hier", "je suis diabétique", "on m'a dit d'appeler ce numéro"],
    "ary": ["عندي {age} عام", "أنا ساكن ف{city}", "أنا خدام {job}", "مي عندها {age} عام", "راني ف{city} دابا", "عيطت البارح و ما فهمتش", "عندي السكر"],
    "ary-Latn": ["3ndi {age} 3am", "ana sakn f {city}", "ana 5dam {job}", "mmi 3ndha {age} 3am", "rani f {city} daba", "3ytt lbareh w mafhamtch", "3ndi sokkar", "ana men {city}"],
    "ar": ["عمري {age} سنة", "أسكن في {city}", "أعمل {job}", "والدتي عمرها {age} سنة", "أنا مصاب بالسكري"],
    "en": ["I am {age}", "I live in {city}", "I work as {job}"],
    "ber": ["ghuri {age} n iseggasn", "ann ɣ {city}"],
}

CLOSERS: dict[str, list[str]] = {
    "fr": ["merci", "merci beaucoup", "merci d'avance", "svp", "c'est urgent", "merci madame"],
    "ary": ["الله يخليك", "شكرا", "بارك الله فيك", "الله يحفظك", "جزاك الله خير"],
    "ary-Latn": ["lah y5lik", "chokran", "baraka lahou fik", "merci", "lah y7efdek", "mrc"],
    "ar": ["شكرا جزيلا", "وشكرا", "جزاكم الله خيرا"],
    "en": ["thanks", "thank you"],
    "ber": ["tanmmirt", "barakallahufik"],
}
