"""Slot fillers per language: how callers name vaccines, symptoms, relatives, doses, cities.

Vaccines and symptoms are keyed by the catalog's extraction labels so that the simulator can
record the truth next to each generated adverse-effect question.
"""

from __future__ import annotations

VACCINES: dict[str, dict[str, list[str]]] = {
    "sinopharm": {
        "fr": ["Sinopharm", "le Sinopharm", "le vaccin chinois", "sinopharm", "le chinois"],
        "ary": ["سينوفارم", "الصيني", "اللقاح الصيني", "سينوفارم الصيني"],
        "ary-Latn": ["sinopharm", "sinofarm", "chinwi", "dyal chinwa", "sinopharme"],
        "ar": ["سينوفارم", "اللقاح الصيني", "لقاح سينوفارم"],
        "en": ["Sinopharm", "the Chinese vaccine"],
        "ber": ["sinopharm", "vaccin n chinwa"],
    },
    "astrazeneca": {
        "fr": ["AstraZeneca", "l'Astra", "Astrazeneca", "astra zeneca", "le vaccin anglais", "Covishield"],
        "ary": ["أسترازينيكا", "الأسترا", "استرازينيكا", "النجليزي"],
        "ary-Latn": ["astra", "astrazeneca", "astrazenika", "nglizi", "covishield"],
        "ar": ["أسترازينيكا", "لقاح أسترازينيكا"],
        "en": ["AstraZeneca", "Astra", "Covishield"],
        "ber": ["astra", "astrazeneca"],
    },
    "pfizer": {
        "fr": ["Pfizer", "le Pfizer", "pfizer", "le Pfizer américain", "Pfiser"],
        "ary": ["فايزر", "الفايزر", "فيزر"],
        "ary-Latn": ["pfizer", "fayzer", "faizer", "pfiser", "mirikani"],
        "ar": ["فايزر", "لقاح فايزر"],
        "en": ["Pfizer", "the Pfizer one"],
        "ber": ["pfizer", "fayzer"],
    },
    "janssen": {
        "fr": ["Janssen", "le Johnson", "Johnson & Johnson", "la dose unique Janssen", "janssen"],
        "ary": ["جونسون", "جانسن", "ديال دوزة وحدة"],
        "ary-Latn": ["johnson", "janssen", "jonson", "dyal dose wa7da"],
        "ar": ["جانسن", "لقاح جونسون", "جونسون آند جونسون"],
        "en": ["Janssen", "Johnson & Johnson", "the single-shot one"],
        "ber": ["johnson", "janssen"],
    },
    "unknown": {
        "fr": ["le vaccin", "je sais plus lequel", "le vaccin qu'on m'a donné", "le premier vaccin"],
        "ary": ["اللقاح", "ما عقلتش شنو هو", "الجلبة", "اللقاح لي دارو ليا"],
        "ary-Latn": ["vaccin", "ma 39eltch chno howa", "ljelba", "l vaccin li dar liya"],
        "ar": ["اللقاح", "لا أعرف نوعه", "اللقاح الذي تلقيته"],
        "en": ["the vaccine", "I don't know which one"],
        "ber": ["vaccin", "ur ssinɣ mad iga"],
    },
}
VACCINE_WEIGHTS = {"sinopharm": 0.45, "astrazeneca": 0.30, "pfizer": 0.10, "janssen": 0.03, "unknown": 0.12}

