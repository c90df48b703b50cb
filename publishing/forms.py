from django import forms
from django.utils.translation import gettext_lazy as _

from .scan import OVERRIDABLE, WARN


class SubmitForm(forms.Form):
    confirm_no_secret = forms.BooleanField(label=_("The content holds no state secret."), required=True)
    confirm_no_internal = forms.BooleanField(label=_("The content holds no internal-only information."), required=True)
    confirm_no_personal_data = forms.BooleanField(label=_("The content holds no personal data of taxpayers."),
                                                  required=True)

    def __init__(self, *args, findings=(), **kwargs):
        super().__init__(*args, **kwargs)
        from .scan import finding_key

        self.finding_fields = []
        for i, f in enumerate(findings):
            key = finding_key(f)
            if f.severity == OVERRIDABLE:
                name = f"override_{i}"
                self.fields[name] = forms.CharField(label=f"{f.message} {f.match}（{f.where}）", required=False,
                                                    help_text=_("Reason for publishing it anyway"),
                                                    widget=forms.TextInput(attrs={"size": 60}))
            elif f.severity == WARN:
                name = f"ack_{i}"
                self.fields[name] = forms.BooleanField(label=f"{f.message}（{f.where}）", required=False)
            else:
                continue
            self.finding_fields.append((name, key, f.severity))

    def overrides(self):
        return {key: self.cleaned_data.get(name) or "" for name, key, sev in self.finding_fields if sev == OVERRIDABLE}

    def acknowledged(self):
        return {key for name, key, sev in self.finding_fields if sev == WARN and self.cleaned_data.get(name)}


class DecisionForm(forms.Form):
    transition = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    secrecy_confirmed = forms.BooleanField(label=_("I have done the secrecy review (保密审查)."), required=False)
    mark_major = forms.BooleanField(label=_("Major item (事关重大): needs the bureau leader's signature"),
                                    required=False)
    publish_at = forms.DateTimeField(label=_("Publish at"), required=False,
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                                format="%Y-%m-%dT%H:%M"),
                                     input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])


class UnpublishForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[("withdrawn", _("Withdrawn (page stays with a notice)")),
                                                       ("gone", _("Published in error (410 Gone)")),
                                                       ("replaced", _("Replaced (301 to the successor)"))])
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    successor = forms.IntegerField(label=_("Successor article number"), required=False)
