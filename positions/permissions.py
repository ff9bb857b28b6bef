"""The "Editors" group: exactly the permissions curating sources and stances needs.

Editors add, change, delete and view the curated records and read their history.
They never manage users or groups: that stays with superusers.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

EDITORS_GROUP = "Editors"

# (app label, model name) of every record an editor curates.
CURATED_MODELS = [
    ("sources", "source"),
    ("sources", "excerpt"),
    ("positions", "actor"),
    ("positions", "role"),
    ("positions", "policy"),
    ("positions", "stance"),
    ("positions", "stanceevidence"),
]
CURATED_ACTIONS = ("add", "change", "delete", "view")


def editor_permission_keys() -> set[tuple[str, str]]:
    """(app label, codename) of every permission the Editors group holds."""
    keys = {(app, f"{action}_{model}") for app, model in CURATED_MODELS for action in CURATED_ACTIONS}
    # History is written by the application; editors only read it.
    keys |= {(app, f"view_historical{model}") for app, model in CURATED_MODELS}
    return keys


def sync_editors_group(*, using: str = "default") -> Group:
    """Create the Editors group if needed and set its permissions to exactly the editor set.

    Idempotent: running it again removes any permission added by hand since.
    """
    keys = editor_permission_keys()
    wanted = Q()
    for app_label, codename in keys:
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    permissions = list(Permission.objects.using(using).filter(wanted).select_related("content_type"))
    missing = keys - {(p.content_type.app_label, p.codename) for p in permissions}
    if missing:
        # Permissions are created by django.contrib.auth's own post_migrate handler;
        # a missing one means a model was renamed and this list was not.
        raise LookupError(f"Editors group: unknown permissions {sorted(missing)}")
    group, _ = Group.objects.using(using).get_or_create(name=EDITORS_GROUP)
    group.permissions.set(permissions)
    return group
