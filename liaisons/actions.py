"""State changes of the liaisons app (SPEC §8). Each action checks permission and state
itself, runs atomically, and writes its audit record in the same transaction (STYLE.md).

Who may call what:

* filing a liaison — the site manager of the department's site, or the department head
  (the department designates its liaison, the site's office keeps the filing: 000 §6);
* recording a liaison's departure and handover — the same, or the liaison themselves;
* trainings, honorarium rates, new-media accounts (opening, change filings, closure,
  deregistration), decisions on requests, spot checks — the site manager;
* recording or importing posts of a new-media account — the site manager, the account's
  responsible account, or a member of the account's department (the editors, SPEC §8);
* column change requests and revamp requests — the department's active liaison (000 §12,
  003 §13).
"""
from datetime import timedelta
import hashlib

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.exceptions import ActionRefused
from cms.models import Column, ColumnClass, Department
from cms.workdays import WorkCalendar
from security.audit import record

from . import feeds
from .checklists import checklist_for
from .models import (
    ACCOUNT_TRANSITIONS, AccountState, ColumnChangeRequest, HonorariumRate, Liaison, NewMediaAccount,
    NewMediaChange, NewMediaPost, RequestState, RevampRequest, SpotCheck, SpotCheckItem, Training,
    TrainingAttendance, Vacancy,
)
from .selectors import heads_department, manages_site, site_policy, spot_check_sample


class FeedImportError(ActionRefused):
    """A feed that cannot be imported; ``line``/``column`` point at the fault when known."""

    def __init__(self, message, line=None, column=None):
        super().__init__(message)
        self.line, self.column = line, column


def _today():
    return timezone.localdate()


