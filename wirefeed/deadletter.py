"""Dead letters: what wirefeed could not take, with the reason and the untouched original."""
from __future__ import annotations

import base64
import json
from datetime import datetime, timezone

SCHEMA_ID = "wirefeed.deadletter/v1"


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def dead_letter(stage: str, reason: str, payload, *, error_type: str = "Rejected", item_id: str | None = None,
                source: str | None = None) -> dict:
    """Bytes that are not UTF-8 are kept as base64, text that is not JSON as text: nothing is lost."""
    encoding = "json"
    if isinstance(payload, (bytes, bytearray)):
        try:
            payload = json.loads(payload.decode("utf-8"))
        except UnicodeDecodeError:
            payload, encoding = base64.b64encode(bytes(payload)).decode("ascii"), "base64"
        except ValueError:
            payload, encoding = payload.decode("utf-8"), "text"
    return {
        "schema": SCHEMA_ID,
        "stage": stage,
        "reason": reason,
        "error_type": error_type,
        "item_id": item_id,
        "source": source,
        "payload": payload,
        "payload_encoding": encoding,
        "at": now_iso(),
    }
