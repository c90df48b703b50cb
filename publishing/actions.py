"""The approval-slip workflow: one function per transition (STYLE.md). Each checks role,
scope and state itself, runs atomically, writes the slip decision and the audit record in
the same transaction, and schedules side effects (cache purge, mail, tasks) on commit.

Callers: the review screens in the admin, the Celery tasks, management commands and tests.
"""
from datetime import timedelta
import logging

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.content import from_data, to_data, working_copy
from cms.exceptions import ActionRefused
from cms.models import Article, ArticleDraft, ArticleStatus, Column
from cms.selectors import can_draft_in
from security.audit import client_of, record
from taxsite import outbox

from . import notify
from .exceptions import SubmitBlocked
from .models import ApprovalSlip, SlipCounter, SlipDecision, Syndication
from .scan import BLOCK, OVERRIDABLE, WARN, finding_key, scan_content
from .selectors import may_act
from .workflow import OPEN_STATES, TRANSITIONS, SlipState

logger = logging.getLogger(__name__)

SYSTEM_USERNAME = "system-scheduler"
UNPUBLISH_KINDS = {"withdrawn": ArticleStatus.WITHDRAWN, "gone": ArticleStatus.GONE,
                   "replaced": ArticleStatus.REPLACED}


def system_user():
    """The named account the scheduler acts as (inactive, cannot log in)."""
    User = get_user_model()
    user, created = User.objects.get_or_create(username=SYSTEM_USERNAME, defaults={"is_active": False})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _next_number(site, year):
    counter, _created = SlipCounter.objects.select_for_update().get_or_create(site=site, year=year)
    counter = SlipCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last, f"{site.code}-{year}-{counter.last:05d}"


def _attachments_of(article):
    return [{"id": a.pk, "title": a.title, "sha256": a.sha256, "size": a.size, "content_type": a.content_type}
            for a in article.attachments.all()]


def submit_slip(article, *, acting_user, confirm_no_secret=False, confirm_no_internal=False,
                confirm_no_personal_data=False, overrides=None, acknowledged=(), request=None, kind=None,
                syndication=None, initial_state=SlipState.DEPT_REVIEW):
    """Submit the working copy of ``article`` on a new slip (SPEC §4).

    Caller: anyone who may draft in the article's column. The submitter confirms the three
    statements; the scan's blocking findings refuse the submit, personal-data findings need a
    written reason in ``overrides`` (finding key → reason), warnings must be in
    ``acknowledged``. Freezes the content; the article is locked until the slip ends.
    """
    overrides = {k: v.strip() for k, v in (overrides or {}).items() if v and v.strip()}
    acknowledged = set(acknowledged)
    with transaction.atomic():
        article = Article.objects.select_for_update().select_related("column__site", "column__department").get(
            pk=article.pk)
        if kind != ApprovalSlip.Kind.REPOST and not can_draft_in(acting_user, article.column):
            raise ActionRefused(_("You may not submit articles of the column “%(c)s”.") % {"c": article.column.name})
        if article.review_lock or ApprovalSlip.objects.filter(article=article, state__in=OPEN_STATES).exists():
            raise ActionRefused(_("This article already has a slip in review."))
        live = article.status == ArticleStatus.PUBLISHED
        if article.status != ArticleStatus.DRAFT and not (live and hasattr(article, "pending_draft")):
            raise ActionRefused(_("There is nothing new to submit for this article."))
        content = working_copy(article)
        column = Column.objects.select_related("department", "site").get(pk=content.column_id)
        if not (confirm_no_secret and confirm_no_internal and confirm_no_personal_data):
            raise ActionRefused(_("Confirm on the slip that the content holds no state secret, no internal-only "
                                  "information and no personal data of taxpayers."))
        if content.origin == Article.Origin.REPRINT and not (content.source_name and content.source_url):
            raise ActionRefused(_("A reprint needs the source name and address."))
        attachments = list(article.attachments.all())
        findings = scan_content(content.title + "\n" + content.subtitle + "\n" + content.summary, content.body,
                                [(a.title, a.text) for a in attachments])
        blocking = [f for f in findings if f.severity == BLOCK]
        needs_reason = [f for f in findings if f.severity == OVERRIDABLE and finding_key(f) not in overrides]
        needs_ack = [f for f in findings if f.severity == WARN and finding_key(f) not in acknowledged]
        if blocking:
            raise SubmitBlocked(_("The content cannot be submitted: %(what)s")
                                % {"what": "；".join(f.message for f in blocking)}, findings)
        if needs_reason or needs_ack:
            raise SubmitBlocked(_("Give a reason for each personal-data finding and acknowledge each warning."),
                                findings)
        now = timezone.now()
        sequence, number = _next_number(column.site, timezone.localtime(now).year)
        ip, _agent = client_of(request)
        slip = ApprovalSlip.objects.create(
            number=number, site=column.site, year=timezone.localtime(now).year, sequence=sequence,
            kind=kind or ApprovalSlip.Kind.NORMAL, article=article, column=column, department=column.department,
            title=content.title, payload=to_data(content), attachments=_attachments_of(article),
            state=initial_state, submitted_by=acting_user, submitted_at=now, submit_ip=ip,
            confirm_no_secret=True, confirm_no_internal=True, confirm_no_personal_data=True,
            scan_report={"findings": [f.as_dict() | {"key": finding_key(f)} for f in findings],
                         "overrides": overrides, "acknowledged": sorted(acknowledged)},
            stage_entered_at=now, syndication=syndication,
        )
        article.review_lock = True
        if article.status == ArticleStatus.DRAFT:
            article.status = ArticleStatus.IN_REVIEW
        article.save(update_fields=["review_lock", "status"])
        record("slip.submit", actor=acting_user, obj=slip, site=column.site, request=request,
               data={"article": article.pk, "state": initial_state, "overrides": overrides,
                     "acknowledged": sorted(acknowledged)})
        notify.slip_waiting(slip)
    return slip


