"""The access log: who read or exported whose personal data, when and from where.

Law 91/2025/QH15 on personal data protection asks that every processing of personal data be
traceable. Edits are traced by each record's history; this table traces the reads: a person's
page, a list exported, a report or a payment list downloaded. Rows are only ever added: the
model refuses to change or delete one (the admin offers neither), so the log cannot be
quietly rewritten through the application.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    VIEWED_PERSON = "viewed_person", _("Viewed a person")
    VIEWED_HOUSEHOLD = "viewed_household", _("Viewed a household")
    VIEWED_BENEFICIARY = "viewed_beneficiary", _("Viewed a beneficiary record")
    VIEWED_DOSSIER = "viewed_dossier", _("Viewed a dossier")
    VIEWED_LOAN = "viewed_loan", _("Viewed a loan")
    EXPORTED_LIST = "exported_list", _("Exported a list")
    DOWNLOADED_REPORT = "downloaded_report", _("Downloaded a half-year report")
    DOWNLOADED_PAYMENT_RUN = "downloaded_payment_run", _("Downloaded a payment run")
    DOWNLOADED_ROUND = "downloaded_round", _("Downloaded a relief or gift round")
    DOWNLOADED_CERTIFICATE = "downloaded_certificate", _("Downloaded a poverty certificate")
    DOWNLOADED_POSTING = "downloaded_posting", _("Downloaded a public posting")
    DOWNLOADED_IMPORT_PROBLEMS = "downloaded_import_problems", _("Downloaded an import's problems")


class AccessEventQuerySet(models.QuerySet):
    # The log is append-only: bulk changes are refused as single ones are. (Deleting a user
    # still empties `user` through the base manager; `username` keeps who it was.)
    def update(self, **kwargs):
        raise PermissionDenied("The access log is append-only.")

    def delete(self):
        raise PermissionDenied("The access log is append-only.")


class AccessEvent(models.Model):
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    # Copied, so the log still names the user after the account is renamed or removed.
    username = models.CharField(_("username"), max_length=150)
    # The acting user's province (a head's, an officer's communes'): a head reads the log of
    # their province; an admin's events have none and show to admins only.
    province = models.ForeignKey(
        "areas.Province",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("province"),
    )
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    what = models.CharField(_("what"), max_length=300)
    object_type = models.CharField(_("record type"), max_length=64, blank=True)
    object_id = models.PositiveBigIntegerField(_("record id"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    path = models.CharField(_("page address"), max_length=500)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AccessEventQuerySet.as_manager()

    # A head's province-wide log (see welfare.accounts.scoping).
    commune_path = None

    class Meta:
        verbose_name = _("access event")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["user", "at"], name="audit_user_at"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["province", "at"], name="audit_province_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.username}: {self.get_action_display()} {self.what}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionDenied("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("The access log is append-only.")
