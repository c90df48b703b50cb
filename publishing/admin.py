"""The review workflow in the admin: the submit form, the review queue, the slip screen
with the decisions the transition table allows, bulk publish, unpublishing and the
printable slip. Every button calls an action in ``publishing.actions``."""
import difflib

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cms.content import to_data, working_copy
from cms.exceptions import ActionRefused
from cms.models import Article, Department
from cms.sanitize import to_text
from cms.selectors import can_draft_in
from cms.workdays import WorkCalendar

from . import actions
from .exceptions import SubmitBlocked
from .forms import DecisionForm, SubmitForm, UnpublishForm
from .models import ApprovalSlip, SensitiveWord, Syndication, WordCategory
from .scan import scan_content
from .selectors import leader_sites, may_act, office_sites, review_queue_for, reviewed_departments
from .workflow import TRANSITIONS, SlipState, transitions_from

FIELD_LABELS = {f.name: f.verbose_name for f in Article._meta.fields}


def _annotate_ages(slips):
    """Age in working days and overdue flag for a page of slips (one calendar load)."""
    if not slips:
        return slips
    calendar = WorkCalendar.load(min(s.stage_entered_at.year for s in slips) - 1, timezone.now().year + 1)
    today = timezone.localdate()
    for slip in slips:
        slip.age_days = calendar.working_days_between(timezone.localtime(slip.stage_entered_at).date(), today)
        limit = getattr(getattr(slip.site, "policy", None), "slip_stage_days", 2)
        slip.overdue = slip.age_days > limit
    return slips


def slip_diff(slip):
    """(field label, old, new) rows, and a line diff of the body text, against the live
    revision of the article (empty for a first publication)."""
    article = slip.article
    if article.first_published_at is None:
        return [], []
    live = to_data(Article.objects.get(pk=article.pk))
    rows = []
    for name, new in slip.payload.items():
        old = live.get(name)
        if name != "body" and old != new:
            rows.append((FIELD_LABELS.get(name, name), old, new))
    body_lines = list(difflib.ndiff(to_text(live.get("body", "")).splitlines(),
                                    to_text(slip.payload.get("body", "")).splitlines()))
    return rows, [(line[:1], line[2:]) for line in body_lines if line[:1] in "+- "]