def _four_eyes(slip, user):
    if slip.submitted_by_id == user.pk:
        raise ActionRefused(_("Four eyes: nobody signs a slip they submitted."))
    if slip.decisions.filter(actor=user, transition__in=[t for t, tr in TRANSITIONS.items() if tr.signs]).exists():
        raise ActionRefused(_("Four eyes: you have already signed this slip at another stage."))


def decide(slip, transition, *, acting_user, comment="", secrecy_confirmed=False, publish_at=None,
           mark_major=False, request=None):
    """Apply one transition of ``publishing.workflow.TRANSITIONS`` to ``slip``.

    Caller: the reviewer the transition names (department head, office approver, bureau
    leader), within their scope. Refuses — and changes nothing — for the wrong role or scope,
    the wrong state, a missing comment or secrecy confirmation, four-eyes violations, a major
    item without the leader's signature, or a schedule time in the past.
    """
    spec = TRANSITIONS.get(transition)
    if spec is None or spec.actor == "system":
        raise ActionRefused(_("Unknown decision."))
    comment = (comment or "").strip()
    with transaction.atomic():
        slip = ApprovalSlip.objects.select_for_update().select_related("site", "department", "article").get(pk=slip.pk)
        if slip.state not in spec.source:
            raise ActionRefused(_("This slip is “%(state)s”; “%(action)s” is not possible now.")
                                % {"state": slip.get_state_display(), "action": spec.label})
        if not may_act(acting_user, slip, spec.actor):
            raise ActionRefused(_("You are not a reviewer of this slip at this stage."))
        if spec.signs:
            _four_eyes(slip, acting_user)
        if spec.comment_required and not comment:
            raise ActionRefused(_("A comment is required for “%(action)s”.") % {"action": spec.label})
        approving = spec.signs and spec.target != SlipState.RETURNED
        if approving and not secrecy_confirmed:
            raise ActionRefused(_("Confirm the secrecy review (保密审查) before signing."))
        if mark_major and spec.target != SlipState.RETURNED:
            slip.is_major = True
        if spec.target in (SlipState.PUBLISHED, SlipState.SCHEDULED) and slip.is_major and not \
                slip.decisions.filter(transition="leader_approve").exists():
            raise ActionRefused(_("A major item needs the bureau leader's signature before it is published."))
        now = timezone.now()
        if spec.target == SlipState.SCHEDULED:
            if publish_at is None or publish_at <= now:
                raise ActionRefused(_("The publishing time must be in the future."))
            slip.publish_at = publish_at
        ip, _agent = client_of(request)
        SlipDecision.objects.create(slip=slip, transition=transition, stage=slip.state, actor=acting_user, at=now,
                                    ip=ip, comment=comment, secrecy_confirmed=bool(secrecy_confirmed and approving),
                                    data={"publish_at": publish_at.isoformat() if publish_at else None,
                                          "major": slip.is_major})
        previous = slip.state
        slip.state = spec.target
        slip.stage_entered_at = now
        if transition == "urgent_publish":
            slip.is_urgent, slip.urgent_reason = True, comment
        if transition == "unschedule":
            slip.publish_at = None
        slip.save()
        if spec.target == SlipState.PUBLISHED:
            _publish(slip, acting_user, now)
        elif spec.target == SlipState.RETURNED:
            _release(slip.article, back_to_draft=True)
        elif spec.target == SlipState.SCHEDULED:
            Article.objects.filter(pk=slip.article_id, status=ArticleStatus.IN_REVIEW).update(
                status=ArticleStatus.SCHEDULED)
            transaction.on_commit(lambda: _enqueue_scheduled(slip.pk, slip.publish_at))
        elif previous == SlipState.SCHEDULED:
            Article.objects.filter(pk=slip.article_id, status=ArticleStatus.SCHEDULED).update(
                status=ArticleStatus.IN_REVIEW)
        record(f"slip.{transition}", actor=acting_user, obj=slip, site=slip.site, request=request,
               data={"from": previous, "to": slip.state, "comment": comment})
        notify.slip_decided(slip, transition)
    return slip


