"""Accounts and roles. Every change is atomic and audited."""
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from cms.exceptions import ActionRefused

from . import roles as R
from .audit import record
from .models import UserProfile


def ensure_role_groups():
    """Create the eight role groups with their model permissions. Idempotent."""
    groups = {}
    for code, role in R.ROLES.items():
        group, _created = Group.objects.get_or_create(name=code)
        wanted = []
        for dotted in role.model_perms:
            app_label, codename = dotted.split(".")
            wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)
        groups[code] = group
    return groups


def _scope_ok(role, scope):
    from cms.models import Column, Department, Site

    expected = {"column": Column, "department": Department, "site": Site, "global": type(None)}[role.scope]
    return isinstance(scope, expected)


def assign_role(user, role_code, scope=None, *, acting_user=None, request=None):
    """Give ``user`` a role over ``scope`` (a Column, Department or Site as the role needs).

    Refuses to mix content and administrator roles (separation of duties, SPEC §3) and to let
    anyone change their own roles.
    """
    role = R.ROLES.get(role_code)
    if role is None:
        raise ActionRefused(_("Unknown role “%(role)s”.") % {"role": role_code})
    if not _scope_ok(role, scope):
        raise ActionRefused(_("The role “%(role)s” needs a %(scope)s as its scope.") % {"role": role.label, "scope": role.scope})
    if acting_user is not None and acting_user.pk == user.pk:
        raise ActionRefused(_("Nobody may change the roles of their own account."))
    held = R.roles_of(user)
    other_side = R.ADMIN_ROLES if role.content_role else R.CONTENT_ROLES | (R.ADMIN_ROLES - {role_code})
    if held & other_side:
        raise ActionRefused(_("Separation of duties: “%(role)s” cannot be combined with the roles this account holds.")
                            % {"role": role.label})
    with transaction.atomic():
        user.groups.add(Group.objects.get(name=role_code))
        for codename in role.object_perms:
            assign_perm(codename, user, scope)
        user._taxsite_roles = None
        record("role.assign", actor=acting_user, obj=user, request=request,
               data={"role": role_code, "scope": f"{type(scope).__name__}:{getattr(scope, 'pk', '')}"})


def create_account(username, password, *, site, department=None, display_name="", email="", acting_user=None):
    """Create an active staff account with its profile. Caller: the system administrator (or
    ``load_demo``)."""
    User = get_user_model()
    validate_password(password, User(username=username, email=email))
    with transaction.atomic():
        user = User.objects.create_user(username=username, password=password, email=email, is_staff=True)
        UserProfile.objects.create(user=user, site=site, department=department, display_name=display_name)
        record("user.create", actor=acting_user, obj=user, site=site)
    return user