@admin.register(ApprovalSlip)
class ApprovalSlipAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "state", "department", "submitted_by", "submitted_at", "is_major", "is_urgent"]
    list_filter = ["state", "is_major", "is_urgent", "kind"]
    search_fields = ["number", "title"]
    list_select_related = ["department", "submitted_by"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        user = request.user
        if user.is_superuser:
            return qs
        return qs.filter(Q(submitted_by=user) | Q(department_id__in=reviewed_departments(user))
                         | Q(site_id__in=office_sites(user)) | Q(site_id__in=leader_sites(user)))

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return redirect("admin:publishing_slip_review", int(object_id))

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("queue/", wrap(self.queue_view), name="publishing_queue"),
            path("bulk-publish/", wrap(self.bulk_publish_view), name="publishing_bulk_publish"),
            path("submit/<int:article_id>/", wrap(self.submit_view), name="publishing_submit"),
            path("unpublish/<int:article_id>/", wrap(self.unpublish_view), name="publishing_unpublish"),
            path("<int:slip_id>/review/", wrap(self.review_view), name="publishing_slip_review"),
            path("<int:slip_id>/print/", wrap(self.print_view), name="publishing_slip_print"),
        ] + super().get_urls()

    # --- the review queue ---
    def queue_view(self, request):
        qs = review_queue_for(request.user)
        state = request.GET.get("state", "")
        if state in SlipState.values:
            qs = qs.filter(state=state)
        department = request.GET.get("department", "")
        if department.isdigit():
            qs = qs.filter(department_id=int(department))
        page = Paginator(qs, 50).get_page(request.GET.get("page"))
        slips = _annotate_ages(list(page.object_list))
        can_bulk = bool(office_sites(request.user))
        departments = Department.objects.filter(site_id__in=office_sites(request.user)) | Department.objects.filter(
            pk__in=reviewed_departments(request.user))
        context = dict(self.admin_site.each_context(request), title=_("Review queue"), page=page, slips=slips,
                       states=[(s.value, s.label) for s in SlipState if s in (SlipState.DEPT_REVIEW,
                               SlipState.OFFICE_REVIEW, SlipState.LEADER_REVIEW, SlipState.FAILED)],
                       state=state, department=department, departments=departments, can_bulk=can_bulk,
                       opts=self.model._meta)
        return TemplateResponse(request, "publishing/queue.html", context)

    def bulk_publish_view(self, request):
        if request.method != "POST":
            return redirect("admin:publishing_queue")
        if not request.POST.get("secrecy_confirmed"):
            messages.error(request, _("Confirm the secrecy review (保密审查) before publishing."))
            return redirect("admin:publishing_queue")
        done, refused = 0, []
        for raw in request.POST.getlist("slip"):
            slip = ApprovalSlip.objects.filter(pk=raw).first() if raw.isdigit() else None
            if slip is None:
                continue
            try:
                actions.decide(slip, "office_publish", acting_user=request.user, secrecy_confirmed=True,
                               request=request)
                done += 1
            except ActionRefused as exc:
                refused.append(f"{slip.number}：{exc.message}")
        if done:
            messages.success(request, _("%(n)d slips published.") % {"n": done})
        for line in refused:
            messages.warning(request, line)
        return redirect("admin:publishing_queue")

    # --- one slip ---
    def review_view(self, request, slip_id):
        slip = get_object_or_404(ApprovalSlip.objects.select_related("site", "department", "column", "article",
                                                                     "submitted_by"), pk=slip_id)
        if not self.get_queryset(request).filter(pk=slip.pk).exists():
            raise Http404
        form = DecisionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                actions.decide(slip, data["transition"], acting_user=request.user, comment=data["comment"],
                               secrecy_confirmed=data["secrecy_confirmed"], publish_at=data["publish_at"],
                               mark_major=data["mark_major"], request=request)
            except ActionRefused as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Decision recorded: %(d)s.") % {"d": TRANSITIONS[data["transition"]].label})
                return redirect("admin:publishing_queue")
        if request.method == "POST" and request.POST.get("retro_sign"):
            try:
                actions.retro_sign(slip, acting_user=request.user, request=request)
                messages.success(request, _("Retrospective signature recorded."))
            except ActionRefused as exc:
                messages.error(request, exc.message)
            return redirect("admin:publishing_slip_review", slip.pk)
        buttons = [t for t in transitions_from(slip.state)
                   if t.actor != "system" and may_act(request.user, slip, t.actor)]
        if slip.submitted_by_id == request.user.pk:
            buttons = [t for t in buttons if not t.signs]
        rows, body_diff = slip_diff(slip)
        context = dict(self.admin_site.each_context(request), title=_("Approval slip %(n)s") % {"n": slip.number},
                       slip=slip, form=form, buttons=buttons, diff_rows=rows, body_diff=body_diff,
                       decisions=slip.decisions.select_related("actor"), opts=self.model._meta,
                       can_retro_sign=slip.is_urgent and not slip.retro_signed_at
                       and may_act(request.user, slip, "dept_reviewer"),
                       findings=slip.scan_report.get("findings", []))
        return TemplateResponse(request, "publishing/slip_review.html", context)

    def print_view(self, request, slip_id):
        slip = get_object_or_404(ApprovalSlip.objects.select_related("site", "department", "column", "submitted_by",
                                                                     "retro_signed_by"), pk=slip_id)
        if not self.get_queryset(request).filter(pk=slip.pk).exists():
            raise Http404
        context = {"slip": slip, "decisions": slip.decisions.select_related("actor"),
                   "printed_at": timezone.now(), "findings": slip.scan_report.get("findings", [])}
        return TemplateResponse(request, "publishing/slip_print.html", context)

    # --- submit ---
    def submit_view(self, request, article_id):
        article = get_object_or_404(Article.objects.select_related("column"), pk=article_id)
        if not can_draft_in(request.user, article.column):
            raise PermissionDenied
        content = working_copy(article)
        findings = scan_content(content.title + "\n" + content.subtitle + "\n" + content.summary, content.body,
                                [(a.title, a.text) for a in article.attachments.all()])
        form = SubmitForm(request.POST or None, findings=findings)
        if request.method == "POST" and form.is_valid():
            try:
                slip = actions.submit_slip(article, acting_user=request.user, confirm_no_secret=True,
                                           confirm_no_internal=True, confirm_no_personal_data=True,
                                           overrides=form.overrides(), acknowledged=form.acknowledged(),
                                           request=request)
            except SubmitBlocked as exc:
                messages.error(request, exc.message)
            except ActionRefused as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Submitted on slip %(n)s.") % {"n": slip.number})
                return redirect("admin:cms_article_changelist")
        context = dict(self.admin_site.each_context(request), title=_("Submit for review"), article=article,
                       content=content, form=form, findings=findings,
                       blocking=[f for f in findings if f.severity == "block"], opts=Article._meta)
        return TemplateResponse(request, "publishing/submit.html", context)

    def unpublish_view(self, request, article_id):
        article = get_object_or_404(Article, pk=article_id)
        form = UnpublishForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            successor = None
            if form.cleaned_data.get("successor"):
                successor = Article.objects.filter(pk=form.cleaned_data["successor"]).first()
            try:
                actions.unpublish_article(article, form.cleaned_data["kind"], acting_user=request.user,
                                          reason=form.cleaned_data["reason"], successor=successor, request=request)
            except ActionRefused as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("The article has been taken down."))
                return redirect(reverse("admin:cms_article_changelist"))
        context = dict(self.admin_site.each_context(request), title=_("Take down"), article=article, form=form,
                       opts=Article._meta)
        return TemplateResponse(request, "publishing/unpublish.html", context)


class SensitiveWordInline(admin.TabularInline):
    model = SensitiveWord
    extra = 3


@admin.register(WordCategory)
class WordCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "severity"]
    inlines = [SensitiveWordInline]


@admin.register(Syndication)
class SyndicationAdmin(admin.ModelAdmin):
    list_display = ["source", "target_site", "offered_at", "deadline", "reposted_at", "late"]
    list_select_related = ["source", "target_site"]

    @admin.display(boolean=True, description=gettext_lazy("late"))
    def late(self, obj):
        return obj.is_late

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