def _release(article, *, back_to_draft):
    article = Article.objects.select_for_update().get(pk=article.pk)
    article.review_lock = False
    if back_to_draft and article.status in (ArticleStatus.IN_REVIEW, ArticleStatus.SCHEDULED):
        article.status = ArticleStatus.DRAFT
    article.save(update_fields=["review_lock", "status"])


def _publish(slip, actor, now):
    """Make the slip's frozen content the live revision. Runs inside the caller's atomic
    block, with the slip row locked."""
    article = Article.objects.select_for_update().get(pk=slip.article_id)
    previous_column = article.column_id
    for name, value in from_data(slip.payload).items():
        setattr(article, name, value)
    article.site_id = Column.objects.values_list("site_id", flat=True).get(pk=article.column_id)
    if article.first_published_at is None:
        article.first_published_at = now
    article.published_at = article.published_at or now
    if article.display_date is None:
        article.display_date = now
    article.status = ArticleStatus.PUBLISHED
    article.review_lock = False
    article._change_reason = f"published by slip {slip.number}"
    article.save()
    ArticleDraft.objects.filter(article=article).delete()
    slip.live_revision = article.history.order_by("-history_id").first()
    slip.published_at = now
    slip.failure_message = ""
    slip.save(update_fields=["live_revision", "published_at", "failure_message"])
    if slip.syndication_id:
        Syndication.objects.filter(pk=slip.syndication_id, reposted_at__isnull=True).update(repost=article,
                                                                                              reposted_at=now)
    record("article.publish", actor=actor, obj=article, site=slip.site,
           data={"slip": slip.number, "first_published_at": article.first_published_at.isoformat()})
    outbox.queue("purge", {"article_id": article.pk, "site_id": article.site_id, "reason": "publish",
                           "columns": [previous_column, article.column_id]})