SYMPTOMS: dict[str, dict[str, list[str]]] = {
    "injection_site": {
        "fr": ["mal au bras", "le bras tout gonflé", "une douleur là où on m'a piqué", "une rougeur au point de piqûre", "le bras lourd"],
        "ary": ["دراعي كيضرني", "تنفخ ليا الدراع", "بلاصة الجلبة حمرات", "ما قادرش نهز دراعي"],
        "ary-Latn": ["dra3i kayderni", "tnfe5 lia dra3", "blast l'piqure 7marat", "ma9adrch nhez dra3i"],
        "ar": ["ألم في الذراع", "انتفاخ في مكان الحقن", "احمرار مكان الحقنة"],
        "en": ["a sore arm", "swelling where they injected"],
        "ber": ["ifassn ar yttwa", "ighil inu"],
    },
    "fever": {
        "fr": ["de la fièvre", "39 de fièvre", "des frissons et de la fièvre", "de la température"],
        "ary": ["السخانة", "طلعات ليا السخانة", "البرد و السخانة", "سخانة قوية"],
        "ary-Latn": ["s5ana", "tl3at lia s5ana", "lbrd w s5ana", "skhana", "la fièvre"],
        "ar": ["حمى", "ارتفاع في درجة الحرارة", "قشعريرة وحمى"],
        "en": ["a fever", "chills and fever"],
        "ber": ["tawla", "tawla d usmmiḍ"],
    },
    "headache": {
        "fr": ["mal à la tête", "une migraine", "des maux de tête", "la tête qui tape"],
        "ary": ["راسي كيضرني", "ضريب الراس", "الشقيقة"],
        "ary-Latn": ["rassi kayderni", "drib ras", "ras kaydrebni", "migraine"],
        "ar": ["صداع", "صداع شديد", "ألم في الرأس"],
        "en": ["a headache", "a bad headache"],
        "ber": ["ixf inu ar yttwa", "aqqrru"],
    },
    "fatigue": {
        "fr": ["très fatigué", "une grosse fatigue", "épuisé", "aucune force"],
        "ary": ["العيا", "عيان بزاف", "ما فيا جهد"],
        "ary-Latn": ["l3ya", "3yan bzaf", "ma fia jhd", "fatigué bzf"],
        "ar": ["تعب", "إرهاق شديد", "إعياء"],
        "en": ["very tired", "exhausted"],
        "ber": ["tamara", "ur ghuri tazmert"],
    },
    "muscle_pain": {
        "fr": ["des courbatures", "mal partout", "mal aux muscles", "les articulations qui font mal"],
        "ary": ["التكسار", "مكسر كامل", "لعظام كيضروني"],
        "ary-Latn": ["tkssar", "mkesser kaml", "l3dam kaydrouni", "courbatures"],
        "ar": ["آلام في العضلات", "آلام في المفاصل", "تكسير في الجسم"],
        "en": ["aching muscles", "body aches"],
        "ber": ["ighsan ar ttwan"],
    },
    "nausea": {
        "fr": ["des nausées", "envie de vomir", "vomi deux fois", "mal au ventre"],
        "ary": ["بغيت نتقيا", "الغثيان", "تقيت", "كرشي كتضرني"],
        "ary-Latn": ["bghit nt9ia", "t9iit", "kerchi katderni", "l'ghatayan", "nausées"],
        "ar": ["غثيان", "قيء", "رغبة في التقيؤ"],
        "en": ["nausea", "threw up"],
        "ber": ["ar tqqiyɣ"],
    },
    "dizziness": {
        "fr": ["des vertiges", "la tête qui tourne", "un malaise", "je suis tombé dans les pommes"],
        "ary": ["الدوخة", "دخت", "طحت و دخت"],
        "ary-Latn": ["dou5a", "do5t", "t7t w do5t", "douka", "vertiges"],
        "ar": ["دوار", "دوخة", "إغماء"],
        "en": ["dizziness", "I fainted"],
        "ber": ["tadukht"],
    },
    "allergic": {
        "fr": ["des boutons partout", "des plaques rouges qui grattent", "le visage gonflé", "une allergie"],
        "ary": ["حبوب و حكة", "تنفخ ليا وجهي", "الحساسية", "حمورية فالجلد"],
        "ary-Latn": ["7boub w 7ekka", "tnfe5 lia wjhi", "l7assasiya", "allergie", "7kka f jild"],
        "ar": ["طفح جلدي", "حساسية", "انتفاخ في الوجه"],
        "en": ["a rash", "my face swelled up"],
        "ber": ["allergie", "udm inu iṭṭuqqi"],
    },
    "breathing": {
        "fr": ["du mal à respirer", "essoufflé", "la gorge serrée", "du mal à avaler"],
        "ary": ["ضيق فالنفس", "ما قادرش نتنفس", "حلقي تزير"],
        "ary-Latn": ["di9 f nefs", "ma9adrch ntnfss", "7al9i tzayr", "kan5n9"],
        "ar": ["ضيق في التنفس", "صعوبة في التنفس", "اختناق"],
        "en": ["trouble breathing", "short of breath"],
        "ber": ["ur zmmarɣ ad sunfuɣ"],
    },
    "chest_pain": {
        "fr": ["une douleur dans la poitrine", "le cœur qui bat fort", "mal au thorax", "des palpitations"],
        "ary": ["صدري كيضرني", "قلبي كيضرب بزاف", "وجع فالصدر"],
        "ary-Latn": ["sdri kayderni", "9albi kaydreb bzf", "wje3 f sder", "palpitations"],
        "ar": ["ألم في الصدر", "خفقان القلب", "ضيق في الصدر"],
        "en": ["chest pain", "a racing heart"],
        "ber": ["idmarn inu ar ttwan"],
    },
    "other": {
        "fr": ["des saignements du nez", "des fourmis dans les jambes", "l'œil qui pique", "des règles en retard"],
        "ary": ["رجليا كينملو", "عيني كتحرقني", "النعاس بزاف"],
        "ary-Latn": ["rjlia kaynemlo", "3ini kat7r9ni", "n3as bzaf", "fourmis f rjlia"],
        "ar": ["تنميل في الأطراف", "نزيف من الأنف"],
        "en": ["tingling in my legs"],
        "ber": ["idarn inu"],
    },
}

