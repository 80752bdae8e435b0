"""End-to-end tests of ``nextadvance decide``, ``explain`` and ``schema`` via the typer app."""

from __future__ import annotations

import json
import re
from itertools import pairwise
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nextadvance.sync import cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples" / "deals.jsonl"
NOW = "2026-11-23T12:00:00Z"


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    """A CliRunner for the app (its command list is explicit in ``cli._app``)."""
    return CliRunner()


def test_decide_examples_prints_one_decision_per_deal(runner: CliRunner) -> None:
    """The README's main command decides every shipped example deal and exits 0."""
    result = runner.invoke(cli.app, ["decide", "--input", str(EXAMPLES), "--now", NOW])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    ids = [json.loads(line)["id"] for line in EXAMPLES.read_text().splitlines() if line.strip()]
    assert [d["deal_id"] for d in lines] == ids
    verdicts = {d["next_step_check"]["verdict"] for d in lines}
    assert {"advance", "vague", "seller_action", "unrealistic_for_stage"} <= verdicts
    assert any(d["momentum"]["parked"] and d["priority"] == 0 for d in lines)
    assert any(d["stage_gap"] for d in lines) and any(d["momentum"]["stalled"] for d in lines)


def test_decide_bad_lines_are_reported_with_line_numbers_and_exit_1(
    runner: CliRunner, tmp_path: Path
) -> None:
    """Invalid JSON, a missing field and an unknown stage are skipped, named and counted."""
    good = EXAMPLES.read_text().splitlines()[0]
    bad = tmp_path / "deals.jsonl"
    bad.write_text(
        "\n".join(
            [
                good,
                "{not json",
                json.dumps({"id": "X", "stage": "discovery"}),
                json.dumps({"id": "Y", "stage": "discovry", "created_at": "2026-11-01T00:00:00Z"}),
            ]
        )
        + "\n"
    )
    with bad.open("ab") as fh:
        fh.write(b'{"id": "\xff"}\n')
    out = tmp_path / "out.jsonl"
    result = runner.invoke(
        cli.app, ["decide", "--input", str(bad), "--now", NOW, "--output", str(out)]
    )
    assert result.exit_code == 1
    err = result.stderr
    assert ":2: not valid JSON" in err
    assert ":3: field created_at" in err
    assert ":4: field stage: unknown stage 'discovry'" in err
    assert ":5: not UTF-8 text" in err
    assert "4 line(s) skipped, 1 decided" in err
    assert len(out.read_text().splitlines()) == 1


def test_decide_rejects_naive_now_and_bad_playbook_with_exit_2(
    runner: CliRunner, tmp_path: Path
) -> None:
    """--now without a timezone is a usage error; a broken playbook is a RuleError (exit 2)."""
    result = runner.invoke(
        cli.app, ["decide", "--input", str(EXAMPLES), "--now", "2026-11-23T12:00:00"]
    )
    assert result.exit_code == 2
    broken = tmp_path / "pb.yaml"
    broken.write_text("stages:\n  - key: discovery\n    stal_days: 3\n")
    with pytest.raises(SystemExit) as exc:
        cli.main(["decide", "--input", str(EXAMPLES), "--playbook", str(broken)])
    assert exc.value.code == 2
    missing_dir = runner.invoke(
        cli.app, ["decide", "--input", str(EXAMPLES), "--output", str(tmp_path / "no" / "x.jsonl")]
    )
    assert missing_dir.exit_code == 2


def test_decide_table_format_lists_deals_by_priority(runner: CliRunner) -> None:
    """--format table prints a human summary with each deal's name."""
    result = runner.invoke(
        cli.app, ["decide", "--input", str(EXAMPLES), "--now", NOW, "--format", "table"]
    )
    assert result.exit_code == 0, result.output
    assert "Northwind Clinics" in result.stdout and "Prio" in result.stdout


