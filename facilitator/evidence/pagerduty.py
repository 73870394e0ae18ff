"""PagerDuty incident log entries fetched by incident id, through PagerDuty's own ``pagerduty`` client.

The ``pagerduty`` package (the successor of ``pdpyras``, kept by PagerDuty) pages
``/incidents/{id}/log_entries`` for us and retries 429s with a growing pause; we bound the
retries so a throttled account is one sentence rather than a long wait. The rows are the same
as an exported log (``files.pagerduty_rows``).
"""

from __future__ import annotations

import logging
import re
from typing import Any
from zoneinfo import ZoneInfo

from facilitator.config import Settings
from facilitator.errors import UserError
from facilitator.evidence.files import pagerduty_rows
from facilitator.evidence.model import EvidenceRow

MAX_429_RETRIES = 3
INCIDENT_ID_RE = re.compile(r"^[A-Z0-9]{5,20}$")


class PagerDutyError(UserError):
    """PagerDuty refused or could not be reached."""

    title = "PagerDuty"


def make_pagerduty(settings: Settings, pause: float = 1.5, verify: Any = True):
    """A REST API v2 client for the configured region; PagerDutyError when there is no token.

    ``verify`` is passed to the HTTP client (an ``ssl.SSLContext`` trusting a private CA).
    """
    import pagerduty

    token = settings.pagerduty.token.get_secret_value() if settings.pagerduty.token else ""
    if not token:
        raise PagerDutyError("No PagerDuty token; set PAGERDUTY_TOKEN to a read-only REST API key, or export the incident's log entries to a file.")
    base = settings.pagerduty.api_url.rstrip("/")
    if not base.startswith("https://"):
        raise PagerDutyError(f"The pagerduty.api_url value '{base[:80]}' is not an https:// URL; PagerDuty's API is only served over HTTPS.")
    client = pagerduty.RestApiV2Client(token, base_url=base, verify=verify)
    client.retry[429] = MAX_429_RETRIES
    client.sleep_timer = pause
    client.max_network_attempts = 2
    # The client logs each retry on its own logger; the outcome reaches the user as one sentence.
    logging.getLogger("pagerduty").setLevel(logging.ERROR)
    return client


def fetch_incident_rows(settings: Settings, incident_id: str, tz: str, client=None) -> list[EvidenceRow]:
    """The log entries of one incident as rows; PagerDutyError with one sentence on failure."""
    import pagerduty

    if not INCIDENT_ID_RE.match(incident_id):
        raise PagerDutyError(f"'{incident_id}' is not a PagerDuty incident id; use the id from the incident's URL, e.g. Q1ABC2DEF3GHI.")
    client = client or make_pagerduty(settings)
    where = settings.pagerduty.api_url
    try:
        entries = list(client.iter_all(f"incidents/{incident_id}/log_entries", params={"is_overview": "false", "include[]": ["channels"]}))
    except pagerduty.HttpError as exc:
        code = exc.response.status_code if exc.response is not None else 0
        if code == 401:
            raise PagerDutyError(f"PagerDuty at {where} refused the API key (401); check PAGERDUTY_TOKEN and the service region.") from None
        if code == 404:
            raise PagerDutyError(f"PagerDuty has no incident {incident_id} (404), or the API key cannot see it.") from None
        if code == 429:
            raise PagerDutyError("PagerDuty kept answering 'too many requests' (429); try again in a minute.") from None
        raise PagerDutyError(f"PagerDuty at {where} answered {code} for incident {incident_id}; try again later.") from None
    except pagerduty.Error:
        raise PagerDutyError(f"PagerDuty at {where} could not be reached for incident {incident_id}; check pagerduty.api_url and the network.") from None
    rows = pagerduty_rows(entries, ZoneInfo(tz or "UTC"))
    for row in rows:
        row.origin = f"PagerDuty API, incident {incident_id}"
    return rows