CITIES: dict[str, list[str]] = {
    # region -> cities callers name (French/Latin spelling; Arabic-script forms below)
    "Casablanca-Settat": ["Casablanca", "Casa", "Mohammedia", "El Jadida", "Settat", "Berrechid"],
    "Rabat-Salé-Kénitra": ["Rabat", "Salé", "Kénitra", "Témara", "Khémisset"],
    "Fès-Meknès": ["Fès", "Meknès", "Taza", "Ifrane", "Sefrou"],
    "Marrakech-Safi": ["Marrakech", "Safi", "Essaouira", "El Kelaa", "Youssoufia"],
    "Tanger-Tétouan-Al Hoceïma": ["Tanger", "Tétouan", "Al Hoceima", "Larache", "Ksar El Kebir"],
    "Souss-Massa": ["Agadir", "Inezgane", "Taroudant", "Tiznit"],
    "Oriental": ["Oujda", "Nador", "Berkane", "Taourirt"],
    "Béni Mellal-Khénifra": ["Béni Mellal", "Khouribga", "Khénifra", "Fquih Ben Salah"],
    "Drâa-Tafilalet": ["Errachidia", "Ouarzazate", "Tinghir", "Zagora"],
    "Guelmim-Oued Noun": ["Guelmim", "Tan-Tan", "Sidi Ifni"],
    "Laâyoune-Sakia El Hamra": ["Laâyoune", "Boujdour"],
    "Dakhla-Oued Ed-Dahab": ["Dakhla"],
}
CITIES_AR: dict[str, str] = {
    "Casablanca": "الدار البيضاء", "Casa": "كازا", "Mohammedia": "المحمدية", "El Jadida": "الجديدة",
    "Settat": "سطات", "Berrechid": "برشيد", "Rabat": "الرباط", "Salé": "سلا", "Kénitra": "القنيطرة",
    "Témara": "تمارة", "Khémisset": "الخميسات", "Fès": "فاس", "Meknès": "مكناس", "Taza": "تازة",
    "Ifrane": "إفران", "Sefrou": "صفرو", "Marrakech": "مراكش", "Safi": "آسفي", "Essaouira": "الصويرة",
    "El Kelaa": "قلعة السراغنة", "Youssoufia": "اليوسفية", "Tanger": "طنجة", "Tétouan": "تطوان",
    "Al Hoceima": "الحسيمة", "Larache": "العرائش", "Ksar El Kebir": "القصر الكبير", "Agadir": "أكادير",
    "Inezgane": "إنزكان", "Taroudant": "تارودانت", "Tiznit": "تيزنيت", "Oujda": "وجدة", "Nador": "الناظور",
    "Berkane": "بركان", "Taourirt": "تاوريرت", "Béni Mellal": "بني ملال", "Khouribga": "خريبكة",
    "Khénifra": "خنيفرة", "Fquih Ben Salah": "الفقيه بن صالح", "Errachidia": "الرشيدية",
    "Ouarzazate": "ورزازات", "Tinghir": "تنغير", "Zagora": "زاكورة", "Guelmim": "كلميم",
    "Tan-Tan": "طانطان", "Sidi Ifni": "سيدي إفني", "Laâyoune": "العيون", "Boujdour": "بوجدور",
    "Dakhla": "الداخلة",
}

