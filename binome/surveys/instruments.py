"""The built-in instruments, as data. `services.load_instruments()` writes them (idempotent).

Keys are stable: reports, the outcome feed and the KPI selectors read answers by key. The
opportunity types and the professional-network question follow PRODUCT.md's Definitions:
an opportunity is one of OPPORTUNITY_TYPES (a job interview is recorded apart and does not
count); a relevant network is at least NETWORK_THRESHOLD professional contacts in France,
other than the mentor, in or close to the target field, who could give advice or a referral.
Texts are in plain language, French first, then English and Arabic.
"""

from __future__ import annotations

from typing import Any

T = dict[str, str]

# Same keys as the impact app's outcome types (PRODUCT.md, "Concrete professional opportunity").
OPPORTUNITY_TYPES: list[tuple[str, T]] = [
    ("cdi", {"fr": "CDI (contrat à durée indéterminée)", "en": "Permanent contract (CDI)", "ar": "عقد عمل دائم (CDI)"}),
    (
        "cdd",
        {"fr": "CDD (contrat à durée déterminée)", "en": "Fixed-term contract (CDD)", "ar": "عقد عمل محدد المدة (CDD)"},
    ),
    ("interim", {"fr": "Intérim (travail temporaire)", "en": "Temporary work (intérim)", "ar": "عمل مؤقت (intérim)"}),
    (
        "work_study",
        {
            "fr": "Alternance ou apprentissage",
            "en": "Work-study or apprenticeship",
            "ar": "تدريب مهني بالتناوب (alternance)",
        },
    ),
    (
        "internship",
        {
            "fr": "Stage ou immersion (PMSMP)",
            "en": "Internship or work immersion (PMSMP)",
            "ar": "تدريب عملي أو معايشة مهنية (PMSMP)",
        },
    ),
    (
        "training",
        {"fr": "Entrée en formation qualifiante", "en": "Started a qualifying training", "ar": "بدء تكوين مهني مؤهِّل"},
    ),
    ("business", {"fr": "Création d'entreprise", "en": "Created a business", "ar": "إنشاء مشروع خاص"}),
]
COUNTING_OPPORTUNITIES = [key for key, _label in OPPORTUNITY_TYPES]
NETWORK_THRESHOLD = 3

YES_NO = [
    {"key": "yes", "label": {"fr": "Oui", "en": "Yes", "ar": "نعم"}},
    {"key": "no", "label": {"fr": "Non", "en": "No", "ar": "لا"}},
]
NOT_AT_ALL = {"fr": "Pas du tout", "en": "Not at all", "ar": "إطلاقاً"}
COMPLETELY = {"fr": "Tout à fait", "en": "Completely", "ar": "تماماً"}
VERY_BAD = {"fr": "Très mal", "en": "Very badly", "ar": "سيئ جداً"}
VERY_WELL = {"fr": "Très bien", "en": "Very well", "ar": "جيد جداً"}


def _choices(*pairs: tuple[str, T]) -> list[dict[str, Any]]:
    return [{"key": key, "label": label} for key, label in pairs]


def q(key: str, kind: str, label: T, **extra: Any) -> dict[str, Any]:
    return {"key": key, "kind": kind, "label": label, **extra}


def scale(key: str, label: T, low: T = NOT_AT_ALL, high: T = COMPLETELY, **extra: Any) -> dict[str, Any]:
    return q(key, "scale", label, min_value=1, max_value=5, min_label=low, max_label=high, **extra)


