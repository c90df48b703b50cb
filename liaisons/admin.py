"""The site manager's screens: liaison filings and vacancies, trainings, honorarium rates,
new-media accounts, requests, spot checks and the reports (SPEC §3: "columns, liaisons, new
media, reports — own site").

Every object is read-only in the admin's own forms; each change goes through a form of
``liaisons.forms`` handed to an action of ``liaisons.actions`` (``_run_action``), so the
permission and state checks of the actions apply to every way in. Scope: the sites on
which the user holds ``manage_site``; requests are also shown to the filing liaison.
"""
from dataclasses import dataclass
from typing import Callable

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _, gettext_lazy

from cms.exceptions import ActionRefused
from security.audit import record

from . import actions, forms, reports
from .models import (
    AccountState, ColumnChangeRequest, HonorariumRate, Liaison, NewMediaAccount, NewMediaChange, NewMediaPost,
    Report, RequestState, RevampRequest, SpotCheck, SpotCheckItem, Training, Vacancy,
)
from .selectors import liaison_departments, managed_sites, newmedia_duty_findings


@dataclass
class ObjectAction:
    name: str
    label: object
    form: Callable  # (request, obj, data, files) -> form
    perform: Callable  # (request, obj, cleaned_data) -> result
    available: Callable = lambda request, obj: True
    message: object = gettext_lazy("Done.")


class ScopedAdmin(admin.ModelAdmin):
    """Objects of the sites the user manages; read-only forms; changes through actions."""

    change_form_template = "liaisons/admin/change_form.html"
    object_actions = ()
    add_title = None

    # --- scope ---
    def managed(self, request):
        if not hasattr(request, "_liaisons_managed"):
            request._liaisons_managed = set(managed_sites(request.user).values_list("pk", flat=True))
        return request._liaisons_managed

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(site__in=self.managed(request))

    def has_module_permission(self, request):
        return request.user.is_active and (request.user.is_superuser or bool(self.managed(request)))

    def has_view_permission(self, request, obj=None):
        if not self.has_module_permission(request):
            return False
        return obj is None or request.user.is_superuser or obj.site_id in self.managed(request)

    def has_add_permission(self, request):
        return self.add_form_class is not None and self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def sites(self, request):
        return managed_sites(request.user)

    # --- adding through an action ---
    add_form_class = None

    def make_add_form(self, request, data=None, files=None):
        return self.add_form_class(data, files, sites=self.sites(request))

    def perform_add(self, request, cleaned):  # pragma: no cover - each admin defines it
        raise NotImplementedError

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = self.make_add_form(request, *_posted(request))
        return self._run_action(
            request, form, lambda cleaned: self.perform_add(request, cleaned),
            title=self.add_title or _("Add %(name)s") % {"name": self.model._meta.verbose_name},
            success=lambda result: self._object_url(result) if result is not None and getattr(result, "pk", None)
            else reverse(f"admin:{self._info()}_changelist"),
            message=_("Saved."))

    # --- actions on one object ---
    def _info(self):
        return f"{self.model._meta.app_label}_{self.model._meta.model_name}"

    def _object_url(self, obj):
        info = f"{obj._meta.app_label}_{obj._meta.model_name}"
        return reverse(f"admin:{info}_change", args=[obj.pk])

    def get_urls(self):
        urls = [path(f"<path:object_id>/{a.name}/", self.admin_site.admin_view(self._object_action_view),
                     {"action_name": a.name}, name=f"{self._info()}_{a.name}") for a in self.object_actions]
        return urls + self.extra_urls() + super().get_urls()

    def extra_urls(self):
        return []

    def _object_action_view(self, request, object_id, action_name):
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_permission(request, obj):
            raise Http404
        action = next(a for a in self.object_actions if a.name == action_name)
        if not action.available(request, obj):
            raise PermissionDenied
        form = action.form(request, obj, *_posted(request))
        return self._run_action(request, form, lambda cleaned: action.perform(request, obj, cleaned),
                                title=f"{action.label}：{obj}", success=lambda result: self._object_url(obj),
                                message=action.message, obj=obj)

    def _run_action(self, request, form, perform, *, title, success, message, obj=None):
        if request.method == "POST" and form.is_valid():
            try:
                result = perform(form.cleaned_data)
            except ActionRefused as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, result if isinstance(result, str) else message)
                return redirect(success(result))
        context = {**self.admin_site.each_context(request), "title": title, "form": form, "opts": self.model._meta,
                   "original": obj, "media": self.media + form.media, "has_view_permission": True,
                   "object_url": self._object_url(obj) if obj is not None else None}
        return TemplateResponse(request, "liaisons/admin/action_form.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        links = []
        if obj is not None:
            links = [(a.label, reverse(f"admin:{self._info()}_{a.name}", args=[obj.pk]))
                     for a in self.object_actions if a.available(request, obj)]
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "action_links": links})


