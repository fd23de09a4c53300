"""Caller questions of the `adverse_effects` family: every template names a vaccine and symptoms.

`{symptoms}` is one or two symptom phrases chosen to fit the question (mild for `common`,
serious for `severe`), `{vaccine}` a way of naming the vaccine (or not knowing it).
"""

from __future__ import annotations

QUESTIONS: dict[str, dict[str, list[str]]] = {
    "adverse_effects.common": {
        "fr": [
            "depuis le vaccin {vaccine} j'ai {symptoms}, c'est normal ?",
            "j'ai fait {vaccine} hier et ce matin j'ai {symptoms}",
            "ça dure combien de temps {symptoms} après {vaccine}",
            "{who} après {vaccine} il y a {symptoms}, on doit s'inquiéter ?",
            "ça fait {days} jours que j'ai {symptoms} depuis {vaccine}",
        ],
        "ary": [
            "من نهار درت {vaccine} و أنا فيا {symptoms} واش عادي",
            "درت {vaccine} البارح و اليوم فيا {symptoms}",
            "شحال كيبقى {symptoms} من بعد {vaccine}",
            "هادي {days} أيام و أنا فيا {symptoms} من بعد {vaccine}",
        ],
        "ary-Latn": [
            "mn nhar drt {vaccine} w ana fia {symptoms} wach 3adi",
            "drt {vaccine} lbare7 w lyoum fia {symptoms}",
            "ch7al kayb9a {symptoms} mn b3d {vaccine}",
            "hadi {days} ayam w ana fia {symptoms} mn b3d {vaccine}",
            "mmi drat {vaccine} w jatha {symptoms} wach normal",
        ],
        "ar": [
            "بعد تلقي {vaccine} أشعر بـ{symptoms}، هل هذا طبيعي",
            "تلقيت {vaccine} أمس واليوم أعاني من {symptoms}",
            "كم تدوم {symptoms} بعد {vaccine}",
        ],
        "en": ["after {vaccine} I have {symptoms}, is that normal", "how long does {symptoms} last after {vaccine}"],
        "ber": ["drɣ {vaccine} ghuri {symptoms}, is 3adi"],
    },
    "adverse_effects.severe": {
        "fr": [
            "mon père a fait {vaccine} et maintenant il a {symptoms}, on fait quoi",
            "après {vaccine} j'ai {symptoms}, est-ce que c'est grave ?",
            "c'est urgent {who} depuis {vaccine} il y a {symptoms}",
            "{symptoms} juste après l'injection de {vaccine}, il faut aller aux urgences ?",
        ],
        "ary": [
            "با دار {vaccine} و دابا فيه {symptoms} شنو نديرو",
            "من بعد {vaccine} فيا {symptoms} واش خطير",
            "عاجل مي من بعد {vaccine} جاها {symptoms}",
            "واش نمشي للمستعجلات فيا {symptoms} من بعد {vaccine}",
        ],
        "ary-Latn": [
            "bba dar {vaccine} w daba fih {symptoms} chno ndirou",
            "mn b3d {vaccine} fia {symptoms} wach 5tir",
            "3ajel mmi mn b3d {vaccine} jatha {symptoms}",
            "wach nmchi l'urgence fia {symptoms} mn b3d {vaccine}",
        ],
        "ar": [
            "بعد {vaccine} أصبت بـ{symptoms}، هل الأمر خطير",
            "والدي تلقى {vaccine} والآن يعاني من {symptoms}، ماذا نفعل",
            "هل يجب الذهاب إلى المستعجلات بسبب {symptoms} بعد {vaccine}",
        ],
        "en": ["after {vaccine} my father has {symptoms}, what do we do", "is {symptoms} after {vaccine} serious"],
        "ber": ["baba iskr {vaccine} ghuri {symptoms}, mad ad nskr"],
    },
    "adverse_effects.treatment": {
        "fr": [
            "je peux prendre du doliprane pour {symptoms} après {vaccine} ?",
            "j'ai eu {vaccine}, un médicament pour calmer {symptoms} ?",
            "je prends un traitement pour la tension, je continue après {vaccine} malgré {symptoms} ?",
            "paracétamol ou ibuprofène pour {symptoms} après {vaccine}",
        ],
        "ary": [
            "واش ناخد الدوليبران على {symptoms} من بعد {vaccine}",
            "شنو نشرب على {symptoms} درت {vaccine}",
            "كناخد الدوا ديال الطونسيو واش نكمل من بعد {vaccine} و فيا {symptoms}",
        ],
        "ary-Latn": [
            "wach na5od doliprane 3la {symptoms} mn b3d {vaccine}",
            "chno nchreb 3la {symptoms} drt {vaccine}",
            "kan5od dwa dyal tension wach nkml mn b3d {vaccine} w fia {symptoms}",
            "paracetamol wach mzyan l {symptoms} mn b3d {vaccine}",
        ],
        "ar": [
            "هل يمكنني تناول الباراسيتامول بسبب {symptoms} بعد {vaccine}",
            "ما الدواء المناسب لـ{symptoms} بعد {vaccine}",
            "أتناول دواء الضغط، هل أواصل رغم {symptoms} بعد {vaccine}",
        ],
        "en": ["can I take paracetamol for {symptoms} after {vaccine}"],
        "ber": ["is zḍarɣ ad sswɣ doliprane i {symptoms} dffir {vaccine}"],
    },
    "adverse_effects.reporting": {
        "fr": [
            "je veux signaler {symptoms} après {vaccine}, je m'adresse à qui",
            "où est-ce qu'on déclare un effet secondaire, j'ai eu {symptoms} avec {vaccine}",
            "est-ce que vous enregistrez les effets indésirables ? {who} {symptoms} après {vaccine}",
            "il faut déclarer {symptoms} après {vaccine} au centre antipoison ?",
        ],
        "ary": [
            "بغيت نبلغ على {symptoms} من بعد {vaccine} فين نمشي",
            "فين كيتصرحو بالأعراض الجانبية جاني {symptoms} مع {vaccine}",
            "واش كتسجلو الآثار ديال اللقاح فيا {symptoms} من بعد {vaccine}",
        ],
        "ary-Latn": [
            "bghit nbllegh 3la {symptoms} mn b3d {vaccine} fin nmchi",
            "fin kaytsar7o b les effets secondaires jatni {symptoms} m3a {vaccine}",
            "wach katsjjlo les effets dyal vaccin fia {symptoms} mn b3d {vaccine}",
            "chkoun nbllgh {symptoms} mn b3d {vaccine}",
        ],
        "ar": [
            "أريد التبليغ عن {symptoms} بعد {vaccine}، إلى من أتوجه",
            "كيف أصرح بعرض جانبي، أصبت بـ{symptoms} بعد {vaccine}",
            "هل تسجلون الأعراض؟ ظهرت لدي {symptoms} بعد {vaccine}",
        ],
        "en": ["how do I report {symptoms} after {vaccine}"],
        "ber": ["riɣ ad nnɣ {symptoms} dffir {vaccine}, mani ad ftuɣ"],
    },
}

# Which symptoms callers bring to each question (symptom label -> weight).
SYMPTOM_MIX: dict[str, dict[str, float]] = {
    "adverse_effects.common": {"injection_site": 0.3, "fever": 0.25, "headache": 0.15, "fatigue": 0.15, "muscle_pain": 0.1, "nausea": 0.03, "other": 0.02},
    "adverse_effects.severe": {"breathing": 0.3, "allergic": 0.3, "chest_pain": 0.25, "dizziness": 0.15},
    "adverse_effects.treatment": {"fever": 0.35, "headache": 0.25, "muscle_pain": 0.2, "injection_site": 0.15, "nausea": 0.05},
    "adverse_effects.reporting": {"allergic": 0.2, "dizziness": 0.15, "fever": 0.15, "injection_site": 0.1, "chest_pain": 0.1, "breathing": 0.1, "headache": 0.1, "other": 0.1},
}
