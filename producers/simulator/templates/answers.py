"""What agents answer (short, in French or Arabic) and the topic tags they type themselves.

Topic tags are the agents' own shorthand, not catalog ids: a real call-centre system has its
own list and agents pick loosely from it.
"""

from __future__ import annotations

ANSWERS: dict[str, dict[str, list[str]]] = {
    "general.covid_info": {
        "fr": ["Isolez-vous et faites un test PCR ; en cas de gêne respiratoire appelez le 141.", "L'isolement est de 10 jours après un test positif, consultez votre médecin si les symptômes s'aggravent."],
        "ar": ["يرجى العزل وإجراء اختبار الكشف، وفي حالة ضيق التنفس اتصلوا بالرقم 141.", "مدة العزل 10 أيام بعد نتيجة إيجابية."],
    },
    "general.vaccine_purpose": {
        "fr": ["Le vaccin réduit fortement les formes graves et les hospitalisations ; il est autorisé après évaluation.", "Les vaccins utilisés sont sûrs et efficaces, ils ne modifient pas l'ADN."],
        "ar": ["اللقاح يحمي من الحالات الخطيرة ودخول المستشفى، وهو آمن وفعال.", "اللقاحات المستعملة مرخصة ولا تغير الحمض النووي."],
    },
    "general.vaccine_types": {
        "fr": ["La campagne utilise Sinopharm, AstraZeneca, Pfizer et Janssen, tous efficaces contre les formes graves.", "Sinopharm est un vaccin inactivé, Pfizer à ARN messager, AstraZeneca et Janssen à vecteur viral."],
        "ar": ["تستعمل الحملة لقاحات سينوفارم وأسترازينيكا وفايزر وجانسن، وكلها فعالة.", "جميع اللقاحات المتوفرة تحمي من الحالات الخطيرة."],
    },
    "general.vaccine_cost": {
        "fr": ["La vaccination est entièrement gratuite, personne ne doit vous demander d'argent.", "C'est gratuit pour tous, y compris le certificat."],
        "ar": ["التلقيح مجاني بالكامل ولا يحق لأحد مطالبتكم بأي مبلغ.", "اللقاح مجاني للجميع."],
    },
    "general.vaccine_mandatory": {
        "fr": ["La vaccination est gratuite et volontaire ; le pass vaccinal est demandé pour certains lieux.", "Elle n'est pas obligatoire mais fortement recommandée."],
        "ar": ["التلقيح اختياري ومجاني، وجواز التلقيح مطلوب في بعض الأماكن.", "التلقيح غير إجباري لكنه موصى به بشدة."],
    },
    "general.documents": {
        "fr": ["Présentez-vous avec votre CNIE et le SMS de rendez-vous.", "La carte nationale suffit, gardez le SMS reçu du 1717."],
        "ar": ["يرجى إحضار البطاقة الوطنية والرسالة النصية الخاصة بالموعد.", "البطاقة الوطنية تكفي مع رسالة 1717."],
    },
    "general.certificate": {
        "fr": ["Le certificat se télécharge sur liqahcorona.ma ; pour une erreur, adressez-vous à votre centre.", "Connectez-vous au portail avec votre numéro de CNIE pour télécharger le pass."],
        "ar": ["يمكن تحميل الشهادة من بوابة liqahcorona.ma، ولتصحيح خطأ توجهوا إلى المركز.", "ادخلوا إلى البوابة برقم البطاقة الوطنية لتحميل جواز التلقيح."],
    },
    "vaccination.eligibility": {
        "fr": ["La campagne est ouverte par tranches d'âge ; les maladies chroniques peuvent passer en priorité avec un justificatif.", "Vérifiez sur liqahcorona.ma si votre tranche d'âge est ouverte."],
        "ar": ["التلقيح مفتوح حسب الفئات العمرية، والمصابون بأمراض مزمنة لهم الأولوية.", "يمكنكم التحقق من فئتكم العمرية عبر البوابة."],
    },
    "vaccination.when_my_turn": {
        "fr": ["Les nouvelles tranches sont annoncées par le ministère ; inscrivez-vous et vous recevrez un SMS.", "Nous n'avons pas encore de date pour votre tranche d'âge, restez attentif aux annonces."],
        "ar": ["يتم الإعلان عن الفئات الجديدة من طرف الوزارة، وستصلكم رسالة نصية.", "لا يوجد تاريخ محدد بعد لفئتكم العمرية."],
    },
    "vaccination.registration": {
        "fr": ["Envoyez gratuitement votre numéro de CNIE par SMS au 1717 ou inscrivez-vous sur liqahcorona.ma.", "Si le SMS est refusé, vérifiez le numéro de carte ou utilisez le portail."],
        "ar": ["أرسلوا رقم البطاقة الوطنية مجانا إلى 1717 أو سجلوا عبر liqahcorona.ma.", "إذا رفضت الرسالة تأكدوا من رقم البطاقة أو استعملوا البوابة."],
    },
    "vaccination.appointment": {
        "fr": ["Votre rendez-vous et votre centre sont visibles sur liqahcorona.ma ; un rendez-vous manqué peut être repris au centre.", "Présentez-vous au centre avec votre CNIE, on vous redonnera un créneau."],
        "ar": ["يظهر الموعد والمركز في البوابة، ويمكن تعويض الموعد الفائت في المركز.", "توجهوا إلى المركز بالبطاقة الوطنية لتحديد موعد جديد."],
    },
    "vaccination.centre": {
        "fr": ["Le centre est indiqué dans le SMS et sur le portail ; les centres sont ouverts de 8h à 18h.", "Vous pouvez consulter l'adresse de votre centre sur liqahcorona.ma."],
        "ar": ["المركز مذكور في الرسالة وفي البوابة، والمراكز مفتوحة من 8 إلى 18.", "يمكنكم معرفة عنوان المركز عبر البوابة."],
    },
    "vaccination.which_vaccine": {
        "fr": ["Le vaccin dépend des stocks du centre ; tous les vaccins proposés sont efficaces.", "On ne choisit pas le vaccin, le centre utilise celui disponible."],
        "ar": ["نوع اللقاح حسب المتوفر في المركز، وكلها فعالة.", "لا يمكن اختيار اللقاح."],
    },
    "vaccination.second_dose": {
        "fr": ["Pour Sinopharm la deuxième dose est à 21 jours, pour AstraZeneca à 28 jours, dans le même centre.", "Le rappel est ouvert six mois après la deuxième dose ; un retard ne fait pas recommencer."],
        "ar": ["الجرعة الثانية بعد 21 يوما لسينوفارم و28 يوما لأسترازينيكا في نفس المركز.", "الجرعة الثالثة متاحة بعد ستة أشهر من الثانية."],
    },
    "vaccination.change_address": {
        "fr": ["Vous pouvez mettre à jour votre adresse sur liqahcorona.ma pour être affecté à un centre proche.", "Modifiez votre ville de résidence sur le portail, un nouveau centre vous sera proposé."],
        "ar": ["يمكنكم تحيين العنوان عبر البوابة لاختيار مركز قريب.", "غيروا مدينة السكن في البوابة وسيقترح عليكم مركز جديد."],
    },
    "vaccination.contraindications": {
        "fr": ["Parlez-en au médecin du centre ; la grossesse et l'allaitement ne sont pas une contre-indication à partir du deuxième trimestre.", "Après un covid, attendez trois mois ; continuez vos traitements habituels."],
        "ar": ["استشيروا طبيب المركز، والحمل ليس مانعا ابتداء من الشهر الرابع.", "بعد الإصابة بكورونا انتظروا ثلاثة أشهر قبل التلقيح."],
    },
    "vaccination.foreigners": {
        "fr": ["Les étrangers résidents s'inscrivent sur le portail avec leur carte de séjour.", "Les MRE peuvent se faire vacciner avec leur CNIE ou leur passeport."],
        "ar": ["يمكن للأجانب المقيمين التسجيل في البوابة ببطاقة الإقامة.", "يمكن لمغاربة العالم التلقيح بالبطاقة الوطنية أو جواز السفر."],
    },
    "adverse_effects.common": {
        "fr": ["Ces effets sont fréquents et disparaissent en un à trois jours ; reposez-vous et buvez beaucoup.", "C'est une réaction normale du corps, si ça dure plus de trois jours consultez."],
        "ar": ["هذه أعراض عادية تختفي خلال يوم إلى ثلاثة أيام.", "استريحوا واشربوا الماء، وإذا استمرت الأعراض استشيروا الطبيب."],
    },
    "adverse_effects.severe": {
        "fr": ["Rendez-vous immédiatement aux urgences ou appelez le 141.", "Ces signes nécessitent une consultation urgente, appelez le SAMU au 141."],
        "ar": ["توجهوا فورا إلى المستعجلات أو اتصلوا بالرقم 141.", "هذه الأعراض تستدعي استشارة طبية عاجلة."],
    },
    "adverse_effects.treatment": {
        "fr": ["Vous pouvez prendre du paracétamol ; gardez vos traitements habituels.", "Paracétamol si besoin, évitez l'automédication, continuez votre traitement."],
        "ar": ["يمكنكم تناول الباراسيتامول ومواصلة علاجكم المعتاد.", "الباراسيتامول عند الحاجة مع مواصلة العلاج."],
    },
    "adverse_effects.reporting": {
        "fr": ["Déclarez l'effet au Centre Anti-Poison et de Pharmacovigilance (CAPM) ou au centre de vaccination.", "Vous pouvez le signaler au CAPM, nous transmettons aussi votre déclaration."],
        "ar": ["يمكنكم التصريح بالعرض لدى المركز المغربي لمحاربة التسمم واليقظة الدوائية.", "سجلنا تصريحكم وسيتم تبليغ مركز اليقظة الدوائية."],
    },
    None: {  # the `other` family
        "fr": ["Ce numéro répond aux questions sur la vaccination ; pour cela adressez-vous au service concerné.", "Je n'ai pas cette information, merci de contacter l'administration concernée."],
        "ar": ["هذا الرقم مخصص لأسئلة التلقيح، يرجى التوجه إلى المصلحة المعنية.", "لا أتوفر على هذه المعلومة."],
    },
}

