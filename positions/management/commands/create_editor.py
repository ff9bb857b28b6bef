"""Create an editor: a staff user in the Editors group, ready to log into the admin."""

import os
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.passwords import give_one_time_password
from positions.permissions import sync_editors_group

PASSWORD_VARIABLE = "EDITOR_PASSWORD"


class Command(BaseCommand):
    help = (
        "Create a staff user in the Editors group. The password comes from $EDITOR_PASSWORD, or one is generated "
        "and printed once; either way it is a one-time password: at the first login the admin asks the editor to "
        "choose their own before anything else."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="", help="The editor's e-mail address.")

    @transaction.atomic
    def handle(self, *args, username, email, **options):
        users = get_user_model()
        if users.objects.filter(username=username).exists():
            raise CommandError(f"A user named “{username}” exists already: nothing was changed.")
        given = os.environ.get(PASSWORD_VARIABLE)
        password = given or secrets.token_urlsafe(12)
        user = users(username=username, email=email, is_staff=True)
        try:
            user.full_clean(exclude=["password"])
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(f"{username}: {' '.join(error.messages)}") from None
        give_one_time_password(user, password)
        user.groups.add(sync_editors_group())
        self.stdout.write(self.style.SUCCESS(f"Created editor “{username}” (staff, in the Editors group)."))
        if not given:
            self.stdout.write(f"One-time password: {password}\nIt is not stored anywhere else: pass it on now.")
        self.stdout.write("At the first login the admin asks them to choose their own password.")
