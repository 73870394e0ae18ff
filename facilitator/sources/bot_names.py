"""Who is a bot by name alone: monitors, pagers, status pages, CI and deploy tools, and an
incident tool's own events written where a speaker would be ("Status page update (Resolved)")."""

from __future__ import annotations

import re

# Help desks that post their customers' tickets into the channel (also how a relayed report is told apart)
HELP_DESKS = r"zendesk|freshdesk|intercom|help\s*scout|kustomer|gorgias|pylon"

_BOT_NAMES = re.compile(
    r"(?:\bbot\b|^\S*bot$|^(?:datadog|pagerduty|opsgenie|grafana(?:\s+on-?call)?|alertmanager|prometheus|sentry|statuspage|"
    r"github|gitlab|jira|jenkins|circleci|new relic|newrelic|victorops|splunk|incident\.io|firehydrant|rootly|"
    r"pingdom|uptimerobot|uptime robot|uptime[\s-]kuma|better uptime|betteruptime|better stack|betterstack|updown(?:\.io)?|statuscake|"
    r"nagios|icinga|zabbix|mackerel|checkly|honeybadger|hoptoad|airbrake|errbit|raygun|appsignal|glitchtip|exceptionless|rollbar|bugsnag|cloudwatch|stackdriver|squadcast|zenduty|"
    r"spike\.sh|ilert|site24x7|freshping|hetrixtools|statusgator|instatus|heartbeat|azure\s+monitor|(?:\w+\s+)?monitoring|"
    r"spinnaker|atlantis|spacelift|terraform\s+cloud|renovate|dependabot|snyk|argo(?:\s*cd)?|argocd|flux(?:cd)?|octopus(?:\s+deploy)?|harness|buildkite|travis(?:\s+ci)?|teamcity|bamboo|drone|heroku|"
    r"(?:aws\s+)?code(?:deploy|build|pipeline)|cloudformation|ansible(?:\s+tower)?|awx|puppet|github\s+actions|vercel|netlify|"
    # chat apps' own accounts: Rocket.Chat's rocket.cat, Teams' Workflows, Bitbucket's pipelines
    r"rocket\.cat|workflows|power\s+automate|bitbucket(?:\s+pipelines)?|"
    # a social account relayed into the room: "Twitter\t@unfuddle: All accounts are available again"
    r"twitter|mastodon|"
    # help desks and trackers posting their tickets into the channel
    rf"{HELP_DESKS}|servicenow|salesforce|hubspot|linear|asana|trello|shortcut|azure\s+devops|"
    # a ticketing tool's own entries: ServiceNow's "System" and "Event Management"
    r"system|event\s+management|"
    # Microsoft's incident tool writing its own state changes: "IcM | State change | New -> Active"
    r"icm)$"
    # an incident tool's own events, written where a speaker would be: "Status page update (Resolved): ..."
    r"|,?\s+app$"  # Google Chat marks an app after its name: "PagerDuty, App", "Uptime Kuma App"
    r"|\s*\((?:app|bot|integration|workflows?|via\s+[^)]*)\)$"  # Teams: "Fire Fire (app)", "Sentry (via Workflows)", "Datadog (Workflows)"
    r"|\balarms?\b"  # no person is named for an alarm: "NMS Alarm Bridge", "Alarm Relay"
    # "fm-monitor", "polkadot-watchdog", "chain-watch", "TweetRelay", "e2e-probes", "linkchecker", "cometalert", "promote-cron"
    r"|^\S*(?:monitor|watchdog|watch|relay|probes?|checker|alerts?)$|^(?:\S*[_.-])?cron$"
    # a tool's account named for its job, joined with a hyphen: "gh-actions", "soleur-agent", "nic-advisory"
    r"|^gh-\S+$|^\S+[_-](?:agent|advisory|advisories|issues|actions|ci)$"
    # a feed named for what it posts: "IcM Alerts", "Service Health", "Clever Cloud Status", "Prod Deploys", "GWDG News",
    # "Synthetic Monitor"
    r"|[\s_-](?:alerts?|alerting|status|health|notifications?|notifier|deploys?|deployments?|help\s*desk|service\s*desk|news|announcements?|sync|relay|monitors?|"
    r"synthetics?|feeds?)$|[_-]checks$|^[a-z]+status$"  # "Datadog Synthetics", "Solana Status Feed", "uptime-checks"
    r"|^(?:it\s+)?(?:help|service)\s*desk$"  # a desk writing as itself: "Help Desk", "IT Service Desk"
    r"|^(?:alerts?(?:\s+(?:fired|created))?|pinned|acknowledged|closed|reopened|priority\s+(?:raised|lowered|changed|updated)|escalat\w*|notified|triggered|(?:re)?assigned|snoozed|delegated|status\s+changed|severity\s+changed|incident\s+declared|"
    r"status\s*page(?:\s+update)?|role\s+assigned|follow-?ups?\s+(?:created|added)|milestone(?:\s+changed)?|"
    r"tasks?\s+(?:added|created|completed)|notes?\s+added|meeting\s+(?:started|ended)|responders?\s+(?:added|removed|requested)|decisions?\s+(?:logged|made)|actions?\s+(?:completed|logged|added)|"
    r"(?-i:via)\s)\b)",
    re.IGNORECASE,
)


# A Matrix ID, "@pagerbot:matrix.org": its local part's characters, and the whole ID
MXID_LOCAL = r"[\w.=/+-]"
MXID_BODY = rf"{MXID_LOCAL}+:[\w.-]+"  # what follows the "@"
MXID = rf"@{MXID_BODY}"
_MXID_RE = re.compile(rf"^{MXID}$")


def is_matrix_id(name: str) -> bool:
    """True for a whole Matrix ID ("@simon:acurast.chat"), which keeps its "@" wherever a nick loses it."""
    return _MXID_RE.match(name) is not None


def is_bot_name(name: str) -> bool:
    """Monitoring and chat-ops bots by name: Datadog, PagerDuty, anything ending in 'bot'
    (a Matrix ID by its local part)."""
    name = name.strip()
    if is_matrix_id(name):
        name = name[1:].split(":", 1)[0]
    return bool(name) and bool(_BOT_NAMES.search(name))