def _posted(request):
    """Form data and files of a POST (bound even when empty, e.g. a confirmation), else None."""
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


def _manages(request, obj):
    return request.user.is_superuser or obj.site_id in set(managed_sites(request.user).values_list("pk", flat=True))


# --------------------------------------------------------------------------------------
# Liaisons
# --------------------------------------------------------------------------------------

@admin.register(Liaison)
class LiaisonAdmin(ScopedAdmin):
    list_display = ["name", "department", "site", "user", "mobile", "filed_on", "left_on", "status"]
    list_filter = ["site", ("left_on", admin.EmptyFieldListFilter)]
    search_fields = ["name", "department__name", "user__username"]
    list_select_related = ["department", "site", "user"]
    fields = readonly_fields = ["site", "department", "user", "name", "position", "office_phone", "mobile", "email",
                                "filed_on", "filed_by", "note", "left_on", "leave_reason", "handover_notes",
                                "trainings_attended"]
    add_form_class = forms.LiaisonFilingForm
    add_title = gettext_lazy("File a liaison")

    @admin.display(description=gettext_lazy("status"))
    def status(self, obj):
        return _("active") if obj.left_on is None else _("left")

    @admin.display(description=gettext_lazy("trainings"))
    def trainings_attended(self, obj):
        rows = obj.trainings.select_related("training").order_by("-training__held_on")
        return format_html_join("", "<div>{} {} — {}</div>", (
            (a.training.held_on, a.training.title, _("attended") if a.attended else _("absent")) for a in rows)) or "—"

    def perform_add(self, request, cleaned):
        data = dict(cleaned)
        department = data.pop("department")
        return actions.file_liaison(department, acting_user=request.user, request=request, **data)

    object_actions = (
        ObjectAction(
            "departure", gettext_lazy("Record departure and handover"),
            lambda request, obj, data, files: forms.DepartureForm(data),
            lambda request, obj, c: actions.record_liaison_departure(
                obj, acting_user=request.user, request=request, left_on=c["left_on"], reason=c["reason"],
                handover_notes=c["handover_notes"]),
            lambda request, obj: obj.left_on is None,
            gettext_lazy("The departure is recorded and the vacancy opened.")),
    )


@admin.register(Vacancy)
class VacancyAdmin(ScopedAdmin):
    list_display = ["department", "site", "previous", "opened_on", "deadline", "filled_by", "filled_on", "status"]
    list_filter = ["site", ("filled_by", admin.EmptyFieldListFilter)]
    list_select_related = ["department", "site", "previous", "filled_by"]
    fields = readonly_fields = ["site", "department", "previous", "opened_on", "working_days", "deadline", "filled_by",
                                "filled_on", "handover"]

    @admin.display(description=gettext_lazy("status"))
    def status(self, obj):
        if obj.filled_by_id:
            return _("filled late") if obj.filled_late else _("filled in time")
        return _("open, overdue") if obj.deadline < timezone.localdate() else _("open")

    @admin.display(description=gettext_lazy("handover notes"))
    def handover(self, obj):
        return obj.previous.handover_notes or "—"


