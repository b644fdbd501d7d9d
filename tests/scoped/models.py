"""A case-like model that exists only in the tests, to prove the scoping helper."""

from django.db import models

from welfare.core.models import VersionedModel


class Dossier(VersionedModel):
    commune = models.ForeignKey("areas.Commune", on_delete=models.PROTECT)
    title = models.CharField(max_length=100)


class Visit(models.Model):
    """Reaches its area through another record, as a member reaches it through a household."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE)
    note = models.CharField(max_length=100)

    commune_path = "dossier__commune"
