"""Who may do what with public messages — the one place that answers it.

- A *handler* holds ``interaction.handle_message`` and handles the messages routed to their own
  department (``user.profile.department``): reads them with the sender's contact details,
  answers, re-routes, closes as invalid, publishes the answer as Q&A.
- A *supervisor* (general office, 办公室) holds ``interaction.supervise_messages`` and sees every
  message of their own site (``user.profile.site``), is warned before deadlines pass, and may
  route, re-route, close and publish. A supervisor never sees a sender's contact details, and of
  tips and misconduct reports sees the metadata only (number, kind, department, dates, status):
  their content is for the handling department alone (inspection bureau, discipline office).
- Superusers exist for installation only and are treated as supervisors of every site.

Role groups get these permissions from ``ensure_interaction_perms``.
"""
from django.contrib.auth.models import Group, Permission

#: role group -> permissions ("app_label.codename") it receives.
ROLE_PERMISSIONS = {
    # Liaisons and department heads answer the questions of their own department (000 §二(六),
    # 003 §二(二)).
    "editor": ("interaction.handle_message",),
    "dept_head": ("interaction.handle_message",),
    # The general office routes and supervises (分办, 督办).
    "office_approver": ("interaction.supervise_messages",),
    # The site manager keeps the topics and routing rules.
    "site_manager": (
        "interaction.view_topic", "interaction.add_topic", "interaction.change_topic", "interaction.delete_topic",
        "interaction.view_routingrule", "interaction.add_routingrule", "interaction.change_routingrule",
        "interaction.delete_routingrule",
    ),
}


def ensure_interaction_perms():
    """Give the role groups the interaction permissions. Idempotent; adds, never removes.

    Must run after ``security.actions.ensure_role_groups`` (which *sets* each group's
    permissions and would drop these).
    """
    for group_name, dotted in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=group_name)
        perms = [Permission.objects.get(content_type__app_label=label, codename=codename)
                 for label, codename in (d.split(".") for d in dotted)]
        group.permissions.add(*perms)


def _profile(user):
    return getattr(user, "profile", None)


def is_handler(user):
    return bool(user and user.is_authenticated and user.is_active and user.has_perm("interaction.handle_message"))


def is_supervisor(user):
    return bool(user and user.is_authenticated and user.is_active
                and (user.is_superuser or user.has_perm("interaction.supervise_messages")))


def user_department_id(user):
    profile = _profile(user)
    return getattr(profile, "department_id", None)


def user_site_id(user):
    profile = _profile(user)
    return getattr(profile, "site_id", None)


def handles(user, message):
    """``user`` is a handler of the department the message is with now."""
    return (is_handler(user) and message.department_id is not None
            and user_department_id(user) == message.department_id)


def supervises(user, message):
    return is_supervisor(user) and (user.is_superuser or user_site_id(user) == message.site_id)


def can_see(user, message):
    """The message appears in the user's queue (possibly as metadata only)."""
    return handles(user, message) or supervises(user, message)


def can_read_content(user, message):
    """Subject, text, attachments and answer. Tips and misconduct reports: handlers only."""
    if handles(user, message):
        return True
    return supervises(user, message) and not message.is_confidential


def can_read_contact(user, message):
    """The sender's name, telephone, e-mail and address: the handler only."""
    return handles(user, message)