# --- mentee questions -------------------------------------------------------------------
EMPLOYMENT = q(
    "employment_status",
    "single",
    {
        "fr": "Aujourd'hui, quelle est votre situation ?",
        "en": "What is your situation today?",
        "ar": "ما هو وضعك اليوم؟",
    },
    section="situation",
    required=True,
    choices=_choices(
        ("working", {"fr": "Je travaille", "en": "I am working", "ar": "أعمل"}),
        ("training", {"fr": "Je suis en formation", "en": "I am in training", "ar": "أتابع تكويناً"}),
        ("job_seeking", {"fr": "Je cherche un travail", "en": "I am looking for a job", "ar": "أبحث عن عمل"}),
        ("other", {"fr": "Autre situation", "en": "Something else", "ar": "وضع آخر"}),
    ),
)
CONTRACT = q(
    "contract_type",
    "single",
    {"fr": "Quel est votre contrat ?", "en": "What kind of contract do you have?", "ar": "ما نوع عقدك؟"},
    section="situation",
    show_if={"key": "employment_status", "equals": "working"},
    choices=_choices(
        *[pair for pair in OPPORTUNITY_TYPES if pair[0] in {"cdi", "cdd", "interim", "work_study"}],
        ("self_employed", {"fr": "À mon compte", "en": "Self-employed", "ar": "أعمل لحسابي الخاص"}),
        ("other", {"fr": "Autre", "en": "Other", "ar": "آخر"}),
    ),
)
HAD_OPPORTUNITY = q(
    "had_opportunity",
    "single",
    {
        "fr": "Depuis le début du programme, avez-vous obtenu un contrat, un stage, une formation qualifiante "
        "ou créé une entreprise ?",
        "en": "Since the programme started, have you got a contract, an internship, a qualifying training, "
        "or created a business?",
        "ar": "منذ بداية البرنامج، هل حصلت على عقد عمل أو تدريب عملي أو تكوين مؤهِّل، أو أنشأت مشروعاً؟",
    },
    section="opportunities",
    required=True,
    choices=YES_NO,
)
OPPORTUNITY_KINDS = q(
    "opportunity_types",
    "multiple",
    {
        "fr": "Lesquels ? (plusieurs réponses possibles)",
        "en": "Which ones? (tick all that apply)",
        "ar": "ما هي؟ (يمكن اختيار أكثر من إجابة)",
    },
    section="opportunities",
    required=True,
    show_if={"key": "had_opportunity", "equals": "yes"},
    choices=_choices(*OPPORTUNITY_TYPES),
)
OPPORTUNITY_DATE = q(
    "opportunity_date",
    "date",
    {
        "fr": "À quelle date a-t-il commencé ou été signé ?",
        "en": "On what date did it start or get signed?",
        "ar": "في أي تاريخ بدأ أو تم توقيعه؟",
    },
    section="opportunities",
    show_if={"key": "had_opportunity", "equals": "yes"},
)
OPPORTUNITY_SECTOR = q(
    "opportunity_sector",
    "short_text",
    {"fr": "Dans quel métier ou secteur ?", "en": "In which job or sector?", "ar": "في أي مهنة أو قطاع؟"},
    section="opportunities",
    show_if={"key": "had_opportunity", "equals": "yes"},
)
INTERVIEWS = q(
    "job_interviews",
    "number",
    {
        "fr": "Combien d'entretiens d'embauche avez-vous passés ?",
        "en": "How many job interviews have you had?",
        "ar": "كم عدد مقابلات العمل التي أجريتها؟",
    },
    section="opportunities",
    min_value=0,
    max_value=100,
)
NETWORK = q(
    "network_contacts",
    "number",
    {
        "fr": "En France, combien de personnes du monde du travail (pas votre mentor) connaissez-vous dans votre "
        "métier ou un métier proche, à qui vous pourriez demander un conseil ou une recommandation ?",
        "en": "In France, how many people from the working world (not your mentor), in your field or a close one, "
        "could you ask for advice or a referral?",
        "ar": "في فرنسا، كم شخصاً من عالم العمل (غير مرشدك) في مجالك أو مجال قريب منه، يمكنك أن تطلب منه نصيحة "
        "أو توصية؟",
    },
    section="network",
    required=True,
    min_value=0,
    max_value=500,
)
FRENCH = q(
    "french_level",
    "single",
    {
        "fr": "Votre niveau de français aujourd'hui",
        "en": "Your level of French today",
        "ar": "مستواك في اللغة الفرنسية اليوم",
    },
    section="french",
    help={
        "fr": "A1 : débutant … C2 : très à l'aise",
        "en": "A1: beginner … C2: very fluent",
        "ar": "A1: مبتدئ … C2: متمكن جداً",
    },
    choices=_choices(
        *[(level, {"fr": level, "en": level, "ar": level}) for level in ("A1", "A2", "B1", "B2", "C1", "C2")],
        ("dont_know", {"fr": "Je ne sais pas", "en": "I don't know", "ar": "لا أعرف"}),
    ),
)
CONFIDENCE = scale(
    "confidence",
    {
        "fr": "Je me sens confiant(e) pour trouver un travail en France",
        "en": "I feel confident about finding work in France",
        "ar": "أشعر بالثقة في إيجاد عمل في فرنسا",
    },
    section="feelings",
    required=True,
)
WORKPLACE_CODES = scale(
    "workplace_codes",
    {
        "fr": "Je connais les codes du monde du travail en France (entretien, horaires, tutoiement…)",
        "en": "I know the unwritten rules of the French workplace (interviews, punctuality, ways of speaking…)",
        "ar": "أعرف قواعد وأعراف العمل في فرنسا (المقابلات، المواعيد، طريقة الكلام…)",
    },
    section="feelings",
    required=True,
)
CHECKIN = scale(
    "duo_checkin",
    {
        "fr": "Comment se passe votre binôme ?",
        "en": "How is your duo going?",
        "ar": "كيف تسير علاقتك مع شريكك في الثنائي؟",
    },
    low=VERY_BAD,
    high=VERY_WELL,
    section="duo",
    required=True,
)
CHECKIN_COMMENT = q(
    "duo_comment",
    "long_text",
    {
        "fr": "Voulez-vous nous dire quelque chose sur votre binôme ?",
        "en": "Anything you want to tell us about your duo?",
        "ar": "هل تريد أن تخبرنا بشيء عن الثنائي؟",
    },
    section="duo",
)
COMMENT = q(
    "comment",
    "long_text",
    {"fr": "Un commentaire pour l'équipe ?", "en": "Any comment for the team?", "ar": "هل لديك تعليق للفريق؟"},
    section="end",
)

