"""The handling queue in the admin: each user sees what ``selectors.visible_messages`` gives them,
oldest first, with the working days left; every change goes through ``interaction.actions``.

Messages are never added, edited or deleted through the generic admin forms: the change page is
a read-only view with one button per operation the user may start now
(``selectors.allowed_operations``, which reads ``models.TRANSITIONS``). Content and contact
fields appear only to those ``interaction.permissions`` allows.
"""
import contextvars

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import pgettext, pgettext_lazy

from cms.admin import SiteScopedAdmin
from cms.exceptions import ActionRefused
from cms.models import Department
from cms.selectors import sites_with_perm
from security.audit import record

from . import actions, forms, permissions as P, selectors
from .models import (
    OPEN_STATES, Message, MessageAttachment, MessageStatus, Notification, PublishedAnswer, RoutingRule, Topic,
)
from .redact import redact

# The work calendar and the user of the changelist being rendered (list columns get only the
# row): the calendar is loaded once per page, not once per row.
_calendar = contextvars.ContextVar("interaction_calendar", default=None)
_viewer = contextvars.ContextVar("interaction_viewer", default=None)

METADATA_FIELDS = ["tracking_number", "kind", "status", "site", "department", "received_at", "deadline", "ceiling",
                   "routed_at"]
CONTENT_FIELDS = ["topic", "subject", "body", "page_url", "accused", "publish_consent", "publish_consent_at"]
CONTACT_FIELDS = ["sender_name", "sender_phone", "sender_email", "client_ip"]
RESULT_FIELDS = ["answer", "answered_at", "answer_department", "answered_by", "invalid_reason", "close_note",
                 "duplicate_of", "closed_at", "closed_by"]