TOPIC_TAGS: dict[str | None, list[str]] = {
    "general.covid_info": ["covid", "info maladie", "test"],
    "general.vaccine_purpose": ["info vaccin", "hesitation", "rumeurs"],
    "general.vaccine_types": ["types vaccins", "info vaccin"],
    "general.vaccine_cost": ["gratuite", "cout"],
    "general.vaccine_mandatory": ["obligation", "pass"],
    "general.documents": ["documents", "CNIE"],
    "general.certificate": ["attestation", "pass vaccinal", "certificat"],
    "vaccination.eligibility": ["eligibilite", "tranche age", "prioritaires"],
    "vaccination.when_my_turn": ["tour", "tranche age", "attente"],
    "vaccination.registration": ["inscription", "1717", "SMS"],
    "vaccination.appointment": ["RDV", "rendez-vous", "RDV rate"],
    "vaccination.centre": ["centre", "adresse centre"],
    "vaccination.which_vaccine": ["choix vaccin", "vaccin"],
    "vaccination.second_dose": ["2eme dose", "rappel", "3eme dose"],
    "vaccination.change_address": ["adresse", "changement centre"],
    "vaccination.contraindications": ["contre-indication", "grossesse", "avis medical"],
    "vaccination.foreigners": ["etrangers", "MRE"],
    "adverse_effects.common": ["effets secondaires", "EI benin"],
    "adverse_effects.severe": ["EI grave", "urgence"],
    "adverse_effects.treatment": ["traitement", "paracetamol"],
    "adverse_effects.reporting": ["declaration EI", "pharmacovigilance"],
    None: ["hors sujet", "autre"],
}