# --- mentor questions -------------------------------------------------------------------
SOFT_SKILLS = [
    scale(
        "listening",
        {
            "fr": "Je sais écouter sans juger",
            "en": "I can listen without judging",
            "ar": "أستطيع الإصغاء دون إصدار أحكام",
        },
        section="soft_skills",
        required=True,
    ),
    scale(
        "feedback",
        {
            "fr": "Je sais donner un retour utile et bienveillant",
            "en": "I can give useful, kind feedback",
            "ar": "أستطيع تقديم ملاحظات مفيدة ولطيفة",
        },
        section="soft_skills",
        required=True,
    ),
    scale(
        "adaptability",
        {
            "fr": "Je m'adapte facilement à une personne différente de moi",
            "en": "I adapt easily to someone different from me",
            "ar": "أتكيّف بسهولة مع شخص مختلف عني",
        },
        section="soft_skills",
        required=True,
    ),
]
INTERCULTURAL = [
    scale(
        "intercultural_ease",
        {
            "fr": "Je suis à l'aise pour travailler avec des personnes d'autres cultures",
            "en": "I am at ease working with people from other cultures",
            "ar": "أشعر بالراحة في العمل مع أشخاص من ثقافات أخرى",
        },
        section="intercultural",
        required=True,
    ),
    scale(
        "explain_codes",
        {
            "fr": "Je sais expliquer les codes implicites de mon entreprise",
            "en": "I can explain the unwritten rules of my company",
            "ar": "أستطيع شرح القواعد غير المكتوبة في شركتي",
        },
        section="intercultural",
        required=True,
    ),
]
EMPLOYABILITY = [
    scale(
        "refugees_employable",
        {
            "fr": "Les personnes réfugiées peuvent réussir dans des postes comme ceux de mon entreprise",
            "en": "Refugees can succeed in jobs like those in my company",
            "ar": "يمكن للاجئين أن ينجحوا في وظائف مثل وظائف شركتي",
        },
        section="employability",
        required=True,
    ),
    scale(
        "would_recruit",
        {
            "fr": "Je recommanderais le recrutement d'une personne réfugiée dans mon équipe",
            "en": "I would recommend hiring a refugee in my team",
            "ar": "سأوصي بتوظيف شخص لاجئ في فريقي",
        },
        section="employability",
        required=True,
    ),
]


