"""``manage.py load_demo``: the demo website group (sites, departments, columns, one account
per role and site, a few hundred articles, the work calendar). Idempotent."""
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction

from cms import actions as cms_actions
from cms import demo_data as D
from cms.models import Article, Attachment, Column, Department, Site, SitePolicy
from cms.workdays import seed_from_chinese_calendar
from interaction.permissions import ensure_interaction_perms
from liaisons.demo import load_demo_liaisons
from publishing.actions import decide, import_legacy_article, submit_slip
from security import actions as security_actions
from security.roles import ROLES


class Command(BaseCommand):
    help = (
        "Load the demo website group: the national portal, two provincial sites and one municipal site, "
        "with their departments, column trees, one account per role and site (password pattern "
        f"'{D.PASSWORD_PATTERN}'), an installation superuser '{D.SUPERUSER_NAME}', a few hundred generated "
        "articles with attachments, and the official work calendar. Safe to run again: existing sites, "
        "departments, columns and accounts are kept, and a site that already has articles gets no new content."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Print only the one-line summary (as does -v 0).")

    def handle(self, *args, quiet=False, **options):
        self.quiet = quiet or options["verbosity"] == 0
        quiet = self.quiet
        started = time.monotonic()
        security_actions.ensure_role_groups()
        ensure_interaction_perms()  # after the role groups: it adds the interaction permissions to them
        sites, credentials = {}, []
        created = {"sites": 0, "departments": 0, "columns": 0, "users": 0, "articles": 0, "attachments": 0}
        for spec in D.SITES:
            with transaction.atomic():
                site, new = self._site(spec, sites)
                created["sites"] += new
                departments, n = self._departments(site, spec)
                created["departments"] += n
                columns, n = self._columns(site, spec, departments)
                created["columns"] += n
                users, n = self._users(site, spec, departments, columns, credentials)
                created["users"] += n
                if spec.level == "national":
                    created["users"] += self._superuser(site, credentials)
                articles, attachments = self._content(site, spec, columns, users["office_approver"])
                created["articles"] += articles
                created["attachments"] += attachments
                if articles:
                    self._workflow_samples(site, columns, users)
            sites[spec.code] = site
            self._say(
                f"{site.code}: {len(departments)} departments, {len(columns)} columns, {len(users)} accounts, "
                + (f"{articles} articles ({attachments} attachments) created" if articles
                   else "content already present, skipped")
            )
        for site in sites.values():
            load_demo_liaisons(site, None if quiet else self.stdout)
        seed_from_chinese_calendar(stdout=None if quiet else self.stdout)
        if not quiet:
            self._print_credentials(credentials)
        self.stdout.write(
            f"load_demo: {Site.objects.count()} sites, {Department.objects.count()} departments, "
            f"{Column.objects.count()} columns, {get_user_model().objects.count()} users, "
            f"{Article.objects.count()} articles, {Attachment.objects.count()} attachments "
            f"(new this run: {', '.join(f'{v} {k}' for k, v in created.items())}) in {time.monotonic() - started:.1f}s"
        )

    def _say(self, line):
        if not self.quiet:
            self.stdout.write(line)

    # --- structure ---

    def _site(self, spec, sites):
        site = Site.objects.filter(code=spec.code).first()
        if site is not None:
            return site, False
        site = Site(
            code=spec.code, name=spec.name, level=spec.level, parent=sites.get(spec.parent) if spec.parent else None,
            domain=spec.domain, site_id_code=spec.site_id_code, icp_number=spec.icp_number,
            psb_number=spec.psb_number, organiser=spec.organiser, contact_phone=spec.contact_phone,
            contact_email=spec.contact_email, address=spec.address, order=spec.order,
        )
        site.full_clean()
        site.save()
        SitePolicy.objects.get_or_create(site=site)
        return site, True

    def _departments(self, site, spec):
        result, created = {}, 0
        for order, dept in enumerate(D.departments_for(spec.level)):
            obj, new = Department.objects.get_or_create(
                site=site, code=dept.code,
                defaults=dict(name=dept.name, is_general_office=dept.is_general_office, order=order * 10),
            )
            result[dept.key] = obj
            created += new
        return result, created

    def _columns(self, site, spec, departments):
        result, created = {}, 0
        available = set(departments)
        for order, (col, parent_key) in enumerate(D.column_specs(spec.level)):
            parent = result[parent_key] if parent_key else None
            column = Column.objects.filter(site=site, parent=parent, slug=col.slug).first()
            if column is None:
                column = Column(
                    site=site, parent=parent, department=departments[D.resolve_department(col.department, available)],
                    name=col.name, slug=col.slug, layout=col.layout, column_class=col.column_class,
                    description=col.description, is_principal=col.principal, order=order * 10,
                    link_url=D.etax_url(site.code) if col.layout == Column.Layout.LINK else "",
                )
                column.full_clean()
                column.save()  # parents first: save() keeps the ancestor table in step
                created += 1
            result[col.key] = column
        return result, created

    def _users(self, site, spec, departments, columns, credentials):
        User = get_user_model()
        scopes = {"column": columns["service"], "department": departments["service"], "site": site, "global": None}
        users, created = {}, 0
        for role_code, role in ROLES.items():
            username = f"{site.code}_{role_code}"
            password = D.password_for(role_code)
            user = User.objects.filter(username=username).first()
            if user is None:
                dept_key = D.ROLE_DEPARTMENT[role_code]
                email = f"{username}@{site.domain.removeprefix('www.')}"
                validate_password(password, User(username=username, email=email))
                user = security_actions.create_account(
                    username, password, site=site, department=departments[dept_key] if dept_key else None,
                    display_name=D.display_name(site.code, role_code), email=email,
                )
                created += 1
            if not user.groups.filter(name=role_code).exists():
                security_actions.assign_role(user, role_code, scopes[role.scope])
            users[role_code] = user
            credentials.append((site.code, username, password, role_code))
        return users, created

    def _superuser(self, site, credentials):
        """The installation account (SPEC §3: for installation only; ``audit`` reports it)."""
        User = get_user_model()
        credentials.append((site.code, D.SUPERUSER_NAME, D.SUPERUSER_PASSWORD, "superuser"))
        if User.objects.filter(username=D.SUPERUSER_NAME).exists():
            return 0
        validate_password(D.SUPERUSER_PASSWORD, User(username=D.SUPERUSER_NAME))
        user = security_actions.create_account(D.SUPERUSER_NAME, D.SUPERUSER_PASSWORD, site=site,
                                               display_name="安装管理员")
        User.objects.filter(pk=user.pk).update(is_superuser=True)
        return 1

    # --- content ---

    def _content(self, site, spec, columns, approver):
        """Create the generated articles of ``site`` unless it already has any (the marker)."""
        if Article.objects.filter(site=site).exists():
            return 0, 0
        made, attachments, published = {}, 0, []
        for item in D.generate_articles(spec):
            fields = dict(item.fields)
            if item.superseded_by is not None:
                fields["superseded_by"] = made[item.superseded_by]
            if item.interprets is not None:
                fields["interprets"] = made[item.interprets]
            article = cms_actions.create_draft(acting_user=approver, column=columns[item.column], **fields)
            if item.attachment is not None:
                name, title, content = item.attachment
                cms_actions.add_attachment(
                    article, SimpleUploadedFile(name, content, "application/pdf"), acting_user=approver, title=title,
                )
                attachments += 1
            made[item.ref] = article
            if item.publish:
                published.append((article.pk, item.when))
        # Demo content arrives as legacy content approved before taxsite: each item gets an
        # archived slip saying so (``import_legacy_article``); new content goes through the
        # workflow (see ``_workflow_samples``).
        for pk, when in published:
            import_legacy_article(Article.objects.get(pk=pk), published_at=when, acting_user=approver,
                                  note="演示数据：上线前已按纸质审批单审核发布")
        return len(made), attachments

    def _workflow_samples(self, site, columns, users):
        """A few slips in flight so the review queue has work: drafted by the editor in
        办事服务, some sent on by the department head."""
        column = columns.get("guides")
        if column is None:
            return
        confirm = dict(confirm_no_secret=True, confirm_no_internal=True, confirm_no_personal_data=True)
        for i, (title, stage) in enumerate(D.WORKFLOW_SAMPLES):
            article = cms_actions.create_draft(acting_user=users["editor"], column=column, title=title,
                                               body=f"<p>{title}。</p><p>{D.SAMPLE_BODY}</p>", kind="guide")
            slip = submit_slip(article, acting_user=users["editor"], **confirm)
            if stage == "office_review":
                decide(slip, "dept_approve", acting_user=users["dept_head"], secrecy_confirmed=True,
                       comment="同意，请办公室审核发布")

    def _print_credentials(self, credentials):
        self.stdout.write("")
        self.stdout.write(f"{'site':<10} {'username':<26} {'password':<30} role")
        self.stdout.write(f"{'-' * 10} {'-' * 26} {'-' * 30} {'-' * 15}")
        for site_code, username, password, role in credentials:
            self.stdout.write(f"{site_code:<10} {username:<26} {password:<30} {role}")
        self.stdout.write("")
