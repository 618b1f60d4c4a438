"""The registration form's fields as data: the one source for the form page, its JSON and its PDF.

Longer than 300 lines because most of it is a data table: every field's labels and help, in
Greek and English, which read best as one list in the form's order. The network's page
promises that the fields can be viewed and downloaded before filling the form in. Names are
the dotted paths of the registration API (`body.tax_id`, `main.email`), and closed sets take
their values from the contract enums, so the form cannot drift from the API.
"""

from __future__ import annotations

from typing import Literal

from contracts.registration import Language, Level, Role, Seniority
from services.registration.domain import DESIGNATION_WORKING_DAYS
from services.registration.form_model import (
    FormField,
    FormSection,
    Instruction,
    RegistrationForm,
    RequiredWhen,
    choices,
)

_DAYS = DESIGNATION_WORKING_DAYS
_DAYS_ORDINAL_EN = {1: "1st", 2: "2nd", 3: "3rd"}.get(_DAYS, f"{_DAYS}th")

LEVEL_CHOICES = choices(
    (Level.CENTRAL, "Κεντρική διοίκηση", "Central government"),
    (Level.REGIONAL, "Περιφερειακή διοίκηση", "Regional government"),
    (Level.LOCAL, "Τοπική αυτοδιοίκηση", "Local government"),
)

SENIORITY_CHOICES = choices(
    (
        Seniority.GENERAL_DIRECTORATE_HEAD,
        "Προϊστάμενος/η Γενικής Διεύθυνσης",
        "Head of a General Directorate",
    ),
    (Seniority.DIRECTORATE_HEAD, "Προϊστάμενος/η Διεύθυνσης", "Head of a Directorate"),
    (Seniority.DEPARTMENT_HEAD, "Προϊστάμενος/η Τμήματος", "Head of a Department"),
    (
        Seniority.EQUIVALENT,
        "Αντίστοιχο επίπεδο (με αιτιολόγηση)",
        "Equivalent level (with a justification)",
    ),
)

LANGUAGE_CHOICES = choices(
    (Language.GREEK, "Ελληνικά", "Greek"),
    (Language.ENGLISH, "Αγγλικά", "English"),
)

ROLE_CHOICES = choices(
    (Role.MAIN, "Το κύριο μέλος", "The main representative"),
    (Role.ALTERNATE, "Το αναπληρωματικό μέλος", "The alternate representative"),
)

_BODY_FIELDS = (
    FormField(
        name="body.name",
        section="body",
        type="text",
        required=True,
        label_el="Επωνυμία φορέα",
        label_en="Name of the public body",
        help_el="Η πλήρης επίσημη επωνυμία του φορέα, χωρίς συντομογραφίες.",
        help_en="The body's full official name, without abbreviations.",
    ),
    FormField(
        name="body.tax_id",
        section="body",
        type="text",
        required=True,
        label_el="ΑΦΜ φορέα",
        label_en="Tax number of the body (ΑΦΜ)",
        help_el=(
            "Ο 9ψήφιος Αριθμός Φορολογικού Μητρώου του φορέα· γίνεται δεκτός και με το πρόθεμα"
            " EL. Κάθε φορέας έχει μία μόνο ανοιχτή ή ενεργή εγγραφή."
        ),
        help_en=(
            "The body's 9-digit Greek tax identification number; the EL prefix is accepted."
            " A body has only one open or active registration."
        ),
    ),
    FormField(
        name="body.level",
        section="body",
        type="choice",
        required=True,
        label_el="Επίπεδο διοίκησης",
        label_en="Level of government",
        help_el=(
            "Κεντρική διοίκηση (π.χ. υπουργεία), περιφερειακή (π.χ. περιφέρειες, αποκεντρωμένες"
            " διοικήσεις) ή τοπική αυτοδιοίκηση (π.χ. δήμοι)."
        ),
        help_en=(
            "Central government (e.g. ministries), regional (e.g. regions, decentralised"
            " administrations) or local government (e.g. municipalities)."
        ),
        choices=LEVEL_CHOICES,
    ),
    FormField(
        name="body.parent",
        section="body",
        type="text",
        required=False,
        label_el="Φορέας στον οποίο ανήκει",
        label_en="Parent body",
        help_el=(
            "Αν ο φορέας ανήκει σε άλλον ή εποπτεύεται από άλλον (π.χ. υπουργείο, περιφέρεια),"
            " η επωνυμία εκείνου."
        ),
        help_en="If the body is part of or supervised by another (e.g. a ministry, a region).",
    ),
    FormField(
        name="body.website",
        section="body",
        type="url",
        required=False,
        label_el="Ιστότοπος φορέα",
        label_en="Website of the body",
        help_el="Η διεύθυνση του επίσημου ιστότοπου, με https:// (π.χ. https://www.example.gov.gr).",
        help_en="The address of the official website, with https:// (e.g. https://www.example.gov.gr).",
    ),
)