def _enqueue_scheduled(slip_id, eta):
    from .tasks import publish_scheduled_slip

    try:
        publish_scheduled_slip.apply_async(args=[slip_id], eta=eta)
    except Exception:  # noqa: BLE001 - a lost enqueue is caught by the reconciliation task
        logger.exception("could not enqueue scheduled slip %s; reconciliation will publish it", slip_id)


def publish_due_slip(slip_id, *, now=None):
    """Publish a scheduled slip whose time has come, as the system user. Idempotent: a slip
    that is no longer scheduled (already published, cancelled) is left alone and ``False``
    returned. An error leaves the slip in the visible state ``failed`` with the message."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            slip = ApprovalSlip.objects.select_for_update(skip_locked=False).get(pk=slip_id)
            if slip.state != SlipState.SCHEDULED or slip.publish_at is None or slip.publish_at > now:
                return False
            actor = system_user()
            SlipDecision.objects.create(slip=slip, transition="system_publish", stage=slip.state, actor=actor, at=now,
                                        data={"publish_at": slip.publish_at.isoformat()})
            slip.state = SlipState.PUBLISHED
            slip.stage_entered_at = now
            slip.save()
            _publish(slip, actor, now)
            record("slip.system_publish", actor=actor, obj=slip, site=slip.site)
            notify.slip_decided(slip, "system_publish")
            return True
    except ApprovalSlip.DoesNotExist:
        return False
    except Exception as exc:  # noqa: BLE001 - any failure must become visible, never silent
        logger.exception("publishing scheduled slip %s failed", slip_id)
        with transaction.atomic():
            updated = ApprovalSlip.objects.filter(pk=slip_id, state=SlipState.SCHEDULED).update(
                state=SlipState.FAILED, failure_message=f"{exc.__class__.__name__}: {exc}"[:2000],
                stage_entered_at=timezone.now())
            if updated:
                record("slip.publish_failed", actor=system_user(), data={"slip": slip_id, "error": str(exc)[:500]})
        return False


def reconcile_scheduled(now=None):
    """Publish every scheduled slip whose time has passed (beat, every minute). Returns the
    number published."""
    now = now or timezone.now()
    due = list(ApprovalSlip.objects.filter(state=SlipState.SCHEDULED, publish_at__lte=now).values_list("pk", flat=True))
    return sum(1 for pk in due if publish_due_slip(pk, now=now))


def expire_due_articles(now=None):
    """Mark published articles past their ``expire_at`` as expired (the visibility rule
    already hides them; this records it and purges caches)."""
    now = now or timezone.now()
    done = 0
    for article_id in list(Article.objects.filter(status=ArticleStatus.PUBLISHED, expire_at__lte=now)
                           .values_list("pk", flat=True)):
        with transaction.atomic():
            article = Article.objects.select_for_update().get(pk=article_id)
            if article.status != ArticleStatus.PUBLISHED or not article.expire_at or article.expire_at > now:
                continue
            article.status = ArticleStatus.EXPIRED
            article._change_reason = "expired"
            article.save()
            record("article.expire", actor=system_user(), obj=article, site=article.site)
            outbox.queue("purge", {"article_id": article.pk, "site_id": article.site_id, "reason": "expire"})
            done += 1
    return done


def _require_office(user, site):
    from cms.selectors import sites_with_perm

    user._taxsite_scope = None  # decide on fresh permissions
    if not sites_with_perm(user, "publish_site").filter(pk=site.pk).exists():
        raise ActionRefused(_("Only a general-office approver of this site may do this."))


def unpublish_article(article, kind, *, acting_user, reason, successor=None, request=None):
    """Take a published article off the public site (SPEC §4): ``withdrawn`` (the page stays
    with a notice and the reason), ``gone`` (published in error: 410), ``replaced`` (301 to
    ``successor``). Caller: a general-office approver of the article's site."""
    reason = (reason or "").strip()
    if kind not in UNPUBLISH_KINDS:
        raise ActionRefused(_("Unknown kind of unpublishing."))
    with transaction.atomic():
        article = Article.objects.select_for_update().select_related("site").get(pk=article.pk)
        _require_office(acting_user, article.site)
        if article.status != ArticleStatus.PUBLISHED:
            raise ActionRefused(_("Only a published article can be taken down."))
        if not reason:
            raise ActionRefused(_("A reason is required."))
        if kind == "replaced":
            if successor is None or successor.pk == article.pk or successor.site_id != article.site_id \
                    or successor.status != ArticleStatus.PUBLISHED:
                raise ActionRefused(_("A replaced article needs a published successor on the same site."))
            article.superseded_by = successor
        article.status = UNPUBLISH_KINDS[kind]
        article.unpublish_reason = reason
        article._change_reason = f"{kind}: {reason}"
        article.save()
        record(f"article.{kind}", actor=acting_user, obj=article, site=article.site, request=request,
               data={"reason": reason, "successor": getattr(successor, "pk", None)})
        outbox.queue("purge", {"article_id": article.pk, "site_id": article.site_id, "reason": kind})
    return article


