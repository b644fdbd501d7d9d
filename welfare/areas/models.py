"""Provinces and commune-level units, with the official codes of vietnam-provinces.

Since 1 July 2025 local government has two tiers (Resolution 202/2025/QH15): 34 provinces and
3,321 commune-level units (xã, phường, đặc khu). The code is the primary key, written without
leading zeros (contract.md, "Set-up"); province and commune codes overlap, so they live in two
tables and every interface says which one it means.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from welfare.core.text import fold


class ProvinceType(models.TextChoices):
    PROVINCE = "tinh", _("province")
    CITY = "thanh_pho_trung_uong", _("centrally-run city")


class CommuneType(models.TextChoices):
    COMMUNE = "xa", _("commune")
    WARD = "phuong", _("ward")
    SPECIAL_ZONE = "dac_khu", _("special zone")


class Province(models.Model):
    code = models.PositiveIntegerField(_("code"), primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    codename = models.SlugField(_("code name"), max_length=100, unique=True)
    division_type = models.CharField(
        _("division type"), max_length=30, choices=ProvinceType.choices
    )
    name_folded = models.CharField(max_length=100, editable=False, db_index=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)


class Commune(models.Model):
    code = models.PositiveIntegerField(_("code"), primary_key=True)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="communes", verbose_name=_("province")
    )
    name = models.CharField(_("name"), max_length=100)
    # Not unique: a few provinces have two units of the same name and type (told apart by code).
    codename = models.SlugField(_("code name"), max_length=100)
    division_type = models.CharField(
        _("division type"), max_length=20, choices=CommuneType.choices
    )
    name_folded = models.CharField(max_length=100, editable=False, db_index=True)

    # For the scoping helper: a commune is its own area.
    commune_path = "pk"

    class Meta:
        ordering = ["province_id", "name"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)
