"""The eight roles of SPEC §3 as data: the group each is, the object permission that gives
its scope, and the model permissions the admin needs. ``security.actions.assign_role`` and the
tests read this table; nothing else spells out a role."""
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

EDITOR = "editor"
DEPT_HEAD = "dept_head"
OFFICE_APPROVER = "office_approver"
BUREAU_LEADER = "bureau_leader"
SITE_MANAGER = "site_manager"
SYS_ADMIN = "sys_admin"
SECURITY_ADMIN = "security_admin"
AUDITOR = "auditor"


@dataclass(frozen=True)
class Role:
    code: str
    label: str
    scope: str  # "column" | "department" | "site" | "global"
    object_perms: tuple  # codenames granted on the scope object
    model_perms: tuple  # "app_label.codename" granted through the group
    content_role: bool  # holds a content permission (never together with an admin role)


_ARTICLE = ("cms.view_article", "cms.add_article", "cms.change_article", "cms.view_attachment",
            "cms.add_attachment", "cms.change_attachment", "cms.delete_attachment", "cms.view_column",
            "publishing.view_approvalslip")

ROLES = {
    EDITOR: Role(EDITOR, _("Editor"), "column", ("draft_in_column",), _ARTICLE, True),
    DEPT_HEAD: Role(DEPT_HEAD, _("Department head"), "department",
                    ("draft_in_department", "review_department"), _ARTICLE, True),
    OFFICE_APPROVER: Role(OFFICE_APPROVER, _("General-office approver"), "site",
                          ("draft_in_site", "publish_site"), _ARTICLE, True),
    BUREAU_LEADER: Role(BUREAU_LEADER, _("Bureau leader"), "site", ("signoff_site",),
                        ("cms.view_article", "cms.view_column", "publishing.view_approvalslip"), True),
    SITE_MANAGER: Role(SITE_MANAGER, _("Site manager"), "site", ("manage_site",),
                       ("cms.view_column", "cms.add_column", "cms.change_column", "cms.view_department",
                        "cms.view_sitepolicy", "cms.change_sitepolicy", "cms.view_workcalendarday",
                        "cms.add_workcalendarday", "cms.change_workcalendarday", "cms.delete_workcalendarday"), True),
    SYS_ADMIN: Role(SYS_ADMIN, _("System administrator"), "global", (),
                    ("auth.view_user", "auth.add_user", "auth.change_user", "security.view_userprofile",
                     "security.add_userprofile", "security.change_userprofile", "cms.view_site", "cms.change_site",
                     "cms.add_site", "cms.view_department", "cms.add_department", "cms.change_department"), False),
    SECURITY_ADMIN: Role(SECURITY_ADMIN, _("Security administrator"), "global", (),
                         ("auth.view_user",), False),
    AUDITOR: Role(AUDITOR, _("Auditor"), "global", (), ("security.view_auditevent",), False),
}

CONTENT_ROLES = frozenset(code for code, role in ROLES.items() if role.content_role)
ADMIN_ROLES = frozenset(ROLES) - CONTENT_ROLES


def roles_of(user):
    """Role codes the user holds (cached on the user object for the request)."""
    cached = getattr(user, "_taxsite_roles", None)
    if cached is None:
        cached = frozenset(user.groups.filter(name__in=list(ROLES)).values_list("name", flat=True)) if user.pk else frozenset()
        user._taxsite_roles = cached
    return cached