class DeadlineFilter(admin.SimpleListFilter):
    title = pgettext_lazy("interaction", "deadline")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("overdue", pgettext_lazy("interaction", "Overdue")),
                ("soon", pgettext_lazy("interaction", "Due within a working day")),
                ("ceiling", pgettext_lazy("interaction", "Near the three-month ceiling"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.filter(status__in=OPEN_STATES, deadline__lt=today)
        if self.value() == "soon":
            cal = _calendar.get() or selectors.working_calendar(today)
            due_by = cal.add_working_days(today, selectors.WARN_WORKING_DAYS)
            return queryset.filter(status__in=OPEN_STATES, deadline__gte=today, deadline__lte=due_by)
        if self.value() == "ceiling":
            return queryset.filter(status__in=OPEN_STATES,
                                   ceiling__lte=today + timezone.timedelta(days=selectors.WARN_CEILING_DAYS))
        return queryset


class OpenFilter(admin.SimpleListFilter):
    """The queue shows open messages unless asked otherwise."""

    title = pgettext_lazy("interaction", "state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("all", pgettext_lazy("interaction", "All")), ("answered", pgettext_lazy("interaction", "Answered")),
                ("invalid", pgettext_lazy("interaction", "Closed as invalid"))]

    def choices(self, changelist):
        yield {"selected": self.value() is None, "display": pgettext("interaction", "Open"),
               "query_string": changelist.get_query_string(remove=[self.parameter_name])}
        for lookup, title in self.lookup_choices:
            yield {"selected": self.value() == str(lookup),
                   "query_string": changelist.get_query_string({self.parameter_name: lookup}), "display": title}

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset.filter(status__in=OPEN_STATES)
        if value == "answered":
            return queryset.filter(status=MessageStatus.ANSWERED)
        if value == "invalid":
            return queryset.filter(status=MessageStatus.INVALID)
        return queryset


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["tracking_number", "kind", "subject_for_list", "department", "received_on", "deadline",
                    "remaining", "status"]
    list_filter = [OpenFilter, DeadlineFilter, "kind"]
    search_fields = ["tracking_number"]  # never the content: search results would leak confidential text
    ordering = ["received_at", "id"]
    list_per_page = 50
    show_full_result_count = False
    actions = ["close_as_spam"]

    # --- scope and permissions ---

    def get_queryset(self, request):
        return selectors.visible_messages(request.user)

    def has_module_permission(self, request):
        return P.is_handler(request.user) or P.is_supervisor(request.user)

    def has_view_permission(self, request, obj=None):
        if not self.has_module_permission(request):
            return False
        return obj is None or P.can_see(request.user, obj)

    def has_add_permission(self, request):
        return False  # messages come from the public forms only

    def has_change_permission(self, request, obj=None):
        return False  # every change is an operation button (actions.py)

    def has_delete_permission(self, request, obj=None):
        return False  # never deleted: invalid messages are closed with a reason

    # --- list ---

    def changelist_view(self, request, extra_context=None):
        token, viewer = _calendar.set(selectors.working_calendar()), _viewer.set(request.user)
        try:
            self._warn(request)
            response = super().changelist_view(request, extra_context)
            if hasattr(response, "render"):
                response.render()  # while the calendar and the viewer are set
            return response
        finally:
            _calendar.reset(token)
            _viewer.reset(viewer)

    def _warn(self, request):
        if request.method != "GET":
            return
        summary = selectors.queue_summary(self.get_queryset(request), cal=_calendar.get())
        parts = []
        if summary["overdue"]:
            parts.append(pgettext("interaction", "%(n)d overdue") % {"n": summary["overdue"]})
        if summary["due_soon"]:
            parts.append(pgettext("interaction", "%(n)d due within a working day") % {"n": summary["due_soon"]})
        if summary["near_ceiling"]:
            parts.append(pgettext("interaction", "%(n)d close to the three-month ceiling")
                         % {"n": summary["near_ceiling"]})
        if parts:
            messages.warning(request, pgettext("interaction", "Messages needing attention: %(list)s.")
                             % {"list": "；".join(parts)})

    @admin.display(description=pgettext_lazy("interaction", "subject"))
    def subject_for_list(self, obj):
        viewer = _viewer.get()
        if viewer is None or not P.can_read_content(viewer, obj):
            return pgettext("interaction", "(confidential)")
        return obj.subject

    @admin.display(description=pgettext_lazy("interaction", "working days left"))
    def remaining(self, obj):
        cal = _calendar.get() or selectors.working_calendar()
        left = selectors.remaining_working_days(obj, cal)
        if left is None:
            return "—"
        if left < 0:
            return format_html('<strong class="overdue">{}</strong>',
                               pgettext("interaction", "overdue by %(n)d") % {"n": -left})
        return left

    @admin.action(description=pgettext_lazy("interaction", "Close the selected messages as spam"))
    def close_as_spam(self, request, queryset):
        done, refused = 0, 0
        for message in queryset:
            try:
                actions.close_message_invalid(message, reason="spam", acting_user=request.user, request=request)
                done += 1
            except ActionRefused:
                refused += 1
        if done:
            self.message_user(request, pgettext("interaction", "%(n)d messages closed as spam.") % {"n": done},
                              messages.SUCCESS)
        if refused:
            self.message_user(request, pgettext("interaction", "%(n)d messages could not be closed by you.")
                              % {"n": refused}, messages.WARNING)

    # --- the read-only page ---

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": METADATA_FIELDS})]
        sets = [(pgettext("interaction", "Message"), {"fields": METADATA_FIELDS})]
        if P.can_read_content(request.user, obj):
            sets.append((pgettext("interaction", "Content"), {"fields": CONTENT_FIELDS}))
            sets.append((pgettext("interaction", "Result"), {"fields": RESULT_FIELDS}))
        if P.can_read_contact(request.user, obj):
            sets.append((pgettext("interaction", "Sender (handling department only)"), {"fields": CONTACT_FIELDS}))
        return sets

    def get_readonly_fields(self, request, obj=None):
        return METADATA_FIELDS + CONTENT_FIELDS + RESULT_FIELDS + CONTACT_FIELDS

    def change_view(self, request, object_id, form_url="", extra_context=None):
        message = self._get_visible(request, object_id)
        readable = P.can_read_content(request.user, message)
        if readable and message.is_confidential:
            record("message.read_confidential", actor=request.user, obj=message, site=message.site, request=request)
        extra = {
            "operations": [(op, reverse(f"admin:interaction_message_{op}", args=[message.pk]), label)
                           for op, label in self._op_labels().items()
                           if op in selectors.allowed_operations(request.user, message)],
            "routing_steps": message.routing_steps.select_related("from_department", "to_department", "by"),
            "attachments": [(a, reverse("admin:interaction_message_attachment", args=[message.pk, a.pk]))
                            for a in message.attachments.all()] if readable else [],
            "content_hidden": not readable,
        }
        extra.update(extra_context or {})
        return super().change_view(request, object_id, form_url, extra)

    @staticmethod
    def _op_labels():
        return {"answer": pgettext("interaction", "Answer"), "route": pgettext("interaction", "Re-route"),
                "close_invalid": pgettext("interaction", "Close as invalid"),
                "publish": pgettext("interaction", "Publish as Q&A")}

    # --- operations ---

    def get_urls(self):
        own = [
            path("<int:pk>/answer/", self.admin_site.admin_view(self.answer_view), name="interaction_message_answer"),
            path("<int:pk>/route/", self.admin_site.admin_view(self.route_view), name="interaction_message_route"),
            path("<int:pk>/close/", self.admin_site.admin_view(self.close_view),
                 name="interaction_message_close_invalid"),
            path("<int:pk>/publish/", self.admin_site.admin_view(self.publish_view),
                 name="interaction_message_publish"),
            path("<int:pk>/attachments/<int:attachment_pk>/", self.admin_site.admin_view(self.attachment_view),
                 name="interaction_message_attachment"),
        ]
        return own + super().get_urls()

    def _get_visible(self, request, pk):
        message = self.get_queryset(request).filter(pk=pk).first()
        if message is None:
            raise Http404(pgettext("interaction", "No such message."))
        return message

    def _operation(self, request, pk, op, form_class, perform, *, initial=None, form_kwargs=None):
        message = self._get_visible(request, pk)
        form_kwargs = form_kwargs(message) if callable(form_kwargs) else (form_kwargs or {})
        if request.method == "POST":
            form = form_class(request.POST, **form_kwargs)
            if form.is_valid():
                try:
                    perform(message, form.cleaned_data)
                except ActionRefused as exc:
                    messages.error(request, exc.message)
                else:
                    self.message_user(request, pgettext("interaction", "Done: %(op)s, %(number)s.") % {
                        "op": self._op_labels()[op], "number": message.tracking_number}, messages.SUCCESS)
                    return HttpResponseRedirect(reverse("admin:interaction_message_change", args=[message.pk]))
        else:
            form = form_class(initial=initial(message) if callable(initial) else initial, **form_kwargs)
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "title": self._op_labels()[op],
            "message": message, "form": form, "op": op,
            "show_content": P.can_read_content(request.user, message),
        }
        return TemplateResponse(request, "admin/interaction/message/operation.html", context)

    def answer_view(self, request, pk):
        return self._operation(request, pk, "answer", forms.AnswerForm, lambda m, c: actions.answer_message(
            m, answer=c["answer"], acting_user=request.user, request=request))

    def route_view(self, request, pk):
        return self._operation(request, pk, "route", forms.RouteForm, lambda m, c: actions.route_message(
            m, department=c["department"], reason=c["reason"], acting_user=request.user, request=request),
            form_kwargs=lambda m: {"message": m})

    def close_view(self, request, pk):
        def perform(message, c):
            duplicate = None
            if c.get("duplicate_of"):
                duplicate = self.get_queryset(request).filter(tracking_number=c["duplicate_of"].strip()).first()
                if duplicate is None:
                    raise ActionRefused(
                        pgettext("interaction", "No message with this tracking number is visible to you."))
            actions.close_message_invalid(message, reason=c["reason"], note=c.get("note", ""),
                                          duplicate_of=duplicate, acting_user=request.user, request=request)
        return self._operation(request, pk, "close_invalid", forms.CloseForm, perform)

    def publish_view(self, request, pk):
        def initial(message):
            names = [message.sender_name]
            return {"title": redact(message.subject, names=names), "question": redact(message.body, names=names),
                    "answer": redact(message.answer, names=names)}
        return self._operation(request, pk, "publish", forms.PublishForm, lambda m, c: actions.publish_answer(
            m, title=c["title"], question=c["question"], answer=c["answer"], acting_user=request.user,
            request=request), initial=initial)

    def attachment_view(self, request, pk, attachment_pk):
        message = self._get_visible(request, pk)
        if not P.can_read_content(request.user, message):
            raise PermissionDenied
        attachment = MessageAttachment.objects.filter(message=message, pk=attachment_pk).first()
        if attachment is None:
            raise Http404
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError:
            raise Http404
        record("message.attachment_download", actor=request.user, obj=message, site=message.site, request=request,
               data={"attachment": attachment.pk, "sha256": attachment.sha256})
        return FileResponse(handle, as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type)


@admin.register(PublishedAnswer)
class PublishedAnswerAdmin(admin.ModelAdmin):
    list_display = ["title", "site", "kind", "department_name", "answered_on", "published_at", "is_public"]
    list_filter = ["is_public", "kind"]
    search_fields = ["title"]
    list_select_related = ["site"]
    readonly_fields = ["message", "site", "kind", "title", "question", "answer", "received_on", "answered_on",
                       "department_name", "published_at", "published_by", "is_public", "unpublished_reason"]
    fields = readonly_fields

    def get_queryset(self, request):
        visible = selectors.visible_messages(request.user).values("pk")
        return super().get_queryset(request).filter(message_id__in=visible)

    def has_module_permission(self, request):
        return P.is_handler(request.user) or P.is_supervisor(request.user)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [path("<int:pk>/unpublish/", self.admin_site.admin_view(self.unpublish_view),
                     name="interaction_publishedanswer_unpublish")] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {"unpublish_url": reverse("admin:interaction_publishedanswer_unpublish", args=[object_id])}
        extra.update(extra_context or {})
        return super().change_view(request, object_id, form_url, extra)

    def unpublish_view(self, request, pk):
        published = self.get_queryset(request).filter(pk=pk).first()
        if published is None:
            raise Http404
        form = forms.UnpublishForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                actions.unpublish_answer(published, reason=form.cleaned_data["reason"], acting_user=request.user,
                                         request=request)
            except ActionRefused as exc:
                messages.error(request, exc.message)
            else:
                self.message_user(request, pgettext("interaction", "The answer is no longer public."), messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:interaction_publishedanswer_change", args=[pk]))
        context = {**self.admin_site.each_context(request), "opts": self.opts, "form": form, "published": published,
                   "title": pgettext("interaction", "Unpublish")}
        return TemplateResponse(request, "admin/interaction/publishedanswer/unpublish.html", context)


class RoutingScopeMixin:
    """Topics and routing rules of the sites the user manages (``manage_site``)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            sites = sites_with_perm(request.user, "manage_site")
            if db_field.name == "site":
                kwargs["queryset"] = sites
            elif db_field.name == "department":
                kwargs["queryset"] = Department.objects.filter(site__in=sites)
            elif db_field.name == "topic":
                kwargs["queryset"] = Topic.objects.filter(site__in=sites)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record(f"interaction.{obj._meta.model_name}.{'change' if change else 'add'}", actor=request.user, obj=obj,
               site=obj.site, request=request)

    def delete_model(self, request, obj):
        record(f"interaction.{obj._meta.model_name}.delete", actor=request.user, obj=obj, site=obj.site,
               request=request)
        super().delete_model(request, obj)


@admin.register(Topic)
class TopicAdmin(RoutingScopeMixin, SiteScopedAdmin):
    list_display = ["name", "site", "order", "is_active"]
    list_filter = ["site", "is_active"]
    list_select_related = ["site"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(RoutingScopeMixin, SiteScopedAdmin):
    list_display = ["site", "kind", "topic", "department"]
    list_filter = ["site", "kind"]
    list_select_related = ["site", "topic", "department"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox, for installation and operations: failed mails are a visible state."""

    list_display = ["subject", "status", "attempts", "created_at", "sent_at", "last_error"]
    list_filter = ["status"]
    readonly_fields = ["message", "subject", "body", "status", "attempts", "last_error", "created_at", "sent_at"]
    fields = readonly_fields

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
