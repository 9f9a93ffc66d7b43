"""The `policybot` console script, run as a real subprocess against the session index."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from tests.conftest import SECOND_PLAN

CITATION_KEYS = {"doc", "doc_title", "point", "section", "title", "score", "sentences"}


def _check_schema(obj: dict) -> None:
    assert set(obj) == {"question", "status", "found", "kind", "answer", "citations", "confidence", "elapsed_ms"}
    assert obj["status"] in {"answered", "related", "not_found", "smalltalk", "empty"}
    assert obj["found"] is (obj["status"] == "answered")
    assert isinstance(obj["found"], bool) and isinstance(obj["answer"], str) and obj["answer"]
    assert isinstance(obj["elapsed_ms"], float | int) and obj["elapsed_ms"] >= 0
    for c in obj["citations"]:
        assert set(c) == CITATION_KEYS
        assert isinstance(c["point"], int) and isinstance(c["score"], float | int)
        assert isinstance(c["sentences"], list) and all(isinstance(s, str) for s in c["sentences"])


def test_ask_json_schema(run_cli) -> None:
    proc = run_cli("ask", "--json", "职普比要求是多少？")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1
    obj = json.loads(lines[0])
    _check_schema(obj)
    assert obj["found"] is True and obj["question"] == "职普比要求是多少？"
    assert obj["citations"][0]["point"] == 10
    assert obj["citations"][0]["doc"] == "yingtan-education-2021-work-plan"
    assert "45:55" in obj["answer"] and "第10条" in obj["answer"]
    assert any("45:55" in s for s in obj["citations"][0]["sentences"])
    # Relevance order, at most three citations.
    scores = [c["score"] for c in obj["citations"]]
    assert scores == sorted(scores, reverse=True) and len(scores) <= 3


def test_ask_batch_from_stdin_answers_each_line_in_order(run_cli) -> None:
    questions = ["大班额比例", "股票怎么买", "", "特崗計劃"]
    proc = run_cli("ask", "--json", stdin="\n".join(questions) + "\n")
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.strip().splitlines()]
    assert [r["question"] for r in rows] == ["大班额比例", "股票怎么买", "特崗計劃"]
    for r in rows:
        _check_schema(r)
    assert [r["found"] for r in rows] == [True, False, True]
    assert [r["status"] for r in rows] == ["answered", "not_found", "answered"]
    assert rows[1]["citations"] == []
    assert rows[0]["citations"][0]["point"] == 8 and rows[2]["citations"][0]["point"] == 18


def test_ask_plain_text_for_people(run_cli) -> None:
    proc = run_cli("ask", "大班额的比例上限是多少")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("第8条 推进城乡义务教育优质均衡发展")
    assert "4%" in proc.stdout and "来源：《鹰潭市教育局2021年工作要点》" in proc.stdout


def test_missing_index_is_one_line_and_non_zero(run_cli, tmp_path: Path) -> None:
    proc = run_cli("ask", "大班额", env={"POLICYBOT_INDEX_DIR": str(tmp_path / "none")})
    assert proc.returncode != 0
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "policybot build" in lines[0]
    assert "Traceback" not in proc.stderr


def test_bad_setting_and_bad_eval_file_are_one_line(run_cli, tmp_path: Path) -> None:
    proc = run_cli("ask", "x", env={"POLICYBOT_CACHE_SIZE": "lots"})
    assert proc.returncode == 2 and "POLICYBOT_CACHE_SIZE" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"q": "x"}\n', encoding="utf-8")
    proc = run_cli("eval", str(bad))
    assert proc.returncode == 1 and "bad.jsonl:1" in proc.stderr and "Traceback" not in proc.stderr


def test_eval_prints_the_figures(run_cli, tmp_path: Path) -> None:
    labelled = tmp_path / "mini.jsonl"
    rows = [
        {"q": "大班额的比例上限是多少", "gold": [8], "must": ["4%"], "kind": "number"},
        {"q": "明天会下雨吗", "gold": [], "kind": "oos"},
        {"q": "七一表彰", "gold": [2], "kind": "lexical"},
    ]
    labelled.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    proc = run_cli("eval", str(labelled))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "R@1: 1.000" in out and "R@3: 1.000" in out and "MRR: 1.000" in out
    assert "in scope:     answered 2/2   related 0/2   not_found 0/2   confident wrong 0/2" in out
    assert "out of scope: answered 0/1" in out
    assert "must-facts: 1/1" in out and "misses: 0" in out
    assert "number" in out and "oos" in out


def test_build_command_reports_what_it_built(run_cli, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SECOND_PLAN, corpus / "second.txt")
    env = {"POLICYBOT_CORPUS_DIR": str(corpus), "POLICYBOT_INDEX_DIR": str(tmp_path / "index")}
    proc = run_cli("build", "--quiet", env=env)
    assert proc.returncode == 0, proc.stderr
    assert "1 document(s), 6 points" in proc.stdout
    proc = run_cli("build", "--if-needed", env=env)
    assert proc.returncode == 0 and "up to date" in proc.stdout


def test_teach_validates_and_keeps_the_bank_sorted(run_cli, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SECOND_PLAN, corpus / "second.txt")
    env = {"POLICYBOT_CORPUS_DIR": str(corpus), "POLICYBOT_INDEX_DIR": str(tmp_path / "index")}
    bank = corpus / "second.questions.tsv"
    ok = run_cli("teach", "学校食堂谁来管", "5", "--no-build", env=env)
    assert ok.returncode == 0, ok.stderr
    first = run_cli("teach", "足球队一周练几次", "2", env=env)
    assert first.returncode == 0 and "index rebuilt: 2 bank questions" in first.stdout
    lines = [line for line in bank.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert lines == ["足球队一周练几次\t2", "学校食堂谁来管\t5"]  # sorted by point, then question
    duplicate = run_cli("teach", "学校食堂谁来管？", "3", "--no-build", env=env)
    assert duplicate.returncode == 1 and "already in the bank for point 5" in duplicate.stderr
    missing = run_cli("teach", "别的问题", "99", "--no-build", env=env)
    assert missing.returncode == 1 and "has no point 99" in missing.stderr
    assert len([x for x in bank.read_text(encoding="utf-8").splitlines() if not x.startswith("#")]) == 2


def test_teach_with_a_database_then_list_export_and_drop(run_cli, tmp_path: Path, database_url: str) -> None:
    """POLICYBOT_DATABASE_URL set: `teach` stores in the database as /teach does (replicas see it);
    `taught` lists read-only, `--export` merges into the bank file, `--drop` removes a row."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SECOND_PLAN, corpus / "second.txt")
    env = {
        "POLICYBOT_CORPUS_DIR": str(corpus),
        "POLICYBOT_INDEX_DIR": str(tmp_path / "index"),
        "POLICYBOT_DATABASE_URL": database_url,
        "POLICYBOT_HASH_SALT": "pepper",
    }
    bank = corpus / "second.questions.tsv"
    first = run_cli("teach", "学校食堂谁来管", "5", env=env)
    assert first.returncode == 0, first.stderr
    assert "stored in the database" in first.stdout and "index rebuilt: 1 bank questions" in first.stdout
    assert not bank.exists()
    assert run_cli("teach", "足球队一周练几次", "2", "--no-build", env=env).returncode == 0
    duplicate = run_cli("teach", "学校食堂谁来管？", "3", "--no-build", env=env)
    assert duplicate.returncode == 1 and "already in the bank for point 5" in duplicate.stderr
    assert "stale: questions were taught" in run_cli("build", "--if-needed", env=env).stderr

    listing = run_cli("taught", env=env)
    assert listing.returncode == 0 and "second  point 5  学校食堂谁来管  (cli)" in listing.stdout
    assert "read-only, nothing changed: 2 taught question(s) not exported yet" in listing.stderr
    rows = json.loads(run_cli("taught", "--json", env=env).stdout)
    assert [(r["question"], r["exported_at"]) for r in rows] == [("学校食堂谁来管", None), ("足球队一周练几次", None)]
    assert all(re.fullmatch(r"[0-9a-f]{16}", r["taught_by"]) for r in rows)  # the login, hashed

    export = run_cli("taught", "--export", env=env)
    assert export.returncode == 0 and f"{bank}: 2 question(s) added" in export.stdout
    assert [x for x in bank.read_text(encoding="utf-8").splitlines() if not x.startswith("#")] == [
        "足球队一周练几次\t2",
        "学校食堂谁来管\t5",
    ]
    assert "0 taught question(s) not exported yet" in run_cli("taught", env=env).stderr
    assert "exported 0 taught question(s)" in run_cli("taught", "--export", env=env).stdout
    dropped = run_cli("taught", "--drop", str(rows[1]["id"]), "999", env=env)
    assert dropped.returncode == 1 and "no taught question with id 999" in dropped.stderr
    assert f"dropped {rows[1]['id']}: 足球队一周练几次" in dropped.stdout and "remove its line" in dropped.stdout
    every = json.loads(run_cli("taught", "--all", "--json", env=env).stdout)
    assert [(r["question"], r["exported_at"] is not None) for r in every] == [("学校食堂谁来管", True)]


def test_bad_webhook_settings_are_one_line_errors(tmp_path: Path) -> None:
    """Checked when the settings are read, before anything loads: an http:// webhook is never called
    by Telegram, and a port outside 1–65535 would listen somewhere else."""
    import subprocess

    from tests.conftest import POLICYBOT, clean_env

    for name, value, fragment in [
        ("POLICYBOT_WEBHOOK_URL", "http://bot.example.org/x", "https://"),
        ("POLICYBOT_WEBHOOK_PORT", "99999", "65535"),
    ]:
        proc = subprocess.run(
            [str(POLICYBOT), "serve"],
            env=clean_env(**{name: value}),
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
        )
        assert proc.returncode == 2
        assert len(proc.stderr.strip().splitlines()) == 1 and name in proc.stderr and fragment in proc.stderr


def test_an_over_long_stdin_line_is_one_question(run_cli) -> None:
    proc = run_cli("ask", "--json", stdin="大班额比例" * 2000 + "\n职普比\n")
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.strip().splitlines()]
    assert len(rows) == 2 and rows[1]["question"] == "职普比"
