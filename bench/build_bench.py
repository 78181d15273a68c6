#!/usr/bin/env python3
"""Build-time benchmark: Briefing against Pelican, MkDocs and the floor, on one generated corpus.

For each size N it generates the same deterministic corpus (bench/generate.py, ~1,500 words
and ~15 quotations a briefing) and builds it, each build a separate command timed from start
to exit:

- floor: read every file, parse its front matter with PyYAML, convert its body with
  Python-Markdown, write nothing (the least any Markdown site generator must do);
- Briefing: cold (output and .briefing-cache deleted first), no-change rebuild and one-edit
  rebuild (a sentence appended to one briefing), with ``-j 1`` and ``-j 2`` when
  ``build.py build --help`` offers ``--jobs`` (else the default build, and a note);
- Pelican and MkDocs, installed once into throwaway venvs under /tmp, on the same corpus
  converted to their input formats, each build cold.

It prints per N a table of medians (k = 3 runs, 1 at 10,000), pages per second, peak memory
(the largest process's peak RSS from wait4, and the sampled peak PSS of the whole process
tree, which counts forked workers' shared pages once) and ratios to the floor, then the
targets with a verdict each.

    python bench/build_bench.py                      # N = 100 and 1,000 (a few minutes)
    python bench/build_bench.py --full               # N = 100, 1,000 and 10,000 (much longer)
    python bench/build_bench.py --sizes 100 --tools floor,briefing --runs 1
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generate import generate_corpus, make_project, slug_of  # bench/generate.py, beside this file

REPO = Path(__file__).resolve().parents[1]
VENVS = Path(tempfile.gettempdir()) / "briefing-bench-venvs"
TOOLS = ("floor", "briefing", "pelican", "mkdocs")
PACKAGES = {"pelican": ["pelican", "markdown"], "mkdocs": ["mkdocs"]}
SAMPLE_SECONDS = 0.05

FLOOR_SCRIPT = '''\
import sys
from pathlib import Path

import markdown
import yaml

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
print(Loader.__name__)
for path in sorted(Path(sys.argv[1]).glob("*.md")):
    text = path.read_text(encoding="utf-8")
    _, head, body = text.split("---\\n", 2)
    yaml.load(head, Loader=Loader)
    markdown.markdown(body)
'''

PELICAN_CONFIG = '''\
AUTHOR = "Briefing bench"
SITENAME = "Briefing samples"
SITEURL = ""
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
'''

MKDOCS_CONFIG = """\
site_name: Briefing samples
docs_dir: docs
site_dir: site
"""


# --- running one command and measuring it --------------------------------------------------


@dataclass
class Measurement:
    seconds: float
    cpu: float  # user + system seconds of the process and every child it waited for
    rss_mb: float  # peak RSS of the largest single process (wait4, exact)
    tree_mb: float  # peak of the summed PSS of the process tree (sampled every 50 ms)

    @property
    def peak_mb(self) -> float:
        return max(self.rss_mb, self.tree_mb)


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it, from /proc/PID/task/*/children."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    todo += [int(child) for child in handle.read().split()]
        except OSError:
            continue  # gone already
    return found


def pss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class TreeSampler(threading.Thread):
    """Samples the summed PSS of a process tree until stopped; keeps the peak."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak = pid, 0.0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(SAMPLE_SECONDS):
            self.peak = max(self.peak, sum(pss_mb(pid) for pid in descendants(self.pid)))