@admin.register(Training)
class TrainingAdmin(ScopedAdmin):
    list_display = ["title", "site", "organiser", "held_on", "attendance"]
    list_filter = ["site"]
    fields = readonly_fields = ["site", "title", "organiser", "held_on", "attendance"]
    add_form_class = forms.TrainingForm

    @admin.display(description=gettext_lazy("attended"))
    def attendance(self, obj):
        return ", ".join(a.liaison.name for a in obj.attendances.filter(attended=True).select_related("liaison"))

    def perform_add(self, request, cleaned):
        return actions.record_training(cleaned["site"], acting_user=request.user, request=request,
                                       title=cleaned["title"], organiser=cleaned["organiser"],
                                       held_on=cleaned["held_on"], attended=list(cleaned["attended"]),
                                       absent=list(cleaned["absent"]))


@admin.register(HonorariumRate)
class HonorariumRateAdmin(ScopedAdmin):
    list_display = ["site", "kind", "amount"]
    list_filter = ["site"]
    fields = readonly_fields = ["site", "kind", "amount"]
    add_form_class = forms.HonorariumRateForm
    add_title = gettext_lazy("Set an honorarium rate")

    def perform_add(self, request, cleaned):
        return actions.set_honorarium_rate(cleaned["site"], acting_user=request.user, request=request,
                                           kind=cleaned["kind"], amount=cleaned["amount"])


# --------------------------------------------------------------------------------------
# New media
# --------------------------------------------------------------------------------------

def _is_open(request, obj):
    return obj.state == AccountState.OPEN


def _import_feed(request, obj, cleaned):
    upload = cleaned.get("upload")
    result = actions.import_newmedia_feed(obj, acting_user=request.user, request=request,
                                          data=upload.read() if upload else None, source=cleaned.get("url") or None)
    text = _("%(created)s posts imported, %(duplicates)s already recorded.") % {
        "created": result.created, "duplicates": result.duplicates}
    if result.skipped:
        text += " " + " ".join(result.skipped[:5])
    return text


@admin.register(NewMediaAccount)
class NewMediaAccountAdmin(ScopedAdmin):
    list_display = ["name", "platform", "site", "department", "organiser", "responsible_person", "opened_on", "state"]
    list_filter = ["site", "platform", "state"]
    search_fields = ["name", "organiser", "account_id"]
    list_select_related = ["site", "department"]
    fields = readonly_fields = [
        "site", "department", "platform", "name", "account_id", "organiser", "administrator", "responsible_person",
        "responsible_user", "contact_phone", "home_url", "feed_url", "approval_reference", "approved_by",
        "approved_on", "opened_on", "state", "closed_on", "deregistered_on", "end_reason", "public_notice_url",
        "change_history", "recent_posts"]
    add_form_class = forms.NewMediaAccountForm
    add_title = gettext_lazy("File the opening of a new-media account")
    change_list_template = "liaisons/admin/newmedia_change_list.html"

    @admin.display(description=gettext_lazy("change filings"))
    def change_history(self, obj):
        rows = obj.changes.order_by("-filed_on", "-id")
        return format_html_join("", "<div>{}：{} → {}（{} / {}）{}</div>", (
            (c.get_field_display(), c.old_value, c.new_value, c.changed_on, c.filed_on,
             _("late") if c.is_late else "") for c in rows)) or "—"

    @admin.display(description=gettext_lazy("recent posts"))
    def recent_posts(self, obj):
        rows = obj.posts.order_by("-published_at")[:10]
        return format_html_join("", "<div>{} {}</div>", (
            (timezone.localtime(p.published_at).strftime("%Y-%m-%d %H:%M"), p.title) for p in rows)) or "—"

    def perform_add(self, request, cleaned):
        return actions.file_newmedia_account(acting_user=request.user, request=request, **cleaned)

    object_actions = (
        ObjectAction(
            "change", gettext_lazy("File a change"),
            lambda request, obj, data, files: forms.NewMediaChangeForm(data, initial={
                "name": obj.name, "organiser": obj.organiser, "administrator": obj.administrator}),
            lambda request, obj, c: actions.file_newmedia_change(
                obj, acting_user=request.user, request=request, changed_on=c["changed_on"], note=c["note"],
                changes={k: c[k] for k in ("name", "organiser", "administrator")}),
            _is_open, gettext_lazy("The change is filed.")),
        ObjectAction(
            "post", gettext_lazy("Record a post"),
            lambda request, obj, data, files: forms.PostForm(data),
            lambda request, obj, c: actions.record_newmedia_post(
                obj, acting_user=request.user, request=request, title=c["title"], published_at=c["published_at"],
                link=c["link"]),
            message=gettext_lazy("The post is recorded.")),
        ObjectAction("import", gettext_lazy("Import posts from the feed"),
                     lambda request, obj, data, files: forms.FeedImportForm(data, files), _import_feed),
        ObjectAction(
            "close", gettext_lazy("Close the account"),
            lambda request, obj, data, files: forms.EndAccountForm(data),
            lambda request, obj, c: actions.close_newmedia_account(
                obj, acting_user=request.user, request=request, closed_on=c["on"], reason=c["reason"]),
            _is_open, gettext_lazy("The account is closed.")),
        ObjectAction(
            "deregister", gettext_lazy("Deregister the account"),
            lambda request, obj, data, files: forms.EndAccountForm(data),
            lambda request, obj, c: actions.deregister_newmedia_account(
                obj, acting_user=request.user, request=request, deregistered_on=c["on"], reason=c["reason"],
                public_notice_url=c["public_notice_url"]),
            lambda request, obj: obj.state != AccountState.DEREGISTERED, gettext_lazy("The account is deregistered.")),
    )

    def extra_urls(self):
        return [path("duty/", self.admin_site.admin_view(self.duty_view), name=f"{self._info()}_duty")]

    def duty_view(self, request):
        if not self.has_module_permission(request):
            raise PermissionDenied
        findings = []
        for site in self.sites(request).select_related("policy"):
            findings.extend(newmedia_duty_findings(site))
        context = {**self.admin_site.each_context(request), "title": _("New-media update duty"),
                   "findings": findings, "opts": self.model._meta, "today": timezone.localdate()}
        return TemplateResponse(request, "liaisons/admin/newmedia_duty.html", context)


