"""Printable PDFs: a commune's results by village for public posting, a household's certificate."""

import subprocess

import pytest

from tests.factories import (
    CHI_LANG,
    HUU_LUNG,
    HouseholdFactory,
    MemberFactory,
    PersonFactory,
    PovertyReviewFactory,
    head,
    officer,
)

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdf_fonts(content: bytes, tmp_path) -> list[str]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(content)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return out.splitlines()[2:]


def household(village, name, code, commune=HUU_LUNG):
    return HouseholdFactory(
        code=code,
        village=village,
        commune_id=commune,
        head_member=PersonFactory(full_name=name, commune_id=commune),
    )


@pytest.fixture
def commune_reviews():
    PovertyReviewFactory(
        household=household("Thôn Đồng Tiến", "Hoàng Văn Thụ", "HL-001"), review_year=2025
    )
    PovertyReviewFactory(
        household=household("Thôn Đồng Tiến", "Lường Thị Mến", "HL-002"),
        review_year=2025,
        deprivations=[2],
    )
    PovertyReviewFactory(
        household=household("Bản Nà Lừa", "Nông Đức Mạnh", "HL-003"),
        review_year=2025,
        income_per_capita_vnd=1_900_000,
        status="proposed",
        recognised_on=None,
        decision_number="",
    )
    PovertyReviewFactory(
        household=household("Bản Nà Lừa", "Vi Thị Hồng", "HL-004"), review_year=2024
    )
    PovertyReviewFactory(
        household=household("Thôn Khác", "Người Xã Khác", "CL-001", commune=CHI_LANG),
        review_year=2025,
    )


def test_the_posting_lists_households_by_village_with_counts(
    client, login, commune_reviews, tmp_path
):
    login(officer(HUU_LUNG))
    response = client.get(f"/households/reviews/posting/{HUU_LUNG}/2025.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content, tmp_path)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "XÃ HỮU LŨNG" in text and "Tỉnh Lạng Sơn" in text
    for name in (
        "Thôn Đồng Tiến",
        "Bản Nà Lừa",
        "Hoàng Văn Thụ",
        "Lường Thị Mến",
        "Nông Đức Mạnh",
        "HL-003",
    ):
        assert name in text
    assert "Vi Thị Hồng" not in text  # reviewed in 2024
    assert "Người Xã Khác" not in text  # another commune
    # The village "Bản Nà Lừa" sorts first; its one household of 2025 is average.
    assert text.index("Bản Nà Lừa") < text.index("Thôn Đồng Tiến")
    summary = [
        line.split()
        for line in text.splitlines()
        if "Đồng Tiến" in line and line.split()[-1].isdigit()
    ][0]
    assert summary[-5:] == ["2", "1", "1", "0", "0"]  # reviewed, poor, near-poor, average, not poor


def test_the_pdfs_embed_a_font_with_vietnamese_letters(client, login, commune_reviews, tmp_path):
    login(officer(HUU_LUNG))
    content = client.get(f"/households/reviews/posting/{HUU_LUNG}/2025.pdf").content
    fonts = pdf_fonts(content, tmp_path)
    assert fonts and all(" yes " in line for line in fonts)  # every font embedded
    assert any("Liberation-Serif" in line or "DejaVu" in line for line in fonts)


def test_a_head_prints_any_commune_of_the_province_an_officer_only_theirs(
    client, login, commune_reviews, tmp_path
):
    login(head())
    response = client.get(f"/households/reviews/posting/{CHI_LANG}/2025.pdf")
    assert response.status_code == 200 and "Người Xã Khác" in pdf_text(response.content, tmp_path)
    client.logout()
    login(officer(HUU_LUNG))
    assert client.get(f"/households/reviews/posting/{CHI_LANG}/2025.pdf").status_code == 404
    client.logout()
    login(head(1))
    assert client.get(f"/households/reviews/posting/{HUU_LUNG}/2025.pdf").status_code == 404


def test_the_certificate_of_a_recognised_poor_household(client, login, tmp_path):
    home = household("Thôn Đồng Tiến", "Hoàng Văn Thụ", "HL-100")
    MemberFactory(
        household=home,
        person=PersonFactory(
            full_name="Hoàng Thị Lan", birth_date=__import__("datetime").date(2010, 5, 4)
        ),
        relation="child",
    )
    review = PovertyReviewFactory(household=home, review_year=2025, decision_number="215/QĐ-UBND")
    login(officer(HUU_LUNG))
    response = client.get(f"/households/reviews/{review.pk}/certificate.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = pdf_text(response.content, tmp_path)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    for expected in (
        "Hoàng Văn Thụ",
        "Hoàng Thị Lan",
        "2010",
        "HL-100",
        "215/QĐ-UBND",
        "20/12/2025",
        "2026",
        "Thôn Đồng Tiến",
        "XÃ HỮU LŨNG",
    ):
        assert expected in text
    fonts = pdf_fonts(response.content, tmp_path)
    assert fonts and all(" yes " in line for line in fonts)


def test_the_certificate_of_a_near_poor_household(client, login, tmp_path):
    review = PovertyReviewFactory(
        household=household("Bản Nà Lừa", "Vi Văn Bình", "HL-101"),
        review_year=2025,
        deprivations=[],
    )
    assert review.result == "near_poor"
    login(head())
    response = client.get(f"/households/reviews/{review.pk}/certificate.pdf")
    assert response.status_code == 200
    assert "Vi Văn Bình" in pdf_text(response.content, tmp_path)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"status": "proposed", "recognised_on": None, "decision_number": ""},  # not yet recognised
        {"income_per_capita_vnd": 1_900_000},  # average living standard: no certificate
    ],
)
def test_no_certificate_without_a_recognised_poor_or_near_poor_review(client, login, kwargs):
    review = PovertyReviewFactory(review_year=2025, **kwargs)
    login(officer(HUU_LUNG))
    assert client.get(f"/households/reviews/{review.pk}/certificate.pdf").status_code == 404
    assert "certificate.pdf" not in client.get(f"/households/reviews/{review.pk}/").content.decode()


def test_another_communes_certificate_answers_404(client, login):
    review = PovertyReviewFactory(
        household=household("Thôn Khác", "Người Xã Khác", "CL-2", commune=CHI_LANG),
        review_year=2025,
    )
    login(officer(HUU_LUNG))
    assert client.get(f"/households/reviews/{review.pk}/certificate.pdf").status_code == 404


def test_the_list_links_to_the_posting_when_a_commune_and_year_are_chosen(
    client, login, commune_reviews
):
    login(officer(HUU_LUNG))
    html = client.get("/households/reviews/", {"commune": HUU_LUNG, "year": 2025}).content.decode()
    assert f"/households/reviews/posting/{HUU_LUNG}/2025.pdf" in html
