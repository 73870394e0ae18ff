"""The command line: names, --version/--help everywhere, one-sentence errors."""

from __future__ import annotations

import pytest

from facilitator import __version__
from facilitator.cli import build_parser, main

SUBCOMMANDS = ["interview", "extract", "draft", "sessions", "init", "render", "publish"]


@pytest.mark.parametrize("argv", [["--version"]] + [[c, "--version"] for c in SUBCOMMANDS])
def test_version_on_every_command(argv, capsys):
    try:
        code = main(argv)
    except SystemExit as exit_:
        code = exit_.code
    assert code == 0
    assert capsys.readouterr().out.strip() == f"facilitator {__version__}"


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_help_on_every_command(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    assert f"facilitator {command}" in capsys.readouterr().out


def test_source_options_are_shared_and_exclusive(capsys):
    parser = build_parser()
    args = parser.parse_args(["extract", "--demo", "--tz", "Europe/Berlin", "--since", "2024-12-03T10:00"])
    assert args.demo and args.tz == "Europe/Berlin" and args.since == "2024-12-03T10:00"
    with pytest.raises(SystemExit):
        parser.parse_args(["extract", "--demo", "--transcript", "x.txt"])
    assert "not allowed with" in capsys.readouterr().err


def test_render_version_picks_document():
    args = build_parser().parse_args(["render", "s1", "--version", "external", "--format", "confluence"])
    assert (args.session, args.doc_version, args.format) == ("s1", "external", "confluence")


def test_unknown_timezone_is_one_sentence(capsys):
    code = main(["extract", "--demo", "--tz", "Mars/Olympus"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "Mars/Olympus" in err and "Traceback" not in err


def test_missing_transcript_file_is_one_sentence(tmp_path, capsys):
    missing = tmp_path / "nope.txt"
    code = main(["extract", "--transcript", str(missing)])
    err = capsys.readouterr().err
    assert code == 2
    assert "nope.txt" in err and err.count("\n") == 1


def test_channel_without_export_is_explained(capsys):
    code = main(["interview", "--channel", "inc-1", "--plain"])
    assert code == 2
    assert "--slack-export" in capsys.readouterr().err
