"""Telling a USB keyboard-wedge scanner from a person typing, by key timing alone.

A wedge scanner "types" the QR text as key presses a few milliseconds apart and ends with Enter.
A person types at most one key every ~60–80 ms and rarely keeps a 30 ms pace for more than a
couple of keys. So every printable key is *held* for a short time (``gap_ms``):

- another key within ``gap_ms`` extends the burst; once a burst holds ``min_burst`` keys it is
  a scan: everything up to Enter is swallowed and becomes one scanned text;
- a pause longer than ``gap_ms`` before the burst became a scan releases the held keys: the
  caller replays them to the widget that has focus, so typing still works (30 ms late);
- a pause inside a scan (a scanner unplugged mid-code, a burst that never got its Enter)
  discards it: a half code is never replayed into a text field, nor checked in.

Pure: no clock and no Qt. The caller passes each key's timestamp (milliseconds, any monotonic
origin) and calls :meth:`WedgeClassifier.expire` when its ``gap_ms`` timer fires.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

#: A scanner's inter-key gap is 1–20 ms; 35 ms leaves room for a busy machine.
DEFAULT_GAP_MS = 35.0
#: Keys at scanner pace before a burst counts as a scan (a fast typist can hit two or three).
DEFAULT_MIN_BURST = 6
#: Longest text accepted as one scan (a ~380-character JWS in a URL fits comfortably).
DEFAULT_MAX_LENGTH = 4096


class WedgeAction(StrEnum):
    """What the caller does with the key it just passed in (and the keys held before it)."""

    HOLD = "hold"  # swallow this key for now: it may belong to a scan
    PASS = "pass"  # noqa: S105 (not a password) not ours: let the key through untouched
    REPLAY = "replay"  # replay the held keys (then handle this key as the decision says)
    SCAN = "scan"  # a complete scan: swallow the key; ``text`` is the scanned text
    DISCARD = "discard"  # an unfinished scan was dropped: the held keys are forgotten


@dataclass(frozen=True, slots=True)
class WedgeDecision:
    """The classifier's answer for one key or timer.

    Attributes:
        action: What to do.
        text: The scanned text (``SCAN`` only).
        released: How many held keys to replay (``REPLAY``) or that were dropped (``DISCARD``).
        then: For a key that also ended an earlier burst: what to do with this key itself
            (``HOLD`` or ``PASS``). ``None`` when the action concerns the key itself.
    """

    action: WedgeAction
    text: str = ""
    released: int = 0
    then: WedgeAction | None = None


_HOLD = WedgeDecision(WedgeAction.HOLD)
_PASS = WedgeDecision(WedgeAction.PASS)


class WedgeClassifier:
    """Classifies key presses as scanner bursts or human typing (see the module docstring).

    Args:
        gap_ms: Longest pause between two keys of one scan.
        min_burst: Keys at scanner pace that make a burst a scan.
        max_length: A burst longer than this is dropped (a stuck key, not a code).
    """

    def __init__(
        self,
        gap_ms: float = DEFAULT_GAP_MS,
        min_burst: int = DEFAULT_MIN_BURST,
        max_length: int = DEFAULT_MAX_LENGTH,
    ) -> None:
        if gap_ms <= 0 or min_burst < 2:
            raise ValueError("gap_ms must be positive and min_burst at least 2")
        self.gap_ms = gap_ms
        self.min_burst = min_burst
        self.max_length = max_length
        self._chars: list[str] = []
        self._last_at: float | None = None
        self.scans = 0
        self.discarded = 0

    @property
    def holding(self) -> int:
        """How many keys are held right now."""
        return len(self._chars)

    @property
    def scanning(self) -> bool:
        """True once the held burst reached scanner length."""
        return len(self._chars) >= self.min_burst

    def _release(self) -> WedgeDecision:
        """End the current burst after a pause: replay a short one, drop an unfinished scan."""
        count = len(self._chars)
        was_scan = self.scanning
        self._chars.clear()
        self._last_at = None
        if count == 0:
            return _PASS
        if was_scan:
            self.discarded += 1
            return WedgeDecision(WedgeAction.DISCARD, released=count)
        return WedgeDecision(WedgeAction.REPLAY, released=count)

    def _paused(self, at_ms: float) -> bool:
        return self._last_at is not None and at_ms - self._last_at > self.gap_ms

    def key(self, char: str, at_ms: float) -> WedgeDecision:
        """A printable key was pressed at ``at_ms``."""
        if len(char) != 1 or not char.isprintable():
            return self.other_key(at_ms)
        ended = self._release() if self._paused(at_ms) else None
        self._chars.append(char)
        self._last_at = at_ms
        if len(self._chars) > self.max_length:
            dropped = self._release()
            return WedgeDecision(WedgeAction.DISCARD, released=dropped.released)
        if ended is not None and ended.action is not WedgeAction.PASS:
            return WedgeDecision(ended.action, released=ended.released, then=WedgeAction.HOLD)
        return _HOLD

    def enter(self, at_ms: float) -> WedgeDecision:
        """Enter (Return) was pressed: the end of a scan, or an ordinary key."""
        if not self._chars:
            return _PASS
        if self._paused(at_ms) or not self.scanning:
            ended = self._release()
            return WedgeDecision(ended.action, released=ended.released, then=WedgeAction.PASS)
        text = "".join(self._chars)
        self._chars.clear()
        self._last_at = None
        self.scans += 1
        return WedgeDecision(WedgeAction.SCAN, text=text)

    def other_key(self, at_ms: float) -> WedgeDecision:
        """A non-printable key (arrows, Tab, Escape...): scanners never send these mid-code."""
        if not self._chars:
            return _PASS
        ended = self._release()
        return WedgeDecision(ended.action, released=ended.released, then=WedgeAction.PASS)

    def expire(self, now_ms: float) -> WedgeDecision:
        """The caller's ``gap_ms`` timer fired: end the burst if the pause is long enough."""
        if self._chars and self._last_at is not None and now_ms - self._last_at >= self.gap_ms:
            return self._release()
        return _PASS
