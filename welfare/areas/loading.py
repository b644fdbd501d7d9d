"""Loading the administrative units from the pinned vietnam-provinces package.

Used by the data migration; kept here so the same mapping serves `sync_areas` when a later
pinned version of the package renames a unit.
"""

from welfare.core.text import fold

PROVINCE_TYPES = {"tỉnh": "tinh", "thành phố trung ương": "thanh_pho_trung_uong"}
COMMUNE_TYPES = {"xã": "xa", "phường": "phuong", "đặc khu": "dac_khu"}


def area_rows() -> tuple[list[dict], list[dict]]:
    """The provinces and communes of vietnam-provinces as plain field dicts."""
    from vietnam_provinces import Province, Ward

    provinces = [
        {
            "code": int(p.code),
            "name": p.name,
            "codename": p.codename,
            "division_type": PROVINCE_TYPES[str(p.division_type)],
            "name_folded": fold(p.name),
        }
        for p in Province.iter_all()
    ]
    communes = [
        {
            "code": int(w.code),
            "province_id": int(w.province_code),
            "name": w.name,
            "codename": w.codename,
            "division_type": COMMUNE_TYPES[str(w.division_type)],
            "name_folded": fold(w.name),
        }
        for w in Ward.iter_all()
    ]
    return provinces, communes


def load_areas(province_model, commune_model) -> tuple[int, int]:
    """Insert or update every unit (idempotent); returns the counts loaded."""
    provinces, communes = area_rows()
    province_model.objects.bulk_create(
        [province_model(**row) for row in provinces],
        batch_size=500,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "codename", "division_type", "name_folded"],
    )
    commune_model.objects.bulk_create(
        [commune_model(**row) for row in communes],
        batch_size=500,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["province", "name", "codename", "division_type", "name_folded"],
    )
    return len(provinces), len(communes)
