"""The admin host's content screens. Scope comes from ``cms.selectors``; every save goes
through ``cms.actions``."""
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import actions
from .exceptions import ActionRefused
from .forms import AttachmentInlineForm
from .models import (
    Article, ArticleStatus, Attachment, Column, Department, Site, SitePolicy, WorkCalendarDay, WorkCalendarYear,
)
from .selectors import can_draft_in, draftable_columns, editable_articles, sites_with_perm

admin.site.site_header = _("Tax website group · content management")
admin.site.site_title = _("taxsite admin")
admin.site.index_title = _("Workbench")
admin.site.site_url = settings.TAXSITE_PUBLIC_URL


class HttpsUrlFieldsMixin:
    """URL fields assume https when the scheme is left out (Django 6 default, set now)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class AttachmentInline(admin.TabularInline):
    model = Attachment
    form = AttachmentInlineForm
    extra = 1
    fields = ["title", "upload", "file_link", "content_type", "size", "order"]
    readonly_fields = ["file_link", "content_type", "size"]

    @admin.display(description=_("file"))
    def file_link(self, obj):
        return obj.original_name if obj.pk else "—"

    def has_change_permission(self, request, obj=None):
        return obj is None or obj.status == ArticleStatus.DRAFT

    def has_add_permission(self, request, obj=None):
        return obj is None or (obj.status == ArticleStatus.DRAFT and can_draft_in(request.user, obj.column))

    def has_delete_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)


@admin.register(Article)
class ArticleAdmin(HttpsUrlFieldsMixin, SimpleHistoryAdmin):
    list_display = ["title", "column", "kind", "status", "display_date", "updated_at"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "doc_number"]
    list_select_related = ["column"]
    raw_id_fields = ["interprets", "superseded_by"]
    inlines = [AttachmentInline]
    date_hierarchy = None
    fieldsets = [
        (None, {"fields": ["column", "kind", "title", "subtitle", "summary", "body"]}),
        (_("Origin and dates"), {"fields": ["author_name", "origin", "source_name", "source_url", "display_date",
                                           "expire_at", "is_important"]}),
        (_("Policy document"), {"classes": ["collapse"], "fields": [
            "index_number", "topic_category", "issuing_organ", "doc_number", "date_written", "validity",
            "validity_date", "superseded_by", "interprets"]}),
    ]

    def get_queryset(self, request):
        return editable_articles(request.user).select_related("column")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "column":
            kwargs["queryset"] = draftable_columns(request.user).exclude(layout=Column.Layout.LINK).select_related("site")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or can_draft_in(request.user, obj.column))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or (obj.status == ArticleStatus.DRAFT and can_draft_in(request.user, obj.column)))

    def has_delete_permission(self, request, obj=None):
        return False  # articles leave the public site through the workflow, never by deletion

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in actions.EDITABLE_FIELDS if name in form.cleaned_data}
        try:
            if change:
                saved = actions.update_draft(obj, acting_user=request.user, column=form.cleaned_data["column"],
                                             request=request, **fields)
            else:
                saved = actions.create_draft(acting_user=request.user, column=form.cleaned_data["column"],
                                             request=request, **fields)
        except ActionRefused as exc:
            raise PermissionDenied(exc.message)
        obj.pk, obj.site_id, obj.body, obj.status = saved.pk, saved.site_id, saved.body, saved.status
        obj._state.adding = False

    def save_formset(self, request, form, formset, change):
        if formset.model is not Attachment:
            return super().save_formset(request, form, formset, change)
        article = form.instance
        for inline_form in formset.forms:
            if not inline_form.has_changed() and not inline_form.instance.pk:
                continue
            if formset.can_delete and formset._should_delete_form(inline_form):
                if inline_form.instance.pk:
                    actions.remove_attachment(inline_form.instance, acting_user=request.user, request=request)
                continue
            checked = getattr(inline_form, "checked", None)
            if checked is not None:
                actions.add_attachment(article, inline_form.cleaned_data["upload"], acting_user=request.user,
                                       title=inline_form.cleaned_data.get("title") or "", request=request,
                                       order=inline_form.cleaned_data.get("order") or 0)
            elif inline_form.instance.pk:
                actions.retitle_attachment(inline_form.instance, acting_user=request.user, request=request,
                                           title=inline_form.cleaned_data.get("title") or inline_form.instance.title,
                                           order=inline_form.cleaned_data.get("order") or 0)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


class SiteScopedAdmin(admin.ModelAdmin):
    """Site managers see the objects of their own sites."""

    site_field = "site"
    scope_perm = "manage_site"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self.site_field}__in": sites_with_perm(request.user, self.scope_perm)})


@admin.register(Column)
class ColumnAdmin(HttpsUrlFieldsMixin, SiteScopedAdmin):
    list_display = ["name", "site", "url_path", "department", "column_class", "layout", "is_principal", "order"]
    list_filter = ["site", "column_class", "layout"]
    search_fields = ["name", "slug"]
    list_select_related = ["site", "department"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            sites = sites_with_perm(request.user, self.scope_perm)
            if db_field.name == "site":
                kwargs["queryset"] = sites
            elif db_field.name in ("department", "parent"):
                kwargs["queryset"] = db_field.related_model.objects.filter(site__in=sites)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "parent", "domain", "site_id_code"]
    list_filter = ["level"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "site", "code", "is_general_office", "order"]
    list_filter = ["site", "is_general_office"]


@admin.register(SitePolicy)
class SitePolicyAdmin(SiteScopedAdmin):
    list_display = ["site", "liaison_replacement_days", "consultation_reply_days", "error_report_reply_days"]

    def has_add_permission(self, request):
        return request.user.is_superuser


@admin.register(WorkCalendarDay)
class WorkCalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "name"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"


@admin.register(WorkCalendarYear)
class WorkCalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "source"]
