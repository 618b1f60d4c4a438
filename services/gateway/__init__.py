"""The gateway: the pages people use (port 8000), server-rendered, Greek first, English too.

It is a runtime service like the others (`service.py`), publishing no events; its database
holds sessions, sign-in requests, rate counters and the `directory` projection. It calls the
services' JSON APIs with a short-lived token for the signed-in person (`calls.py`).

How to add a page
-----------------
1. A template under `templates/`, extending the base and importing the macros:

       {% extends "base.html" %}
       {% import "macros/forms.html" as forms %}
       {% block title %}{{ _("Error:") if errors }} {{ _("Your body") }}{% endblock %}
       {% block content %}
       {{ forms.error_summary(errors.summary) }}
       <h1 class="govgr-heading-xl">{{ _("Your body") }}</h1>
       <form method="post" action="/my-body/withdraw" novalidate>
         {{ forms.csrf_field() }}
         {{ forms.text_input("reason", _("Why"), value=values.reason, error=errors.get("reason")) }}
         {{ forms.submit_button(_("Continue")) }}
       </form>
       {% endblock %}

   Every `<form method="post">` carries `forms.csrf_field()`: a POST without it is the 403
   page (`security.py`). No inline `<script>` or `style=`: the CSP refuses them; class names
   are the design system's `govgr-*` (`static/digigov.css`), and the few of ours are in
   `static/gateway.css` (`innovnet-*`). The macros: csrf_field, error_summary, text_input,
   email_input, textarea, radios, select, file_upload, submit_button, summary_list (their
   parameters are documented in `templates/macros/forms.html`).
2. A route in a router of `routes/` (add the router to `service.py`), answering with
   `pages.render(request, "page.html", **context)`. Every page gets `lang`, `path`, `person`
   (the signed-in `SignedIn` or None) and `settings`. Who may see it is a dependency from
   `sessions.py`: `CurrentVisitor` (anyone; `.person`, `.draft`, `.save_draft()`),
   `Representative`, `Staff`, `Applicant`, `AnyoneSignedIn` (signed out → the sign-in page and
   back; another kind → the 403 page). Raise `HTTPException(404)` for the 404 page.
3. Texts: write English msgids, `{{ _("…") }}` in templates (`{{ _("%(n)s left", n=3) }}`),
   `N_("…")` in Python then `i18n.translate(language, msgid)`. Give each its Greek in
   `locale/el/LC_MESSAGES/messages.po`: `python -m services.gateway.catalogue --update`
   adds the missing msgids with an empty msgstr to fill in; a test fails on any text with no
   Greek. Dates and numbers: `format_date(day)`, `format_datetime(moment)`,
   `format_number(n)` in templates (the reader's language, Athens time).
4. A service's refusal: `refusals.field_errors(calls.refusal_detail(response), field_map,
   language)` gives `FormErrors` (`.summary` for `error_summary`, `.get(field)` for a field);
   on a 422 render the same page again with status 422, the typed values and the errors.
   Form submissions are rate-limited with the `rate_limits.SubmitLimit` dependency.
5. Posted texts: take them with the `posted.Posted` dependency (or `posted.clean_text` for a
   route's own `Form()` parameters): the runtime's text rules (no NUL, control or bidi
   characters, bounded), each broken rule a refusal waiting at its field. A service's answer:
   `calls.read_as(response, Model)`, `calls.json_object(response)` and
   `calls.refusal_detail(response)` (anything unreadable is the 503 page, never a 500); the
   service's form: `form_fields.registration_form(request)` (cached).
6. A decision of the innovation unit (question page → check your answers → confirmation):
   keep the question's answers in the session with `unit_forms.UnitDraft` between the pages,
   show a refusal naming a field on the question page and any other on the check page
   (`unit_forms.refusal_errors`, its days written for the reader); a day is typed in three
   boxes (`unit/fields.html` `date_input`, read by `unit_dates.typed_day`).
"""
