"""The report: a table on stdout, JSON in bench/results/ and a chart of latency against load."""

from __future__ import annotations

import json
import os
import platform
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

from bench.scenarios import ACK_KINDS

RESULTS_DIR = Path(__file__).resolve().parent / "results"
DOCS_CHART = Path(__file__).resolve().parent.parent / "docs" / "bench-latency.png"

TARGET_ACK_P99_MS = 50.0
TARGET_TURN_RATIO = 1.2
TARGET_INTERVIEWS = 2000
TARGET_RSS_MB = 400.0
TARGET_HOME_MS = 50.0

KIND_LABELS = {
    "slash_command": "slash command",
    "block_actions_select": "block_actions: select",
    "block_actions_start": "block_actions: Start",
    "message_im": "message.im (turn)",
}


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
        "sqlite": sqlite3.sqlite_version,
    }


def _ratio(value: float | None, base: float | None) -> float | None:
    if value is None or not base:
        return None
    return round(value / base, 2)


def add_ratios(results: dict[str, Any]) -> None:
    """Attach ratios to the baseline for ack latency and per-turn overhead."""
    baseline = results.get("baseline") or {}
    for name, target in results.get("targets", {}).items():
        del name
        ack = target.get("ack") or {}
        for kind, by_rate in ack.items():
            for rate, row in by_rate.items():
                base = (baseline.get("ack") or {}).get(kind, {}).get(rate) or {}
                row["ratio_p50"] = _ratio(row.get("p50_ms"), base.get("p50_ms"))
                row["ratio_p99"] = _ratio(row.get("p99_ms"), base.get("p99_ms"))
        turn = target.get("per_turn")
        base_turn = baseline.get("per_turn") or {}
        if turn:
            turn["ratio_p50"] = _ratio(turn.get("p50_ms"), base_turn.get("p50_ms"))
            turn["ratio_p99"] = _ratio(turn.get("p99_ms"), base_turn.get("p99_ms"))