def test_explain_shows_objectives_plan_and_why(runner: CliRunner) -> None:
    """explain renders learned/missing objectives, the verdict, the call plan and reasons."""
    result = runner.invoke(
        cli.app, ["explain", "--input", str(EXAMPLES), "--deal", "OPP-1001", "--now", NOW]
    )
    assert result.exit_code == 0, result.output
    text = result.stdout
    for needle in (
        "learned",
        "missing",
        "Next step: advance",
        "Close:",
        "Task: ",
        "Momentum",
        "Why",
    ):
        assert needle in text


def test_explain_unknown_deal_exits_2(runner: CliRunner) -> None:
    """Asking for a deal id that is not in the file is a usage error."""
    result = runner.invoke(cli.app, ["explain", "--input", str(EXAMPLES), "--deal", "NOPE"])
    assert result.exit_code == 2
    assert "not found" in result.stderr


@pytest.mark.parametrize("kind", ["deal", "decision", "playbook", "lexicon", "coach"])
def test_schema_prints_json_schema(runner: CliRunner, kind: str) -> None:
    """schema KIND prints a JSON Schema object with properties."""
    result = runner.invoke(cli.app, ["schema", kind])
    assert result.exit_code == 0, result.output
    assert "properties" in json.loads(result.stdout)


def test_schema_unknown_kind_is_usage_error(runner: CliRunner) -> None:
    """An unknown schema kind exits 2 and lists the choices."""
    result = runner.invoke(cli.app, ["schema", "widgets"])
    assert result.exit_code == 2


