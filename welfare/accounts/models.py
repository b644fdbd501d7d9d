"""Users, their role and the areas they work in."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from welfare.areas.models import Commune, Province

from .permissions import Role


class User(AbstractUser):
    """A person who logs in: a commune officer, a department head or an admin.

    An officer holds one or more communes, a head one province, an admin everything. The
    areas are the only source of what a user may see: every selector scopes through
    `welfare.accounts.scoping`.
    """

    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.OFFICER)
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="heads",
        verbose_name=_("province"),
        help_text=_("The province a department head works in."),
    )
    communes = models.ManyToManyField(
        Commune,
        blank=True,
        related_name="officers",
        verbose_name=_("communes"),
        help_text=_("The communes a commune officer works in."),
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"], m2m_fields=[communes])

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def display_name(self) -> str:
        """How pages name the user: their full name, else their login."""
        return self.get_full_name() or self.username

    @property
    def is_officer(self) -> bool:
        return self.role == Role.OFFICER and not self.is_superuser

    @property
    def is_head(self) -> bool:
        return self.role == Role.HEAD and not self.is_superuser

    @property
    def is_admin_role(self) -> bool:
        return self.role == Role.ADMIN or self.is_superuser