def _title(fr: str, en: str, ar: str) -> T:
    return {"fr": fr, "en": en, "ar": ar}


INSTRUMENTS: list[dict[str, Any]] = [
    {
        "code": "mentee_baseline",
        "audience": "mentee",
        "moment": "baseline",
        "title": _title("Questionnaire de début", "Starting questionnaire", "استبيان البداية"),
        "questions": [EMPLOYMENT, CONTRACT, NETWORK, FRENCH, CONFIDENCE, WORKPLACE_CODES],
    },
    {
        "code": "mentee_mid",
        "audience": "mentee",
        "moment": "mid",
        "title": _title("Questionnaire de mi-parcours", "Mid-point questionnaire", "استبيان منتصف البرنامج"),
        "questions": [
            CHECKIN,
            CHECKIN_COMMENT,
            EMPLOYMENT,
            CONTRACT,
            HAD_OPPORTUNITY,
            OPPORTUNITY_KINDS,
            OPPORTUNITY_DATE,
            CONFIDENCE,
        ],
    },
    {
        "code": "mentee_end",
        "audience": "mentee",
        "moment": "end",
        "title": _title("Questionnaire de fin", "End-of-programme questionnaire", "استبيان نهاية البرنامج"),
        "questions": [
            EMPLOYMENT,
            CONTRACT,
            HAD_OPPORTUNITY,
            OPPORTUNITY_KINDS,
            OPPORTUNITY_DATE,
            OPPORTUNITY_SECTOR,
            INTERVIEWS,
            NETWORK,
            FRENCH,
            CONFIDENCE,
            WORKPLACE_CODES,
            COMMENT,
        ],
    },
    {
        "code": "mentee_follow6",
        "audience": "mentee",
        "moment": "follow6",
        "title": _title("Des nouvelles, 6 mois après", "News, 6 months later", "أخبارك بعد 6 أشهر"),
        "questions": [EMPLOYMENT, CONTRACT, HAD_OPPORTUNITY, OPPORTUNITY_KINDS, OPPORTUNITY_DATE, NETWORK, FRENCH],
    },
    {
        "code": "mentee_follow12",
        "audience": "mentee",
        "moment": "follow12",
        "title": _title("Des nouvelles, 12 mois après", "News, 12 months later", "أخبارك بعد 12 شهراً"),
        "questions": [EMPLOYMENT, CONTRACT, HAD_OPPORTUNITY, OPPORTUNITY_KINDS, OPPORTUNITY_DATE, NETWORK, FRENCH],
    },
    {
        "code": "mentor_baseline",
        "audience": "mentor",
        "moment": "baseline",
        "title": _title("Questionnaire mentor : début", "Mentor questionnaire: start", "استبيان المرشد: البداية"),
        "questions": [*SOFT_SKILLS, *INTERCULTURAL, *EMPLOYABILITY],
    },
    {
        "code": "mentor_mid",
        "audience": "mentor",
        "moment": "mid",
        "title": _title("Mentor : mi-parcours", "Mentor: mid-point", "المرشد: منتصف البرنامج"),
        "questions": [CHECKIN, CHECKIN_COMMENT],
    },
    {
        "code": "mentor_end",
        "audience": "mentor",
        "moment": "end",
        "title": _title("Questionnaire mentor : fin", "Mentor questionnaire: end", "استبيان المرشد: النهاية"),
        "questions": [*SOFT_SKILLS, *INTERCULTURAL, *EMPLOYABILITY, COMMENT],
    },
]
