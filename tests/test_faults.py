"""Faults: builds killed at random points, two builds at once, full and read-only disks.

Each test runs the real `python build.py` as a separate process on a generated site, so a
SIGKILL is a real kill: nothing gets to clean up. After every fault the last good
``output/`` must be byte-identical to what it was (or to the complete new build) and every
content file unchanged.
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, tree_digest

BRIEFINGS = 300
KILLS = 6
NEW_SEED = """Varn reopens its bridges

Engineers say the river has fallen below the warning mark.

5 November 2031

VARN \u2014 The last two bridges over the Orrin reopened on Wednesday, the river authority said.

\u201cThe water is going down faster than we feared it would rise,\u201d said Ilse Marek, director of the authority.
"""


def content_file(number: int) -> str:
    rng = random.Random(number)
    names = ["Ilse Marek", "Tomas Weir", "Hassan Abdul Ghani", "Lena Sorel", "Jan Novak"]
    paragraphs = []
    for _ in range(12):
        name = rng.choice(names)
        words = " ".join(rng.choice(["river", "dam", "water", "town", "bridge", "rain", "gate", "week"])
                         for _ in range(rng.randint(15, 40)))
        paragraphs.append(f"\u201cThe {words} will hold,\u201d said {name}, who leads the {words[:20]} office.")
    return (f"---\ntitle: Briefing number {number} on the Orrin floods\ndek: What happened on day {number}.\n"
            f"date: 2031-{1 + number % 12:02d}-{1 + number % 28:02d}\nslug: briefing-{number}\n---\n\n"
            + "\n\n".join(paragraphs) + "\n")


def make_site(root: Path, briefings: int = BRIEFINGS) -> None:
    shutil.copytree(REPO / "layouts", root / "layouts")
    shutil.copy(REPO / "config.yaml", root / "config.yaml")
    (root / "seeds").mkdir(parents=True)
    (root / "content").mkdir()
    for number in range(briefings):
        (root / "content" / f"briefing-{number}.md").write_text(content_file(number), encoding="utf-8")


def build_command(*arguments: str) -> list[str]:
    return [sys.executable, str(REPO / "build.py"), "build", "-q", *arguments]


def build(root: Path, *arguments: str, **options) -> subprocess.CompletedProcess:
    return subprocess.run(build_command(*arguments), cwd=root, capture_output=True, text=True, timeout=300, **options)


def assert_clean_failure(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    first = result.stderr.splitlines()[0]
    assert first.split(":")[1].isdigit(), first  # path:line: message
    for word in words:
        assert word in result.stderr, result.stderr


def leftovers(root: Path) -> list[str]:
    # The lock file and the spare tree (the previous site, the next build's starting point)
    # are kept on purpose; staging and retired folders are not.
    return sorted(p.name for p in root.glob(".output.*") if p.name not in (".output.lock", ".output.spare"))


def wait_for_no_leftovers(root: Path, seconds: float = 10) -> list[str]:
    deadline = time.monotonic() + seconds
    while leftovers(root) and time.monotonic() < deadline:
        time.sleep(0.05)  # the retired site is removed by a detached process
    return leftovers(root)


def digest_of_content(root: Path) -> dict[str, str]:
    return tree_digest(root / "content")


@pytest.fixture(scope="module")
def big_site(tmp_path_factory) -> dict:
    """A built 300-briefing site, a new seed waiting, and the reference result of ingesting it."""
    root = tmp_path_factory.mktemp("big") / "site"
    make_site(root)
    first = build(root)
    assert first.returncode == 0, first.stderr
    reference = root.parent / "reference"
    (root / "seeds" / "new.txt").write_text(NEW_SEED, encoding="utf-8")
    shutil.copytree(root, reference, symlinks=True)
    shutil.rmtree(reference / ".briefing-cache", ignore_errors=True)
    started = time.perf_counter()
    result = build(reference)
    cold = time.perf_counter() - started
    assert result.returncode == 0, result.stderr
    return {
        "root": root,
        "old_output": tree_digest(root / "output"),
        "new_output": tree_digest(reference / "output"),
        "new_content": digest_of_content(reference),
        "old_content": digest_of_content(root),
        "cold_seconds": cold,
    }


def test_a_build_killed_at_random_points_leaves_the_last_good_site_and_content(big_site):
    root = big_site["root"]
    old_content = big_site["old_content"]
    states = {"old": big_site["old_output"], "new": big_site["new_output"]}
    assert states["old"] != states["new"]
    rng = random.Random(20311103)
    killed_mid_build = []
    for _ in range(KILLS):
        # Cold every time: the kill lands in analysis, rendering, writing or indexing. (An
        # incremental build is now too short for random kills to land in it reliably.)
        shutil.rmtree(root / ".briefing-cache", ignore_errors=True)
        delay = rng.uniform(0.05, big_site["cold_seconds"] * 0.9)
        process = subprocess.Popen(build_command(), cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if process.poll() is None:
            killed_mid_build.append(round(delay, 2))
            process.send_signal(signal.SIGKILL)
        process.wait()
        output = tree_digest(root / "output")
        assert output in states.values(), f"kill at {delay:.2f} s left a mixed output/"
        content = digest_of_content(root)
        for name, digest in old_content.items():
            if name != ".ingest.json":
                assert content[name] == digest, f"kill at {delay:.2f} s changed content/{name}"
        for name, digest in content.items():  # a new file is complete, or absent
            if name not in old_content:
                assert digest == big_site["new_content"][name], name
        record = root / "content" / ".ingest.json"
        if record.exists():  # absent when the kill came before the seed was ingested
            json.loads(record.read_text(encoding="utf-8"))
    print(f"\nkilled {len(killed_mid_build)} of {KILLS} builds mid-way, at {killed_mid_build} s "
          f"(a cold build takes {big_site['cold_seconds']:.2f} s)")
    assert len(killed_mid_build) >= KILLS // 2
    result = build(root)
    assert result.returncode == 0, result.stderr
    assert tree_digest(root / "output") == big_site["new_output"]
    assert digest_of_content(root) == big_site["new_content"]
    assert wait_for_no_leftovers(root) == []


def test_two_builds_at_once_one_waits_its_turn_with_a_clear_message(big_site):
    root = big_site["root"]
    shutil.rmtree(root / ".briefing-cache", ignore_errors=True)
    first = subprocess.Popen(build_command(), cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lock = root / ".output.lock"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and lock.read_text() != f"pid {first.pid}" and first.poll() is None:
        time.sleep(0.01)
    second = build(root)
    _, first_err = first.communicate(timeout=300)
    assert first.returncode == 0, first_err
    assert_clean_failure(second, "another build of output/ is running", f"pid {first.pid}")
    assert tree_digest(root / "output") == big_site["new_output"]
    # Started in the same instant: one builds, the other says so; the site is whole.
    shutil.rmtree(root / ".briefing-cache", ignore_errors=True)
    both = [subprocess.Popen(build_command(), cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    codes = sorted(p.wait(timeout=300) for p in both)
    assert codes in ([0, 1], [0, 0])
    for process in both:
        assert "Traceback" not in process.stderr.read()
        process.stderr.close()
        process.stdout.close()
    assert tree_digest(root / "output") == big_site["new_output"]


# --- disks -----------------------------------------------------------------------------


@pytest.fixture
def small_site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    make_site(root, briefings=3)
    return root


def test_an_output_folder_under_a_file_is_a_clear_error(small_site):
    (small_site / "afile").write_text("not a folder\n")
    result = build(small_site, "--output", "afile/output")
    assert_clean_failure(result, "afile/output:1:")
    assert (small_site / "afile").read_text() == "not a folder\n"


def no_bigger_files_than(limit: int):
    """preexec_fn: writes past ``limit`` bytes fail with EFBIG (instead of SIGXFSZ killing us)."""

    def limit_writes() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return limit_writes


def test_a_write_that_hits_the_file_size_limit_keeps_the_last_good_site(small_site):
    assert build(small_site).returncode == 0
    before, content = tree_digest(small_site / "output"), digest_of_content(small_site)
    long_body = "\n\n".join(f"Paragraph {n}, long enough to make the page big. " * 4 for n in range(600))
    path = small_site / "content" / "briefing-0.md"
    path.write_text(path.read_text(encoding="utf-8") + long_body, encoding="utf-8")
    content = digest_of_content(small_site)
    result = build(small_site, preexec_fn=no_bigger_files_than(64_000))
    assert_clean_failure(result, "File too large")
    assert tree_digest(small_site / "output") == before
    assert digest_of_content(small_site) == content
    assert build(small_site).returncode == 0


def test_a_swap_that_fails_halfway_puts_the_last_good_site_back(project, run, monkeypatch):
    import briefing.output

    # Without an atomic exchange (other systems) the swap takes two renames.
    monkeypatch.setattr(briefing.output, "_exchange", lambda first, second: False)

    project.seed("a.txt", NEW_SEED)
    assert run("build").code == 0
    before = tree_digest(project.output)
    (project.content / "a-note.md").write_text("---\ntitle: A note\n---\n\nA change.\n", encoding="utf-8")
    real_replace = os.replace

    def replace(source, target):
        if ".staging-" in str(source):
            raise OSError(5, "Input/output error")  # the disk fails between the two renames
        real_replace(source, target)

    monkeypatch.setattr(briefing.output.os, "replace", replace)
    result = run("build")
    monkeypatch.setattr(briefing.output.os, "replace", real_replace)
    assert result.code == 1 and "Input/output error" in result.err
    time.sleep(1)  # let a detached clean-up run, if any
    assert tree_digest(project.output) == before


def test_a_seed_that_cannot_be_written_to_content_is_a_clear_error(small_site):
    assert build(small_site).returncode == 0
    before, content = tree_digest(small_site / "output"), digest_of_content(small_site)
    (small_site / "seeds" / "big.txt").write_text(
        "A very long article\n\nIts dek.\n\n" + "\n\n".join(f"Paragraph {n} of many words." * 20 for n in range(400)),
        encoding="utf-8")
    result = build(small_site, preexec_fn=no_bigger_files_than(64_000))
    assert_clean_failure(result, "cannot write this content file", "File too large")
    assert tree_digest(small_site / "output") == before
    assert digest_of_content(small_site) == content  # no half file, no temporary left
    assert build(small_site).returncode == 0


@pytest.fixture
def small_disk(tmp_path: Path):
    """A real 8 MB file system (tmpfs), when this machine lets us mount one (root in CI)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(disk)],
                             capture_output=True, text=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {mounted.stderr.strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def fill(disk: Path) -> None:
    with open(disk / "filler", "wb", buffering=0) as handle:  # unbuffered: no failing flush at close
        try:
            while True:
                handle.write(b"\0" * 65536)
        except OSError:
            pass


def test_a_full_disk_gives_a_clear_error_and_keeps_the_last_good_site(small_site, small_disk):
    output = small_disk / "output"
    assert build(small_site, "--output", str(output)).returncode == 0
    before = tree_digest(output)
    fill(small_disk)
    path = small_site / "content" / "briefing-1.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more paragraph.\n", encoding="utf-8")
    shutil.rmtree(small_site / ".briefing-cache", ignore_errors=True)
    result = build(small_site, "--output", str(output))
    assert_clean_failure(result, "No space left on device")
    assert tree_digest(output) == before
    (small_disk / "filler").unlink()
    assert build(small_site, "--output", str(output)).returncode == 0
    assert wait_for_no_leftovers(small_disk) == []


def test_a_read_only_disk_gives_a_clear_error_and_keeps_the_last_good_site(small_site, small_disk):
    output = small_disk / "output"
    assert build(small_site, "--output", str(output)).returncode == 0
    before = tree_digest(output)
    path = small_site / "content" / "briefing-2.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more paragraph.\n", encoding="utf-8")
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    try:
        result = build(small_site, "--output", str(output))
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    assert_clean_failure(result, "Read-only file system")
    assert tree_digest(output) == before


def test_content_on_a_full_disk_is_never_half_written(tmp_path, small_disk):
    root = small_disk / "site"
    make_site(root, briefings=2)
    assert build(root, "--output", str(tmp_path / "output")).returncode == 0
    before, content = tree_digest(tmp_path / "output"), digest_of_content(root)
    (root / "seeds" / "new.txt").write_text(NEW_SEED, encoding="utf-8")
    fill(small_disk)
    result = build(root, "--output", str(tmp_path / "output"))
    assert_clean_failure(result, "No space left on device")
    assert digest_of_content(root) == content
    assert tree_digest(tmp_path / "output") == before
    assert not [p for p in (root / "content").iterdir() if p.name.endswith(".tmp")]
