"""A small Teracron client written from PROTOCOL.md, sending as the Python SDK v0.6.1 does.

Reads only the environment (TERACRON_API_KEY in the older SLUG:PEM format, TERACRON_DOMAIN,
TERACRON_ALLOW_CUSTOM_DOMAIN, REQUESTS_CA_BUNDLE via requests), speaks HTTPS only, sends no
X-Project-Mode, and posts metrics to /api/ingest and traces and events to /v1/traces and
/v1/events. Prints one JSON line: the status of each request and the ids it sent.
Needs the Debian packages python3-cryptography and python3-requests.
"""
import base64
import json
import os
import re
import sys
import time
import uuid

import requests
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

SLUG = re.compile(r"^[a-z]+-[a-z]+-[0-9]{3}$")


def decode_key(key):
    key = key.strip()
    if not key.startswith("tcn_"):
        raise ValueError("key must start with tcn_")
    rest = key[4:]
    payload = base64.urlsafe_b64decode(rest + "=" * (-len(rest) % 4)).decode("utf-8")
    slug, pem = payload.split(":", 1)
    if not SLUG.match(slug):
        raise ValueError("invalid slug component: %r" % slug)
    return slug, pem


def origin_of(domain):
    domain = domain.strip()
    for prefix in ("https://", "http://"):
        if domain.startswith(prefix):
            domain = domain[len(prefix):]
    domain = domain.split("/", 1)[0] or "www.teracron.com"
    host = domain.split(":", 1)[0].lower()
    custom = os.environ.get("TERACRON_ALLOW_CUSTOM_DOMAIN", "").lower() in ("1", "true", "yes")
    if not (host == "teracron.com" or host.endswith(".teracron.com") or custom):
        raise ValueError("custom domain %s needs TERACRON_ALLOW_CUSTOM_DOMAIN=1" % host)
    return "https://" + domain


def seal(plaintext, public_key):
    aes_key = AESGCM.generate_key(bit_length=256)
    iv = os.urandom(12)
    sealed = AESGCM(aes_key).encrypt(iv, plaintext, None)
    ciphertext, tag = sealed[:-16], sealed[-16:]
    wrapped = public_key.encrypt(aes_key, padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None))
    assert len(wrapped) == 512
    return wrapped + iv + tag + ciphertext


def varint(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def field(number, value):
    return varint(number << 3) + varint(value) if value else b""


def text(number, value):
    data = value.encode("utf-8")
    return varint((number << 3) | 2) + varint(len(data)) + data if data else b""


def metrics_batch(samples):
    out = b""
    for sample in samples:
        entry = b"".join(field(i + 1, sample[name]) for i, name in enumerate(("timestamp", "heap_total", "heap_used", "rss", "external", "array_buffers", "cpu_usage_pct", "event_loop_lag")))
        out += varint((1 << 3) | 2) + varint(len(entry)) + entry
    return out + text(2, "0.6.1") + text(3, "3.11.7")


def main():
    slug, pem = decode_key(os.environ["TERACRON_API_KEY"])
    public_key = serialization.load_pem_public_key(pem.encode("ascii"))
    origin = origin_of(os.environ.get("TERACRON_DOMAIN", ""))
    session = requests.Session()
    headers = {"Content-Type": "application/octet-stream", "X-Project-Slug": slug, "User-Agent": "teracron-sdk-python/0.6.1 python/3.11.7"}

    def post(path, plaintext):
        response = session.post(origin + path, data=seal(plaintext, public_key), headers=headers, timeout=10, allow_redirects=False)
        return response.status_code

    now = int(time.time() * 1000)
    samples = [{"timestamp": now - 10000 + i * 5000, "heap_total": 80000000, "heap_used": 60000000, "rss": 90000000 + i * 1000000, "external": 0, "array_buffers": 0, "cpu_usage_pct": 1250, "event_loop_lag": 0} for i in range(2)]
    trace_id, root_id, child_id = uuid.uuid4().hex, uuid.uuid4().hex, uuid.uuid4().hex
    base = {"trace_id": trace_id, "workflow": "python-checkout", "status": "succeeded", "error_type": None, "error_message": None, "metadata": None, "captured_params": None}
    spans = [
        dict(base, span_id=child_id, parent_span_id=root_id, operation="PaymentService.charge_card", started_at=now - 40, duration_ms=12.5),
        dict(base, span_id=root_id, parent_span_id=None, operation="POST /orders", started_at=now - 50, duration_ms=30.25, metadata={"http.status_code": 201}),
    ]
    events = [{"type": "workflow_completed", "workflow": "python-checkout", "trace_id": trace_id, "span_id": root_id, "operation": "POST /orders", "severity": "info", "timestamp": now, "metadata": {"duration_ms": 30.25}}]
    compact = lambda value: json.dumps(value, separators=(",", ":")).encode("utf-8")
    statuses = {
        "metrics": post("/api/ingest", metrics_batch(samples)),
        "traces": post("/v1/traces", compact({"type": "trace", "project_slug": slug, "spans": spans})),
        "events": post("/v1/events", compact({"type": "event", "project_slug": slug, "events": events})),
    }
    print(json.dumps({"statuses": statuses, "trace_id": trace_id, "slug": slug}))
    return 0 if all(status == 202 for status in statuses.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