def _representative_fields(role: Literal["main", "alternate"]) -> tuple[FormField, ...]:
    """The fields of one representative; the same for the main member and the alternate."""
    return (
        FormField(
            name=f"{role}.full_name",
            section=role,
            type="text",
            required=True,
            label_el="Ονοματεπώνυμο",
            label_en="Full name",
            help_el="Όπως θα αναγράφεται στο έγγραφο ορισμού.",
            help_en="As it will appear on the designation document.",
        ),
        FormField(
            name=f"{role}.position_title",
            section=role,
            type="text",
            required=True,
            label_el="Θέση ευθύνης",
            label_en="Position",
            help_el="Ο τίτλος της θέσης, π.χ. «Προϊστάμενος Διεύθυνσης Ψηφιακής Διακυβέρνησης».",
            help_en="The title of the post, e.g. “Head of the Directorate of Digital Governance”.",
        ),
        FormField(
            name=f"{role}.unit",
            section=role,
            type="text",
            required=True,
            label_el="Οργανική μονάδα",
            label_en="Organisational unit",
            help_el="Η Γενική Διεύθυνση, η Διεύθυνση ή το Τμήμα όπου προΐστασθε ή υπηρετείτε.",
            help_en="The General Directorate, Directorate or Department you head or work in.",
        ),
        FormField(
            name=f"{role}.seniority",
            section=role,
            type="choice",
            required=True,
            label_el="Επίπεδο θέσης",
            label_en="Seniority",
            help_el=(
                "Οι εκπρόσωποι είναι ανώτερα στελέχη του φορέα: Προϊστάμενοι Διευθύνσεων ή"
                " Τμημάτων ή αντίστοιχου επιπέδου. Θέσεις χαμηλότερου επιπέδου δεν γίνονται δεκτές."
            ),
            help_en=(
                "Representatives are senior executives of the body: Heads of Directorates or"
                " Departments or a similar level. Lower-level posts are not accepted."
            ),
            choices=SENIORITY_CHOICES,
        ),
        FormField(
            name=f"{role}.seniority_justification",
            section=role,
            type="text",
            required=False,
            required_when=RequiredWhen(field=f"{role}.seniority", value=Seniority.EQUIVALENT),
            multiline=True,
            label_el="Αιτιολόγηση αντίστοιχου επιπέδου",
            label_en="Why the post is of an equivalent level",
            help_el=(
                "Μόνο για «Αντίστοιχο επίπεδο»: περιγράψτε σύντομα τη θέση και γιατί αντιστοιχεί"
                " σε Προϊστάμενο Τμήματος ή ανώτερο (π.χ. Προϊστάμενος/η Αυτοτελούς Γραφείου)."
            ),
            help_en=(
                "Only for “Equivalent level”: briefly describe the post and why it ranks as a"
                " Head of Department or higher (e.g. head of an autonomous office)."
            ),
        ),
        FormField(
            name=f"{role}.email",
            section=role,
            type="email",
            required=True,
            label_el="Υπηρεσιακό email",
            label_en="Work email",
            help_el=(
                "Μόνο υπηρεσιακή διεύθυνση του φορέα· διευθύνσεις δωρεάν υπηρεσιών (π.χ. Gmail,"
                " Yahoo, Outlook.com) δεν γίνονται δεκτές. Το κύριο και το αναπληρωματικό μέλος"
                " δηλώνουν διαφορετικές διευθύνσεις."
            ),
            help_en=(
                "Your organisation's address only; free webmail addresses (e.g. Gmail, Yahoo,"
                " Outlook.com) are refused. The main member and the alternate give different"
                " addresses."
            ),
        ),
        FormField(
            name=f"{role}.phone",
            section=role,
            type="tel",
            required=False,
            label_el="Τηλέφωνο εργασίας",
            label_en="Work phone",
            help_el="Σταθερό ή κινητό, με ή χωρίς το +30.",
            help_en="Landline or mobile, with or without +30.",
        ),
        FormField(
            name=f"{role}.language",
            section=role,
            type="choice",
            required=False,
            label_el="Γλώσσα επικοινωνίας",
            label_en="Language of the emails",
            help_el="Η γλώσσα των μηνυμάτων του δικτύου προς εσάς· αν δεν επιλεγεί, ελληνικά.",
            help_en="The language of the network's emails to you; Greek unless you choose.",
            choices=LANGUAGE_CHOICES,
        ),
    )


_DECLARATION_FIELDS = (
    FormField(
        name="submitted_by",
        section="declaration",
        type="choice",
        required=True,
        label_el="Η αίτηση συμπληρώνεται από",
        label_en="This form is filled in by",
        help_el=(
            "Ένα από τα δύο μέλη συμπληρώνει την αίτηση και για τους δύο εκπροσώπους· αν είναι το"
            " αναπληρωματικό μέλος, συμπληρώνονται και τα δικά του στοιχεία."
        ),
        help_en=(
            "One of the two members fills in the form for both representatives; if it is the"
            " alternate, the alternate's details are filled in too."
        ),
        choices=ROLE_CHOICES,
    ),
    FormField(
        name="consent",
        section="declaration",
        type="boolean",
        required=True,
        label_el="Βεβαίωση και συγκατάθεση",
        label_en="Confirmation and consent",
        help_el=(
            "Βεβαιώνω ότι τα στοιχεία είναι ακριβή και ότι το έγγραφο ορισμού θα σταλεί εντός"
            f" {_DAYS} εργάσιμων ημερών, και συναινώ στην επεξεργασία των στοιχείων των εκπροσώπων"
            " από το Υπουργείο Εσωτερικών για τη λειτουργία του Δικτύου Καινοτομίας."
        ),
        help_en=(
            "I confirm that the details are accurate and that the designation will be sent within"
            f" {_DAYS} working days, and I agree that the Ministry of Interior processes the"
            " representatives' details to run the Innovation Network."
        ),
    ),
)

