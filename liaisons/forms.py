"""Forms of the liaisons admin screens. They validate input and nothing else; the admin
hands ``cleaned_data`` to ``liaisons.actions``."""
from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.models import ArticleKind, Column, ColumnClass, Department, Site

from .checklists import checklist_for
from .models import ColumnChangeRequest, Liaison, Platform

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _today():
    return timezone.localdate()


class LiaisonFilingForm(forms.Form):
    department = forms.ModelChoiceField(Department.objects.none(), label=_("department"))
    user = forms.ModelChoiceField(get_user_model().objects.none(), label=_("account"))
    name = forms.CharField(label=_("name"), max_length=60)
    position = forms.CharField(label=_("position"), max_length=100, required=False)
    office_phone = forms.CharField(label=_("office telephone"), max_length=40, required=False)
    mobile = forms.CharField(label=_("mobile telephone"), max_length=40, required=False)
    email = forms.EmailField(label=_("e-mail"), required=False)
    filed_on = forms.DateField(label=_("date filed"), initial=_today, widget=DATE)
    note = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(site__in=sites).select_related("site")
        self.fields["user"].queryset = get_user_model().objects.filter(is_active=True, profile__site__in=sites)
        self.fields["user"].label_from_instance = lambda u: f"{u.get_username()} {getattr(u, 'profile', '')}"


class DepartureForm(forms.Form):
    left_on = forms.DateField(label=_("left on"), initial=_today, widget=DATE)
    reason = forms.CharField(label=_("reason for leaving"), max_length=200, required=False)
    handover_notes = forms.CharField(label=_("handover notes"), widget=forms.Textarea(attrs={"rows": 5}),
                                     required=False)


class TrainingForm(forms.Form):
    site = forms.ModelChoiceField(Site.objects.none(), label=_("site"))
    title = forms.CharField(label=_("title"), max_length=200)
    organiser = forms.CharField(label=_("organiser"), max_length=100, required=False)
    held_on = forms.DateField(label=_("held on"), initial=_today, widget=DATE)
    attended = forms.ModelMultipleChoiceField(Liaison.objects.none(), label=_("liaisons who attended"),
                                              required=False, widget=forms.CheckboxSelectMultiple)
    absent = forms.ModelMultipleChoiceField(Liaison.objects.none(), label=_("liaisons who were absent"),
                                            required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        active = Liaison.objects.filter(site__in=sites, left_on__isnull=True).select_related("department")
        self.fields["attended"].queryset = active
        self.fields["absent"].queryset = active

    def clean(self):
        data = super().clean()
        if set(data.get("attended") or ()) & set(data.get("absent") or ()):
            raise forms.ValidationError(_("A liaison cannot both attend and be absent."))
        return data


class HonorariumRateForm(forms.Form):
    site = forms.ModelChoiceField(Site.objects.none(), label=_("site"))
    kind = forms.ChoiceField(label=_("content kind"), choices=ArticleKind.choices)
    amount = forms.DecimalField(label=_("amount per adopted item (yuan)"), max_digits=8, decimal_places=2,
                                min_value=0)

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites


class NewMediaAccountForm(forms.Form):
    site = forms.ModelChoiceField(Site.objects.none(), label=_("site"))
    department = forms.ModelChoiceField(Department.objects.none(), label=_("responsible department"))
    platform = forms.ChoiceField(label=_("platform"), choices=Platform.choices)
    name = forms.CharField(label=_("account name"), max_length=100)
    account_id = forms.CharField(label=_("account ID on the platform"), max_length=100, required=False)
    organiser = forms.CharField(label=_("organiser"), max_length=100)
    administrator = forms.CharField(label=_("administrator"), max_length=60)
    responsible_person = forms.CharField(label=_("responsible person"), max_length=60)
    responsible_user = forms.ModelChoiceField(get_user_model().objects.none(), label=_("responsible account"),
                                              required=False)
    contact_phone = forms.CharField(label=_("contact telephone"), max_length=40, required=False)
    home_url = forms.URLField(label=_("account address"), required=False, assume_scheme="https")
    feed_url = forms.URLField(label=_("feed address (RSS/Atom)"), required=False, assume_scheme="https")
    approval_reference = forms.CharField(label=_("approval form number"), max_length=100)
    approved_by = forms.CharField(label=_("approved by"), max_length=100)
    approved_on = forms.DateField(label=_("approved on"), widget=DATE)
    opened_on = forms.DateField(label=_("opened on"), initial=_today, widget=DATE)

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.fields["department"].queryset = Department.objects.filter(site__in=sites).select_related("site")
        self.fields["responsible_user"].queryset = get_user_model().objects.filter(is_active=True,
                                                                                   profile__site__in=sites)


class NewMediaChangeForm(forms.Form):
    name = forms.CharField(label=_("account name"), max_length=100)
    organiser = forms.CharField(label=_("organiser"), max_length=100)
    administrator = forms.CharField(label=_("administrator"), max_length=60)
    changed_on = forms.DateField(label=_("changed on"), initial=_today, widget=DATE)
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class EndAccountForm(forms.Form):
    on = forms.DateField(label=_("date"), initial=_today, widget=DATE)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))
    public_notice_url = forms.URLField(label=_("public notice"), required=False, assume_scheme="https")


class PostForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=300)
    published_at = forms.DateTimeField(label=_("published at"), widget=DATETIME)
    link = forms.URLField(label=_("link"), max_length=500, required=False, assume_scheme="https")


class FeedImportForm(forms.Form):
    upload = forms.FileField(label=_("feed file"), required=False)
    url = forms.URLField(label=_("feed address"), required=False, assume_scheme="https",
                         help_text=_("Leave both empty to use the account's feed address."))


class ColumnChangeRequestForm(forms.Form):
    department = forms.ModelChoiceField(Department.objects.none(), label=_("requesting department"))
    kind = forms.ChoiceField(label=_("kind"), choices=ColumnChangeRequest.Kind.choices)
    column = forms.ModelChoiceField(Column.objects.none(), label=_("column to change"), required=False)
    name = forms.CharField(label=_("column name"), max_length=100, required=False)
    slug = forms.SlugField(label=_("slug"), max_length=60, required=False)
    parent = forms.ModelChoiceField(Column.objects.none(), label=_("parent column"), required=False)
    column_class = forms.ChoiceField(label=_("column class"), choices=[("", "—")] + list(ColumnClass.choices),
                                     required=False)
    layout = forms.ChoiceField(label=_("layout"), choices=[("", "—")] + list(Column.Layout.choices), required=False)
    description = forms.CharField(label=_("description"), max_length=300, required=False)
    update_interval_days = forms.IntegerField(label=_("expected update interval (days)"), min_value=1,
                                              required=False)
    reason = forms.CharField(label=_("requirement"), widget=forms.Textarea(attrs={"rows": 4}))
    leader_signature = forms.CharField(label=_("approved by the department leader"), max_length=60, required=False)

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        columns = Column.objects.filter(site__in=departments.values("site")).select_related("site")
        self.fields["column"].queryset = columns.filter(department__in=departments)
        self.fields["parent"].queryset = columns


class RevampRequestForm(forms.Form):
    department = forms.ModelChoiceField(Department.objects.none(), label=_("requesting department"))
    year = forms.IntegerField(label=_("revamp year"), min_value=2000, max_value=2999,
                              initial=lambda: timezone.localdate().year + 1)
    columns = forms.ModelMultipleChoiceField(Column.objects.none(), label=_("columns concerned"), required=False)
    reason = forms.CharField(label=_("requirement"), widget=forms.Textarea(attrs={"rows": 6}))
    leader_signature = forms.CharField(label=_("approved by the department leader"), max_length=60, required=False)

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["columns"].queryset = Column.objects.filter(department__in=departments)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("decision"), widget=forms.RadioSelect,
                                 choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    comment = forms.CharField(label=_("comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class SpotCheckDrawForm(forms.Form):
    site = forms.ModelChoiceField(Site.objects.none(), label=_("site"))
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2999,
                              initial=lambda: timezone.localdate().year)
    quarter = forms.TypedChoiceField(label=_("quarter"), coerce=int, choices=[(q, q) for q in range(1, 5)],
                                     initial=lambda: (timezone.localdate().month - 1) // 3 + 1)

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites


class SpotCheckResultForm(forms.Form):
    note = forms.CharField(label=_("findings"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.points = checklist_for(item.target)
        for point in self.points:
            self.fields[f"check_{point.code}"] = forms.BooleanField(
                label=point.label, required=False, initial=(item.results or {}).get(point.code, False))
        self.fields["note"].initial = item.note
        self.order_fields([f"check_{p.code}" for p in self.points] + ["note"])

    @property
    def results(self):
        return {p.code: self.cleaned_data.get(f"check_{p.code}", False) for p in self.points}


class ReportFilterForm(forms.Form):
    site = forms.ModelChoiceField(Site.objects.none(), label=_("site"), empty_label=None)
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2999)
    quarter = forms.TypedChoiceField(label=_("quarter"), coerce=int, choices=[(q, q) for q in range(1, 5)],
                                     required=False)

    def __init__(self, *args, sites, quarterly, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        if quarterly:
            self.fields["quarter"].required = True
        else:
            del self.fields["quarter"]