def verdicts(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each target of the issue, per database: the measured figure and whether it is met."""
    out: dict[str, dict[str, Any]] = {}
    top_rate = str(max(results["config"]["rates"]))
    for name, target in results.get("targets", {}).items():
        ack = target.get("ack") or {}
        worst = max(
            (
                (ack.get(kind) or {}).get(top_rate, {}).get("p99_ms") or float("inf")
                for kind in ACK_KINDS
                if ack.get(kind)
            ),
            default=None,
        )
        turn = target.get("per_turn") or {}
        cap = target.get("capacity") or {}
        home = target.get("home") or {}
        rss = cap.get("peak_rss_mb_at_carried")
        out[name] = {
            "ack_p99_ms_at_top_rate": worst,
            "ack_ok": worst is not None and worst < TARGET_ACK_P99_MS,
            "turn_ratio_p50": turn.get("ratio_p50"),
            "turn_ok": turn.get("ratio_p50") is not None and turn["ratio_p50"] <= TARGET_TURN_RATIO,
            "interviews_carried": cap.get("carried"),
            "rss_mb": rss,
            "capacity_ok": (cap.get("carried") or 0) >= TARGET_INTERVIEWS
            and rss is not None
            and rss < TARGET_RSS_MB,
            "home_p95_ms": home.get("p95_ms"),
            "home_ok": home.get("p95_ms") is not None and home["p95_ms"] < TARGET_HOME_MS,
        }
    return out


def _fmt(value: Any, suffix: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}{suffix}"
    return f"{value}{suffix}"


def _x(value: Any) -> str:
    return "—" if value is None else f"{value:.2f}×"


def render_table(results: dict[str, Any]) -> str:
    """The plain-text report printed at the end of a run."""
    lines: list[str] = []
    m = results["machine"]
    cfg = results["config"]
    lines.append("")
    lines.append("Interview Bot benchmark" + (" (quick)" if cfg.get("quick") else ""))
    lines.append(
        f"machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM, Python {m['python']}, "
        f"{m['os']}, SQLite {m['sqlite']}" + (f", {m['postgresql']}" if m.get("postgresql") else "")
    )
    lines.append(
        f"fakes: model latency {cfg['model_latency']} s (streaming), Slack Web API latency "
        f"{cfg['slack_latency'] * 1000:.0f} ms per call; all on 127.0.0.1"
    )
    baseline = results.get("baseline") or {}
    targets = results.get("targets") or {}
    lines.append("")
    lines.append("1. Ack latency, ms (p50 / p95 / p99) and p99 ratio to the bare Bolt baseline")
    header = f"{'kind':<24}{'rate':>6}  {'baseline':>22}"
    for name in targets:
        header += f"  {name:>22}  {'×base':>6}"
    lines.append(header)
    for kind in ACK_KINDS:
        for rate in cfg["rates"]:
            base = (baseline.get("ack") or {}).get(kind, {}).get(str(rate)) or {}
            row = f"{KIND_LABELS[kind]:<24}{rate:>6}  {_triple(base):>22}"
            for target in targets.values():
                data = (target.get("ack") or {}).get(kind, {}).get(str(rate)) or {}
                row += f"  {_triple(data):>22}  {_x(data.get('ratio_p99')):>6}"
            lines.append(row)
    late = [
        f"{name} {KIND_LABELS[kind]} @{rate}/s: {row.get('over_3s', 0)} over 3 s, "
        f"{row.get('failed', 0)} failed"
        for name, target in {"baseline": baseline, **targets}.items()
        for kind, by_rate in (target.get("ack") or {}).items()
        for rate, row in by_rate.items()
        if row.get("over_3s") or row.get("failed")
    ]
    lines.append(
        "   acks over Slack's 3 s limit (Slack would retry) or failed: "
        + ("; ".join(late) if late else "none")
    )
    lines.append("")
    lines.append(
        "2. Per-turn overhead, ms: candidate message sent → reply's chat.postMessage arrives,"
        f" minus the model's {cfg['model_latency']} s"
    )
    base_turn = baseline.get("per_turn") or {}
    lines.append(
        f"   baseline p50 {_fmt(base_turn.get('p50_ms'))} / p99 {_fmt(base_turn.get('p99_ms'))}"
        f" ({base_turn.get('count', 0)} turns)"
    )
    for name, target in targets.items():
        turn = target.get("per_turn") or {}
        lines.append(
            f"   {name:<10} p50 {_fmt(turn.get('p50_ms'))} / p99 {_fmt(turn.get('p99_ms'))}"
            f"  → {_x(turn.get('ratio_p50'))} / {_x(turn.get('ratio_p99'))} of baseline"
            f" ({turn.get('count', 0)} turns, {turn.get('lost', 0)} lost)"
        )
    lines.append("")
    lines.append(
        f"3. Capacity: live interviews, each writing every {cfg['capacity_pace']:.0f} s on average"
        f" ({cfg['capacity_step_seconds']:.0f} s per step), {cfg['model_latency']} s model latency;"
        f" a step fails on a lost turn or turn p99 > {cfg['turn_deadline']:.0f} s"
    )
    for name, target in targets.items():
        cap = target.get("capacity") or {}
        for step in cap.get("steps", []):
            tt = step.get("turn_time") or {}
            lines.append(
                f"   {name:<10} {step['interviews']:>5} interviews "
                f"({step['offered_turns_per_s']} turns/s): "
                f"{'ok ' if step['ok'] else 'BROKE'} {step['turns']} turns, lost {step['lost']}, "
                f"turn p50 {_fmt(tt.get('p50_ms'))} / p99 {_fmt(tt.get('p99_ms'))} ms, "
                f"{step['bot_cpu_per_turn_ms']} ms CPU/turn, "
                f"peak RSS {_fmt(step['peak_rss_mb'])} MB"
            )
        lines.append(
            f"   {name:<10} carried {cap.get('carried')} "
            f"({cap.get('sustained_turns_per_s')} turns/s sustained); "
            + (f"breaks at {cap['broke_at']}" if cap.get("broke_at") else "did not break")
        )
    lines.append("")
    lines.append("4. Home tab: app_home_opened → views.publish arrives, ms")
    for name, target in targets.items():
        home = target.get("home") or {}
        lines.append(
            f"   {name:<10} {home.get('interviews')} completed interviews: "
            f"p50 {_fmt(home.get('p50_ms'))} / p95 {_fmt(home.get('p95_ms'))} / "
            f"max {_fmt(home.get('max_ms'))}"
        )
    lines.append("")
    lines.append("Targets")
    for name, v in (results.get("verdicts") or {}).items():
        lines.append(
            f"   {name:<10} ack p99 @{max(cfg['rates'])}/s {_fmt(v['ack_p99_ms_at_top_rate'])} ms "
            f"{_ok(v['ack_ok'])} (<{TARGET_ACK_P99_MS:.0f}) | per-turn "
            f"{_x(v['turn_ratio_p50'])} {_ok(v['turn_ok'])} (≤{TARGET_TURN_RATIO}×) | "
            f"interviews {v['interviews_carried']} at {_fmt(v['rss_mb'])} MB "
            f"{_ok(v['capacity_ok'])} (≥{TARGET_INTERVIEWS}, <{TARGET_RSS_MB:.0f} MB) | "
            f"Home p95 {_fmt(v['home_p95_ms'])} ms {_ok(v['home_ok'])} (<{TARGET_HOME_MS:.0f})"
        )
    lines.append(f"\ntook {results.get('duration_s')} s")
    return "\n".join(lines)


def _ok(flag: bool) -> str:
    return "✔" if flag else "✘"


def _triple(row: dict[str, Any]) -> str:
    if not row:
        return "—"
    return f"{_fmt(row.get('p50_ms'))} / {_fmt(row.get('p95_ms'))} / {_fmt(row.get('p99_ms'))}"


def write_results(results: dict[str, Any], *, update_docs: bool) -> tuple[Path, Path | None]:
    """Timestamped JSON plus latest.json, and the chart (copied for the README if asked)."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS_DIR / f"bench-{stamp}.json"
    text = json.dumps(results, indent=2, sort_keys=False)
    path.write_text(text + "\n")
    (RESULTS_DIR / "latest.json").write_text(text + "\n")
    chart = RESULTS_DIR / "latency.png"
    try:
        draw_chart(results, chart)
    except ImportError:
        return path, None
    if update_docs:
        DOCS_CHART.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(chart, DOCS_CHART)
    return path, chart


def draw_chart(results: dict[str, Any], path: Path) -> None:
    """p50 and p99 ack latency against offered load, one panel per kind of request."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rates = results["config"]["rates"]
    series = {"baseline (bare Bolt)": results.get("baseline") or {}}
    series |= {f"Interview Bot, {n}": t for n, t in (results.get("targets") or {}).items()}
    colours = ["#888888", "#2E7D32", "#1565C0", "#C62828"]
    fig, axes = plt.subplots(1, len(ACK_KINDS), figsize=(16, 4.2), sharey=False)
    for axis, kind in zip(axes, ACK_KINDS, strict=True):
        for (label, data), colour in zip(series.items(), colours, strict=False):
            rows = [(data.get("ack") or {}).get(kind, {}).get(str(r)) or {} for r in rates]
            p50 = [row.get("p50_ms") for row in rows]
            p99 = [row.get("p99_ms") for row in rows]
            axis.plot(rates, p99, marker="o", color=colour, label=f"{label} p99")
            axis.plot(rates, p50, marker=".", linestyle="--", color=colour, label=f"{label} p50")
        axis.axhline(TARGET_ACK_P99_MS, color="#999999", linewidth=0.8, linestyle=":")
        # Light and heavy requests differ by orders of magnitude; a log axis shows both.
        axis.set_yscale("log")
        axis.set_title(KIND_LABELS[kind])
        axis.set_xlabel("requests / s")
        axis.set_xticks(rates)
        axis.set_ylabel("ack latency, ms")
        axis.grid(alpha=0.3)
    axes[0].legend(fontsize=7, loc="upper left")
    m = results["machine"]
    fig.suptitle(
        f"Ack latency against load (dotted: the 50 ms p99 target) — {m['cpu']}, "
        f"{m['cores']} cores, Python {m['python']}",
        fontsize=10,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