def _deadline(start, working_days):
    """``start`` + ``working_days`` official working days; one calendar snapshot, never
    raises for a year the calendar does not cover (weekdays only there)."""
    calendar = WorkCalendar.load(start.year - 1, start.year + 2 + working_days // 200)
    return calendar.add_working_days(start, working_days), calendar.uncovered_years


def _require_manager(user, site):
    if not manages_site(user, site):
        raise ActionRefused(_("Only the site manager of “%(site)s” may do this.") % {"site": site.name})


def _require_not_future(day, what):
    if day > _today():
        raise ActionRefused(_("The %(what)s cannot be in the future.") % {"what": what})


# --------------------------------------------------------------------------------------
# Liaisons
# --------------------------------------------------------------------------------------

def file_liaison(department, *, acting_user, user, name, filed_on=None, position="", office_phone="", mobile="",
                 email="", note="", request=None):
    """File ``user`` as the liaison of ``department`` (备案). Refused while the department
    has an active liaison: record the departure first. Fills the department's open vacancy."""
    if not (manages_site(acting_user, department.site_id) or heads_department(acting_user, department)):
        raise ActionRefused(_("Only the site manager or the head of “%(department)s” may file its liaison.")
                            % {"department": department.name})
    filed_on = filed_on or _today()
    _require_not_future(filed_on, _("filing date"))
    if not user.is_active:
        raise ActionRefused(_("The account “%(user)s” is not active.") % {"user": user.get_username()})
    if not name.strip():
        raise ActionRefused(_("Give the liaison's name."))
    with transaction.atomic():
        department = Department.objects.select_for_update().select_related("site").get(pk=department.pk)
        current = Liaison.objects.filter(department=department, left_on__isnull=True).first()
        if current is not None:
            raise ActionRefused(_(
                "“%(department)s” already has an active liaison, %(name)s (filed on %(date)s). Record their "
                "departure before filing a successor.") % {"department": department.name, "name": current.name,
                                                           "date": current.filed_on})
        liaison = Liaison(site=department.site, department=department, user=user, name=name.strip(),
                          position=position, office_phone=office_phone, mobile=mobile, email=email, note=note,
                          filed_on=filed_on, filed_by=acting_user)
        try:
            with transaction.atomic():
                liaison.save()
        except IntegrityError:
            raise ActionRefused(_("“%(department)s” already has an active liaison.")
                                % {"department": department.name}) from None
        vacancy = Vacancy.objects.select_for_update().filter(department=department, filled_by__isnull=True).first()
        data = {"department": department.code, "user": user.get_username(), "filed_on": filed_on}
        if vacancy is not None:
            vacancy.filled_by, vacancy.filled_on = liaison, filed_on
            vacancy.save(update_fields=["filled_by", "filled_on"])
            data.update(vacancy=vacancy.pk, deadline=vacancy.deadline, late=filed_on > vacancy.deadline)
        record("liaison.file", actor=acting_user, obj=liaison, site=department.site, request=request, data=data)
    return liaison


def record_liaison_departure(liaison, *, acting_user, left_on=None, reason="", handover_notes="", request=None):
    """The liaison leaves (换岗、调动): the filing is closed with the handover notes and the
    department gets a vacancy due ``SitePolicy.liaison_replacement_days`` working days later."""
    with transaction.atomic():
        liaison = Liaison.objects.select_for_update().select_related("department__site").get(pk=liaison.pk)
        department = liaison.department
        if not (manages_site(acting_user, department.site_id) or heads_department(acting_user, department)
                or acting_user.pk == liaison.user_id):
            raise ActionRefused(_("Only the site manager, the department head or the liaison may record the "
                                  "departure."))
        if liaison.left_on is not None:
            raise ActionRefused(_("%(name)s already left on %(date)s.") % {"name": liaison.name,
                                                                           "date": liaison.left_on})
        left_on = left_on or _today()
        _require_not_future(left_on, _("departure date"))
        if left_on < liaison.filed_on:
            raise ActionRefused(_("The departure date is before the filing date (%(date)s).")
                                % {"date": liaison.filed_on})
        days = site_policy(department.site).liaison_replacement_days
        deadline, uncovered = _deadline(left_on, days)
        liaison.left_on, liaison.leave_reason, liaison.handover_notes = left_on, reason.strip(), handover_notes.strip()
        liaison.save(update_fields=["left_on", "leave_reason", "handover_notes"])
        vacancy = Vacancy.objects.create(site=department.site, department=department, previous=liaison,
                                         opened_on=left_on, deadline=deadline, working_days=days)
        record("liaison.depart", actor=acting_user, obj=liaison, site=department.site, request=request,
               data={"department": department.code, "left_on": left_on, "deadline": deadline, "working_days": days,
                     "uncovered_years": uncovered})
    return vacancy


def record_training(site, *, acting_user, title, held_on, organiser="", attended=(), absent=(), request=None):
    """Record a training and who of the site's liaisons attended it (000 §6(四))."""
    _require_manager(acting_user, site)
    if not title.strip():
        raise ActionRefused(_("Give the training's title."))
    liaisons = list(attended) + list(absent)
    if any(l.site_id != site.pk for l in liaisons):
        raise ActionRefused(_("Only liaisons of the site can be recorded."))
    with transaction.atomic():
        training = Training.objects.create(site=site, title=title.strip(), organiser=organiser, held_on=held_on)
        TrainingAttendance.objects.bulk_create(
            [TrainingAttendance(training=training, liaison=l, attended=True) for l in attended]
            + [TrainingAttendance(training=training, liaison=l, attended=False) for l in absent])
        record("liaison.training", actor=acting_user, obj=training, site=site, request=request,
               data={"attended": [l.pk for l in attended], "absent": [l.pk for l in absent]})
    return training


def set_honorarium_rate(site, *, acting_user, kind, amount, request=None):
    """Set the honorarium (稿费) for each adopted item of a content kind on the site."""
    _require_manager(acting_user, site)
    if amount is None or amount < 0:
        raise ActionRefused(_("The amount cannot be negative."))
    with transaction.atomic():
        rate, created = HonorariumRate.objects.select_for_update().get_or_create(
            site=site, kind=kind, defaults={"amount": amount})
        before = None if created else str(rate.amount)
        if not created:
            rate.amount = amount
            rate.save(update_fields=["amount"])
        record("honorarium.rate", actor=acting_user, obj=rate, site=site, request=request,
               data={"kind": kind, "before": before, "after": str(amount)})
    return rate


# --------------------------------------------------------------------------------------
# New-media accounts (004)
# --------------------------------------------------------------------------------------

def file_newmedia_account(*, acting_user, site, department, platform, name, organiser, administrator,
                          responsible_person, approval_reference, approved_by, approved_on, opened_on=None,
                          account_id="", responsible_user=None, contact_phone="", home_url="", feed_url="",
                          request=None):
    """Record the opening of a new-media account. Opening needs the approval record (004 §6:
    the 税务新媒体审批表, approved before the account opens)."""
    _require_manager(acting_user, site)
    if department.site_id != site.pk:
        raise ActionRefused(_("The department must belong to the site."))
    opened_on = opened_on or _today()
    if not (approval_reference.strip() and approved_by.strip() and approved_on):
        raise ActionRefused(_("An account can only be opened with its approval record: form number, approving "
                              "office and date."))
    if approved_on > opened_on:
        raise ActionRefused(_("The approval (%(approved)s) must come before the opening (%(opened)s).")
                            % {"approved": approved_on, "opened": opened_on})
    for value, label in ((name, _("account name")), (organiser, _("organiser")), (administrator, _("administrator")),
                         (responsible_person, _("responsible person"))):
        if not value.strip():
            raise ActionRefused(_("Give the %(field)s.") % {"field": label})
    with transaction.atomic():
        if NewMediaAccount.objects.filter(platform=platform, name=name.strip()).exclude(
                state=AccountState.DEREGISTERED).exists():
            raise ActionRefused(_("An account named “%(name)s” is already filed on this platform.") % {"name": name})
        account = NewMediaAccount(
            site=site, department=department, platform=platform, name=name.strip(), account_id=account_id,
            organiser=organiser.strip(), administrator=administrator.strip(),
            responsible_person=responsible_person.strip(), responsible_user=responsible_user,
            contact_phone=contact_phone, home_url=home_url, feed_url=feed_url,
            approval_reference=approval_reference.strip(), approved_by=approved_by.strip(), approved_on=approved_on,
            opened_on=opened_on, created_by=acting_user)
        _full_clean(account)
        account.save()
        record("newmedia.open", actor=acting_user, obj=account, site=site, request=request,
               data={"platform": platform, "approval": approval_reference, "opened_on": opened_on})
    return account


def file_newmedia_change(account, *, acting_user, changes, changed_on, filed_on=None, note="", request=None):
    """File a change of the account's name, organiser or administrator (004 §9). The change
    is applied to the account; the filing keeps the deadline (changed_on +
    ``SitePolicy.newmedia_change_filing_days`` working days) and whether it was met."""
    filed_on = filed_on or _today()
    allowed = {choice.value for choice in NewMediaChange.Field}
    unknown = set(changes) - allowed
    if unknown:
        raise ActionRefused(_("Only the name, organiser and administrator are filed as changes."))
    with transaction.atomic():
        account = NewMediaAccount.objects.select_for_update().select_related("site").get(pk=account.pk)
        _require_manager(acting_user, account.site)
        if account.state != AccountState.OPEN:
            raise ActionRefused(_("The account is %(state)s; changes are filed for open accounts only.")
                                % {"state": account.get_state_display()})
        _require_not_future(filed_on, _("filing date"))
        if changed_on > filed_on:
            raise ActionRefused(_("A change is filed after it happened."))
        days = site_policy(account.site).newmedia_change_filing_days
        deadline, uncovered = _deadline(changed_on, days)
        filings = []
        for field_name, value in changes.items():
            value = (value or "").strip()
            old = getattr(account, field_name)
            if not value or value == old:
                continue
            if field_name == "name" and NewMediaAccount.objects.filter(platform=account.platform, name=value).exclude(
                    pk=account.pk).exclude(state=AccountState.DEREGISTERED).exists():
                raise ActionRefused(_("An account named “%(name)s” is already filed on this platform.")
                                    % {"name": value})
            setattr(account, field_name, value)
            filings.append(NewMediaChange(account=account, field=field_name, old_value=old, new_value=value,
                                          changed_on=changed_on, filed_on=filed_on, deadline=deadline,
                                          filed_by=acting_user, note=note))
        if not filings:
            raise ActionRefused(_("Nothing changed."))
        _full_clean(account)
        account.save()
        NewMediaChange.objects.bulk_create(filings)
        record("newmedia.change", actor=acting_user, obj=account, site=account.site, request=request,
               data={"changes": {f.field: [f.old_value, f.new_value] for f in filings}, "changed_on": changed_on,
                     "filed_on": filed_on, "deadline": deadline, "late": filed_on > deadline,
                     "uncovered_years": uncovered})
    return filings


def _end_account(account, transition, *, acting_user, on, reason, public_notice_url="", request=None):
    sources, target = ACCOUNT_TRANSITIONS[transition]
    with transaction.atomic():
        account = NewMediaAccount.objects.select_for_update().select_related("site").get(pk=account.pk)
        _require_manager(acting_user, account.site)
        if account.state not in sources:
            raise ActionRefused(_("The account is %(state)s; this is not possible now.")
                                % {"state": account.get_state_display()})
        if not reason.strip():
            raise ActionRefused(_("Give the reason."))
        on = on or _today()
        if on < account.opened_on:
            raise ActionRefused(_("The date is before the account opened."))
        account.state = target
        account.end_reason = reason.strip()
        if target == AccountState.CLOSED:
            account.closed_on = on
        else:
            account.deregistered_on = on
            account.public_notice_url = public_notice_url
        account.save()
        record(f"newmedia.{transition}", actor=acting_user, obj=account, site=account.site, request=request,
               data={"on": on, "reason": account.end_reason})
    return account


def close_newmedia_account(account, *, acting_user, closed_on=None, reason, request=None):
    """Close (关停) an account that cannot be maintained (004 §8)."""
    return _end_account(account, "close", acting_user=acting_user, on=closed_on, reason=reason, request=request)


def deregister_newmedia_account(account, *, acting_user, deregistered_on=None, reason, public_notice_url="",
                                request=None):
    """Deregister (注销) an account, with the public notice when the organiser changed (004 §9)."""
    return _end_account(account, "deregister", acting_user=acting_user, on=deregistered_on, reason=reason,
                        public_notice_url=public_notice_url, request=request)


def _may_record_posts(user, account):
    if manages_site(user, account.site_id) or user.pk == account.responsible_user_id:
        return True
    profile = getattr(user, "profile", None)
    return profile is not None and profile.department_id == account.department_id


def _manual_guid(title, published_at, link):
    if link:
        return link
    digest = hashlib.sha256(f"{title}\n{published_at.isoformat()}".encode()).hexdigest()[:32]
    return f"manual:{digest}"


def record_newmedia_post(account, *, acting_user, title, published_at, link="", guid="", request=None):
    """Record one post of an account by hand. Posts are deduplicated by guid or link."""
    if not _may_record_posts(acting_user, account):
        raise ActionRefused(_("You may not record posts of “%(account)s”.") % {"account": account.name})
    if published_at > timezone.now() + timedelta(minutes=5):
        raise ActionRefused(_("A post cannot be published in the future."))
    ended = account.closed_on or account.deregistered_on
    if account.state != AccountState.OPEN and ended and timezone.localdate(published_at) > ended:
        raise ActionRefused(_("The account was closed on %(date)s.") % {"date": ended})
    if not title.strip():
        raise ActionRefused(_("Give the post's title."))
    guid = (guid or _manual_guid(title.strip(), published_at, link)).strip()[:500]
    with transaction.atomic():
        duplicate = NewMediaPost.objects.filter(account=account).filter(guid=guid)
        if duplicate.exists() or (link and NewMediaPost.objects.filter(account=account, link=link).exists()):
            raise ActionRefused(_("This post is already recorded."))
        post = NewMediaPost.objects.create(account=account, title=title.strip()[:300], link=link, guid=guid,
                                           published_at=published_at, source=NewMediaPost.Source.MANUAL,
                                           recorded_by=acting_user)
        record("newmedia.post", actor=acting_user, obj=post, site=account.site, request=request,
               data={"account": account.pk})
    return post


class FeedImportResult:
    def __init__(self, created=0, duplicates=0, skipped=()):
        self.created, self.duplicates, self.skipped = created, duplicates, list(skipped)

    def __repr__(self):
        return f"FeedImportResult(created={self.created}, duplicates={self.duplicates}, skipped={len(self.skipped)})"


def import_newmedia_feed(account, *, acting_user, source=None, data=None, request=None):
    """Import posts from the account's RSS 2.0 / Atom feed: ``data`` (bytes, e.g. an upload),
    else ``source`` (a URL or a file path), else the account's ``feed_url``.

    A malformed feed raises ``FeedImportError`` naming the line, and nothing is written: the
    posts already recorded stay as they were. Entries already recorded (same guid or link)
    are counted as duplicates; entries without a date or identifier are skipped and listed.
    """
    if not _may_record_posts(acting_user, account):
        raise ActionRefused(_("You may not record posts of “%(account)s”.") % {"account": account.name})
    try:
        if data is None:
            source = source or account.feed_url
            if not source:
                raise feeds.FeedError(_("The account has no feed address; give a URL or a file."))
            data = feeds.read_source(source)
        parsed = feeds.parse_feed(data)
    except feeds.FeedError as exc:
        raise FeedImportError(exc.message, exc.line, exc.column) from exc
    now = timezone.now() + timedelta(minutes=5)
    skipped = list(parsed.skipped)
    with transaction.atomic():
        known_guids = set(NewMediaPost.objects.filter(account=account).values_list("guid", flat=True))
        known_links = set(NewMediaPost.objects.filter(account=account).exclude(link="").values_list("link", flat=True))
        new, duplicates = [], 0
        for entry in parsed.entries:
            if entry.guid in known_guids or (entry.link and entry.link in known_links):
                duplicates += 1
                continue
            if entry.published_at > now:
                skipped.append(_("“%(title)s” skipped: dated in the future.") % {"title": entry.title[:60]})
                continue
            known_guids.add(entry.guid)
            if entry.link:
                known_links.add(entry.link)
            new.append(NewMediaPost(account=account, title=entry.title, link=entry.link, guid=entry.guid,
                                    published_at=entry.published_at, source=NewMediaPost.Source.FEED,
                                    recorded_by=acting_user))
        NewMediaPost.objects.bulk_create(new)
        record("newmedia.import", actor=acting_user, obj=account, site=account.site, request=request,
               data={"created": len(new), "duplicates": duplicates, "skipped": len(skipped),
                     "source": str(source or "upload")[:200]})
    return FeedImportResult(len(new), duplicates, skipped)


# --------------------------------------------------------------------------------------
# Column change requests (业务需求单, 003 §13) and revamp requests (改版需求, 000 §12)
# --------------------------------------------------------------------------------------

def _require_liaison(user, department):
    if not Liaison.objects.filter(department=department, user=user, left_on__isnull=True).exists():
        raise ActionRefused(_("Only the filed liaison of “%(department)s” may file its requests.")
                            % {"department": department.name})


def file_column_change_request(department, *, acting_user, kind, reason, column=None, name="", slug="", parent=None,
                               owner=None, column_class="", layout="", description="", update_interval_days=None,
                               leader_signature="", request=None):
    """A department's liaison asks for a new column or a change to one of the department's
    columns. Nothing changes until the site manager approves."""
    _require_liaison(acting_user, department)
    site = department.site
    if not reason.strip():
        raise ActionRefused(_("Describe the requirement."))
    if kind == ColumnChangeRequest.Kind.ADD:
        if not (name.strip() and slug.strip()):
            raise ActionRefused(_("A new column needs a name and a slug."))
        column = None
    elif kind == ColumnChangeRequest.Kind.CHANGE:
        if column is None or column.site_id != site.pk:
            raise ActionRefused(_("Choose the column to change."))
        if column.department_id != department.pk:
            raise ActionRefused(_("A department may request changes to its own columns only."))
        if not any([name, slug, parent, owner, column_class, layout, description, update_interval_days]):
            raise ActionRefused(_("Say what should change."))
    else:
        raise ActionRefused(_("Unknown kind of request."))
    for related in (parent, owner):
        if related is not None and related.site_id != site.pk:
            raise ActionRefused(_("The parent column and owner department must belong to the site."))
    with transaction.atomic():
        req = ColumnChangeRequest.objects.create(
            site=site, department=department, kind=kind, column=column, name=name.strip(), slug=slug.strip(),
            parent=parent, owner=owner, column_class=column_class, layout=layout, description=description,
            update_interval_days=update_interval_days, reason=reason.strip(), leader_signature=leader_signature,
            requested_by=acting_user)
        record("column_request.file", actor=acting_user, obj=req, site=site, request=request,
               data={"kind": kind, "column": getattr(column, "pk", None)})
    return req


def _decide(model, req, *, acting_user, approve, comment):
    with transaction.atomic():
        req = model.objects.select_for_update().select_related("site").get(pk=req.pk)
        _require_manager(acting_user, req.site)
        if req.state != RequestState.SUBMITTED:
            raise ActionRefused(_("This request was already decided (%(state)s).") % {"state": req.get_state_display()})
        if not approve and not comment.strip():
            raise ActionRefused(_("Give the reason for rejecting."))
        req.state = RequestState.APPROVED if approve else RequestState.REJECTED
        req.decided_by, req.decided_at, req.decision_comment = acting_user, timezone.now(), comment.strip()
        return req


def decide_column_change_request(req, *, acting_user, approve, comment="", request=None):
    """The site manager approves or rejects a column change request. An approved request is
    applied from the request itself, in the same transaction: the column is created or
    changed through the Column model (which keeps its ancestor table)."""
    with transaction.atomic():
        req = _decide(ColumnChangeRequest, req, acting_user=acting_user, approve=approve, comment=comment)
        column = None
        if approve:
            column = _apply_column_change(req)
            req.applied_column = column
        req.save()
        record("column_request.approve" if approve else "column_request.reject", actor=acting_user, obj=req,
               site=req.site, request=request, data={"column": getattr(column, "pk", None), "comment": comment})
        if column is not None:
            record("column.create" if req.kind == ColumnChangeRequest.Kind.ADD else "column.update",
                   actor=acting_user, obj=column, site=req.site, request=request, data={"request": req.pk})
    return req


def _apply_column_change(req):
    if req.kind == ColumnChangeRequest.Kind.ADD:
        column = Column(site=req.site, department=req.owner or req.department, parent=req.parent, name=req.name,
                        slug=req.slug, column_class=req.column_class or ColumnClass.OTHER,
                        layout=req.layout or Column.Layout.LIST, description=req.description,
                        update_interval_days=req.update_interval_days)
    else:
        column = Column.objects.select_for_update().get(pk=req.column_id)
        for name in ("name", "slug", "column_class", "layout", "description", "update_interval_days"):
            value = getattr(req, name)
            if value not in ("", None):
                setattr(column, name, value)
        if req.parent_id:
            column.parent = req.parent
        if req.owner_id:
            column.department = req.owner
    _full_clean(column)
    column.save()
    return column


def _full_clean(obj):
    try:
        obj.full_clean()
    except ValidationError as exc:
        messages = [str(m) for msgs in exc.message_dict.values() for m in msgs] if hasattr(exc, "error_dict") else exc.messages
        raise ActionRefused(" ".join(messages)) from None


def file_revamp_request(department, *, acting_user, year, reason, columns=(), leader_signature="", request=None):
    """A department's liaison files its proposals for the yearly revamp (000 §12)."""
    _require_liaison(acting_user, department)
    if not reason.strip():
        raise ActionRefused(_("Describe the requirement."))
    columns = list(columns)
    if any(c.department_id != department.pk for c in columns):
        raise ActionRefused(_("A department may request changes to its own columns only."))
    with transaction.atomic():
        req = RevampRequest.objects.create(site=department.site, department=department, year=year,
                                           reason=reason.strip(), leader_signature=leader_signature,
                                           requested_by=acting_user)
        req.columns.set(columns)
        record("revamp_request.file", actor=acting_user, obj=req, site=department.site, request=request,
               data={"year": year, "columns": [c.pk for c in columns]})
    return req


def decide_revamp_request(req, *, acting_user, approve, comment="", request=None):
    """The site manager accepts a revamp request into the year's plan, or rejects it."""
    with transaction.atomic():
        req = _decide(RevampRequest, req, acting_user=acting_user, approve=approve, comment=comment)
        req.save()
        record("revamp_request.approve" if approve else "revamp_request.reject", actor=acting_user, obj=req,
               site=req.site, request=request, data={"comment": comment})
    return req


# --------------------------------------------------------------------------------------
# Quarterly spot check (001 §二(五)1)
# --------------------------------------------------------------------------------------

def draw_spot_check(site, *, acting_user, year, quarter, request=None):
    """Draw the quarter's sample: at least ``SitePolicy.spot_check_percent`` % of the site's
    sub-sites and of its columns, with a seeded random generator so the draw can be
    repeated and verified. One draw per site and quarter."""
    _require_manager(acting_user, site)
    if not 1 <= quarter <= 4 or year < 2000:
        raise ActionRefused(_("Give a year and a quarter from 1 to 4."))
    with transaction.atomic():
        if SpotCheck.objects.filter(site=site, year=year, quarter=quarter).exists():
            raise ActionRefused(_("The sample for %(year)s Q%(quarter)s was already drawn.")
                                % {"year": year, "quarter": quarter})
        sample = spot_check_sample(site, year, quarter)
        check = SpotCheck.objects.create(site=site, year=year, quarter=quarter, seed=sample.seed,
                                         percent=sample.percent, subsite_population=len(sample.subsite_population),
                                         column_population=len(sample.column_population), drawn_by=acting_user)
        SpotCheckItem.objects.bulk_create(
            [SpotCheckItem(spot_check=check, target=SpotCheckItem.Target.SUBSITE, subsite_id=pk)
             for pk in sample.subsites]
            + [SpotCheckItem(spot_check=check, target=SpotCheckItem.Target.COLUMN, column_id=pk)
               for pk in sample.columns])
        record("spot_check.draw", actor=acting_user, obj=check, site=site, request=request,
               data={"seed": sample.seed, "percent": sample.percent, "subsites": sample.subsites,
                     "columns": sample.columns})
    return check


def record_spot_check_result(item, *, acting_user, results, note="", request=None):
    """Record the checklist of one sampled item: every check point answered passed or not."""
    with transaction.atomic():
        item = SpotCheckItem.objects.select_for_update().select_related("spot_check__site").get(pk=item.pk)
        check = item.spot_check
        _require_manager(acting_user, check.site)
        if check.published_at is not None:
            raise ActionRefused(_("The results were published; they can no longer change."))
        codes = [point.code for point in checklist_for(item.target)]
        if set(results) != set(codes):
            raise ActionRefused(_("Answer every point of the checklist."))
        item.results = {code: bool(results[code]) for code in codes}
        item.passed = all(item.results.values())
        if not item.passed and not note.strip():
            raise ActionRefused(_("Describe what failed."))
        item.note = note.strip()
        item.checked_by, item.checked_at = acting_user, timezone.now()
        item.save()
        record("spot_check.result", actor=acting_user, obj=item, site=check.site, request=request,
               data={"results": item.results, "passed": item.passed})
    return item


def publish_spot_check(check, *, acting_user, request=None):
    """Mark the quarter's results as published (the portal page reads ``published_at``)."""
    with transaction.atomic():
        check = SpotCheck.objects.select_for_update().select_related("site").get(pk=check.pk)
        _require_manager(acting_user, check.site)
        if check.published_at is not None:
            raise ActionRefused(_("The results are already published."))
        if check.items.filter(passed__isnull=True).exists():
            raise ActionRefused(_("Every sampled item must be checked before the results are published."))
        check.published_at = timezone.now()
        check.save(update_fields=["published_at"])
        record("spot_check.publish", actor=acting_user, obj=check, site=check.site, request=request)
    return check
