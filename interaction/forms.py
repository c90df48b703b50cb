"""Forms of the public interaction pages and of the handling screens. They validate input and
nothing else; the actions decide."""
from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import pgettext_lazy

from cms.models import Department
from cms.uploads import UploadRejected, check_upload

from . import antispam
from .models import CONFIDENTIAL_KINDS, PUBLISHABLE_KINDS, InvalidReason, MessageKind, Topic
from .validators import MAX_BODY, MAX_SUBJECT, validate_body_length, validate_plain_text

#: A visitor's attachment is smaller than an editor's (``TAXSITE_MAX_UPLOAD_BYTES``).
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
HONEYPOT = "hp_note"

validate_phone = RegexValidator(
    r"^[0-9+\-() ]{5,30}$", pgettext_lazy("interaction", "Enter a telephone number (digits, +, - and spaces)."))

#: Kinds that ask the visitor to pick a topic (which decides the routing).
TOPIC_KINDS = frozenset({MessageKind.MAILBOX, MessageKind.CONSULTATION})


class MessageForm(forms.Form):
    # UI strings carry the "interaction" context: short words such as "Subject" or "Status"
    # mean other things in other apps' catalogues.
    topic = forms.ModelChoiceField(
        label=pgettext_lazy("interaction", "Topic"), queryset=Topic.objects.none(), required=False,
        empty_label=pgettext_lazy("interaction", "Other / not sure"))
    page_url = forms.URLField(
        label=pgettext_lazy("interaction", "Address of the page concerned"), max_length=500, required=False,
        assume_scheme="https", validators=[validate_plain_text])
    accused = forms.CharField(
        label=pgettext_lazy("interaction", "Person or unit reported"), max_length=100, required=False,
        validators=[validate_plain_text])
    subject = forms.CharField(
        label=pgettext_lazy("interaction", "Subject"), max_length=MAX_SUBJECT, validators=[validate_plain_text])
    body = forms.CharField(
        label=pgettext_lazy("interaction", "Message text"), strip=True,
        widget=forms.Textarea(attrs={"rows": 10, "maxlength": MAX_BODY}),
        validators=[validate_plain_text, validate_body_length],
        help_text=pgettext_lazy(
            "interaction", "At most 5,000 characters. Please do not write identity-card or bank-card numbers here."),
    )
    sender_name = forms.CharField(
        label=pgettext_lazy("interaction", "Your name"), max_length=50, required=False,
        validators=[validate_plain_text])
    sender_phone = forms.CharField(
        label=pgettext_lazy("interaction", "Telephone"), max_length=30, required=False, validators=[validate_phone])
    sender_email = forms.EmailField(label=pgettext_lazy("interaction", "E-mail"), required=False)
    attachment = forms.FileField(
        label=pgettext_lazy("interaction", "Attachment"), required=False,
        help_text=pgettext_lazy("interaction", "Optional, one file up to 5 MB: PDF, Office, OFD, ZIP, TXT, JPEG, "
                                               "PNG or GIF. Several files can be sent as one ZIP."))
    publish_consent = forms.BooleanField(
        label=pgettext_lazy("interaction", "The question and the answer may be published on this site, without my "
                                           "name, telephone, e-mail or other personal data."), required=False)
    started = forms.CharField(widget=forms.HiddenInput)
    # The honeypot: hidden from people by the style sheet, filled in by robots.
    hp_note = forms.CharField(
        label=pgettext_lazy("interaction", "Leave this field empty"), required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))

    def __init__(self, *args, site, kind, **kwargs):
        kwargs.setdefault("label_suffix", "")  # labels stand above their fields
        super().__init__(*args, **kwargs)
        self.site, self.kind = site, kind
        topics = Topic.objects.filter(site=site, is_active=True).order_by("order", "id")
        if kind in TOPIC_KINDS:
            self.fields["topic"].queryset = topics
        else:
            del self.fields["topic"]
        if kind == MessageKind.ERROR_REPORT:
            self.fields["page_url"].required = True
        else:
            del self.fields["page_url"]
        if kind in CONFIDENTIAL_KINDS:
            self.fields["accused"].required = True
            self.fields["sender_name"].help_text = pgettext_lazy(
                "interaction", "You may stay anonymous; a real name helps us to follow up.")
        else:
            del self.fields["accused"]
        if kind not in PUBLISHABLE_KINDS:
            del self.fields["publish_consent"]
        if not self.is_bound:
            self.initial.setdefault("started", antispam.issue_token(kind))
        self.checked_upload = None

    def refresh_token(self):
        """A bound form shown again gets a new start token (the visitor keeps what they typed)."""
        data = self.data.copy()
        data["started"] = antispam.issue_token(self.kind)
        self.data = data

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return None
        if upload.size > MAX_ATTACHMENT_BYTES:
            raise forms.ValidationError(pgettext_lazy("interaction", "The attachment is larger than 5 MB."),
                                        code="too_big")
        try:
            self.checked_upload = check_upload(upload)
        except UploadRejected as exc:
            raise forms.ValidationError(exc.messages, code="rejected")
        return upload

    def clean(self):
        cleaned = super().clean()
        if self.data.get(HONEYPOT):
            raise forms.ValidationError(pgettext_lazy(
                "interaction", "Your message could not be accepted because a field meant to stay empty was filled "
                               "in. Please use the form as shown in the browser."), code="honeypot")
        try:
            antispam.check_token(self.data.get("started"), self.kind)
        except antispam.TooFast:
            raise forms.ValidationError(pgettext_lazy(
                "interaction", "The form was sent faster than a person can fill it in. Please check it and send it "
                               "again."), code="too_fast")
        except antispam.Expired:
            raise forms.ValidationError(pgettext_lazy(
                "interaction", "The form has expired. Please check it and send it again."), code="expired")
        return cleaned


class LookupForm(forms.Form):
    tracking_number = forms.CharField(label=pgettext_lazy("interaction", "Tracking number"), max_length=60)
    code = forms.CharField(
        label=pgettext_lazy("interaction", "Query code"), max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


# --- admin handling screens ---

class AnswerForm(forms.Form):
    answer = forms.CharField(label=pgettext_lazy("interaction", "Answer"), max_length=10000,
                             widget=forms.Textarea(attrs={"rows": 12, "cols": 80}))


class RouteForm(forms.Form):
    department = forms.ModelChoiceField(label=pgettext_lazy("interaction", "Department"),
                                        queryset=Department.objects.none())
    reason = forms.CharField(label=pgettext_lazy("interaction", "Reason"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, message, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = (Department.objects.filter(site_id=message.site_id)
                                              .exclude(pk=message.department_id).order_by("order", "id"))


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=pgettext_lazy("interaction", "Why the message is invalid"),
                               choices=InvalidReason.choices)
    note = forms.CharField(label=pgettext_lazy("interaction", "Note"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
    duplicate_of = forms.CharField(
        label=pgettext_lazy("interaction", "Tracking number of the original (for a duplicate)"), max_length=60,
        required=False)


class PublishForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("interaction", "Title"), max_length=100)
    question = forms.CharField(label=pgettext_lazy("interaction", "Question"),
                               widget=forms.Textarea(attrs={"rows": 8, "cols": 80}))
    answer = forms.CharField(label=pgettext_lazy("interaction", "Answer"),
                             widget=forms.Textarea(attrs={"rows": 10, "cols": 80}))


class UnpublishForm(forms.Form):
    reason = forms.CharField(label=pgettext_lazy("interaction", "Reason"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 3}))
