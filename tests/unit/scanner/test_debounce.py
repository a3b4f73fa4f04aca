"""One scan event per presentation."""

from __future__ import annotations

from app.scanner.debounce import PresentationGate, Sighting

A, B = b"GX1:AAAA", b"GX1:BBBB"


def feed(gate: PresentationGate, seq: list[tuple[float, list[Sighting]]]) -> list[bytes]:
    out = []
    for at, s in seq:
        out.extend(gate.observe(at, s))
    return out


def test_a_code_held_in_view_fires_once() -> None:
    gate = PresentationGate()
    seq = [(i / 30, [Sighting(A)]) for i in range(90)]
    assert feed(gate, seq) == [A]


def test_gaps_shorter_than_rearm_do_not_fire_again() -> None:
    gate = PresentationGate(rearm_after_s=1.5)
    seq = [(0.0, [Sighting(A)]), (1.0, []), (1.4, [Sighting(A)]), (2.8, [Sighting(A)])]
    assert feed(gate, seq) == [A]


def test_the_same_code_shown_again_later_fires_again() -> None:
    gate = PresentationGate(rearm_after_s=1.5)
    assert feed(gate, [(0.0, [Sighting(A)]), (1.0, []), (3.0, [Sighting(A)])]) == [A, A]


def test_a_new_code_fires_at_once_while_the_first_is_in_view() -> None:
    gate = PresentationGate()
    seq = [(0.0, [Sighting(A)]), (0.03, [Sighting(A), Sighting(B)]), (0.06, [Sighting(B)])]
    assert feed(gate, seq) == [A, B]
    assert set(gate.in_view()) == {A, B}


def test_rescue_decodes_need_confirmation() -> None:
    gate = PresentationGate(min_sightings=1, rescue_min_sightings=2, window_s=0.5)
    assert gate.observe(0.0, [Sighting(A, "zbar")]) == []
    assert gate.observe(0.04, [Sighting(A, "zbar")]) == [A]
    # a lone noisy sighting that is never confirmed does not fire
    assert gate.observe(3.0, [Sighting(B, "zbar")]) == []
    assert gate.observe(4.0, [Sighting(B, "zbar")]) == []


def test_confirmation_window_and_duplicates_within_a_frame() -> None:
    gate = PresentationGate(min_sightings=2, window_s=0.2)
    assert gate.observe(0.0, [Sighting(A), Sighting(A)]) == []
    assert gate.observe(0.5, [Sighting(A)]) == []
    assert gate.observe(0.55, [Sighting(A)]) == [A]
    gate.reset()
    assert gate.in_view() == []