_SECTIONS = (
    FormSection(key="body", title_el="Στοιχεία φορέα", title_en="Public body", optional=False),
    FormSection(
        key="main",
        title_el="Κύριο μέλος",
        title_en="Main representative",
        optional=False,
    ),
    FormSection(
        key="alternate",
        title_el="Αναπληρωματικό μέλος",
        title_en="Alternate representative",
        optional=True,
        note_el=(
            "Προαιρετικό. Αν δεν ορίζεται αναπληρωματικό μέλος, αφήστε την ενότητα κενή· αν"
            " ορίζεται, τα υποχρεωτικά πεδία συμπληρώνονται όπως για το κύριο μέλος."
        ),
        note_en=(
            "Optional. If no alternate is appointed, leave this section empty; if one is, fill in"
            " the required fields as for the main member."
        ),
    ),
    FormSection(key="declaration", title_el="Δήλωση", title_en="Declaration", optional=False),
)

_INSTRUCTIONS = (
    Instruction(
        text_el=(
            "Κάθε φορέας ορίζει έως 2 εκπροσώπους στο Δίκτυο Καινοτομίας: ένα κύριο και ένα"
            " αναπληρωματικό μέλος."
        ),
        text_en=(
            "Each public body appoints up to 2 representatives to the Innovation Network: one"
            " main member and one alternate."
        ),
    ),
    Instruction(
        text_el=(
            "Οι εκπρόσωποι είναι ανώτερα στελέχη του φορέα: Προϊστάμενοι Διευθύνσεων ή Τμημάτων"
            " ή αντίστοιχου επιπέδου."
        ),
        text_en=(
            "The representatives are senior executives of the body: Heads of Directorates or"
            " Departments or a similar level."
        ),
    ),
    Instruction(
        text_el="Η αίτηση συμπληρώνεται από ένα μέλος και για τους δύο εκπροσώπους.",
        text_en="One member fills in the form for both representatives.",
    ),
    Instruction(
        text_el=(
            f"Εντός {_DAYS} εργάσιμων ημερών από την υποβολή της αίτησης στέλνεται έγγραφο ορισμού"
            " των εκπροσώπων στο Δίκτυο Καινοτομίας, υπογεγραμμένο από στέλεχος της ανώτατης"
            " διοίκησης (Γενικό Γραμματέα, Γραμματέα Υπηρεσίας ή αντίστοιχο), ως αρχείο PDF έως"
            " 10 MB."
        ),
        text_en=(
            f"Within {_DAYS} working days of submitting the form, send the document designating the"
            " representatives to the Innovation Network, signed by a senior management executive"
            " (General Secretary, Service Secretary or equivalent), as a PDF file of up to 10 MB."
        ),
    ),
    Instruction(
        text_el=(
            f"Η προθεσμία λήγει στο τέλος της {_DAYS}ης εργάσιμης ημέρας μετά την ημέρα υποβολής"
            " (ώρα Ελλάδας). Δεν μετρούν τα Σαββατοκύριακα, οι επίσημες αργίες και οι ημέρες που η"
            " υπηρεσία είναι κλειστή."
        ),
        text_en=(
            f"The deadline is the end of the {_DAYS_ORDINAL_EN} working day after the day of"
            " submission (Greek time). Weekends, public holidays and days the office is closed do"
            " not count."
        ),
    ),
    Instruction(
        text_el=(
            "Αν δεν ορίζεται αναπληρωματικό μέλος, η αίτηση συμπληρώνεται μόνο για το κύριο."
            " Αναπληρωματικό μέλος μπορεί να οριστεί και αργότερα, αφού προηγηθεί επικοινωνία με"
            " το Τμήμα Καινοτομίας και Καλών Πρακτικών."
        ),
        text_en=(
            "If no alternate is appointed, the form is filled in for the main member only. An"
            " alternate can be appointed later, after contacting the Department of Innovation and"
            " Best Practices."
        ),
    ),
)

REGISTRATION_FORM = RegistrationForm(
    title_el="Δίκτυο Καινοτομίας του Δημοσίου — Αίτηση εγγραφής",
    title_en="Public Sector Innovation Network — Registration form",
    instructions=_INSTRUCTIONS,
    sections=_SECTIONS,
    fields=(
        *_BODY_FIELDS,
        *_representative_fields("main"),
        *_representative_fields("alternate"),
        *_DECLARATION_FIELDS,
    ),
)
"""The registration form: `GET /registration-form` serves it and the printable sheet shows it."""
