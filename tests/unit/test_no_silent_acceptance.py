"""Credentials in URLs never shown, and options that cannot apply are errors, not ignored."""

from __future__ import annotations

import httpx2 as httpx
import pytest

from facilitator.cli import main
from facilitator.config import Settings
from facilitator.errors import PublishError, UserError, strip_userinfo
from facilitator.publish import confluence
from tests.servers.loopback import closed_port

SECRET = "CONFURLSECRET9"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("at https://u:p4ss@h.example/wiki now", "at https://h.example/wiki now"),
        ("at http://tok3n@h.example/", "at http://h.example/"),
        ("Could not reach Confluence at u:" + SECRET + "@127.0.0.1:8080 while", "Could not reach Confluence at 127.0.0.1:8080 while"),
        ("redis://:pw123456@cache-1.internal:6379/0", "redis://cache-1.internal:6379/0"),
    ],
)
def test_userinfo_is_removed_from_urls_and_hosts(text, shown):
    assert strip_userinfo(text) == shown


@pytest.mark.parametrize("text", ["mail alice@acme.test", "mailto:alice@acme.test", "at 10:30 @alice said", "a@b"])
def test_emails_and_mentions_are_left_alone(text):
    assert strip_userinfo(text) == text


def test_every_error_message_drops_userinfo():
    assert SECRET not in str(UserError(f"The proxy http://me:{SECRET}@proxy.example:3128 refused"))


def test_unreachable_confluence_with_credentials_in_its_url_shows_only_the_host(monkeypatch):
    monkeypatch.setattr(confluence, "RETRY_BACKOFF", 0.01)
    url = f"http://u:{SECRET}@127.0.0.1:{closed_port()}/wiki"
    settings = Settings(confluence={"url": url, "email": "a@b.c", "token": "t", "space": "OPS", "parent_page_id": "1"})
    with pytest.raises(PublishError) as err:
        confluence.publish_page(settings, "[2024-12-03] X", "<p>x</p>", 2024)
    assert SECRET not in str(err.value) and "u:" not in str(err.value) and "127.0.0.1" in str(err.value)
    with pytest.raises(PublishError) as err:
        confluence.check_url(f"ftp://u:{SECRET}@wiki.example", confluence.CONFLUENCE_URL_SETTING)
    assert SECRET not in str(err.value)


def test_anthropic_base_url_credentials_are_not_echoed():
    import anthropic

    from facilitator.llm.client import check_base_url, to_llm_error

    settings = Settings(llm={"base_url": f"https://gw:{SECRET}@llm-gateway.example/v1", "api_key": "sk-ant-test-000000"})
    request = httpx.Request("POST", "https://llm-gateway.example/v1/messages")
    message = str(to_llm_error(anthropic.APIConnectionError(request=request), settings))
    assert "llm-gateway.example" in message and SECRET not in message and "gw:" not in message
    bad = Settings(llm={"base_url": f"ftp://gw:{SECRET}@llm-gateway.example"})
    with pytest.raises(UserError) as err:
        check_base_url(bad)
    assert SECRET not in str(err.value)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["extract", "--demo", "--date", "yesterday"], "--date only applies to --transcript"),
        (["extract", "--demo", "--date", "2024-12-03"], "--date only applies to --transcript"),
        (["extract", "--demo", "--channel", "general"], "--channel only applies with --slack-export"),
        (["draft", "--demo", "--date", "2024-12-03", "--out", "x"], "--date only applies to --transcript"),
    ],
)
def test_an_option_the_source_cannot_use_is_an_error(args, words, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and words in err[0]


def test_options_that_apply_are_still_accepted(tmp_path, capsys):
    chat = tmp_path / "chat.txt"
    chat.write_text("[10:30] Alice: checkout is failing\n[10:40] Bob: rolled back\n", encoding="utf-8")
    assert main(["extract", "--transcript", str(chat), "--date", "2024-12-03"]) == 0
    assert main(["extract", "--demo", "--since", "2024-12-03T13:00:00Z"]) == 0