# For whom the caller asks: prepositional phrases, so that the verb of the template never changes.
WHO: dict[str, list[str]] = {
    "fr": ["pour moi", "pour ma mère", "pour mon père", "pour ma femme", "pour mon mari", "pour ma grand-mère", "pour mon fils", "pour ma fille", "pour mon voisin"],
    "ary": ["ليا", "لمي", "لبا", "لمراتي", "لراجلي", "لجدتي", "لولدي", "لبنتي", "لخويا"],
    "ary-Latn": ["lia", "l mmi", "l bba", "l mrati", "l rajli", "l jedda", "l weldi", "l bnti", "l 5ouya", "l mama"],
    "ar": ["لي", "لوالدتي", "لوالدي", "لزوجتي", "لزوجي", "لجدتي", "لابني", "لابنتي"],
    "en": ["for me", "for my mother", "for my father", "for my wife", "for my son"],
    "ber": ["i nkki", "i yimma", "i baba", "i tmghart inu"],
}
DOSES: dict[str, list[str]] = {
    "fr": ["la deuxième dose", "la 2ème dose", "le rappel", "la troisième dose", "la 2e dose", "la dose de rappel"],
    "ary": ["الدوزة الثانية", "الجرعة الثانية", "الدوز التالت", "الرابيل", "la deuxième dose"],
    "ary-Latn": ["dose tanya", "la 2eme dose", "tanya", "dose talta", "rappel", "jor3a tanya", "deuxième dose"],
    "ar": ["الجرعة الثانية", "الجرعة الثالثة", "الجرعة المعززة"],
    "en": ["the second dose", "the booster"],
    "ber": ["dose tiss snat", "rappel"],
}
JOBS: dict[str, list[str]] = {
    "fr": ["enseignant", "infirmière", "policier", "commerçant", "chauffeur de taxi", "étudiant", "militaire", "agent de sécurité"],
    "ary": ["أستاذ", "فرملية", "بوليسي", "تاجر", "شيفور ديال الطاكسي", "طالب"],
    "ary-Latn": ["ostad", "fermliya", "boulissi", "taxi", "talib", "5eddam f l'usine", "moul l7anout"],
    "ar": ["أستاذ", "ممرضة", "شرطي", "تاجر", "سائق أجرة", "طالب"],
    "en": ["a teacher", "a nurse", "a taxi driver"],
    "ber": ["anlmad", "ustad"],
}
DAYS: list[int] = [2, 3, 4, 5, 7, 10, 14, 15, 20, 21, 25, 28, 30, 40, 45, 60]
AGES: list[int] = list(range(12, 90))