def change_display_date(article, new_date, *, acting_user, reason, request=None):
    """Change the date shown to visitors of a published article. A reason is required and
    the old and new values are recorded: backdating is a veto item of the inspection."""
    reason = (reason or "").strip()
    with transaction.atomic():
        article = Article.objects.select_for_update().select_related("site").get(pk=article.pk)
        _require_office(acting_user, article.site)
        if article.first_published_at is None:
            raise ActionRefused(_("The article has not been published."))
        if not reason:
            raise ActionRefused(_("A reason is required to change the displayed publish time."))
        old = article.display_date
        article.display_date = new_date
        article._change_reason = f"display date: {reason}"
        article.save(update_fields=["display_date", "updated_at"])
        record("article.display_date", actor=acting_user, obj=article, site=article.site, request=request,
               data={"from": old.isoformat() if old else None, "to": new_date.isoformat(), "reason": reason,
                     "first_published_at": article.first_published_at.isoformat()})
        outbox.queue("purge", {"article_id": article.pk, "site_id": article.site_id, "reason": "edit"})
    return article


def retro_sign(slip, *, acting_user, comment="", request=None):
    """The department head's signature after an urgent publish (SPEC §4)."""
    with transaction.atomic():
        slip = ApprovalSlip.objects.select_for_update().select_related("site").get(pk=slip.pk)
        if not slip.is_urgent or slip.retro_signed_at:
            raise ActionRefused(_("This slip does not wait for a retrospective signature."))
        if not may_act(acting_user, slip, "dept_reviewer"):
            raise ActionRefused(_("Only a head of the owning department may sign this slip."))
        if slip.submitted_by_id == acting_user.pk:
            raise ActionRefused(_("Four eyes: nobody signs a slip they submitted."))
        now = timezone.now()
        slip.retro_signed_by, slip.retro_signed_at = acting_user, now
        slip.save(update_fields=["retro_signed_by", "retro_signed_at"])
        SlipDecision.objects.create(slip=slip, transition="retro_sign", stage=slip.state, actor=acting_user, at=now,
                                    ip=client_of(request)[0], comment=comment, secrecy_confirmed=True)
        record("slip.retro_sign", actor=acting_user, obj=slip, site=slip.site, request=request)
    return slip