@admin.register(NewMediaChange)
class NewMediaChangeAdmin(ScopedAdmin):
    list_display = ["account", "field", "old_value", "new_value", "changed_on", "filed_on", "deadline", "late"]
    list_select_related = ["account"]
    fields = readonly_fields = ["account", "field", "old_value", "new_value", "changed_on", "filed_on", "deadline",
                                "filed_by", "note"]

    def get_queryset(self, request):
        qs = admin.ModelAdmin.get_queryset(self, request)
        return qs if request.user.is_superuser else qs.filter(account__site__in=self.managed(request))

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and (
            obj is None or request.user.is_superuser or obj.account.site_id in self.managed(request))

    @admin.display(description=gettext_lazy("filed late"), boolean=True)
    def late(self, obj):
        return obj.is_late


@admin.register(NewMediaPost)
class NewMediaPostAdmin(NewMediaChangeAdmin):
    list_display = ["title", "account", "published_at", "source"]
    list_filter = ["source"]
    search_fields = ["title"]
    fields = readonly_fields = ["account", "title", "link", "guid", "published_at", "source", "recorded_by"]


# --------------------------------------------------------------------------------------
# Requests: filed by liaisons, decided by the site manager
# --------------------------------------------------------------------------------------

class RequestAdmin(ScopedAdmin):
    list_display = ["__str__", "department", "site", "requested_by", "requested_at", "state"]
    list_filter = ["site", "state"]
    list_select_related = ["department", "site", "requested_by"]

    def departments(self, request):
        return liaison_departments(request.user).select_related("site")

    def get_queryset(self, request):
        qs = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return qs
        from django.db.models import Q
        return qs.filter(Q(site__in=self.managed(request)) | Q(department__in=self.departments(request)))

    def has_module_permission(self, request):
        return super().has_module_permission(request) or (
            request.user.is_active and self.departments(request).exists())

    def has_view_permission(self, request, obj=None):
        if not self.has_module_permission(request):
            return False
        return obj is None or request.user.is_superuser or obj.site_id in self.managed(request) or \
            self.departments(request).filter(pk=obj.department_id).exists()

    def has_add_permission(self, request):
        return request.user.is_active and self.departments(request).exists()

    def make_add_form(self, request, data=None, files=None):
        return self.add_form_class(data, files, departments=self.departments(request))

    @staticmethod
    def _can_decide(request, obj):
        return obj.state == RequestState.SUBMITTED and _manages(request, obj)


