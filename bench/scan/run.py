"""Scan benchmark: the checkpoint pipeline against raw zxing-cpp and raw zbar, in one run.

    .venv/bin/python bench/scan/run.py [--per-class 40] [--blank 120] [--seed 0]
                                       [--presentations 16] [--skip-latency] [--json OUT]

Frames come from ``tests/helpers/frames.py`` (seeded, 1280×720). Decoding runs pinned to
one CPU core. "raw zxing-cpp" is ``zxingcpp.read_barcodes(frame, formats=QRCode)`` with
the library's defaults (its own grey conversion, rotation, inversion, downscaling); "raw
zbar" is ``pyzbar.decode(grey, symbols=[QRCODE])``. Success: the exact payload among the
decodes; wrong: any decoded payload that is not the frame's. Times: per frame, the median
of ``--repeats`` runs (zbar: one run), then median and p95 over the class.

The latency part writes a 30 fps MJPEG video of presentations (a code comes into view,
is held 1.5 s, leaves), plays it in real time through the :class:`DecodeWorker`, and
measures frame-in to scan-event latency. It also replays the per-frame decodes through
de-bounce policies to measure events per presentation.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.scanner.debounce import PresentationGate, Sighting  # noqa: E402
from app.scanner.reader import (  # noqa: E402
    CheckpointQrReader,
    QrReader,
    ZbarQrReader,
    ZxingQrReader,
)
from app.scanner.sources import VideoFileSource  # noqa: E402
from app.scanner.worker import DecodeWorker, ScanEvent  # noqa: E402
from tests.helpers import frames as F  # noqa: E402


def pct(values: list[float], q: float) -> float:
    """The q-quantile (0..1) by linear interpolation; NaN for no values."""
    return float(np.percentile(values, q * 100)) if values else float("nan")


def timed(reader: QrReader, image: np.ndarray, repeats: int) -> tuple[list[bytes], float]:
    runs = []
    out: list[bytes] = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = [c.payload for c in reader.decode(image)]
        runs.append((time.perf_counter() - t0) * 1000.0)
    return out, statistics.median(runs)


def compare(per_class: int, blanks: int, seed: int, repeats: int, second_look: bool = False
            ) -> dict[str, Any]:
    readers: dict[str, tuple[QrReader, int]] = {
        "pipeline": (CheckpointQrReader(second_look=second_look), repeats),
        "zxing": (ZxingQrReader(), repeats),
        "zbar": (ZbarQrReader(), 1),
    }
    results: dict[str, Any] = {}
    for cls in F.CLASSES:
        count = blanks if cls == "blank" else per_class
        row: dict[str, dict[str, Any]] = {k: {"ok": 0, "wrong": 0, "ms": []} for k in readers}
        looked = by_look = 0
        for sample in F.samples(cls, count, seed):
            truth = sample.payload.encode() if sample.payload else None
            for name, (reader, reps) in readers.items():
                decoded, ms = timed(reader, sample.image, reps)
                row[name]["ok"] += int(truth is not None and truth in decoded)
                row[name]["wrong"] += sum(1 for d in decoded if d != truth)
                row[name]["ms"].append(ms)
                if name == "pipeline" and "half-luma" in reader.stats.passes:
                    looked += 1
                    by_look += int(truth is not None and truth in decoded)
        results[cls] = {"n": count, **row, "second_look": {"ran": looked, "read": by_look}}
        cells = "  ".join(f"{k} {v['ok']}/{count} w{v['wrong']} {statistics.median(v['ms']):.1f}ms"
                          for k, v in row.items())
        print(f"  {cls:<13} {cells}", file=sys.stderr, flush=True)
    return results


def luminance_study(per_class: int, seed: int) -> dict[str, dict[str, int]]:
    """Success of the pipeline with each colour conversion on the classes it could affect."""
    variants = {name: CheckpointQrReader(luminance=name)
                for name in ("luma", "blue-weighted", "min-channel")}
    out: dict[str, dict[str, int]] = {}
    for cls in ("yellow", "red", "dim", "noise", "low-contrast"):
        out[cls] = dict.fromkeys(variants, 0)
        for sample in F.samples(cls, per_class, seed):
            truth = (sample.payload or "").encode()
            for name, reader in variants.items():
                out[cls][name] += int(truth in [c.payload for c in reader.decode(sample.image)])
    return out


# --------------------------------------------------------------------------- latency


def write_presentations(path: Path, count: int, seed: int, fps: int = 30
                        ) -> list[tuple[int, int, str]]:
    """A video of ``count`` presentations; returns (first frame, last frame, payload) each."""
    rng = np.random.default_rng([seed, 99])
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps,
                             (F.WIDTH, F.HEIGHT))
    noise = [rng.normal(0, 3, (F.HEIGHT, F.WIDTH, 3)).astype(np.int16) for _ in range(8)]
    spans = []
    index = 0
    classes = ("medium", "phone-screen", "printed-card", "yellow", "red", "small", "tilted")
    for k in range(count):
        sample = F.generate(classes[k % len(classes)], 1000 + k, seed)
        background = F.camera(F.scene(np.random.default_rng([seed, 7, k])), rng, noise=0)
        # longer than the gate's re-arm time: each presentation is a new one even when
        # the payload repeats (the payload set is small)
        gap = int(fps * rng.uniform(1.8, 2.4))
        for i in range(gap):
            writer.write(np.clip(background + noise[(index + i) % 8], 0, 255).astype(np.uint8))
        index += gap
        held = int(fps * 1.5)
        first = index
        for i in range(held):
            img = sample.image
            if i == 0:  # the hand is still moving as the code enters
                img = cv2.filter2D(img, -1, F.motion_kernel(9, float(rng.uniform(0, 180))))
            writer.write(img)
        index += held
        spans.append((first, index - 1, sample.payload or ""))
    for i in range(fps):
        writer.write(np.clip(noise[i % 8] + 100, 0, 255).astype(np.uint8))
    writer.release()
    return spans


def latency(count: int, seed: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        video = Path(tmp) / "presentations.avi"
        spans = write_presentations(video, count, seed)
        captured: dict[int, float] = {}
        events: list[ScanEvent] = []
        lock = threading.Lock()

        def on_frame(frame: Any) -> None:
            captured[frame.index] = frame.captured_at

        def on_scan(event: ScanEvent) -> None:
            with lock:
                events.append(event)

        worker = DecodeWorker(VideoFileSource(video, realtime=True), on_scan=on_scan,
                              on_frame=on_frame)
        worker.start()
        worker.wait(timeout=600)
        worker.stop()
        per_frame = replay_decodes(video)
    from_appearance, pipeline, fired_per = [], [], []
    wrong = 0
    for first, last, payload in spans:
        mine = [e for e in events if first <= e.frame_index <= last + 45
                and e.text == payload]
        fired_per.append(len(mine))
        if mine:
            e = mine[0]
            from_appearance.append((e.emitted_at - captured[first]) * 1000)
            pipeline.append(e.latency_ms)
    known = {p for _, _, p in spans}
    wrong = sum(1 for e in events if e.text not in known)
    return {
        "presentations": len(spans), "events": len(events), "wrong": wrong,
        "events_per_presentation": fired_per,
        "frames_read": worker.frames_read, "frames_decoded": worker.frames_decoded,
        "dropped": worker.dropped_frames,
        "decode_ms_mean": worker.decode_ms_total / max(1, worker.frames_decoded),
        "latency_from_appearance_ms": from_appearance,
        "latency_frame_to_event_ms": pipeline,
        "policies": policies(per_frame, spans),
    }


def replay_decodes(video: Path) -> list[list[Sighting]]:
    """Every frame of the video decoded by the pipeline, in order (no threads, no pacing)."""
    reader = CheckpointQrReader()
    cap = cv2.VideoCapture(str(video))
    out = []
    while True:
        ok, img = cap.read()
        if not ok:
            break
        out.append([Sighting(c.payload, c.decoder) for c in reader.decode(img)])
    cap.release()
    return out


def policies(per_frame: list[list[Sighting]], spans: list[tuple[int, int, str]]
             ) -> dict[str, Any]:
    """Events per presentation and added delay for 1/2/3-sighting confirmation, with and
    without half of the decodes dropped at random (a noisy camera)."""
    out: dict[str, Any] = {}
    rng = np.random.default_rng(5)
    drop_mask = rng.random(len(per_frame)) < 0.5
    for label, dropped in (("clean", False), ("50% frames lost", True)):
        for need in (1, 2, 3):
            gate = PresentationGate(min_sightings=need, rescue_min_sightings=need)
            fires: list[tuple[int, bytes]] = []
            for i, sightings in enumerate(per_frame):
                seen = [] if dropped and drop_mask[i] else sightings
                fires.extend((i, p) for p in gate.observe(i / 30.0, seen))
            per, delay = [], []
            for first, last, payload in spans:
                mine = [i for i, p in fires if first <= i <= last + 45 and p == payload.encode()]
                per.append(len(mine))
                if mine:
                    delay.append(mine[0] - first)
            out[f"{label}, confirm {need}"] = {
                "missed": per.count(0), "double": sum(1 for n in per if n > 1),
                "median_frames_to_event": statistics.median(delay) if delay else None,
            }
    return out


# --------------------------------------------------------------------------- report


def table(results: dict[str, Any]) -> str:
    head = ("| class | n | pipeline ok | zxing ok | zbar ok | wrong p/zx/zb | "
            "pipeline ms med/p95 | zxing ms med/p95 | zbar ms med/p95 |")
    lines = [head, "|" + "---|" * 9]
    code_ms: list[float] = []
    for cls, r in results.items():
        n = r["n"]
        if cls != "blank":
            code_ms.extend(r["pipeline"]["ms"])

        def ms(k: str, r: dict[str, Any] = r) -> str:
            return f"{statistics.median(r[k]['ms']):.2f} / {pct(r[k]['ms'], 0.95):.2f}"

        def ok(k: str, r: dict[str, Any] = r, n: int = n, blank: bool = cls == "blank") -> str:
            return "–" if blank else f"{r[k]['ok']}/{n} ({100 * r[k]['ok'] / n:.0f}%)"

        wrong = "/".join(str(r[k]["wrong"]) for k in ("pipeline", "zxing", "zbar"))
        lines.append(f"| {cls} | {n} | {ok('pipeline')} | {ok('zxing')} | {ok('zbar')} | "
                     f"{wrong} | {ms('pipeline')} | {ms('zxing')} | {ms('zbar')} |")
    looks = {c: r["second_look"] for c, r in results.items() if r["second_look"]["ran"]}
    if looks:
        lines.append("")
        lines.append("Second look (half-resolution luma) ran / read the code: " + ", ".join(
            f"{c} {v['ran']}/{v['read']}" for c, v in looks.items()) + ".")
    blank = results["blank"]
    totals = {k: sum(r[k]["ok"] for c, r in results.items() if c != "blank")
              for k in ("pipeline", "zxing", "zbar")}
    n_codes = sum(r["n"] for c, r in results.items() if c != "blank")
    lines.append("")
    lines.append(f"All code frames: pipeline {totals['pipeline']}/{n_codes}, zxing "
                 f"{totals['zxing']}/{n_codes}, zbar {totals['zbar']}/{n_codes}; pipeline ms "
                 f"median {statistics.median(code_ms):.2f}, p95 {pct(code_ms, 0.95):.2f}, "
                 f"mean {statistics.fmean(code_ms):.2f}.")
    lines.append(f"Blank frames: pipeline mean {statistics.fmean(blank['pipeline']['ms']):.2f} ms"
                 f" (zxing {statistics.fmean(blank['zxing']['ms']):.2f}, zbar "
                 f"{statistics.fmean(blank['zbar']['ms']):.2f}); decodes on blank frames: "
                 f"pipeline {blank['pipeline']['wrong']}, zxing {blank['zxing']['wrong']}, "
                 f"zbar {blank['zbar']['wrong']}.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--per-class", type=int, default=40)
    ap.add_argument("--blank", type=int, default=120)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--presentations", type=int, default=16)
    ap.add_argument("--skip-latency", action="store_true")
    ap.add_argument("--second-look", action="store_true",
                    help="enable the pipeline's optional half-resolution luma stage")
    ap.add_argument("--latency-only", action="store_true")
    ap.add_argument("--core", type=int, default=None, help="CPU to pin to (default: first)")
    ap.add_argument("--json", type=Path, help="also write the raw results here")
    args = ap.parse_args(argv)
    core = args.core if args.core is not None else min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    cv2.setNumThreads(1)
    print(f"pinned to CPU {core}; zxing-cpp, zbar, OpenCV {cv2.__version__}", file=sys.stderr)
    started = time.perf_counter()
    results: dict[str, Any] = {}
    lum: dict[str, dict[str, int]] = {}
    if not args.latency_only:
        results = compare(args.per_class, args.blank, args.seed, args.repeats,
                          args.second_look)
        print("## Decoding, per class (one core)\n")
        print(table(results))
        lum = luminance_study(args.per_class, args.seed)
        print("\n## Colour conversion (pipeline successes)\n")
        print("| class | luma | blue-weighted | min-channel |\n|---|---|---|---|")
        for cls, r in lum.items():
            print(f"| {cls} | {r['luma']} | {r['blue-weighted']} | {r['min-channel']} |")
    lat: dict[str, Any] = {}
    if not args.skip_latency:
        lat = latency(args.presentations, args.seed)
        a, p = lat["latency_from_appearance_ms"], lat["latency_frame_to_event_ms"]
        print("\n## Worker pipeline at 30 fps (video source, real time)\n")
        print(f"presentations {lat['presentations']}, events {lat['events']}, wrong "
              f"{lat['wrong']}, events per presentation {lat['events_per_presentation']}")
        print(f"frames read {lat['frames_read']}, decoded {lat['frames_decoded']}, dropped "
              f"{lat['dropped']}, decode mean {lat['decode_ms_mean']:.2f} ms")
        print(f"frame-in → scan event (frame that produced it): median {pct(p, 0.5):.1f} ms, "
              f"p95 {pct(p, 0.95):.1f} ms, max {max(p) if p else float('nan'):.1f} ms")
        print(f"code enters view → scan event (incl. the blurred entry frame): median "
              f"{pct(a, 0.5):.1f} ms, p95 {pct(a, 0.95):.1f} ms")
        print("\n## De-bounce policies (replay of per-frame decodes)\n")
        print("| policy | missed | fired twice | median frames to event |\n|---|---|---|---|")
        for name, r in lat["policies"].items():
            print(f"| {name} | {r['missed']} | {r['double']} | {r['median_frames_to_event']} |")
    print(f"\n(total {time.perf_counter() - started:.0f} s)", file=sys.stderr)
    if args.json:
        def plain(o: Any) -> Any:
            return o if not isinstance(o, np.generic) else o.item()
        args.json.write_text(json.dumps({"classes": results, "luminance": lum, "latency": lat},
                                        default=plain, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
