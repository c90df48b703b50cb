from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Attachment
from .uploads import UploadRejected, check_upload


class AttachmentInlineForm(forms.ModelForm):
    """A new attachment is an upload checked by content; an existing one can only be
    retitled, reordered or removed."""

    upload = forms.FileField(label=_("file"), required=False)

    class Meta:
        model = Attachment
        fields = ["title", "order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        if self.instance.pk:
            self.fields.pop("upload")

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("upload")
        if not self.instance.pk and upload is not None:
            try:
                self.checked = check_upload(upload)
            except UploadRejected as exc:
                raise forms.ValidationError({"upload": exc.messages})
        elif not self.instance.pk and self.has_changed():
            raise forms.ValidationError({"upload": _("Choose a file to upload.")})
        return cleaned
