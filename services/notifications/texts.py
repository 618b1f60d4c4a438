"""The emails' words: each template's subject and paragraphs in Greek and in English.

An email is in the one language its recipient asked for, or, when that is unknown, in both:
Greek first and English below. Jinja2 sources: `templates.py` renders them, the HTML part with
autoescaping on; `language` is "el", "en" or None (both).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

HTML_BASE: Final = """<!DOCTYPE html>
<html lang="{{ language or 'el' }}"><head><meta charset="utf-8"><title>{{ subject }}</title></head>
<body style="font-family: sans-serif; line-height: 1.5; max-width: 40em">
{% if language != "en" -%}
<div lang="el">
{% if name %}<p>Αγαπητή/Αγαπητέ {{ name }},</p>{% else %}<p>Καλησπέρα σας,</p>{% endif %}
{% block el %}{% endblock %}
<p>Με εκτίμηση,<br>Τμήμα Καινοτομίας και Βέλτιστων Πρακτικών<br>Υπουργείο Εσωτερικών</p>
</div>
{% endif -%}
{% if not language -%}
<hr>
{% endif -%}
{% if language != "el" -%}
<div lang="en">
{% if name %}<p>Dear {{ name }},</p>{% else %}<p>Hello,</p>{% endif %}
{% block en %}{% endblock %}
<p>Kind regards,<br>Department of Innovation and Best Practices<br>Ministry of Interior</p>
</div>
{% endif -%}
</body></html>
"""

TEXT_BASE: Final = """{% if language != "en" -%}
{% if name %}Αγαπητή/Αγαπητέ {{ name }},{% else %}Καλησπέρα σας,{% endif %}

{% block el %}{% endblock %}

Με εκτίμηση,
Τμήμα Καινοτομίας και Βέλτιστων Πρακτικών, Υπουργείο Εσωτερικών
{% endif -%}
{% if not language %}
----------------------------------------------------------------------

{% endif -%}
{% if language != "el" -%}
{% if name %}Dear {{ name }},{% else %}Hello,{% endif %}

{% block en %}{% endblock %}

Kind regards,
Department of Innovation and Best Practices, Ministry of Interior
{% endif -%}
"""

_SIGNER_EL: Final = (
    "υπογεγραμμένο από στέλεχος ανώτατης διοίκησης (Γενικό Γραμματέα, Υπηρεσιακό Γραμματέα "
    "ή αντίστοιχο)"
)
_SIGNER_EN: Final = (
    "signed by a senior management executive (General Secretary, Service Secretary or equivalent)"
)

_ROLE_EL: Final = (
    """{% if role == "main" %}τακτικό μέλος{% else %}αναπληρωματικό μέλος{% endif %}"""
)
_ROLE_EN: Final = """{% if role == "main" %}main member{% else %}alternate member{% endif %}"""

_CONTACT_EL: Final = "Αν δεν περιμένατε αυτή την αλλαγή, επικοινωνήστε με το Τμήμα Καινοτομίας."
_CONTACT_EN: Final = "If you did not expect this change, please contact the innovation unit."

_THEM: Final = """{{ their_name or "—" }}"""
"""The representative a change is about (unsealed at send time; a dash once erased)."""

MEMBER_TASKS_EL: Final = (
    "συγκεντρώνουν τις καλές πρακτικές του φορέα τους και τις υποβάλλουν στο Παρατηρητήριο "
    "Καινοτομίας του Δημοσίου Τομέα",
    "συμμετέχουν στα εργαστήρια καινοτομίας Innovation GOV.LAB του Υπουργείου Εσωτερικών",
    "συμμετέχουν σε εκδηλώσεις, εργαστήρια και συνέδρια του Υπουργείου Εσωτερικών",
    "προσκαλούνται σε διεθνή συνέδρια και διαδικτυακά σεμινάρια για την καινοτομία",
    "συμμετέχουν σε κοινές δράσεις για τον σχεδιασμό έργων καινοτομίας",
    "είναι το σημείο επαφής για τη διάχυση της πολιτικής καινοτομίας στον φορέα τους",
    "λαμβάνουν τακτικά το ενημερωτικό δελτίο του Τμήματος Καινοτομίας και Βέλτιστων Πρακτικών",
)
MEMBER_TASKS_EN: Final = (
    "collect the good practices of their body and submit them to the Public Sector Innovation "
    "Observatory",
    "take part in the Innovation GOV.LAB workshops of the Ministry of Interior",
    "take part in events, workshops and conferences of the Ministry of Interior",
    "are invited to international conferences and webinars on innovation",
    "take part in joint actions for the design of innovation projects",
    "are the contact point that spreads the Ministry's innovation policy in their body",
    "receive the newsletter of the Department of Innovation and Best Practices",
)


@dataclass(frozen=True)
class Template:
    """One email: its subject in both languages and its Greek and English paragraphs."""

    subject_el: str
    subject_en: str
    html_el: str
    html_en: str
    text_el: str
    text_en: str


_OBSERVATORY_EL: Final = "Παρατηρητήριο Καινοτομίας του Δημοσίου Τομέα"
_OBSERVATORY_EN: Final = "Public Sector Innovation Observatory"

_COMMENT_HTML: Final = """<blockquote style="white-space: pre-line">{{ comment }}</blockquote>"""
"""The unit's comment as typed, its lines kept (escaped: it is text)."""
_COMMENT_TEXT: Final = """    {{ comment | indent(4) }}"""