@admin.register(ColumnChangeRequest)
class ColumnChangeRequestAdmin(RequestAdmin):
    fields = readonly_fields = [
        "site", "department", "kind", "column", "name", "slug", "parent", "owner", "column_class", "layout",
        "description", "update_interval_days", "reason", "leader_signature", "state", "requested_by",
        "requested_at", "decided_by", "decided_at", "decision_comment", "applied_column"]
    add_form_class = forms.ColumnChangeRequestForm
    add_title = gettext_lazy("File a column change request")

    def perform_add(self, request, cleaned):
        data = dict(cleaned)
        department = data.pop("department")
        return actions.file_column_change_request(department, acting_user=request.user, request=request, **data)

    object_actions = (
        ObjectAction(
            "decide", gettext_lazy("Decide"),
            lambda request, obj, data, files: forms.DecisionForm(data),
            lambda request, obj, c: actions.decide_column_change_request(
                obj, acting_user=request.user, request=request, approve=c["decision"] == "approve",
                comment=c["comment"]),
            RequestAdmin._can_decide, gettext_lazy("The request is decided.")),
    )


@admin.register(RevampRequest)
class RevampRequestAdmin(RequestAdmin):
    fields = readonly_fields = ["site", "department", "year", "column_list", "reason", "leader_signature", "state",
                                "requested_by", "requested_at", "decided_by", "decided_at", "decision_comment"]
    add_form_class = forms.RevampRequestForm
    add_title = gettext_lazy("File a revamp request")

    @admin.display(description=gettext_lazy("columns concerned"))
    def column_list(self, obj):
        return "、".join(c.name for c in obj.columns.all()) or "—"

    def perform_add(self, request, cleaned):
        data = dict(cleaned)
        department = data.pop("department")
        return actions.file_revamp_request(department, acting_user=request.user, request=request,
                                           year=data["year"], reason=data["reason"], columns=list(data["columns"]),
                                           leader_signature=data["leader_signature"])

    object_actions = (
        ObjectAction(
            "decide", gettext_lazy("Decide"),
            lambda request, obj, data, files: forms.DecisionForm(data),
            lambda request, obj, c: actions.decide_revamp_request(
                obj, acting_user=request.user, request=request, approve=c["decision"] == "approve",
                comment=c["comment"]),
            RequestAdmin._can_decide, gettext_lazy("The request is decided.")),
    )


# --------------------------------------------------------------------------------------
# Spot checks
# --------------------------------------------------------------------------------------

@admin.register(SpotCheck)
class SpotCheckAdmin(ScopedAdmin):
    list_display = ["__str__", "site", "year", "quarter", "percent", "drawn_at", "published_at"]
    list_filter = ["site", "year"]
    list_select_related = ["site"]
    fields = readonly_fields = ["site", "year", "quarter", "seed", "percent", "subsite_population",
                                "column_population", "drawn_by", "drawn_at", "published_at", "item_table"]
    add_form_class = forms.SpotCheckDrawForm
    add_title = gettext_lazy("Draw the quarter's spot-check sample")

    def perform_add(self, request, cleaned):
        return actions.draw_spot_check(cleaned["site"], acting_user=request.user, request=request,
                                       year=cleaned["year"], quarter=cleaned["quarter"])

    @admin.display(description=gettext_lazy("sampled items"))
    def item_table(self, obj):
        items = obj.items.select_related("subsite", "column").order_by("target", "id")
        rows = []
        for item in items:
            result = "—" if item.passed is None else (_("passed") if item.passed else _("failed"))
            url = reverse("admin:liaisons_spotcheck_result", args=[obj.pk, item.pk])
            rows.append((item.get_target_display(), str(item), result, url,
                         _("record results") if obj.published_at is None else _("view")))
        return format_html("<table><tbody>{}</tbody></table>", format_html_join(
            "", "<tr><td>{}</td><td>{}</td><td>{}</td><td><a href=\"{}\">{}</a></td></tr>", rows)) if rows else "—"

    object_actions = (
        ObjectAction(
            "publish", gettext_lazy("Publish the results"),
            lambda request, obj, data, files: forms.forms.Form(data),
            lambda request, obj, c: actions.publish_spot_check(obj, acting_user=request.user, request=request),
            lambda request, obj: obj.published_at is None, gettext_lazy("The results are published.")),
    )

    def extra_urls(self):
        return [path("<int:check_id>/item/<int:item_id>/", self.admin_site.admin_view(self.result_view),
                     name="liaisons_spotcheck_result")]

    def result_view(self, request, check_id, item_id):
        check = self.get_object(request, str(check_id))
        if check is None or not self.has_view_permission(request, check):
            raise Http404
        item = get_object_or_404(SpotCheckItem.objects.select_related("subsite", "column"), pk=item_id,
                                 spot_check=check)
        form = forms.SpotCheckResultForm(_posted(request)[0], item=item)
        return self._run_action(
            request, form, lambda c: actions.record_spot_check_result(
                item, acting_user=request.user, request=request, results=form.results, note=c["note"]),
            title=_("Checklist: %(item)s") % {"item": item}, success=lambda result: self._object_url(check),
            message=_("The results are recorded."), obj=check)