def syndicate(article, target_sites, *, acting_user, request=None):
    """Offer a published article of a parent site to its child sites (001 §二(五)3). Each
    child site's office gets a repost slip, due within ``SitePolicy.repost_hours``.
    Caller: a general-office approver of the parent site."""
    created = []
    with transaction.atomic():
        article = Article.objects.select_related("site", "column").get(pk=article.pk)
        _require_office(acting_user, article.site)
        if article.status != ArticleStatus.PUBLISHED:
            raise ActionRefused(_("Only a published article can be offered to child sites."))
        system = system_user()
        for site in target_sites:
            if site.parent_id != article.site_id:
                raise ActionRefused(_("“%(s)s” is not a child site of this site.") % {"s": site.name})
            column = (Column.objects.filter(site=site, column_class=article.column.column_class)
                      .exclude(layout=Column.Layout.LINK).order_by("depth", "order", "id").first())
            if column is None:
                raise ActionRefused(_("“%(s)s” has no column of the class “%(c)s” to repost into.")
                                    % {"s": site.name, "c": article.column.get_column_class_display()})
            now = timezone.now()
            hours = site.policy.repost_hours if hasattr(site, "policy") else 12
            try:
                with transaction.atomic():
                    syndication = Syndication.objects.create(source=article, target_site=site,
                                                             offered_by=acting_user, offered_at=now,
                                                             deadline=now + timedelta(hours=hours))
            except IntegrityError:
                raise ActionRefused(_("The article has already been offered to “%(s)s”.") % {"s": site.name})
            copy = Article(site=site, column=column, created_by=system, origin=Article.Origin.REPRINT,
                           source_name=article.site.name,
                           source_url=f"https://{article.site.domain}/articles/{article.pk}.html")
            for name in ("kind", "title", "subtitle", "summary", "body", "author_name", "is_important",
                         "index_number", "topic_category", "issuing_organ", "doc_number", "date_written", "validity",
                         "validity_date"):
                setattr(copy, name, getattr(article, name))
            copy._change_reason = f"repost of {article.site.code}:{article.pk}"
            copy.save()
            slip = submit_slip(copy, acting_user=system, confirm_no_secret=True, confirm_no_internal=True,
                               confirm_no_personal_data=True, kind=ApprovalSlip.Kind.REPOST, syndication=syndication,
                               initial_state=SlipState.OFFICE_REVIEW,
                               overrides={k: "repost of an approved parent-site item" for k in _all_keys(copy)},
                               acknowledged=_all_keys(copy))
            record("article.syndicate", actor=acting_user, obj=article, site=article.site, request=request,
                   data={"target": site.code, "slip": slip.number})
            created.append(syndication)
    return created


def _all_keys(article):
    return {finding_key(f) for f in scan_content(article.title, article.body) if f.severity != BLOCK}


def import_legacy_article(article, *, published_at, acting_user, note):
    """Bring content that was approved and published before taxsite (on paper slips, on the
    bureau's old platform) onto the public site, with an archived slip that says so.

    Caller: installation and migration scripts (``load_demo``), never a web view. The slip is
    stamped ``published`` with one decision ``legacy_import`` carrying ``note``.
    """
    with transaction.atomic():
        article = Article.objects.select_for_update().select_related("column__site", "column__department").get(
            pk=article.pk)
        if article.status != ArticleStatus.DRAFT or article.first_published_at is not None:
            raise ActionRefused(_("Only an article that was never published here can be imported."))
        column = article.column
        year = timezone.localtime(published_at).year
        sequence, number = _next_number(column.site, year)
        slip = ApprovalSlip.objects.create(
            number=number, site=column.site, year=year, sequence=sequence, article=article, column=column,
            department=column.department, title=article.title, payload=to_data(article),
            attachments=_attachments_of(article), state=SlipState.PUBLISHED, submitted_by=acting_user,
            submitted_at=published_at, confirm_no_secret=True, confirm_no_internal=True,
            confirm_no_personal_data=True, scan_report={"legacy_import": note}, stage_entered_at=published_at,
        )
        SlipDecision.objects.create(slip=slip, transition="legacy_import", stage=SlipState.OFFICE_REVIEW,
                                    actor=acting_user, at=published_at, comment=note, secrecy_confirmed=True)
        article.first_published_at = article.published_at = published_at
        article.display_date = article.display_date or published_at
        article.status = ArticleStatus.PUBLISHED
        article._change_reason = f"imported on slip {number}"
        article.save()
        slip.live_revision = article.history.order_by("-history_id").first()
        slip.published_at = published_at
        slip.save(update_fields=["live_revision", "published_at"])
        record("article.legacy_import", actor=acting_user, obj=article, site=column.site,
               data={"slip": number, "published_at": published_at.isoformat(), "note": note})
    return slip