TEMPLATES: Final[dict[str, Template]] = {
    "acknowledgement": Template(
        subject_el="Λάβαμε την αίτηση εγγραφής του φορέα {{ body_name }}",
        subject_en="We received the registration of {{ body_name }}",
        html_el=f"""<p>Λάβαμε τη φόρμα εγγραφής του φορέα <strong>{{{{ body_name }}}}</strong>
στο Δίκτυο Καινοτομίας του Δημοσίου Τομέα, όπου ορίζεστε {_ROLE_EL}.</p>
<p>Έως και την <strong>{{{{ due | date_el }}}}</strong> χρειάζεται να στείλετε το έγγραφο
ορισμού σας στο Δίκτυο, {_SIGNER_EL}, σε μορφή PDF.</p>
<p>Ανεβάστε το εδώ: <a href="{{{{ upload_url }}}}">{{{{ upload_url }}}}</a></p>""",
        html_en=f"""<p>We received the registration form of <strong>{{{{ body_name }}}}</strong>
for the Public Sector Innovation Network, naming you as its {_ROLE_EN}.</p>
<p>By <strong>{{{{ due | date_en }}}}</strong>, please send the document designating you to the
Network, {_SIGNER_EN}, as a PDF.</p>
<p>Upload it here: <a href="{{{{ upload_url }}}}">{{{{ upload_url }}}}</a></p>""",
        text_el=f"""Λάβαμε τη φόρμα εγγραφής του φορέα «{{{{ body_name }}}}» στο Δίκτυο Καινοτομίας
του Δημοσίου Τομέα, όπου ορίζεστε {_ROLE_EL}.

Έως και την {{{{ due | date_el }}}} χρειάζεται να στείλετε το έγγραφο ορισμού σας
στο Δίκτυο, {_SIGNER_EL}, σε μορφή PDF.

Ανεβάστε το εδώ: {{{{ upload_url }}}}""",
        text_en=f"""We received the registration form of "{{{{ body_name }}}}" for the Public
Sector Innovation Network, naming you as its {_ROLE_EN}.

By {{{{ due | date_en }}}}, please send the document designating you to the Network,
{_SIGNER_EN}, as a PDF.

Upload it here: {{{{ upload_url }}}}""",
    ),
    "reminder": Template(
        subject_el="Υπενθύμιση: σήμερα λήγει η προθεσμία για το έγγραφο ορισμού",
        subject_en="Reminder: your designation is due today",
        html_el=f"""<p>Σήμερα, <strong>{{{{ due | date_el }}}}</strong>, λήγει η προθεσμία για το
έγγραφο ορισμού σας ως εκπροσώπου του φορέα <strong>{{{{ body_name }}}}</strong>, {_SIGNER_EL}.
Δεν το έχουμε λάβει ακόμη.</p>
<p>Ανεβάστε το εδώ: <a href="{{{{ upload_url }}}}">{{{{ upload_url }}}}</a></p>""",
        html_en=f"""<p>Today, <strong>{{{{ due | date_en }}}}</strong>, is the last day to send the
document designating you as representative of <strong>{{{{ body_name }}}}</strong>,
{_SIGNER_EN}. We have not received it yet.</p>
<p>Upload it here: <a href="{{{{ upload_url }}}}">{{{{ upload_url }}}}</a></p>""",
        text_el=f"""Σήμερα, {{{{ due | date_el }}}}, λήγει η προθεσμία για το έγγραφο ορισμού σας
ως εκπροσώπου του φορέα «{{{{ body_name }}}}», {_SIGNER_EL}. Δεν το έχουμε λάβει ακόμη.

Ανεβάστε το εδώ: {{{{ upload_url }}}}""",
        text_en=f"""Today, {{{{ due | date_en }}}}, is the last day to send the document designating
you as representative of "{{{{ body_name }}}}", {_SIGNER_EN}. We have not received it yet.

Upload it here: {{{{ upload_url }}}}""",
    ),
    "overdue": Template(
        subject_el="Η προθεσμία για το έγγραφο ορισμού έληξε",
        subject_en="The designation deadline has passed",
        html_el=f"""<p>Η προθεσμία της <strong>{{{{ due | date_el }}}}</strong> για το έγγραφο
ορισμού σας ως εκπροσώπου του φορέα <strong>{{{{ body_name }}}}</strong> έληξε χωρίς να το
λάβουμε. Μπορείτε ακόμη να το στείλετε, {_SIGNER_EL}:
<a href="{{{{ upload_url }}}}">{{{{ upload_url }}}}</a></p>""",
        html_en=f"""<p>The deadline of <strong>{{{{ due | date_en }}}}</strong> for the document
designating you as representative of <strong>{{{{ body_name }}}}</strong> has passed and we have
not received it. You can still send it, {_SIGNER_EN}:
<a href="{{{{ upload_url }}}}">{{{{ upload_url }}}}</a></p>""",
        text_el=f"""Η προθεσμία της {{{{ due | date_el }}}} για το έγγραφο ορισμού σας ως
εκπροσώπου του φορέα «{{{{ body_name }}}}» έληξε χωρίς να το λάβουμε. Μπορείτε ακόμη
να το στείλετε, {_SIGNER_EL}: {{{{ upload_url }}}}""",
        text_en=f"""The deadline of {{{{ due | date_en }}}} for the document designating you as
representative of "{{{{ body_name }}}}" has passed and we have not received it. You can still
send it, {_SIGNER_EN}: {{{{ upload_url }}}}""",
    ),
    "overdue_unit": Template(
        subject_el="Εκπρόθεσμος ορισμός: {{ body_name }}",
        subject_en="Designation overdue: {{ body_name }}",
        html_el="""<p>Ο φορέας <strong>{{ body_name }}</strong> δεν έστειλε έγγραφο ορισμού για
{{ count }} εκπρόσωπο/ους έως την <strong>{{ due | date_el }}</strong>.</p>
<p><a href="{{ registration_url }}">{{ registration_url }}</a></p>""",
        html_en="""<p><strong>{{ body_name }}</strong> sent no designation for {{ count }}
representative(s) by <strong>{{ due | date_en }}</strong>.</p>
<p><a href="{{ registration_url }}">{{ registration_url }}</a></p>""",
        text_el="""Ο φορέας «{{ body_name }}» δεν έστειλε έγγραφο ορισμού για {{ count }}
εκπρόσωπο/ους έως την {{ due | date_el }}.

{{ registration_url }}""",
        text_en=""""{{ body_name }}" sent no designation for {{ count }} representative(s)
by {{ due | date_en }}.

{{ registration_url }}""",
    ),
    "verified": Template(
        subject_el="Ο ορισμός σας επαληθεύτηκε",
        subject_en="Your designation is verified",
        html_el="""<p>Το Τμήμα Καινοτομίας επαλήθευσε το έγγραφο ορισμού σας ως εκπροσώπου του
φορέα <strong>{{ body_name }}</strong>. Είστε πλέον μέλος του Δικτύου Καινοτομίας.</p>""",
        html_en="""<p>The innovation unit verified the document designating you as representative
of <strong>{{ body_name }}</strong>. You are now a member of the Innovation Network.</p>""",
        text_el="""Το Τμήμα Καινοτομίας επαλήθευσε το έγγραφο ορισμού σας ως εκπροσώπου του φορέα
«{{ body_name }}». Είστε πλέον μέλος του Δικτύου Καινοτομίας.""",
        text_en="""The innovation unit verified the document designating you as representative of
"{{ body_name }}". You are now a member of the Innovation Network.""",
    ),
    "rejected": Template(
        subject_el="Ο ορισμός σας δεν έγινε δεκτός",
        subject_en="Your designation was not accepted",
        html_el=f"""<p>Το Τμήμα Καινοτομίας δεν αποδέχθηκε το έγγραφο ορισμού σας ως εκπροσώπου
του φορέα <strong>{{{{ body_name }}}}</strong>. Αιτιολογία:</p>
<blockquote>{{{{ reason }}}}</blockquote>
<p>Μπορείτε να στείλετε νέο έγγραφο, {_SIGNER_EL}:
<a href="{{{{ upload_url }}}}">{{{{ upload_url }}}}</a></p>""",
        html_en=f"""<p>The innovation unit did not accept the document designating you as
representative of <strong>{{{{ body_name }}}}</strong>. The reason given:</p>
<blockquote>{{{{ reason }}}}</blockquote>
<p>You can send a new one, {_SIGNER_EN}:
<a href="{{{{ upload_url }}}}">{{{{ upload_url }}}}</a></p>""",
        text_el=f"""Το Τμήμα Καινοτομίας δεν αποδέχθηκε το έγγραφο ορισμού σας ως εκπροσώπου του
φορέα «{{{{ body_name }}}}». Αιτιολογία:

    {{{{ reason }}}}

Μπορείτε να στείλετε νέο έγγραφο, {_SIGNER_EL}: {{{{ upload_url }}}}""",
        text_en=f"""The innovation unit did not accept the document designating you as
representative of "{{{{ body_name }}}}". The reason given:

    {{{{ reason }}}}

You can send a new one, {_SIGNER_EN}: {{{{ upload_url }}}}""",
    ),
    "welcome": Template(
        subject_el="Καλώς ήρθατε στο Δίκτυο Καινοτομίας του Δημοσίου Τομέα",
        subject_en="Welcome to the Public Sector Innovation Network",
        html_el="""<p>Καλώς ήρθατε στο Δίκτυο Καινοτομίας ως εκπρόσωπος του φορέα
<strong>{{ body_name }}</strong>. Τα μέλη του Δικτύου:</p>
<ul>{% for task in tasks_el %}<li>{{ task }}</li>{% endfor %}</ul>""",
        html_en="""<p>Welcome to the Innovation Network as representative of
<strong>{{ body_name }}</strong>. Members of the Network:</p>
<ul>{% for task in tasks_en %}<li>{{ task }}</li>{% endfor %}</ul>""",
        text_el="""Καλώς ήρθατε στο Δίκτυο Καινοτομίας ως εκπρόσωπος του φορέα «{{ body_name }}».
Τα μέλη του Δικτύου:
{% for task in tasks_el %}
  * {{ task }}{% endfor %}""",
        text_en="""Welcome to the Innovation Network as representative of "{{ body_name }}".
Members of the Network:
{% for task in tasks_en %}
  * {{ task }}{% endfor %}""",
    ),
    "invitation": Template(
        subject_el="Πρόσκληση: {{ title }}",
        subject_en="Invitation: {{ title }}",
        html_el="""<p>Σας προσκαλούμε στη δράση <strong>{{ title }}</strong>,
{{ starts_at | datetime_el }}{% if location %}, {{ location }}{% endif %}.</p>
<p><a href="{{ accept_url }}">Αποδέχομαι</a> · <a href="{{ decline_url }}">Δεν θα
συμμετάσχω</a> (οι σύνδεσμοι ισχύουν έως {{ links_expire | datetime_el }})</p>""",
        html_en="""<p>You are invited to <strong>{{ title }}</strong>,
{{ starts_at | datetime_en }}{% if location %}, {{ location }}{% endif %}.</p>
<p><a href="{{ accept_url }}">Accept</a> · <a href="{{ decline_url }}">Decline</a>
(the links are valid until {{ links_expire | datetime_en }})</p>""",
        text_el="""Σας προσκαλούμε στη δράση «{{ title }}», {{ starts_at | datetime_el }}
{%- if location %}, {{ location }}{% endif %}.

Αποδέχομαι: {{ accept_url }}
Δεν θα συμμετάσχω: {{ decline_url }}
(οι σύνδεσμοι ισχύουν έως {{ links_expire | datetime_el }})""",
        text_en="""You are invited to "{{ title }}", {{ starts_at | datetime_en }}
{%- if location %}, {{ location }}{% endif %}.

Accept: {{ accept_url }}
Decline: {{ decline_url }}
(the links are valid until {{ links_expire | datetime_en }})""",
    ),
    "activity_rescheduled": Template(
        subject_el="Αλλαγή ημερομηνίας: {{ title }}",
        subject_en="New date: {{ title }}",
        html_el="""<p>Η δράση <strong>{{ title }}</strong> μεταφέρεται:
{{ starts_at | datetime_el }}{% if location %}, {{ location }}{% endif %}.</p>""",
        html_en="""<p><strong>{{ title }}</strong> has a new date:
{{ starts_at | datetime_en }}{% if location %}, {{ location }}{% endif %}.</p>""",
        text_el="""Η δράση «{{ title }}» μεταφέρεται: {{ starts_at | datetime_el }}
{%- if location %}, {{ location }}{% endif %}.""",
        text_en=""""{{ title }}" has a new date: {{ starts_at | datetime_en }}
{%- if location %}, {{ location }}{% endif %}.""",
    ),
    "activity_cancelled": Template(
        subject_el="Ακύρωση: {{ title }}",
        subject_en="Cancelled: {{ title }}",
        html_el="""<p>Η δράση <strong>{{ title }}</strong> ακυρώνεται.
{% if reason %}Αιτιολογία: {{ reason }}{% endif %}</p>""",
        html_en="""<p><strong>{{ title }}</strong> is cancelled.
{% if reason %}Reason: {{ reason }}{% endif %}</p>""",
        text_el="""Η δράση «{{ title }}» ακυρώνεται.
{%- if reason %} Αιτιολογία: {{ reason }}{% endif %}""",
        text_en=""""{{ title }}" is cancelled.{% if reason %} Reason: {{ reason }}{% endif %}""",
    ),
    "representative_nominated": Template(
        subject_el="Νέος εκπρόσωπος του φορέα {{ body_name }}",
        subject_en="A new representative of {{ body_name }}",
        html_el=f"""<p>Ο φορέας <strong>{{{{ body_name }}}}</strong> πρότεινε νέο {_ROLE_EL} του
στο Δίκτυο Καινοτομίας: <strong>{_THEM}</strong>. Θα λάβει τα επόμενα βήματα με email· χρειάζεται
το έγγραφο ορισμού του, {_SIGNER_EL}.</p>
<p>{_CONTACT_EL}</p>""",
        html_en=f"""<p><strong>{{{{ body_name }}}}</strong> nominated a new {_ROLE_EN} to the
Innovation Network: <strong>{_THEM}</strong>. They receive the next steps by email; their
designation is needed, {_SIGNER_EN}.</p>
<p>{_CONTACT_EN}</p>""",
        text_el=f"""Ο φορέας «{{{{ body_name }}}}» πρότεινε νέο {_ROLE_EL} του στο Δίκτυο
Καινοτομίας: {_THEM}. Θα λάβει τα επόμενα βήματα με email· χρειάζεται το έγγραφο ορισμού του,
{_SIGNER_EL}.

{_CONTACT_EL}""",
        text_en=f""""{{{{ body_name }}}}" nominated a new {_ROLE_EN} to the Innovation Network:
{_THEM}. They receive the next steps by email; their designation is needed, {_SIGNER_EN}.

{_CONTACT_EN}""",
    ),
    "representative_withdrawn": Template(
        subject_el="Αλλαγή εκπροσώπων του φορέα {{ body_name }}",
        subject_en="A change of the representatives of {{ body_name }}",
        html_el=f"""<p>{{% if about_you %}}Δεν είστε πλέον{{% else %}}<strong>{_THEM}</strong>
δεν είναι πλέον{{% endif %}} {_ROLE_EL} του φορέα <strong>{{{{ body_name }}}}</strong> στο
Δίκτυο Καινοτομίας.{{% if reason %}} Αιτιολογία: {{{{ reason }}}}{{% endif %}}</p>
<p>{_CONTACT_EL}</p>""",
        html_en=f"""<p>{{% if about_you %}}You are{{% else %}}<strong>{_THEM}</strong>
is{{% endif %}} no longer the {_ROLE_EN} of <strong>{{{{ body_name }}}}</strong> in the
Innovation Network.{{% if reason %}} Reason: {{{{ reason }}}}{{% endif %}}</p>
<p>{_CONTACT_EN}</p>""",
        text_el=f"""{{% if about_you %}}Δεν είστε πλέον{{% else %}}{_THEM} δεν είναι
πλέον{{% endif %}} {_ROLE_EL} του φορέα «{{{{ body_name }}}}» στο Δίκτυο Καινοτομίας.
{{%- if reason %}} Αιτιολογία: {{{{ reason }}}}{{% endif %}}

{_CONTACT_EL}""",
        text_en=f"""{{% if about_you %}}You are{{% else %}}{_THEM} is{{% endif %}} no longer the
{_ROLE_EN} of "{{{{ body_name }}}}" in the Innovation Network.
{{%- if reason %}} Reason: {{{{ reason }}}}{{% endif %}}

{_CONTACT_EN}""",
    ),
    "registration_withdrawn": Template(
        subject_el="Η εγγραφή του φορέα {{ body_name }} ανακλήθηκε",
        subject_en="The registration of {{ body_name }} was withdrawn",
        html_el=f"""<p>Η εγγραφή του φορέα <strong>{{{{ body_name }}}}</strong> στο Δίκτυο
Καινοτομίας ανακλήθηκε· δεν τον εκπροσωπείτε πλέον.{{% if reason %}} Αιτιολογία:
{{{{ reason }}}}{{% endif %}}</p>
<p>{_CONTACT_EL}</p>""",
        html_en=f"""<p>The registration of <strong>{{{{ body_name }}}}</strong> in the Innovation
Network was withdrawn; you no longer represent it.{{% if reason %}} Reason:
{{{{ reason }}}}{{% endif %}}</p>
<p>{_CONTACT_EN}</p>""",
        text_el=f"""Η εγγραφή του φορέα «{{{{ body_name }}}}» στο Δίκτυο Καινοτομίας ανακλήθηκε·
δεν τον εκπροσωπείτε πλέον.{{% if reason %}} Αιτιολογία: {{{{ reason }}}}{{% endif %}}

{_CONTACT_EL}""",
        text_en=f"""The registration of "{{{{ body_name }}}}" in the Innovation Network was
withdrawn; you no longer represent it.{{% if reason %}} Reason: {{{{ reason }}}}{{% endif %}}

{_CONTACT_EN}""",
    ),
    "registration_lapsing": Template(
        subject_el="Η εγγραφή του φορέα {{ body_name }} λήγει την {{ lapses_on | date_el }}",
        subject_en="The registration of {{ body_name }} lapses on {{ lapses_on | date_en }}",
        html_el=f"""<p>Δεν έχουμε λάβει ακόμη το έγγραφο ορισμού για τον φορέα
<strong>{{{{ body_name }}}}</strong>. Αν δεν το λάβουμε, η εγγραφή του στο Δίκτυο λήγει την
<strong>{{{{ lapses_on | date_el }}}}</strong> και ο φορέας θα χρειαστεί να εγγραφεί ξανά.</p>
<p>Στείλτε το έγγραφο, {_SIGNER_EL}: <a href="{{{{ upload_url }}}}">{{{{ upload_url }}}}</a></p>""",
        html_en=f"""<p>We have still not received the designation for
<strong>{{{{ body_name }}}}</strong>. Unless it arrives, its registration in the Network lapses
on <strong>{{{{ lapses_on | date_en }}}}</strong> and the body will have to register again.</p>
<p>Send it, {_SIGNER_EN}: <a href="{{{{ upload_url }}}}">{{{{ upload_url }}}}</a></p>""",
        text_el=f"""Δεν έχουμε λάβει ακόμη το έγγραφο ορισμού για τον φορέα «{{{{ body_name }}}}».
Αν δεν το λάβουμε, η εγγραφή του στο Δίκτυο λήγει την {{{{ lapses_on | date_el }}}} και ο φορέας
θα χρειαστεί να εγγραφεί ξανά.

Στείλτε το έγγραφο, {_SIGNER_EL}: {{{{ upload_url }}}}""",
        text_en=f"""We have still not received the designation for "{{{{ body_name }}}}". Unless it
arrives, its registration in the Network lapses on {{{{ lapses_on | date_en }}}} and the body
will have to register again.

Send it, {_SIGNER_EN}: {{{{ upload_url }}}}""",
    ),
    "registration_extended": Template(
        subject_el="Παράταση για τον φορέα {{ body_name }}",
        subject_en="More time for {{ body_name }}",
        html_el=f"""<p>Το Τμήμα Καινοτομίας έδωσε παράταση στην εγγραφή του φορέα
<strong>{{{{ body_name }}}}</strong>: λήγει πλέον την
<strong>{{{{ lapses_on | date_el }}}}</strong>, αν δεν λάβουμε ως τότε το έγγραφο ορισμού.
Αιτιολογία: {{{{ reason }}}}</p>
<p>Στείλτε το έγγραφο, {_SIGNER_EL}: <a href="{{{{ upload_url }}}}">{{{{ upload_url }}}}</a></p>""",
        html_en=f"""<p>The innovation unit extended the registration of
<strong>{{{{ body_name }}}}</strong>: it now lapses on
<strong>{{{{ lapses_on | date_en }}}}</strong> unless the designation arrives by then.
Reason: {{{{ reason }}}}</p>
<p>Send it, {_SIGNER_EN}: <a href="{{{{ upload_url }}}}">{{{{ upload_url }}}}</a></p>""",
        text_el=f"""Το Τμήμα Καινοτομίας έδωσε παράταση στην εγγραφή του φορέα
«{{{{ body_name }}}}»: λήγει πλέον την {{{{ lapses_on | date_el }}}}, αν δεν λάβουμε ως τότε
το έγγραφο ορισμού. Αιτιολογία: {{{{ reason }}}}

Στείλτε το έγγραφο, {_SIGNER_EL}: {{{{ upload_url }}}}""",
        text_en=f"""The innovation unit extended the registration of "{{{{ body_name }}}}": it now
lapses on {{{{ lapses_on | date_en }}}} unless the designation arrives by then.
Reason: {{{{ reason }}}}

Send it, {_SIGNER_EN}: {{{{ upload_url }}}}""",
    ),
    "registration_lapsed": Template(
        subject_el="Η εγγραφή του φορέα {{ body_name }} έληξε",
        subject_en="The registration of {{ body_name }} has lapsed",
        html_el="""<p>Η εγγραφή του φορέα <strong>{{ body_name }}</strong> στο Δίκτυο Καινοτομίας
έληξε την <strong>{{ lapsed_on | date_el }}</strong>, γιατί δεν λάβαμε το έγγραφο ορισμού.
Ο φορέας μπορεί να εγγραφεί ξανά: <a href="{{ register_url }}">{{ register_url }}</a></p>""",
        html_en="""<p>The registration of <strong>{{ body_name }}</strong> in the Innovation
Network lapsed on <strong>{{ lapsed_on | date_en }}</strong>, as no designation arrived. The
body may register again: <a href="{{ register_url }}">{{ register_url }}</a></p>""",
        text_el="""Η εγγραφή του φορέα «{{ body_name }}» στο Δίκτυο Καινοτομίας έληξε την
{{ lapsed_on | date_el }}, γιατί δεν λάβαμε το έγγραφο ορισμού. Ο φορέας μπορεί να εγγραφεί
ξανά: {{ register_url }}""",
        text_en="""The registration of "{{ body_name }}" in the Innovation Network lapsed on
{{ lapsed_on | date_en }}, as no designation arrived. The body may register again:
{{ register_url }}""",
    ),
    "sign_in": Template(
        subject_el="Ο σύνδεσμός σας για είσοδο στο Δίκτυο Καινοτομίας",
        subject_en="Your sign-in link to the Innovation Network",
        html_el="""<p>Για να συνδεθείτε στο Δίκτυο Καινοτομίας του Δημοσίου Τομέα, ανοίξτε τον
σύνδεσμο: <a href="{{ sign_in_url }}">{{ sign_in_url }}</a></p>
<p>Ισχύει έως <strong>{{ valid_until | datetime_el }}</strong> (ώρα Ελλάδας) και για μία
μόνο χρήση.</p>
<p>Αν δεν ζητήσατε εσείς να συνδεθείτε, αγνοήστε αυτό το email· χωρίς τον σύνδεσμο κανείς δεν
συνδέεται.</p>""",
        html_en="""<p>To sign in to the Public Sector Innovation Network, open this link:
<a href="{{ sign_in_url }}">{{ sign_in_url }}</a></p>
<p>It is valid until <strong>{{ valid_until | datetime_en }}</strong> (Athens time) and can be
used once.</p>
<p>If you did not ask to sign in, ignore this email; nobody signs in without the link.</p>""",
        text_el="""Για να συνδεθείτε στο Δίκτυο Καινοτομίας του Δημοσίου Τομέα, ανοίξτε τον
σύνδεσμο:

{{ sign_in_url }}

Ισχύει έως {{ valid_until | datetime_el }} (ώρα Ελλάδας) και για μία μόνο χρήση.

Αν δεν ζητήσατε εσείς να συνδεθείτε, αγνοήστε αυτό το email· χωρίς τον σύνδεσμο κανείς δεν
συνδέεται.""",
        text_en="""To sign in to the Public Sector Innovation Network, open this link:

{{ sign_in_url }}

It is valid until {{ valid_until | datetime_en }} (Athens time) and can be used once.

If you did not ask to sign in, ignore this email; nobody signs in without the link.""",
    ),
    "practice_submitted": Template(
        subject_el="""{% if resubmission %}Ξανά προς έλεγχο{% else %}Νέα καλή πρακτική προς έλεγχο\
{% endif %}: {{ title }} ({{ body_name }})""",
        subject_en="""{% if resubmission %}Back for review{% else %}A new good practice to review\
{% endif %}: {{ title }} ({{ body_name }})""",
        html_el=f"""<p>Ο φορέας <strong>{{{{ body_name }}}}</strong> υπέβαλε{{% if resubmission %}}
ξανά, μετά τις αλλαγές που ζητήσατε,{{% endif %}} την καλή πρακτική
<strong>{{{{ title }}}}</strong> για δημοσίευση στο {_OBSERVATORY_EL}.</p>
<p>Ελέγξτε την εδώ: <a href="{{{{ review_url }}}}">{{{{ review_url }}}}</a></p>""",
        html_en=f"""<p><strong>{{{{ body_name }}}}</strong> submitted{{% if resubmission %}} again,
after the changes you asked for,{{% endif %}} the good practice <strong>{{{{ title }}}}</strong>
for publication in the {_OBSERVATORY_EN}.</p>
<p>Review it here: <a href="{{{{ review_url }}}}">{{{{ review_url }}}}</a></p>""",
        text_el=f"""Ο φορέας «{{{{ body_name }}}}» υπέβαλε{{% if resubmission %}} ξανά, μετά τις
αλλαγές που ζητήσατε,{{% endif %}} την καλή πρακτική «{{{{ title }}}}» για δημοσίευση στο
{_OBSERVATORY_EL}.

Ελέγξτε την εδώ: {{{{ review_url }}}}""",
        text_en=f""""{{{{ body_name }}}}" submitted{{% if resubmission %}} again, after the changes
you asked for,{{% endif %}} the good practice "{{{{ title }}}}" for publication in the
{_OBSERVATORY_EN}.

Review it here: {{{{ review_url }}}}""",
    ),
    "practice_changes_requested": Template(
        subject_el="Ζητούνται αλλαγές: {{ title_el }}",
        subject_en="Changes requested: {{ title_en }}",
        html_el=f"""<p>Το Τμήμα Καινοτομίας εξέτασε την καλή πρακτική
<strong>{{{{ title_el }}}}</strong> του φορέα σας και ζητά αλλαγές πριν τη δημοσιεύσει στο
{_OBSERVATORY_EL}. Το σχόλιο του Τμήματος:</p>
{_COMMENT_HTML}
<p>Κάντε τις αλλαγές και υποβάλετέ την ξανά:
<a href="{{{{ practice_url }}}}">{{{{ practice_url }}}}</a></p>""",
        html_en=f"""<p>The innovation unit reviewed your body's good practice
<strong>{{{{ title_en }}}}</strong> and asks for changes before publishing it in the
{_OBSERVATORY_EN}. The unit's comment:</p>
{_COMMENT_HTML}
<p>Make the changes and submit it again:
<a href="{{{{ practice_url }}}}">{{{{ practice_url }}}}</a></p>""",
        text_el=f"""Το Τμήμα Καινοτομίας εξέτασε την καλή πρακτική «{{{{ title_el }}}}» του φορέα
σας και ζητά αλλαγές πριν τη δημοσιεύσει στο {_OBSERVATORY_EL}. Το σχόλιο του Τμήματος:

{_COMMENT_TEXT}

Κάντε τις αλλαγές και υποβάλετέ την ξανά: {{{{ practice_url }}}}""",
        text_en=f"""The innovation unit reviewed your body's good practice "{{{{ title_en }}}}" and
asks for changes before publishing it in the {_OBSERVATORY_EN}. The unit's comment:

{_COMMENT_TEXT}

Make the changes and submit it again: {{{{ practice_url }}}}""",
    ),
    "practice_published": Template(
        subject_el="Η καλή πρακτική δημοσιεύθηκε: {{ title_el }}",
        subject_en="Your good practice is published: {{ title_en }}",
        html_el=f"""<p>Το Τμήμα Καινοτομίας δημοσίευσε την καλή πρακτική
<strong>{{{{ title_el }}}}</strong> του φορέα σας στο {_OBSERVATORY_EL}, με την άδεια
CC BY 4.0. Το σχόλιο του Τμήματος:</p>
{_COMMENT_HTML}
<p>Η δημόσια σελίδα της: <a href="{{{{ public_page_url }}}}">{{{{ public_page_url }}}}</a><br>
Η σελίδα της για τον φορέα σας: <a href="{{{{ practice_url }}}}">{{{{ practice_url }}}}</a></p>""",
        html_en=f"""<p>The innovation unit published your body's good practice
<strong>{{{{ title_en }}}}</strong> in the {_OBSERVATORY_EN}, under the CC BY 4.0 licence.
The unit's comment:</p>
{_COMMENT_HTML}
<p>Its public page: <a href="{{{{ public_page_url }}}}">{{{{ public_page_url }}}}</a><br>
Its page for your body: <a href="{{{{ practice_url }}}}">{{{{ practice_url }}}}</a></p>""",
        text_el=f"""Το Τμήμα Καινοτομίας δημοσίευσε την καλή πρακτική «{{{{ title_el }}}}» του
φορέα σας στο {_OBSERVATORY_EL}, με την άδεια CC BY 4.0. Το σχόλιο του Τμήματος:

{_COMMENT_TEXT}

Η δημόσια σελίδα της: {{{{ public_page_url }}}}
Η σελίδα της για τον φορέα σας: {{{{ practice_url }}}}""",
        text_en=f"""The innovation unit published your body's good practice "{{{{ title_en }}}}" in
the {_OBSERVATORY_EN}, under the CC BY 4.0 licence. The unit's comment:

{_COMMENT_TEXT}

Its public page: {{{{ public_page_url }}}}
Its page for your body: {{{{ practice_url }}}}""",
    ),
    "practice_rejected": Template(
        subject_el="Η καλή πρακτική δεν θα δημοσιευθεί: {{ title_el }}",
        subject_en="Your good practice will not be published: {{ title_en }}",
        html_el=f"""<p>Το Τμήμα Καινοτομίας εξέτασε την καλή πρακτική
<strong>{{{{ title_el }}}}</strong> του φορέα σας και αποφάσισε να μην τη δημοσιεύσει στο
{_OBSERVATORY_EL}. Αιτιολογία:</p>
{_COMMENT_HTML}
<p>Η πρακτική και το ιστορικό της:
<a href="{{{{ practice_url }}}}">{{{{ practice_url }}}}</a></p>""",
        html_en=f"""<p>The innovation unit reviewed your body's good practice
<strong>{{{{ title_en }}}}</strong> and decided not to publish it in the {_OBSERVATORY_EN}.
The reason given:</p>
{_COMMENT_HTML}
<p>The practice and its history:
<a href="{{{{ practice_url }}}}">{{{{ practice_url }}}}</a></p>""",
        text_el=f"""Το Τμήμα Καινοτομίας εξέτασε την καλή πρακτική «{{{{ title_el }}}}» του φορέα
σας και αποφάσισε να μην τη δημοσιεύσει στο {_OBSERVATORY_EL}. Αιτιολογία:

{_COMMENT_TEXT}

Η πρακτική και το ιστορικό της: {{{{ practice_url }}}}""",
        text_en=f"""The innovation unit reviewed your body's good practice "{{{{ title_en }}}}" and
decided not to publish it in the {_OBSERVATORY_EN}. The reason given:

{_COMMENT_TEXT}

The practice and its history: {{{{ practice_url }}}}""",
    ),
    "newsletter_confirmation": Template(
        subject_el="Επιβεβαιώστε την εγγραφή σας στο ενημερωτικό δελτίο",
        subject_en="Confirm your subscription to the newsletter",
        html_el="""<p>Ζητήθηκε η εγγραφή αυτής της διεύθυνσης στο ενημερωτικό δελτίο του Τμήματος
Καινοτομίας και Βέλτιστων Πρακτικών. Για να την επιβεβαιώσετε, ανοίξτε τον σύνδεσμο:
<a href="{{ confirm_url }}">{{ confirm_url }}</a></p>
<p>Ισχύει έως <strong>{{ expires_at | datetime_el }}</strong> (ώρα Ελλάδας).</p>
<p>Αν δεν το ζητήσατε εσείς, αγνοήστε αυτό το email· χωρίς επιβεβαίωση δεν θα λάβετε
τίποτα.</p>""",
        html_en="""<p>Someone asked to subscribe this address to the newsletter of the Department
of Innovation and Best Practices. To confirm, open this link:
<a href="{{ confirm_url }}">{{ confirm_url }}</a></p>
<p>It is valid until <strong>{{ expires_at | datetime_en }}</strong> (Athens time).</p>
<p>If you did not ask for it, ignore this email; without a confirmation you receive
nothing.</p>""",
        text_el="""Ζητήθηκε η εγγραφή αυτής της διεύθυνσης στο ενημερωτικό δελτίο του Τμήματος
Καινοτομίας και Βέλτιστων Πρακτικών. Για να την επιβεβαιώσετε, ανοίξτε τον σύνδεσμο:

{{ confirm_url }}

Ισχύει έως {{ expires_at | datetime_el }} (ώρα Ελλάδας).

Αν δεν το ζητήσατε εσείς, αγνοήστε αυτό το email· χωρίς επιβεβαίωση δεν θα λάβετε τίποτα.""",
        text_en="""Someone asked to subscribe this address to the newsletter of the Department of
Innovation and Best Practices. To confirm, open this link:

{{ confirm_url }}

It is valid until {{ expires_at | datetime_en }} (Athens time).

If you did not ask for it, ignore this email; without a confirmation you receive nothing.""",
    ),
    "newsletter_test_copy": Template(
        # The issue's own subject and sanitised HTML (nh3's allow-list): shown as it is.
        subject_el="[Δοκιμή] {{ issue_subject }}",
        subject_en="[Test] {{ issue_subject }}",
        html_el="""<p><em>Δοκιμαστικό αντίτυπο: δεν στάλθηκε στους συνδρομητές.</em></p>
{{ issue_html | safe }}""",
        html_en="""<p><em>A test copy: not sent to the subscribers.</em></p>
{{ issue_html | safe }}""",
        text_el="""(Δοκιμαστικό αντίτυπο: δεν στάλθηκε στους συνδρομητές.)

{{ issue_text }}""",
        text_en="""(A test copy: not sent to the subscribers.)

{{ issue_text }}""",
    ),
}
