"""Questions no catalog entry covers (family `other`, question_id null): what a real line also gets."""

from __future__ import annotations

OTHER_QUESTIONS: dict[str, list[str]] = {
    "fr": [
        "c'est combien le test PCR pour voyager en France",
        "les frontières sont ouvertes pour l'Espagne ?",
        "quelle pharmacie est de garde ce soir à {city}",
        "je veux porter plainte contre un infirmier qui m'a mal parlé",
        "est-ce que les mosquées vont rouvrir pour l'Aïd",
        "le couvre-feu commence à quelle heure",
        "je cherche le numéro de l'hôpital de {city}",
        "je voulais juste savoir si vous recrutez des infirmiers",
    ],
    "ary": [
        "شحال ثمن التحليلة باش نسافر",
        "واش الحدود محلولة",
        "شكون الفرماصيان ديال النوبة ف{city}",
        "بغيت نشكي على واحد الفرملي",
        "الحظر إمتى كيبدا",
        "عطيني النمرة ديال السبيطار ديال {city}",
    ],
    "ary-Latn": [
        "ch7al taman pcr bach nsafer l fransa",
        "wach l7oudoud m7loula",
        "chkoun pharmacie de garde f {city}",
        "bghit nchki 3la wa7d fermli",
        "couvre feu imta kaybda",
        "3tini numero dyal sbitar dyal {city}",
        "wach kayn chi 5dma f sbitar",
    ],
    "ar": [
        "كم ثمن اختبار الكشف من أجل السفر",
        "هل الحدود مفتوحة",
        "متى يبدأ حظر التجول الليلي",
        "أريد تقديم شكاية ضد ممرض",
    ],
    "en": ["are flights to Europe open", "how much is a PCR test for travel"],
    "ber": ["mlmi ad trzm lḥudud"],
}
