"""The default French programme: its curriculum and its short guides in French, English and Arabic.

Plain data, used by a data migration (so every database has it) and by the demo seed. The
guides are deliberately short: the workshops and the mentor say the rest.
"""

from __future__ import annotations

from datetime import time
from typing import Any

DEFAULT_TEMPLATE_NAME = "Programme Binôme 6 mois"
DEFAULT_TEMPLATE_DESCRIPTION = (
    "Six mois de binôme mentor-mentoré : une journée de formation des mentors, un lancement, "
    "des ateliers collectifs sur les codes professionnels, le CV et l'entretien, un événement réseau, "
    "un point à mi-parcours et une clôture."
)

# kind, title, offset in days from the cohort's start, start time, minutes, audience
DEFAULT_ITEMS: list[tuple[str, str, int, time, int, str]] = [
    ("mentor_training", "Journée de formation des mentors", -14, time(9, 0), 420, "mentors"),
    ("kick_off", "Lancement de la promotion", 0, time(18, 30), 150, "both"),
    ("first_meeting", "Premier rendez-vous à trois avec la coordination", 7, time(18, 0), 60, "both"),
    ("codes_workshop", "Atelier : les codes professionnels en France", 21, time(18, 30), 120, "mentees"),
    ("cv_interview", "Atelier CV et lettre de motivation", 42, time(18, 30), 120, "both"),
    ("codes_workshop", "Atelier : la vie en entreprise et le contrat de travail", 70, time(18, 30), 120, "mentees"),
    ("mid_point", "Point à mi-parcours", 91, time(18, 30), 90, "both"),
    ("networking", "Soirée réseau", 119, time(18, 30), 150, "both"),
    ("cv_interview", "Simulations d'entretien d'embauche", 140, time(18, 30), 120, "both"),
    ("closing", "Clôture de la promotion", 175, time(18, 30), 150, "both"),
]