def run_measured(command: Sequence[str], cwd: Path, log: Path) -> Measurement:
    """Run ``command`` to completion; wall time, peak RSS (wait4) and sampled tree PSS."""
    with log.open("wb") as output:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=output, stderr=subprocess.STDOUT)
        sampler = TreeSampler(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        sampler.done.set()
        sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise RuntimeError(f"{' '.join(map(str, command))} exited {process.returncode} in {cwd}:\n{tail}")
    return Measurement(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, sampler.peak)


@dataclass
class Result:
    name: str
    runs: list[Measurement] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return statistics.median(run.seconds for run in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(run.cpu for run in self.runs)

    @property
    def rss_mb(self) -> float:
        return max(run.rss_mb for run in self.runs)

    @property
    def tree_mb(self) -> float:
        return max(run.tree_mb for run in self.runs)

    @property
    def peak_mb(self) -> float:
        return max(run.peak_mb for run in self.runs)


def repeat(name: str, runs: int, prepare: Callable[[int], None], command: Sequence[str], cwd: Path) -> Result:
    result = Result(name)
    for number in range(runs):
        prepare(number)
        result.runs.append(run_measured(command, cwd, log_of(cwd)))
    return result


def log_of(cwd: Path) -> Path:
    """Where a command run in ``cwd`` writes its output (the last run's only)."""
    return cwd.parent / f"{cwd.name}.log"


def nothing(_: int) -> None:
    return None


def remove(*paths: Path) -> Callable[[int], None]:
    def prepare(_: int) -> None:
        for path in paths:
            shutil.rmtree(path, ignore_errors=True)

    return prepare


# --- the tools -----------------------------------------------------------------------------


def venv(tool: str) -> Path:
    """A throwaway venv with ``tool`` installed, made once and reused (marker file)."""
    folder = VENVS / tool
    marker = folder / ".bench-ready"
    wanted = " ".join(PACKAGES[tool])
    if marker.is_file() and marker.read_text() == wanted:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    print(f"installing {wanted} into {folder} ...", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    subprocess.run([str(folder / "bin" / "pip"), "install", "-q", *PACKAGES[tool]], check=True,
                   stderr=subprocess.DEVNULL)
    marker.write_text(wanted)
    return folder


def tool_version(folder: Path, tool: str) -> str:
    output = subprocess.run([str(folder / "bin" / tool), "--version"], capture_output=True, text=True).stdout
    return output.split(" from ")[0].replace(", version", "").strip()


def snapshot_code(work: Path) -> Path:
    """A compiled copy of build.py and briefing/ for the whole run: edits to the working tree
    during a long run (which would change the cache's code version and turn no-change builds
    cold) cannot reach it. Returns the copied build.py."""
    code = work / "code"
    shutil.rmtree(code, ignore_errors=True)
    shutil.copytree(REPO / "briefing", code / "briefing", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "build.py", code / "build.py")
    # Compiled once, as an installed package is (pip compiles Pelican's and MkDocs's modules
    # at install): where PYTHONDONTWRITEBYTECODE is set, every build would otherwise compile
    # Briefing's modules again, about 60 ms that the other tools never pay.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(code / "briefing")], check=True)
    return code / "build.py"


def has_jobs(build_py: Path) -> bool:
    output = subprocess.run([sys.executable, str(build_py), "build", "--help"],
                            capture_output=True, text=True).stdout
    return "--jobs" in output


def split_front_matter(text: str) -> tuple[str, str]:
    _, head, body = text.split("---\n", 2)
    return head, body


def front_matter(head: str) -> dict:
    import yaml  # the bench's own reading, never timed

    return yaml.load(head, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def to_pelican(content: Path, folder: Path) -> Path:
    """The corpus as Pelican input: metadata header lines, then the same Markdown body."""
    (folder / "content").mkdir(parents=True)
    (folder / "pelicanconf.py").write_text(PELICAN_CONFIG)
    for path in sorted(content.glob("*.md")):
        head, body = split_front_matter(path.read_text(encoding="utf-8"))
        meta = front_matter(head)
        header = f"Title: {meta['title']}\nDate: {meta['date']}\nSlug: {meta['slug']}\nSummary: {meta['dek']}\n"
        (folder / "content" / path.name).write_text(header + "\n" + body.lstrip("\n"), encoding="utf-8")
    return folder


def to_mkdocs(content: Path, folder: Path) -> Path:
    """The corpus as MkDocs input: docs/*.md as they are (MkDocs reads YAML front matter), no nav."""
    shutil.copytree(content, folder / "docs", ignore=shutil.ignore_patterns(".*"))
    (folder / "mkdocs.yml").write_text(MKDOCS_CONFIG)
    return folder


def briefing_command(build_py: Path, jobs: int | None) -> list[str]:
    command = [sys.executable, str(build_py), "build", "-q", "--content", "content", "--seeds", "seeds",
               "--output", "out"]
    return command + (["-j", str(jobs)] if jobs else [])


def append_sentence(path: Path) -> Callable[[int], None]:
    def prepare(number: int) -> None:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f"\nThe bench appended sentence number {number + 1} to this briefing.\n")

    return prepare


def run_briefing(project: Path, runs: int, build_py: Path, jobs: int | None) -> list[Result]:
    """Cold, no-change and one-edit builds; the edited file is restored afterwards."""
    label = f"briefing -j {jobs}" if jobs else "briefing"
    command = briefing_command(build_py, jobs)
    cold = repeat(f"{label} cold", runs, remove(project / "out", project / ".briefing-cache"), command, project)
    unchanged = repeat(f"{label} no-change", runs, nothing, command, project)
    edited = project / "content" / f"{slug_of(max(1, count_briefings(project) // 2))}.md"
    original = edited.read_bytes()
    try:
        edit = repeat(f"{label} one-edit", runs, append_sentence(edited), command, project)
    finally:
        edited.write_bytes(original)
    return [cold, unchanged, edit]


def count_briefings(project: Path) -> int:
    return len(list((project / "content").glob("*.md")))


# --- one size ------------------------------------------------------------------------------


@dataclass
class SizeReport:
    size: int
    words: int
    runs: int
    loader: str = "?"
    results: dict[str, Result] = field(default_factory=dict)
    jobs: bool = False

    def get(self, name: str) -> Result | None:
        return self.results.get(name)


def bench_size(size: int, runs: int, tools: Sequence[str], work: Path, build_py: Path, jobs: bool) -> SizeReport:
    folder = work / f"n{size}"
    shutil.rmtree(folder, ignore_errors=True)  # left by an interrupted run in the same --workdir
    started = time.perf_counter()
    project = generate_corpus(folder / "briefing", size)
    content = project / "content"
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in content.glob("*.md"))
    print(f"\nN = {size:,}: generated {words:,} words in {time.perf_counter() - started:.1f} s; k = {runs}", flush=True)
    report = SizeReport(size, words, runs, jobs=jobs)
    empty = make_project(folder / "empty")  # the same commands on no briefings: the fixed start-up cost
    if "floor" in tools:
        script = work / "floor.py"
        script.write_text(FLOOR_SCRIPT)
        result = repeat("floor", runs, nothing, [sys.executable, str(script), str(content)], folder)
        report.loader = log_of(folder).read_text().strip()
        add(report, result)
        add(report, repeat("floor start-up", runs, nothing, [sys.executable, str(script), str(empty / "content")], folder))
    if "briefing" in tools:
        for variant in ([1, 2] if jobs else [None]):
            for result in run_briefing(project, runs, build_py, variant):
                add(report, result)
            label = f"briefing -j {variant}" if variant else "briefing"
            cold = remove(empty / "out", empty / ".briefing-cache")
            add(report, repeat(f"{label} start-up", runs, cold, briefing_command(build_py, variant), empty))
    if "pelican" in tools:
        site = to_pelican(content, folder / "pelican")
        command = [str(venv("pelican") / "bin" / "pelican"), "content", "-o", "output", "-s", "pelicanconf.py", "-q"]
        add(report, repeat("pelican", runs, remove(site / "output"), command, site))
    if "mkdocs" in tools:
        site = to_mkdocs(content, folder / "mkdocs")
        command = [str(venv("mkdocs") / "bin" / "mkdocs"), "build", "-q", "-f", "mkdocs.yml"]
        add(report, repeat("mkdocs", runs, remove(site / "site"), command, site))
    shutil.rmtree(folder, ignore_errors=True)
    return report


def add(report: SizeReport, result: Result) -> None:
    report.results[result.name] = result
    print(f"  {result.name}: {', '.join(f'{run.seconds:.2f} s' for run in result.runs)}", flush=True)


# --- printing ------------------------------------------------------------------------------


def print_table(report: SizeReport) -> None:
    floor = report.get("floor")
    print(f"\n=== N = {report.size:,} briefings, {report.words:,} words "
          f"({report.words // report.size:,} a briefing), median of {report.runs}; load average now "
          f"{os.getloadavg()[0]:.2f} ===")
    if floor:
        print(f"floor: front matter with yaml.{report.loader}, bodies with markdown.markdown()")
    header = (f"{'build':<26}{'median s':>10}{'CPU s':>8}{'ms/briefing':>13}{'pages/s':>9}{'RSS MB':>8}{'tree MB':>9}"
              f"{'x floor':>9}")
    print(header)
    print("-" * len(header))
    for result in report.results.values():
        fixed = result.name.endswith("start-up")  # no briefings: per-briefing figures mean nothing
        ratio = f"{result.seconds / floor.seconds:.2f}" if floor and not fixed else "-"
        each = "-" if fixed else f"{1000 * result.seconds / report.size:.2f}"
        rate = "-" if fixed else f"{report.size / result.seconds:.0f}"
        print(f"{result.name:<26}{result.seconds:>10.3f}{result.cpu:>8.2f}{each:>13}{rate:>9}"
              f"{result.rss_mb:>8.0f}{result.tree_mb:>9.0f}{ratio:>9}")
    if not report.jobs and report.get("briefing cold"):
        print("note: this build.py has no -j/--jobs yet, so the -j 1 and -j 2 variants were skipped")


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("meets" if ok else "MISSES")


def line(target: str, value: str, ok: bool | None) -> None:
    print(f"  {target:<44}{value:<36} {verdict(ok)}")


def seconds(report: SizeReport, name: str) -> float | None:
    result = report.get(name)
    return result.seconds if result else None


def default_label(report: SizeReport) -> str:
    """The build a user runs on this 2-core machine: -j 2 when it exists."""
    return "briefing -j 2" if report.jobs else "briefing"


def ratio_line(target: str, numerator: float | None, denominator: float | None, limit: float, above: bool) -> None:
    if numerator is None or denominator is None:
        return line(target, "not measured", None)
    value = numerator / denominator
    line(target, f"{value:.2f}x", value >= limit if above else value <= limit)


def print_targets(report: SizeReport) -> None:
    main = default_label(report)
    cold = seconds(report, f"{main} cold")
    print(f"targets at N = {report.size:,} (speed comparisons use `{main}`):")
    if report.jobs:
        ratio_line("cold -j 1 <= 1.5x floor", seconds(report, "briefing -j 1 cold"), seconds(report, "floor"), 1.5,
                   False)
        ratio_line("cold -j 2 <= 0.9x floor", cold, seconds(report, "floor"), 0.9, False)
    else:
        ratio_line("cold <= 1.5x floor (-j 1 target; no -j yet)", cold, seconds(report, "floor"), 1.5, False)
    ratio_line(">= 1.75x faster than Pelican", seconds(report, "pelican"), cold, 1.75, True)
    ratio_line(">= 3x faster than MkDocs", seconds(report, "mkdocs"), cold, 3.0, True)
    unchanged = seconds(report, f"{main} no-change")
    if unchanged is not None:
        ratio_line("no-change < 5% of cold", unchanged, cold, 0.05, False)
        at = "" if report.size >= 10_000 else " (target at 10,000)"
        line(f"no-change < 1 s{at}", f"{unchanged:.3f} s", unchanged < 1.0)
    edit = seconds(report, f"{main} one-edit")
    if edit is not None:
        line("one-briefing edit < 250 ms as a command", f"{1000 * edit:.0f} ms", edit < 0.25)
    peaks = [r.peak_mb for name, r in report.results.items() if name.startswith("briefing")]
    if peaks:
        at = "" if report.size >= 10_000 else " (target at 10,000)"
        line(f"peak memory < 400 MB{at}", f"{max(peaks):.0f} MB (max of RSS, tree)", max(peaks) < 400)


def print_flatness(reports: list[SizeReport]) -> None:
    """Cold time per briefing across sizes, raw and net of the start-up cost (the same command on
    no briefings): flat means every size within 1.25x of the fastest, judged on the net time."""
    names = ["briefing -j 1 cold", "briefing -j 2 cold"] if reports[0].jobs else ["briefing cold"]
    if len(reports) < 2:
        return
    print("\ntime per briefing, cold, raw / net of start-up (flat = net within 1.25x of the fastest size):")
    for name in names + ["floor"]:
        startup = name.replace(" cold", "") + " start-up"
        per = {r.size: per_briefing(r, name, startup) for r in reports if name in r.results}
        if len(per) < 2:
            continue
        spread = max(net for _, net in per.values()) / min(net for _, net in per.values())
        values = ", ".join(f"{size:,}: {raw:.1f}/{net:.1f} ms" for size, (raw, net) in per.items())
        line(name, f"{values}; spread {spread:.2f}x", spread <= 1.25)


def per_briefing(report: SizeReport, name: str, startup: str) -> tuple[float, float]:
    total = report.results[name].seconds
    fixed = report.results[startup].seconds if startup in report.results else 0.0
    return 1000 * total / report.size, 1000 * max(total - fixed, 0.0) / report.size


# --- main ----------------------------------------------------------------------------------


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", help="comma-separated N (default 100,1000; 100,1000,10000 with --full)")
    parser.add_argument("--full", action="store_true", help="include N = 10,000 (takes much longer)")
    parser.add_argument("--runs", type=int, help="runs per build (default 3, and 1 from N = 10,000)")
    parser.add_argument("--tools", default=",".join(TOOLS), help=f"comma-separated subset of {','.join(TOOLS)}")
    parser.add_argument("--workdir", type=Path, help="where corpora are built (default: a new temporary folder)")
    arguments = parser.parse_args(argv)
    default = "100,1000,10000" if arguments.full else "100,1000"
    arguments.sizes = [int(n.replace("_", "")) for n in (arguments.sizes or default).split(",")]
    arguments.tools = [t.strip() for t in arguments.tools.split(",")]
    if unknown := set(arguments.tools) - set(TOOLS):
        parser.error(f"unknown tools: {', '.join(sorted(unknown))}")
    return arguments


def machine() -> str:
    return f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}"


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    work = arguments.workdir or Path(tempfile.mkdtemp(prefix="briefing-build-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    reports = []
    try:
        build_py = snapshot_code(work)
        jobs = has_jobs(build_py)
        print(f"build bench: {machine()}; Briefing -j: {'yes' if jobs else 'no (variants skipped)'}; "
              f"code snapshot in {build_py.parent}")
        for tool in ("pelican", "mkdocs"):
            if tool in arguments.tools:
                print(f"{tool}: {tool_version(venv(tool), tool)} in {VENVS / tool}")
        for size in arguments.sizes:
            runs = arguments.runs or (1 if size >= 10_000 else 3)
            report = bench_size(size, runs, arguments.tools, work, build_py, jobs)
            print_table(report)
            print_targets(report)
            reports.append(report)
        print_flatness(reports)
    finally:
        if arguments.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
