from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from welfare.accounts.models import User
from welfare.accounts.permissions import Role
from welfare.accounts.services import password_generate, user_save


class Command(BaseCommand):
    help = (
        "Create or update a user: an officer works in the communes given, a head in the "
        "province given, an admin everywhere. Without --password a new user gets a generated "
        "one, printed once; an existing user keeps theirs."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--commune", type=int, action="append", default=[], metavar="CODE")
        parser.add_argument("--province", type=int, metavar="CODE")
        parser.add_argument("--password")
        parser.add_argument("--name", help="full name shown in the interface")

    def handle(self, *args, username, role, commune, province, password, name, **options):
        exists = User.objects.filter(username=username).exists()
        generated = None
        if password is None and not exists:
            password = generated = password_generate()
        try:
            user = user_save(
                username=username,
                role=role,
                commune_codes=commune,
                province_code=province,
                password=password,
                full_name=name,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        verb = "updated" if exists else "created"
        areas = self._areas(user)
        self.stdout.write(f"{verb} {user.username} ({user.role}{areas})")
        if generated:
            self.stdout.write(f"password: {generated}")

    @staticmethod
    def _areas(user) -> str:
        if user.role == Role.OFFICER:
            codes = ", ".join(str(c) for c in user.communes.values_list("code", flat=True))
            return f"; communes {codes}"
        if user.role == Role.HEAD:
            return f"; province {user.province_id}"
        return ""