def test_schema_mapping_is_served_by_the_mappings_package(runner: CliRunner) -> None:
    """schema mapping prints the mapping engineer's JSON Schema."""
    result = runner.invoke(cli.app, ["schema", "mapping"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["type"] == "object"


def test_decide_with_custom_lexicon_changes_verdicts(runner: CliRunner, tmp_path: Path) -> None:
    """An ops-edited lexicon (passed with --lexicon) is used for the next-step check."""
    from nextadvance.mappings.playbook import DEFAULT_LEXICON

    lex = tmp_path / "lex.yaml"
    lex.write_text(
        DEFAULT_LEXICON.read_text().replace("empty_markers: [", 'empty_markers: ["touch base", ')
    )
    args = ["decide", "--input", str(EXAMPLES), "--now", NOW]
    default = runner.invoke(cli.app, args)
    custom = runner.invoke(cli.app, [*args, "--lexicon", str(lex)])
    assert custom.exit_code == 0, custom.output

    def verdict(out: str) -> str:
        row = next(json.loads(x) for x in out.splitlines() if '"OPP-1005"' in x)
        return row["next_step_check"]["verdict"]

    assert verdict(default.stdout) == "vague" and verdict(custom.stdout) == "empty"


def test_wording_typo_in_a_playbook_is_a_located_error(runner: CliRunner, tmp_path: Path) -> None:
    """Ops change a task subject with a misspelt placeholder: file, line, did-you-mean, exit 1."""
    from nextadvance.mappings.playbook import DEFAULT_PLAYBOOK

    text = DEFAULT_PLAYBOOK.read_text(encoding="utf-8")
    good = 'subject: "Get {who} to agree to a pilot by {by}"'
    assert good in text
    line = text[: text.index(good)].count("\n") + 1
    bad = tmp_path / "pb.yaml"
    bad.write_text(text.replace(good, good.replace("{who}", "{whoo}")), encoding="utf-8")
    result = runner.invoke(
        cli.app, ["decide", "--input", str(EXAMPLES), "--now", NOW, "--playbook", str(bad)]
    )
    assert result.exit_code != 0
    out = " ".join((result.stderr + str(result.exception or "")).split())
    assert f"{bad}:{line}" in out and "unknown placeholder '{whoo}'" in out
    assert "did you mean '{who}'?" in out


def _clumsy(sentence: str, names: set[str]) -> list[str]:
    """What a sales manager would strike in one rep-facing sentence."""
    words = re.findall(r"[A-Za-z']+", sentence)
    out = [f"doubled '{a}'" for a, b in pairwise(words) if a == b]
    out += [f"'{n}' twice" for n in names if words.count(n) > 1]
    out += [
        m for m in ("you and you", "bring you", "end of today") if re.search(rf"\b{m}\b", sentence)
    ]
    if len(re.findall(r"\btoday\b", sentence)) > 1:
        out.append("'today' twice")
    return out


def test_decide_writes_named_sayable_tasks(runner: CliRunner, tmp_path: Path) -> None:
    """Through the CLI: every open decision has a subject, a verdict sentence and a body,
    and the rep-facing text reads like a sales manager wrote it (the examples, plus a
    prospect whose only contact is the decision maker)."""
    hana = json.loads(next(x for x in EXAMPLES.read_text().splitlines() if '"OPP-1009"' in x))
    hana["id"] = "OPP-1099"
    hana["contacts"][0]["role"] = "decision_maker"
    # a negotiation deal with no earlier-stage gap, so its call closes for the final terms
    ada = json.loads(next(x for x in EXAMPLES.read_text().splitlines() if '"OPP-1011"' in x))
    ada["id"] = "OPP-1098"
    ada["fields"].update(current_solution="Shared drives", security_review="passed")
    deals = tmp_path / "deals.jsonl"
    extra = json.dumps(hana) + "\n" + json.dumps(ada) + "\n"
    deals.write_text(EXAMPLES.read_text() + extra, encoding="utf-8")
    result = runner.invoke(cli.app, ["decide", "--input", str(deals), "--now", NOW])
    assert result.exit_code == 0
    firsts = {
        c["name"].split()[0]
        for x in deals.read_text().splitlines()
        for c in json.loads(x).get("contacts", [])
    }
    by_id = {}
    for line in result.stdout.splitlines():
        d = json.loads(line)
        by_id[d["deal_id"]] = d
        if not d["open"]:
            continue
        co, c = d["call_objective"], d["coaching"]
        assert co["stretch"]["text"] != co["conservative"]["text"]
        assert c["subject"].startswith("Get ") and c["body"] and c["verdict"]
        assert co["opening"].startswith("Before we wrap up, ")
        assert "_" not in c["subject"] + c["verdict"] + " ".join(c["body"])
        said = [c["subject"], c["verdict"], *c["body"], co["stretch"]["text"], co["close"]]
        for text in said:
            for sentence in re.split(r"(?<=[.?!])\s+", text):
                assert not _clumsy(sentence, firsts), (d["deal_id"], sentence)
    assert by_id["OPP-1005"]["coaching"]["body"][0] == (
        "First: No budget yet. Deal with that before anything else."
    )
    assert "your legal team" in by_id["OPP-1098"]["call_objective"]["close"]
    solo = by_id["OPP-1099"]["call_objective"]
    assert solo["stretch"]["text"].startswith(
        "Hana brings the people who run the process to a 45-minute"
    )
    assert solo["close"].startswith("Could we get 45 minutes before ")
    assert solo["close"].endswith(" with you and the people who run this day to day?")


def test_decide_and_explain_qualify_a_stale_or_foreign_good_step(
    runner: CliRunner, tmp_path: Path
) -> None:
    """Review item 8: a passed date or a stranger stays 'advance' but the rep is told;
    item 1c: a good agreed step keeps the client's own signing date."""
    rows = {
        json.loads(line)["id"]: json.loads(line)
        for line in EXAMPLES.read_text().splitlines()
        if line.strip()
    }
    base = rows["OPP-1004"]
    deals = tmp_path / "deals.jsonl"
    deals.write_text(
        "\n".join(
            json.dumps({**base, "id": i, "next_step": step})
            for i, step in (
                ("STALE", "Ines (legal) returns redlines by 11/02"),
                ("STRANGER", "Zelda to send the signed order form by 12/01"),
                ("GOOD", base["next_step"]),
            )
        )
        + "\n"
    )
    result = runner.invoke(cli.app, ["decide", "--input", str(deals), "--now", NOW])
    assert result.exit_code == 0, result.output
    out = {d["deal_id"]: d for d in map(json.loads, result.stdout.splitlines())}
    assert {d["next_step_check"]["verdict"] for d in out.values()} == {"advance"}
    assert out["STALE"]["coaching"]["verdict"] == (
        "Good step, but its date (Mon 2 Nov) has passed: agree a new date with Ines."
    )
    assert out["STRANGER"]["coaching"]["verdict"] == (
        "Good step, but who is Zelda? Add Zelda to the deal's contacts."
    )
    assert out["GOOD"]["coaching"]["subject"].endswith("by Thu 3 Dec")
    assert "At least: Ines sends the redlines back by Fri 27 Nov" in out["GOOD"]["coaching"]["body"]
    shown = runner.invoke(
        cli.app, ["explain", "--input", str(deals), "--deal", "STALE", "--now", NOW]
    )
    assert shown.exit_code == 0, shown.output
    text = " ".join(shown.stdout.split())  # rich wraps long lines
    assert "advance (overdue=2026-11-02)" in text
    assert "has passed: agree a new date with Ines" in text
    assert "every date it names has passed" in text


@pytest.mark.parametrize(
    ("doc", "deal_id", "head"),
    [
        ("README.md", "OPP-1002", "Task on 'Harbor Bank - Risk Dashboards': "),
        ("docs/coaching-before-after.md", "OPP-1006", "Subject:  "),
    ],
)
def test_docs_show_the_task_decide_prints_now(
    runner: CliRunner, doc: str, deal_id: str, head: str
) -> None:
    """The README's example task and the 'today' task of coaching-before-after are what
    ``decide`` prints for that example deal now (they showed the old opener and Watch line)."""
    now = "2026-11-23T09:00:00Z"  # the moment the docs name
    result = runner.invoke(cli.app, ["decide", "--input", str(EXAMPLES), "--now", now])
    assert result.exit_code == 0, result.output
    decision = next(
        d for line in result.stdout.splitlines() if (d := json.loads(line))["deal_id"] == deal_id
    )
    c = decision["coaching"]
    text = (ROOT / doc).read_text(encoding="utf-8")
    block = text[text.index(head) :]
    block = block[: block.index("```")]
    lines = [x.strip() for x in block.splitlines() if x.strip()]
    assert lines[0].startswith(head.strip()) and lines[0].endswith(c["subject"]), lines[0]
    for line in c["body"]:
        assert line in lines, (line, lines)
    assert any(x.endswith(c["verdict"]) for x in lines), c["verdict"]
    assert "By the end of today" not in block and "essentials still open" not in block


def test_decide_rep_text_for_no_contact_and_one_person_aim(
    runner: CliRunner, tmp_path: Path
) -> None:
    """Review items 9-11 end to end: a deal with no contact is told to find who owns this
    (no "your contact at Harbor Bank's OK"), Marc is asked to sign the order form, the find
    ask says "a 30-minute call", and the fallback is the Aim's person's to deliver."""
    rows = [json.loads(line) for line in EXAMPLES.read_text().splitlines() if line.strip()]
    bare = [{**r, "contacts": []} for r in rows]
    path = tmp_path / "bare.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows + bare), encoding="utf-8")
    result = runner.invoke(cli.app, ["decide", "--input", str(path), "--now", NOW])
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    text = json.dumps(out)
    assert "'s OK" not in text and "signed with" not in text and "to 30 minutes" not in text
    assert "Get Marc to sign the order form" in text
    for d in out[len(rows) :]:
        co = d["call_objective"]
        if d["open"] and not d["momentum"]["parked"] and co["stretch"] is not None:
            subject = d["coaching"]["subject"]
            assert subject.startswith("Find who owns this at ") or "Marc" in subject, subject
    for d in out[: len(rows)]:
        if d["next_step_check"]["verdict"] == "advance":
            continue  # the client's own agreed step keeps the person who agreed it
        co = d["call_objective"]
        s, c = co["stretch"], co["conservative"]
        if (
            s
            and c
            and not c["text"].startswith("Hold ")
            and c["advance_id"]
            not in (
                "integration_docs",  # its own actor: the technical buyer reviews the docs
            )
        ):
            assert s["who"] == c["who"], (s["text"], c["text"])
