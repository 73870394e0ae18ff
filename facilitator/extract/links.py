"""Links: every URL in the channel, classified by what it points at, never fetched.

Classification reads only the URL (host and path), so it is deterministic and offline.
URLs are taken from the whole message text, code blocks included (a health-check URL in a
pasted log is still evidence), and from attachments. Trailing sentence punctuation and
unbalanced closing brackets are stripped: "see https://x/y." links to https://x/y.

Support requests (Zendesk, Freshdesk, Help Scout, Intercom, Jira Service Management, or
"ticket #1234" in prose) are also listed separately for the "support requests raised" part
of the post-mortem.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import urlsplit

from facilitator.extract.patterns import URL_RE
from facilitator.extract.signals import MessageSignals
from facilitator.extract.written import summary_of
from facilitator.findings import Link, LinkKind, SupportTicket
from facilitator.transcript import UnattributedLine

TRAILING = ".,:;!?'\"*_~"

# (kind, host regex, path regex, label) — first match wins, so specific rules come first.
_RULES: list[tuple[LinkKind, str, str, str]] = [
    ("ticket", r"zendesk\.com$", r"/(?:agent/)?tickets?/\d+|/requests?/\d+", "Zendesk"),
    ("ticket", r"freshdesk\.com$", r"/tickets?/\d+", "Freshdesk"),
    ("ticket", r"helpscout\.net$", r"/conversation/", "Help Scout"),
    ("ticket", r"intercom\.(?:com|io)$", r"/conversations?/", "Intercom"),
    ("ticket", r"", r"/servicedesk/customer/portal/|/jira/servicedesk/", "Jira Service Management"),
    ("ticket", r"", r"/browse/[A-Z][A-Z0-9_]+-\d+", "Jira"),
    ("ticket", r"linear\.app$", r"/issue/", "Linear"),
    ("ticket", r"shortcut\.com$|clubhouse\.io$", r"/story/", "Shortcut"),
    ("pull_request", r"github\.com$", r"/pull/\d+", "GitHub PR"),
    ("pull_request", r"gitlab\.", r"/-?/?merge_requests/\d+", "GitLab MR"),
    ("pull_request", r"bitbucket\.org$", r"/pull-requests/\d+", "Bitbucket PR"),
    ("commit", r"github\.com$|gitlab\.|bitbucket\.org$", r"/commits?/[0-9a-f]{7,40}", "commit"),
    ("ticket", r"github\.com$|gitlab\.", r"/issues/\d+", "issue"),
    ("image", r"", r"\.(?:png|jpe?g|gif|webp|svg|bmp)$", "image"),
    ("docs", r"docs\.google\.com$|drive\.google\.com$", r"", "Google Docs"),
    ("docs", r"notion\.so$|notion\.site$", r"", "Notion"),
    ("dashboard", r"grafana|datadoghq\.|app\.datadog|kibana|newrelic\.com$|honeycomb\.io$|signalfx|lightstep|chronosphere", r"", "dashboard"),
    ("dashboard", r"", r"/d/[\w-]+|/dashboards?/|/app/kibana|/goto/|/explore\b", "dashboard"),
    ("dashboard", r"console\.cloud\.google\.com$|console\.aws\.amazon\.com$|portal\.azure\.com$", r"/monitoring|/cloudwatch|/metrics", "cloud console"),
    ("dashboard", r"sentry\.io$|sentry\.", r"", "Sentry"),
    ("dashboard", r"prometheus|alertmanager|thanos", r"/graph|/alerts", "Prometheus"),
    ("alert", r"pagerduty\.com$", r"", "PagerDuty"),
    ("alert", r"opsgenie\.com$|app\.opsgenie", r"", "Opsgenie"),
    ("alert", r"victorops\.com$|incident\.io$|firehydrant\.", r"", "alerting"),
    ("status_page", r"^status\.|statuspage\.io$|status\.io$|instatus\.com$|statuspal\.", r"", "status page"),
    ("status_page", r"", r"/status(?:page)?(?:/|$)", "status page"),
    ("runbook", r"", r"(?i:runbook|playbook|run-book|procedure|/sop\b)", "runbook"),
    ("docs", r"atlassian\.net$|confluence", r"/wiki/|/display/|/pages/", "Confluence"),
    ("docs", r"github\.com$|gitlab\.", r"/wiki|/blob/.*\.(?:md|rst|txt)$|/tree/", "repository docs"),
    ("docs", r"^docs\.|readthedocs\.|^wiki\.", r"", "docs"),
    ("slack", r"slack\.com$", r"/archives/|/messages/", "Slack"),
    ("chat", r"zulipchat\.com$|^zulip\.", r"", "Zulip"),
    ("chat", r"", r"/#narrow/", "Zulip"),
    ("chat", r"^matrix\.to$|^(?:app\.)?element\.io$|^view\.matrix\.org$|^matrix\.", r"", "Matrix"),
    ("chat", r"^discourse\.|^discuss\.|^forum\.|^community\.", r"/t/", "Discourse"),
    ("chat", r"gitter\.im$", r"", "Gitter"),
    ("chat", r"discord(?:app)?\.com$", r"", "Discord"),
    ("chat", r"teams\.microsoft\.com$", r"", "Teams"),
    ("chat", r"mattermost", r"", "Mattermost"),
    ("image", r"^(?:i\.)?imgur\.com$|files\.slack\.com$|gyazo\.com$", r"", "image"),
]
_COMPILED = [
    (kind, re.compile(host, re.I) if host else None, re.compile(path, re.I) if path else None, label)
    for kind, host, path, label in _RULES
]
_JIRA_KEY_RE = re.compile(r"/browse/([A-Z][A-Z0-9_]+-\d+)")
_SUPPORT_HOST_RE = re.compile(r"zendesk|freshdesk|helpscout|intercom|servicedesk|/requests?/\d+", re.I)
_SUPPORT_KEY_RE = re.compile(r"^(?:SUP|SUPPORT|CS|CST|HELP|HD|SD|ZD|TICKET|CUS|CUST)-\d+$", re.I)
SUPPORT_TEXT_RE = re.compile(
    r"\b(?:(?:support|zendesk|customer|freshdesk|help ?desk|zd)\s+(?:ticket|request|case)s?\s*#?\s*(\d{3,})"
    r"|ticket\s+#(\d{3,})|\bZD-?#?(\d{3,}))",
    re.I,
)

# Case or ticket numbers listed bare: "cases 03318841, 03318857 and 03318902", "tickets: #48213, #48217"
_CASE_LIST_RE = re.compile(r"\b(?:cases?|tickets?)\s*:?\s*#?\d{5,}(?:\s*(?:,|and|&|\+)\s*#?\d{5,})*", re.I)


def clean_url(raw: str) -> str:
    """A URL without the sentence punctuation or unbalanced brackets that followed it."""
    url = raw
    while url:
        if url[-1] in TRAILING:
            url = url[:-1]
        elif url[-1] == ")" and url.count("(") < url.count(")"):
            url = url[:-1]
        elif url[-1] == ">":
            url = url[:-1]
        else:
            break
    return url


@lru_cache(maxsize=4096)
def _rules_for_host(host: str) -> tuple[tuple[LinkKind, re.Pattern[str] | None, str], ...]:
    """The rules whose host part accepts ``host``, in order (a channel links to few hosts)."""
    return tuple(
        (kind, path_re, label) for kind, host_re, path_re, label in _COMPILED if host_re is None or host_re.search(host)
    )


def classify(url: str) -> tuple[LinkKind, str]:
    """(kind, label) for a URL, from its host and path only."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "other", ""
    host = (parts.hostname or "").lower()
    path = parts.path or ""
    for kind, path_re, label in _rules_for_host(host):
        if path_re is not None and not path_re.search(path):
            continue
        if label == "Jira" and (key := _JIRA_KEY_RE.search(path)):
            label = f"Jira {key.group(1)}"
        return kind, label
    return "other", host


