"""Faults that must not stop the bot: a vanished index folder, a killed build, corrupt files at start."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.index import CURRENT_LINK, load_index, read_meta
from bot.service import PolicyService
from tests.conftest import CORPUS_FILE, POLICYBOT, REPO, SECOND_PLAN, clean_env


@pytest.fixture
def private_service(resources_for, tmp_path: Path) -> PolicyService:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS_FILE, corpus / CORPUS_FILE.name)
    res = resources_for(corpus_dir=corpus, index_dir=tmp_path / "index")
    return PolicyService(res, res.load_index(build_if_needed=True))


def test_deleted_index_folder_keeps_serving_from_memory(private_service: PolicyService) -> None:
    shutil.rmtree(private_service.settings.index_dir)
    answer = private_service.ask("职普比要求是多少")
    assert answer.found and "45:55" in answer.text
    # An admin's /reload rebuilds it from corpus/ without interrupting answers.
    index = private_service.reload()
    assert (private_service.settings.index_dir / CURRENT_LINK / "meta.json").exists()
    assert private_service.index is index and private_service.ask("七一表彰").citations[0].point == 2


def test_failed_reload_keeps_the_old_index(private_service: PolicyService) -> None:
    before = private_service.index
    corpus = private_service.settings.corpus_dir
    plan = next(corpus.glob("*.txt"))
    saved = plan.read_bytes()
    plan.write_text("没有任何编号条目的文件", encoding="utf-8")  # nothing left that parses
    try:
        with pytest.raises(Exception, match="no numbered work points"):
            private_service.reload()
        assert private_service.index is before
        assert private_service.ask("大班额比例").found
    finally:
        plan.write_bytes(saved)


def test_a_broken_extra_file_is_reported_and_the_rest_reloads(private_service: PolicyService) -> None:
    broken = private_service.settings.corpus_dir / "broken.txt"
    broken.write_text("没有任何编号条目的文件", encoding="utf-8")
    try:
        index = private_service.reload()
        assert index.meta["failed"] == {"broken.txt": "no numbered work points (1. 2. …) found"}
        assert [f.source for f in private_service.corpus.failures] == ["broken.txt"]
        assert private_service.ask("大班额比例").found
    finally:
        broken.unlink()
        private_service.reload()


def test_answers_continue_during_a_reload(private_service: PolicyService) -> None:
    import threading

    answers: list[bool] = []
    stop = threading.Event()

    def keep_asking() -> None:
        while not stop.is_set():
            answers.append(private_service.ask("疫情信息报送").found)

    thread = threading.Thread(target=keep_asking)
    thread.start()
    try:
        private_service.reload()
    finally:
        stop.set()
        thread.join()
    assert answers and all(answers)


def _env(**extra: str) -> dict[str, str]:
    return clean_env(POLICYBOT_LOG_LEVEL="WARNING", **extra)


@pytest.mark.model  # runs `policybot build` with the real model in a subprocess
def test_build_killed_midway_leaves_the_previous_index(tmp_path: Path) -> None:
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    shutil.copy(SECOND_PLAN, corpus / "second.txt")
    env = _env(
        POLICYBOT_CORPUS_DIR=str(corpus), POLICYBOT_INDEX_DIR=str(index_dir), POLICYBOT_DATA_DIR=str(tmp_path / "data")
    )
    subprocess.run([str(POLICYBOT), "build", "--quiet"], env=env, check=True, capture_output=True, timeout=120)
    before = read_meta(index_dir)

    # A corpus big enough that the build is still embedding when it is killed.
    sys.path.insert(0, str(REPO / "scripts"))
    from synthetic_corpus import generate

    generate(2000, corpus)
    proc = subprocess.Popen(
        [str(POLICYBOT), "build", "--quiet"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    # Kill it the moment it starts writing files: the worst time, with half-written files on disk.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(index_dir.glob(".tmp-build-*")) and proc.poll() is None:
        time.sleep(0.002)
    assert proc.poll() is None, "the build finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)

    assert read_meta(index_dir) == before  # still the previous build
    index = load_index(index_dir)
    assert [d.title for d in index.corpus.documents] == ["青松区教育体育局2022年工作要点"]
    # The next build cleans up what the killed one left behind.
    for leftover in corpus.glob("synthetic-*.txt"):
        leftover.unlink()
    subprocess.run([str(POLICYBOT), "build", "--quiet"], env=env, check=True, capture_output=True, timeout=120)
    assert not list(index_dir.glob(".tmp-build-*"))


@pytest.mark.parametrize("damage", ["meta", "faiss", "units"])
def test_corrupt_index_at_start_is_one_line_naming_the_fix(index_dir: Path, tmp_path: Path, damage: str) -> None:
    copy = tmp_path / "index"
    target = index_dir / CURRENT_LINK
    shutil.copytree(target.resolve(), copy / target.resolve().name)
    os.symlink(target.resolve().name, copy / CURRENT_LINK)
    folder = copy / CURRENT_LINK
    if damage == "meta":
        (folder / "meta.json").write_text("{broken", encoding="utf-8")
    elif damage == "faiss":
        data = (folder / "dense.faiss").read_bytes()
        (folder / "dense.faiss").write_bytes(data[: len(data) // 3])
    else:
        units = json.loads((folder / "units.json").read_text(encoding="utf-8"))
        (folder / "units.json").write_text(json.dumps(units[:-5]), encoding="utf-8")
    proc = subprocess.run(
        [str(POLICYBOT), "ask", "大班额"],
        env=_env(POLICYBOT_INDEX_DIR=str(copy)),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "policybot build" in lines[0] and "Traceback" not in proc.stderr
