"""Vehicle passes: apply → decide → signed QR → public check; who sees and decides what."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from qifu.core.access import NotFound
from qifu.core.errors import Conflict
from qifu.projects import selectors, services, signing
from qifu.projects.models import VehiclePass

pytestmark = pytest.mark.django_db
KEY = b"k" * 32


def apply(w: Any, proj: Any, actor: Any = None, **kw: Any) -> VehiclePass:
    today = timezone.localdate()
    data = {"project_id": proj.project.pk, "enterprise_id": w.ent_lqy.pk, "plate": "川A·12345", "vehicle_type": "bus",
            "driver_name": "张师傅", "driver_phone": "13800000000", "route": "龙泉—园区（点对点）",
            "purpose": "commuting", "valid_from": today, "valid_until": today + timedelta(days=30)} | kw
    return services.pass_apply(actor=actor or w.contact_user, data=services.PassInput(**data))


def approved(w: Any, proj: Any, **kw: Any) -> VehiclePass:
    vp = apply(w, proj, **kw)
    return services.pass_decide(actor=w.dept_staff, pass_id=vp.pk, approve=True)


def test_signature_valid_altered_wrong_key_expired_revoked(world: Any, proj: Any) -> None:
    vp = approved(world, proj)
    today = timezone.localdate()
    token = services.pass_token(vp, KEY)
    assert selectors.pass_check(token, today=today, key=KEY).result == "valid"
    check = selectors.pass_check(token, today=today, key=KEY)
    assert (check.plate, check.valid_until) == ("川A12345", vp.valid_until)
    # altered field: another plate in the payload, old signature
    fields = signing.SignedFields(vp.pk, "川A99999", vp.valid_from, vp.valid_until)
    forged = signing.sign(fields, KEY).split(".")[0] + "." + token.split(".")[1]
    assert selectors.pass_check(forged, today=today, key=KEY).result == "invalid_signature"
    assert selectors.pass_check(token, today=today, key=b"x" * 32).result == "invalid_signature"
    assert selectors.pass_check("garbage", today=today, key=KEY).result == "invalid_signature"
    assert selectors.pass_check(token, today=vp.valid_until + timedelta(days=1), key=KEY).result == "expired"
    assert selectors.pass_check(token, today=vp.valid_from - timedelta(days=1), key=KEY).result == "not_yet_valid"
    # the record changed after printing (validity shortened): the old printout no longer matches
    VehiclePass.objects.filter(pk=vp.pk).update(valid_until=vp.valid_until - timedelta(days=10))
    assert selectors.pass_check(token, today=today, key=KEY).result == "altered"
    VehiclePass.objects.filter(pk=vp.pk).update(valid_until=vp.valid_until)
    services.pass_revoke(actor=world.dept_staff, pass_id=vp.pk, reason="车辆停用")
    assert selectors.pass_check(token, today=today, key=KEY).result == "revoked"
    pending = apply(world, proj, plate="川A77777")
    assert selectors.pass_check(services.pass_token(pending, KEY), today=today, key=KEY).result == "not_approved"


def test_decisions_and_their_rules(world: Any, proj: Any) -> None:
    vp = apply(world, proj)
    with pytest.raises(NotFound):  # the enterprise's contact sees it but may not decide: it is not theirs to change
        services.pass_decide(actor=world.cc_other, pass_id=vp.pk, approve=True)
    with pytest.raises(PermissionDenied):
        services.pass_decide(actor=world.contact_user, pass_id=vp.pk, approve=True)
    with pytest.raises(ValidationError):
        services.pass_decide(actor=world.dept_staff, pass_id=vp.pk, approve=False, reason=" ")
    services.pass_decide(actor=world.dept_staff, pass_id=vp.pk, approve=False, reason="线路不符")
    with pytest.raises(Conflict):
        services.pass_decide(actor=world.dept_staff, pass_id=vp.pk, approve=True)
    with pytest.raises(ValidationError) as exc:
        apply(world, proj, plate="1", valid_until=timezone.localdate() - timedelta(days=400),
              valid_from=timezone.localdate() - timedelta(days=401))
    assert {"plate", "valid_until"} <= set(exc.value.error_dict)
    with pytest.raises(PermissionDenied):  # the economic bureau sees the enterprise but does not act for it
        apply(world, proj, actor=world.bureau_staff)
    with pytest.raises(NotFound):  # a commissioner of another enterprise does not even see it
        apply(world, proj, actor=world.commissioner2)


def test_an_enterprise_sees_only_its_own_passes(world: Any, proj: Any) -> None:
    from qifu.core.testing.factories import ContactFactory, make_user

    mine = apply(world, proj)
    other_contact = make_user("enterprise_contact", None, username="other_contact")
    ContactFactory(enterprise=world.ent_lqy2, user=other_contact, name="Other")
    theirs = apply(world, proj, actor=other_contact, enterprise_id=world.ent_lqy2.pk, plate="川A54321")
    assert list(selectors.pass_list(user=world.contact_user)) == [mine]
    assert list(selectors.pass_list(user=other_contact)) == [theirs]
    assert set(selectors.pass_list(user=world.dept_staff)) == {mine, theirs}
    assert set(selectors.pass_list(user=world.team_member)) == {mine, theirs}  # the project's work team
    assert list(selectors.pass_list(user=world.cc_other)) == []


def test_public_check_page_shows_only_plate_and_validity(world: Any, proj: Any, client: Any, settings: Any) -> None:
    vp = approved(world, proj)
    url = f"/p/{services.pass_token(vp)}/"
    response = client.get(url)  # not signed in
    assert response.status_code == 200
    body = response.content.decode()
    assert "川A12345" in body and vp.valid_until.isoformat() in body
    for private in ("张师傅", "13800000000", world.ent_lqy.name, vp.number):
        assert private not in body
    assert response["Cache-Control"].startswith("max-age=0")
    assert "川A12345" not in client.get(url.replace("/p/", "/p/x")).content.decode()
    settings.QIFU_PASS_KEY = b"another server key"
    assert "川A12345" not in client.get(url).content.decode()


def test_printable_page_and_pdf(world: Any, proj: Any, client: Any) -> None:
    vp = approved(world, proj)
    client.force_login(world.contact_user)
    page = client.get(f"/passes/{vp.pk}/")
    assert page.status_code == 200 and b"<svg" in page.content
    assert "川A12345" in page.content.decode()
    pdf = client.get(f"/passes/{vp.pk}/pass.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    client.force_login(world.cc_other)
    assert client.get(f"/passes/{vp.pk}/pass.pdf").status_code == 404


def test_the_pdf_embeds_its_chinese_font_and_reads_back(world: Any, proj: Any, client: Any) -> None:
    """A checkpoint phone has no Chinese fonts of its own: the PDF must carry the glyphs it uses."""
    import io

    import pypdf
    from django.conf import settings

    assert settings.QIFU_PDF_FONT, "no CJK TrueType font found: apt-get install fonts-wqy-microhei (see README)"
    vp = approved(world, proj)
    client.force_login(world.contact_user)
    reader = pypdf.PdfReader(io.BytesIO(client.get(f"/passes/{vp.pk}/pass.pdf").content))
    (page,) = reader.pages
    fonts = [f.get_object() for f in page["/Resources"]["/Font"].values()]
    embedded = [f for f in fonts if "/FontDescriptor" in f and "/FontFile2" in f["/FontDescriptor"].get_object()]
    assert embedded, [f["/BaseFont"] for f in fonts]
    text = page.extract_text()
    for expected in ("川A12345", "通行证", vp.route, vp.number, f"{vp.valid_until:%Y-%m-%d}"):
        assert expected in text, (expected, text)
    assert "13800000000" not in text  # the driver's phone stays off the windscreen


def test_a_missing_pdf_font_is_reported_by_the_system_check(settings: Any) -> None:
    from qifu.projects import printing

    settings.QIFU_PDF_FONT = ""
    assert [m.id for m in printing.check_pdf_font()] == ["projects.W001"]


def test_api_flow(world: Any, proj: Any, client: Any) -> None:
    today = date.today()
    client.force_login(world.contact_user)
    body = {"project_id": proj.project.pk, "enterprise_id": world.ent_lqy.pk, "plate": "川A12345",
            "vehicle_type": "truck", "driver_name": "李", "route": "r", "purpose": "freight",
            "valid_from": today.isoformat(), "valid_until": (today + timedelta(days=3)).isoformat()}
    created = client.post("/api/v1/passes", body, content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    bad = client.post("/api/v1/passes", body | {"plate": "x"}, content_type="application/json")
    assert bad.status_code == 400 and "plate" in bad.json()["errors"]
    assert client.post(f"/api/v1/passes/{pk}/decision", {"approve": True},
                       content_type="application/json").status_code == 403  # the contact sees it, may not decide
    client.force_login(world.dept_staff)
    decided = client.post(f"/api/v1/passes/{pk}/decision", {"approve": True}, content_type="application/json")
    assert decided.status_code == 200 and decided.json()["qr_content"].startswith("http://testserver/p/")
    assert client.get("/api/v1/passes").json()["count"] == 1
