"""Photos: a thumbnail is made on upload and shown in the list and on the listing; originals and thumbnails are
read only through the access check; files that are not images, or are too large, are refused with the reason."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from qifu.cooperation import services
from qifu.cooperation.models import ListingPhoto

pytestmark = pytest.mark.django_db


def png(width: int = 1200, height: int = 800, fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


def test_upload_makes_a_thumbnail_shown_in_list_and_detail(market: Any, client: Any) -> None:
    w = market
    photo = services.photo_add(actor=w.admin, listing_id=w.supply.pk,
                               file=SimpleUploadedFile("口罩.png", png()))
    assert (photo.width, photo.height) == (1200, 800)
    with photo.thumbnail.open("rb") as f, Image.open(f) as thumb:
        assert thumb.format == "JPEG" and max(thumb.size) == services.THUMBNAIL_SIZE
    assert "media" not in photo.file.path  # not under MEDIA_ROOT: no web server serves it directly
    client.force_login(w.contact_user)
    thumb_url = f"/cooperation/photos/{photo.pk}/thumbnail/"
    assert thumb_url in client.get("/cooperation/").content.decode()
    assert thumb_url in client.get(f"/cooperation/{w.supply.pk}/").content.decode()
    response = client.get(thumb_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    original = client.get(f"/api/v1/cooperation/photos/{photo.pk}")
    assert original.status_code == 200 and b"".join(original.streaming_content) == png()
    listing = client.get(f"/api/v1/cooperation/listings/{w.supply.pk}").json()
    assert listing["photo_items"][0]["thumbnail_url"].endswith(f"/photos/{photo.pk}/thumbnail")


def test_photos_of_a_removed_listing_are_not_served(market: Any, client: Any) -> None:
    w = market
    photo = services.photo_add(actor=w.admin, listing_id=w.supply.pk, file=SimpleUploadedFile("a.jpg", png(
        fmt="JPEG")))
    services.listing_act(actor=w.admin, listing_id=w.supply.pk, action="remove", note="虚假信息")
    client.force_login(w.contact_user)
    assert client.get(f"/cooperation/photos/{photo.pk}/").status_code == 404
    assert client.get(f"/cooperation/photos/{photo.pk}/thumbnail/").status_code == 404
    assert client.get(f"/api/v1/cooperation/photos/{photo.pk}/thumbnail").status_code == 404


@pytest.mark.parametrize(("name", "content", "message"), [
    ("fake.png", b"\x89PNG not really", "不是可读取的图片"),
    ("doc.jpg", b"%PDF-1.4", "不是可读取的图片"),
    ("anim.bmp", b"BM", "请上传照片"),
])
def test_bad_files_are_refused_with_the_reason(market: Any, name: str, content: bytes, message: str) -> None:
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        services.photo_add(actor=market.admin, listing_id=market.supply.pk, file=SimpleUploadedFile(name, content))
    assert message in " ".join(exc.value.messages)
    assert not ListingPhoto.objects.exists()


def test_oversized_images_are_refused(market: Any, client: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(services, "MAX_PHOTO_PIXELS", 1000 * 1000)
    with pytest.raises(ValidationError):
        services.photo_add(actor=market.admin, listing_id=market.supply.pk,
                           file=SimpleUploadedFile("big.png", png(1200, 900)))
    client.force_login(market.admin)
    response = client.post(f"/api/v1/cooperation/listings/{market.supply.pk}/photos",
                           {"file": SimpleUploadedFile("big.png", png(1200, 900))})
    assert response.status_code == 400 and "file" in response.json()["errors"]
    assert not ListingPhoto.objects.exists()