def find_links(
    sigs: list[MessageSignals], preamble: Iterable[UnattributedLine] = ()
) -> tuple[list[Link], list[SupportTicket]]:
    """Every URL in order of first appearance, with all the messages that cite it.

    Lines the loader could not attach to a message (a pasted report's header, "Dashboards:
    <url>" above the timeline) still hold evidence: their URLs come first, citing no
    message, since no message said them.
    """
    links: dict[str, Link] = {}
    tickets: dict[str, SupportTicket] = {}
    for line in preamble:
        text = line.text or ""
        if "://" not in text:
            continue
        for match in URL_RE.finditer(text):
            url = clean_url(match.group(0))
            if "://" in url and url not in links:
                kind, label = classify(url)
                links[url] = Link(url=url, kind=kind, label=label)
    for sig in sigs:
        message = sig.message
        text = message.text or ""
        urls = [clean_url(m.group(0)) for m in URL_RE.finditer(text)] if "://" in text else []
        if message.attachments:
            urls += [a.url for a in message.attachments if a.url and not a.local_path.startswith("/")]
        for url in urls:
            if not url or "://" not in url:
                continue
            link = links.get(url)
            if link is None:
                kind, label = classify(url)
                link = links[url] = Link(url=url, kind=kind, label=label)
            if message.id not in link.message_ids:
                link.message_ids.append(message.id)
            if link.kind == "ticket" and _is_support(url, link.label):
                ref = link.label if link.label.startswith("Jira ") else url
                ticket = tickets.setdefault(url, SupportTicket(ref=ref, url=url, summary=_summary(sig)))
                if message.id not in ticket.message_ids:
                    ticket.message_ids.append(message.id)
        lower = sig.prep.lower
        if "ticket" not in lower and "zd" not in lower and "request" not in lower and "case" not in lower:
            continue
        numbers = [next(g for g in match.groups() if g) for match in SUPPORT_TEXT_RE.finditer(sig.prep.prose)]
        for listed in _CASE_LIST_RE.finditer(sig.prep.prose):  # "cases 03318841, 03318857, 03318902"
            numbers += re.findall(r"\d{5,}", listed.group(0))
        # a message that only lists the numbers says nothing more of each
        summary = _summary(sig) if len(_CASE_LIST_RE.sub(" ", sig.prep.prose).split()) >= 3 else ""
        for number in dict.fromkeys(numbers):
            ref = f"#{number}"
            if any(number in key for key in tickets):
                continue
            ticket = tickets.setdefault(ref, SupportTicket(ref=ref, summary=summary))
            if message.id not in ticket.message_ids:
                ticket.message_ids.append(message.id)
    return list(links.values()), list(tickets.values())


def _is_support(url: str, label: str) -> bool:
    if _SUPPORT_HOST_RE.search(url):
        return True
    key = label.removeprefix("Jira ")
    return bool(_SUPPORT_KEY_RE.match(key))


def _summary(sig: MessageSignals) -> str:
    return summary_of(sig.message.text)