# --------------------------------------------------------------------------------------
# Reports
# --------------------------------------------------------------------------------------

REPORT_PAGES = {
    "bulletin": gettext_lazy("Quarterly bulletin"),
    "spotcheck": gettext_lazy("Quarterly spot check"),
    "ranking": gettext_lazy("Best liaisons of the year"),
    "annual": gettext_lazy("Annual website work report"),
}


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """The report pages: a form to choose site and period, the report, its print view and
    its CSV download (each export is written to the audit trail, SPEC §9)."""

    def has_module_permission(self, request):
        return request.user.is_active and (request.user.is_superuser or managed_sites(request.user).exists())

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [path(f"{kind}/", self.admin_site.admin_view(self.report_view), {"kind": kind},
                     name=f"liaisons_report_{kind}") for kind in REPORT_PAGES] + [
            path("", self.admin_site.admin_view(self.changelist_view), name="liaisons_report_changelist")]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        last_quarter = (today.year, (today.month - 1) // 3) if today.month > 3 else (today.year - 1, 4)
        pages = [(label, reverse(f"admin:liaisons_report_{kind}"), kind in reports.QUARTERLY_KINDS)
                 for kind, label in REPORT_PAGES.items()]
        context = {**self.admin_site.each_context(request), "title": _("Reports"), "opts": self.model._meta,
                   "pages": pages, "sites": managed_sites(request.user), "year": today.year,
                   "last_quarter": last_quarter}
        return TemplateResponse(request, "liaisons/admin/report_index.html", context)

    def report_view(self, request, kind):
        if not self.has_view_permission(request):
            raise PermissionDenied
        quarterly = kind in reports.QUARTERLY_KINDS
        sites = managed_sites(request.user)
        form = forms.ReportFilterForm(request.GET or None, sites=sites, quarterly=quarterly)
        document = None
        if form.is_valid():
            site, year = form.cleaned_data["site"], form.cleaned_data["year"]
            document = reports.build(kind, site, year, form.cleaned_data.get("quarter"))
            output = request.GET.get("format", "html")
            if output == "csv":
                record("report.export", actor=request.user, site=site, request=request,
                       data={"report": kind, "year": year, "quarter": form.cleaned_data.get("quarter"),
                             "format": "csv"})
                response = HttpResponse(reports.render_csv([document]), content_type="text/csv; charset=utf-8")
                response["Content-Disposition"] = f'attachment; filename="{document.filename}.csv"'
                return response
            if output == "print":
                return HttpResponse(reports.render_html([document], css_url=static("liaisons/reports.css"),
                                                        request=request))
        query = request.GET.copy()
        query.pop("format", None)
        context = {**self.admin_site.each_context(request), "title": REPORT_PAGES[kind], "opts": self.model._meta,
                   "form": form, "documents": [document] if document else [], "query": query.urlencode(),
                   "index_url": reverse("admin:liaisons_report_changelist")}
        return TemplateResponse(request, "liaisons/admin/report_page.html", context)
