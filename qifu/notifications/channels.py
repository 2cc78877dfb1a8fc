"""What a message looks like on each channel, and how it is sent: email through Django's mail backend,
webhooks as a JSON POST (WeCom and DingTalk group robots take markdown messages).

Payloads are built once, when the notice is created (in the platform's language), and stored on the
delivery, so a retry sends exactly what the first attempt sent. Only DingTalk's signature, which depends
on the time of sending, is added at sending time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.utils.translation import gettext as _

from .choices import WebhookKind

WEBHOOK_TIMEOUT = 5  # seconds
# WeCom refuses markdown content over 4096 bytes; keep DingTalk messages as short.
MAX_MARKDOWN_BYTES = 4000
MAX_ANSWER_BYTES = 64 * 1024


class DeliveryError(Exception):
    """The channel did not take the message (network error, HTTP error, or errcode ≠ 0)."""


def base_url() -> str:
    return str(getattr(settings, "QIFU_BASE_URL", "http://127.0.0.1:8000") or "").rstrip("/")


def absolute_link(link: str) -> str:
    """The link as a full URL for messages read outside the site ("" when there is no link)."""
    if not link or link.startswith(("http://", "https://")):
        return link
    base = base_url()
    if not base:
        return ""
    return base + (link if link.startswith("/") else "/" + link)


def _truncate(text: str, limit: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[: limit - 3].decode("utf-8", "ignore") + "…"


def _one_line(text: str) -> str:
    return " ".join(text.split())


# --- payloads (call inside translation.override of the platform language) ---------------------------


def email_payload(*, title: str, body: str, link: str) -> dict[str, str]:
    url = absolute_link(link)
    text = body
    if url:
        text = f"{text}\n\n{_('View details')}: {url}" if text else url
    return {"subject": _one_line(title)[:200], "body": text}


def wecom_payload(*, title: str, body: str, link: str) -> dict[str, Any]:
    """A WeCom group robot markdown message: {"msgtype": "markdown", "markdown": {"content": …}}."""
    lines = [f"**{_one_line(title)}**"]
    if body:
        lines.append(body)
    url = absolute_link(link)
    if url:
        lines.append(f"[{_('View details')}]({url})")
    return {"msgtype": "markdown", "markdown": {"content": _truncate("\n".join(lines), MAX_MARKDOWN_BYTES)}}


def dingtalk_payload(*, title: str, body: str, link: str) -> dict[str, Any]:
    """A DingTalk group robot markdown message: {"msgtype": "markdown", "markdown": {"title", "text"}}."""
    heading = _one_line(title)
    parts = [f"#### {heading}"]
    if body:
        # DingTalk's markdown needs a blank line (or two trailing spaces) to break a line.
        parts.append(body.replace("\n", "  \n"))
    url = absolute_link(link)
    if url:
        parts.append(f"[{_('View details')}]({url})")
    text = _truncate("\n\n".join(parts), MAX_MARKDOWN_BYTES)
    return {"msgtype": "markdown", "markdown": {"title": heading[:64], "text": text}}


def generic_payload(*, code: str, title: str, body: str, link: str) -> dict[str, Any]:
    return {"code": code, "title": title, "text": body, "link": absolute_link(link)}


def webhook_payload(*, kind: str, code: str, title: str, body: str, link: str) -> dict[str, Any]:
    if kind == WebhookKind.WECOM:
        return wecom_payload(title=title, body=body, link=link)
    if kind == WebhookKind.DINGTALK:
        return dingtalk_payload(title=title, body=body, link=link)
    return generic_payload(code=code, title=title, body=body, link=link)


# --- signing ---------------------------------------------------------------------------------------


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's robot signature: base64(HMAC-SHA256(key=secret, "timestamp\\nsecret"))."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int | None = None) -> str:
    """The robot URL with ``timestamp`` (ms) and ``sign`` query parameters added (URL-encoded)."""
    ts = timestamp_ms if timestamp_ms is not None else int(time.time() * 1000)
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in ("timestamp", "sign")]
    query += [("timestamp", str(ts)), ("sign", dingtalk_sign(secret, ts))]
    return urlunsplit(parts._replace(query=urlencode(query)))


def generic_signature(secret: str, timestamp: int, body: bytes) -> str:
    """For generic webhooks: hex HMAC-SHA256 of "timestamp." + body, sent as X-Qifu-Signature."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


# --- sending ---------------------------------------------------------------------------------------


def send_email(*, address: str, payload: dict[str, Any]) -> None:
    if not address:
        raise DeliveryError("no email address")
    # SMTP waits forever by default; a worker must not hang on a dead mail server.
    connection = get_connection(timeout=getattr(settings, "EMAIL_TIMEOUT", None) or 30)
    send_mail(
        payload.get("subject", ""), payload.get("body", ""), None, [address], connection=connection
    )


def post_json(url: str, body: bytes, headers: dict[str, str], timeout: float = WEBHOOK_TIMEOUT) -> bytes:
    """POST ``body`` as JSON; the answer's body, or DeliveryError on a network or HTTP error."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise DeliveryError("the webhook URL must start with http:// or https://")
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url, data=body, method="POST", headers={"Content-Type": "application/json; charset=utf-8", **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (scheme checked above)
            return response.read(MAX_ANSWER_BYTES)
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise DeliveryError(f"cannot reach the webhook: {exc.reason}") from None
    except (TimeoutError, OSError) as exc:
        raise DeliveryError(f"cannot reach the webhook: {exc}") from None


def _check_robot_answer(answer: bytes) -> None:
    """WeCom and DingTalk answer HTTP 200 with {"errcode": 0, "errmsg": "ok"}; anything else failed."""
    try:
        data = json.loads(answer.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise DeliveryError(f"unexpected answer: {answer[:200]!r}") from None
    if not isinstance(data, dict) or data.get("errcode") != 0:
        errcode = data.get("errcode") if isinstance(data, dict) else None
        errmsg = data.get("errmsg", "") if isinstance(data, dict) else ""
        raise DeliveryError(f"errcode {errcode}: {errmsg}".strip())


def send_webhook(*, kind: str, url: str, secret: str, payload: dict[str, Any]) -> None:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    headers: dict[str, str] = {}
    if kind == WebhookKind.DINGTALK and secret:
        url = dingtalk_signed_url(url, secret)
    elif kind == WebhookKind.GENERIC and secret:
        ts = int(time.time())
        headers = {"X-Qifu-Timestamp": str(ts), "X-Qifu-Signature": generic_signature(secret, ts, body)}
    answer = post_json(url, body, headers)
    if kind in (WebhookKind.WECOM, WebhookKind.DINGTALK):
        _check_robot_answer(answer)
