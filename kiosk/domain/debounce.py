"""Turns a code held in front of the camera into one scan.

What a student expects: holding the card up gives one beep, however long they hold it or however
often the decoder happens to re-read it. So the quiet period runs from the *last time the text was
seen*, not from the first: a card kept in view (or flickering in and out of focus) stays one scan,
and the same card passes again once it has been out of sight for ``hold_seconds``. A different
text passes at once (the next student in the queue must not wait), and a text that was in view
shortly before stays suppressed even if another code came in between (two students alternating in
front of the lens do not re-trigger each other's scans).

Pure: time is the ``now`` parameter (any monotonic clock in seconds).
"""

from __future__ import annotations


class Debouncer:
    """Decides whether a decoded text is a new scan.

    Args:
        hold_seconds: How long a text must have been out of sight before it scans again.
        max_texts: Bound on remembered texts (the oldest are forgotten first).
    """

    def __init__(self, hold_seconds: float = 2.5, *, max_texts: int = 64) -> None:
        if hold_seconds < 0:
            raise ValueError("hold_seconds must not be negative")
        self.hold_seconds = hold_seconds
        self._max_texts = max_texts
        self._last_seen: dict[str, float] = {}

    def seen(self, text: str, now: float) -> bool:
        """Record that ``text`` was decoded at ``now``; True when it counts as a new scan."""
        self._forget_before(now - self.hold_seconds)
        last = self._last_seen.pop(text, None)
        # Re-inserting keeps the dict in last-seen order, so forgetting walks from the front.
        self._last_seen[text] = now
        if len(self._last_seen) > self._max_texts:
            del self._last_seen[next(iter(self._last_seen))]
        return last is None or now - last >= self.hold_seconds

    def reset(self) -> None:
        """Forget everything (e.g. after staff change the kiosk's tenant)."""
        self._last_seen.clear()

    def _forget_before(self, cutoff: float) -> None:
        while self._last_seen:
            text, seen_at = next(iter(self._last_seen.items()))
            if seen_at > cutoff:
                break
            del self._last_seen[text]
