import pytest

from tests.factories import HUU_LUNG
from tests.scoped.models import Dossier
from welfare.core.services import StaleEditError, versioned_update

pytestmark = pytest.mark.django_db


def test_a_stale_edit_is_refused_and_the_newer_change_kept():
    dossier = Dossier.objects.create(commune_id=HUU_LUNG, title="v1")
    versioned_update(dossier, expected_version=1, changes={"title": "first editor"})
    with pytest.raises(StaleEditError):
        versioned_update(dossier, expected_version=1, changes={"title": "second editor"})
    dossier.refresh_from_db()
    assert dossier.title == "first editor" and dossier.version == 2
    assert [h.title for h in dossier.history.all()] == ["first editor", "v1"]