# (item title, resource title, kind, language, audience, body or url)
GUIDES: list[tuple[str, str, str, str, str, str]] = [
    # CV and cover letter
    (
        "Atelier CV et lettre de motivation",
        "Le CV et la lettre de motivation en France",
        "guide",
        "fr",
        "both",
        "En France, un CV tient sur une page : vos coordonnées, le poste visé, vos expériences de la plus "
        "récente à la plus ancienne, vos formations et vos langues. La photo, l'âge et la situation familiale "
        "ne sont pas obligatoires. La lettre de motivation est courte (une demi-page) et explique ce que vous "
        "apportez à cette entreprise, pour ce poste précis.",
    ),
    (
        "Atelier CV et lettre de motivation",
        "CVs and cover letters in France",
        "guide",
        "en",
        "both",
        "In France, a CV fits on one page: your contact details, the job you want, your experience from the "
        "most recent, your education and your languages. A photo, your age and your family situation are not "
        "required. A cover letter is short (half a page) and explains what you bring to this company, for "
        "this particular job.",
    ),
    (
        "Atelier CV et lettre de motivation",
        "السيرة الذاتية ورسالة التحفيز في فرنسا",
        "guide",
        "ar",
        "both",
        "في فرنسا، تكون السيرة الذاتية في صفحة واحدة: معلومات الاتصال بك، والوظيفة التي تبحث عنها، وخبراتك "
        "من الأحدث إلى الأقدم، ثم دراستك واللغات التي تتكلمها. الصورة والعمر والحالة العائلية ليست إلزامية. "
        "رسالة التحفيز قصيرة (نصف صفحة) وتشرح ما يمكنك أن تقدمه لهذه الشركة في هذه الوظيفة بالتحديد.",
    ),
    # Job interview
    (
        "Simulations d'entretien d'embauche",
        "Réussir un entretien d'embauche",
        "guide",
        "fr",
        "both",
        "Arrivez cinq à dix minutes en avance et renseignez-vous sur l'entreprise avant l'entretien. "
        "Préparez une présentation de vous-même en deux minutes et deux ou trois exemples concrets de ce que "
        "vous avez réussi. À la fin, posez une question sur le poste ou l'équipe : cela montre votre intérêt.",
    ),
    (
        "Simulations d'entretien d'embauche",
        "Job interviews",
        "guide",
        "en",
        "both",
        "Arrive five to ten minutes early and learn about the company before the interview. Prepare a "
        "two-minute introduction of yourself and two or three concrete examples of things you did well. At "
        "the end, ask a question about the job or the team: it shows your interest.",
    ),
    (
        "Simulations d'entretien d'embauche",
        "مقابلة العمل",
        "guide",
        "ar",
        "both",
        "احضر قبل الموعد بخمس إلى عشر دقائق، وتعرّف على الشركة قبل المقابلة. حضّر تقديماً لنفسك في دقيقتين، "
        "ومثالين أو ثلاثة أمثلة ملموسة عن أشياء نجحت فيها. في النهاية، اطرح سؤالاً عن الوظيفة أو عن الفريق: "
        "هذا يُظهر اهتمامك.",
    ),
    # Workplace habits
    (
        "Atelier : les codes professionnels en France",
        "Les habitudes au travail",
        "guide",
        "fr",
        "both",
        "Être à l'heure est important ; si vous avez un retard ou une absence, prévenez votre responsable le "
        "plus tôt possible. On dit bonjour à ses collègues en arrivant et on utilise « vous » avec les personnes "
        "qu'on ne connaît pas, jusqu'à ce qu'elles proposent le « tu ». Poser des questions est bien vu : "
        "cela montre que vous voulez bien faire.",
    ),
    (
        "Atelier : les codes professionnels en France",
        "Workplace habits",
        "guide",
        "en",
        "both",
        "Being on time matters; if you will be late or absent, tell your manager as early as you can. Greet "
        "your colleagues when you arrive, and use the formal « vous » with people you don't know until they "
        "suggest « tu ». Asking questions is welcome: it shows you want to do the job well.",
    ),
    (
        "Atelier : les codes professionnels en France",
        "العادات في مكان العمل",
        "guide",
        "ar",
        "both",
        "الالتزام بالمواعيد مهم؛ إذا كنت ستتأخر أو ستغيب، أخبر مسؤولك في أقرب وقت ممكن. ألقِ التحية على "
        "زملائك عند وصولك، واستعمل صيغة الاحترام « vous » مع من لا تعرفهم، حتى يقترحوا عليك « tu ». "
        "طرح الأسئلة أمر مرحَّب به: فهو يدل على أنك تريد أن تقوم بعملك جيداً.",
    ),
    # Employment contracts
    (
        "Atelier : la vie en entreprise et le contrat de travail",
        "Le contrat de travail",
        "guide",
        "fr",
        "both",
        "Le CDI est un contrat sans date de fin ; le CDD a une date de fin ; l'intérim passe par une agence. "
        "Le contrat indique le poste, le salaire brut, les horaires et souvent une période d'essai. Lisez-le "
        "avant de signer et gardez une copie ; votre fiche de paie arrive chaque mois.",
    ),
    (
        "Atelier : la vie en entreprise et le contrat de travail",
        "Employment contracts",
        "guide",
        "en",
        "both",
        "A CDI is a contract with no end date; a CDD has an end date; temporary work (intérim) goes through "
        "an agency. The contract states the job, the gross salary, the working hours and often a trial "
        "period. Read it before you sign and keep a copy; you receive a payslip every month.",
    ),
    (
        "Atelier : la vie en entreprise et le contrat de travail",
        "عقد العمل",
        "guide",
        "ar",
        "both",
        "عقد CDI هو عقد بلا تاريخ انتهاء، وعقد CDD له تاريخ انتهاء، أما العمل المؤقت (intérim) فيكون عن طريق "
        "وكالة. يذكر العقد الوظيفة والراتب الإجمالي قبل الاقتطاعات وساعات العمل، وغالباً فترة تجريبية. "
        "اقرأ العقد قبل التوقيع واحتفظ بنسخة منه، وستصلك قسيمة الراتب كل شهر.",
    ),
    (
        "Atelier : la vie en entreprise et le contrat de travail",
        "Code du travail numérique",
        "link",
        "fr",
        "both",
        "https://code.travail.gouv.fr/",
    ),
    # For mentors, at the training day
    (
        "Journée de formation des mentors",
        "Le rôle du mentor",
        "guide",
        "fr",
        "mentors",
        "Le mentor écoute, partage son réseau et ses codes professionnels ; il ne cherche pas l'emploi à la "
        "place de la personne. Retrouvez-vous au moins deux fois par mois et notez vos rencontres dans "
        "Binôme. En cas de difficulté (santé, logement, droits), orientez vers la coordination.",
    ),
    (
        "Journée de formation des mentors",
        "The mentor's role",
        "guide",
        "en",
        "mentors",
        "A mentor listens and shares their network and workplace know-how; they do not job-hunt in the "
        "mentee's place. Meet at least twice a month and log your meetings in Binôme. If a difficulty comes "
        "up (health, housing, rights), refer it to the coordination team.",
    ),
]


def create_default_programme(template_model: Any, item_model: Any, resource_model: Any) -> tuple[Any, bool]:
    """Create the default national template with its curriculum and guides, once.

    Takes the model classes so a data migration can pass its historical models. Returns the
    template and whether it was created (an existing template is left exactly as staff edited it).
    """
    template, created = template_model.objects.get_or_create(
        name=DEFAULT_TEMPLATE_NAME,
        defaults={
            "description": DEFAULT_TEMPLATE_DESCRIPTION,
            "duration_weeks": 26,
            "is_default": not template_model.objects.filter(is_default=True).exists(),
        },
    )
    if not created:
        return template, False
    items = {}
    for kind, title, offset, start_time, minutes, audience in DEFAULT_ITEMS:
        items[title] = item_model.objects.create(
            template=template,
            kind=kind,
            title=title,
            offset_days=offset,
            start_time=start_time,
            duration_minutes=minutes,
            audience=audience,
        )
    for item_title, title, kind, language, audience, content in GUIDES:
        resource_model.objects.create(
            item=items[item_title],
            title=title,
            kind=kind,
            language=language,
            audience=audience,
            url=content if kind == "link" else "",
            body="" if kind == "link" else content,
        )
    return template, True
