"""QR decoder engines behind one small protocol, each restricted to QR codes.

Engines and their thread safety (checked by ``tests/test_vision_decoders.py`` with two threads
sharing one engine object):

- ``zxing`` (zxing-cpp): a stateless call (options are built per call); one instance may be shared.
  Restricted to QR Model 2: plain ``QRCode`` also reads Micro QR and rMQR, which produced the
  only misread measured here (DESIGN §9), and no TatamiTech code is anything but Model 2.
- ``pyzbar`` (libzbar): each call builds its own zbar scanner; one instance may be shared. Only
  when libzbar loads (``available_engines()`` gives the reason otherwise).
- ``opencv`` (``cv2.QRCodeDetector``) and ``opencv-aruco`` (``cv2.QRCodeDetectorAruco``): the
  detector objects keep state between calls, so the engine holds one detector per thread
  (``threading.local``); one engine instance may then be shared.
- ``wechat`` (``cv2.wechat_qrcode``): its CNN detector crashes when two threads share one
  instance (DESIGN §9). It exists only in opencv-contrib builds with model files; the
  opencv-python-headless wheel used here has none, so it is reported unavailable with the reason.
"""

from __future__ import annotations

import threading
from typing import Protocol

import cv2
import numpy as np

from kiosk.adapters.frame_types import Image


class DecoderEngine(Protocol):
    """One QR decoding library. ``decode`` takes a grayscale or BGR image.

    ``inverts`` is True when ``decode`` also finds light-on-dark codes by itself; the pipeline
    retries the negative for engines that do not.
    """

    name: str
    inverts: bool

    def decode(self, image: Image) -> list[str]:
        """Return the texts of the QR codes found (empty list when none)."""
        ...


class EngineUnavailable(RuntimeError):
    """The engine's library is not installed or cannot load here."""


def to_gray(image: Image) -> Image:
    """Grayscale view of a BGR, BGRA or already gray image."""
    if image.ndim == 2:
        return image
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY)
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def _bytes_to_text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


class ZxingEngine:
    """zxing-cpp, QR Model 2 only.

    Args:
        try_invert: Also look for light-on-dark codes (dark-mode phones) inside the call.
        try_downscale: Let zxing-cpp also scan its own downscaled copies (helps big, blurry codes).
        try_rotate: Also look for codes rotated by 90°/270° (QR finder patterns make this cheap).
        binarizer: ``local`` (zxing-cpp's default, local averages) or ``global`` (one global
            histogram threshold: reads some unevenly lit or blurred photographs the local one
            misses; the pipeline's retry).
    """

    name = "zxing"
    inverts: bool

    def __init__(
        self,
        *,
        try_invert: bool = True,
        try_downscale: bool = True,
        try_rotate: bool = True,
        binarizer: str = "local",
    ) -> None:
        import zxingcpp

        self._zx = zxingcpp
        self._binarizer = (
            zxingcpp.Binarizer.GlobalHistogram
            if binarizer == "global"
            else zxingcpp.Binarizer.LocalAverage
        )
        self._formats = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCodeModel2)
        self.inverts = try_invert
        self._try_downscale = try_downscale
        self._try_rotate = try_rotate

    def decode(self, image: Image) -> list[str]:
        """Decode QR codes in ``image``."""
        results = self._zx.read_barcodes(
            image,
            formats=self._formats,
            try_rotate=self._try_rotate,
            try_downscale=self._try_downscale,
            try_invert=self.inverts,
            text_mode=self._zx.TextMode.Plain,
            binarizer=self._binarizer,
        )
        return [r.text for r in results if r.valid]


class PyzbarEngine:
    """pyzbar over libzbar, QR only; grayscale input (zbar reads 8-bit gray)."""

    name = "pyzbar"
    inverts = False  # zbar reads dark-on-light only

    def __init__(self) -> None:
        from pyzbar import pyzbar

        self._pyzbar = pyzbar
        self._symbols = [pyzbar.ZBarSymbol.QRCODE]

    def decode(self, image: Image) -> list[str]:
        """Decode QR codes in ``image``."""
        gray = np.ascontiguousarray(to_gray(image))
        results = self._pyzbar.decode(gray, symbols=self._symbols)
        return [_bytes_to_text(r.data) for r in results]


class OpenCVEngine:
    """OpenCV's ``QRCodeDetector`` (or ``QRCodeDetectorAruco``), one detector per thread."""

    def __init__(self, *, aruco: bool = False) -> None:
        self.name = "opencv-aruco" if aruco else "opencv"
        self.inverts = False  # neither detector finds light-on-dark finder patterns
        self._aruco = aruco
        self._local = threading.local()

    def _detector(self) -> cv2.QRCodeDetector | cv2.QRCodeDetectorAruco:
        detector: cv2.QRCodeDetector | cv2.QRCodeDetectorAruco | None = getattr(
            self._local, "detector", None
        )
        if detector is None:
            detector = cv2.QRCodeDetectorAruco() if self._aruco else cv2.QRCodeDetector()
            self._local.detector = detector
        return detector

    def decode(self, image: Image) -> list[str]:
        """Decode QR codes in ``image``."""
        gray = to_gray(image)
        try:
            # The Bytes variant: the str one raises on codes that are not UTF-8 (Shift-JIS).
            ok, payloads, _points, _straight = self._detector().detectAndDecodeBytesMulti(gray)
        except cv2.error:
            # Degenerate detections (e.g. collinear finder candidates) raise inside OpenCV.
            return []
        if not ok:
            return []
        return [_bytes_to_text(bytes(p)) for p in payloads if len(p)]


_WECHAT_REASON = (
    "cv2.wechat_qrcode is not in this OpenCV build (needs opencv-contrib-python and its model "
    "files); it is also not thread-safe (one instance per thread)"
)


def _zxing_reason() -> str | None:
    try:
        import zxingcpp
    except ImportError as exc:
        return f"zxing-cpp is not installed ({exc})"
    if not hasattr(zxingcpp.BarcodeFormat, "QRCodeModel2"):
        return "zxing-cpp is older than 2.3 (no QRCodeModel2 to exclude Micro QR)"
    return None


def _pyzbar_reason() -> str | None:
    try:
        from pyzbar import pyzbar  # noqa: F401  (import loads libzbar)
    except ImportError as exc:
        return f"pyzbar cannot load libzbar ({exc}); on Debian: apt-get install libzbar0"
    except OSError as exc:
        return f"pyzbar cannot load libzbar ({exc})"
    return None


def _opencv_reason(aruco: bool) -> str | None:
    attribute = "QRCodeDetectorAruco" if aruco else "QRCodeDetector"
    if not hasattr(cv2, attribute):
        return f"cv2.{attribute} is missing from OpenCV {cv2.__version__}"
    return None


def _wechat_reason() -> str | None:
    if hasattr(cv2, "wechat_qrcode_WeChatQRCode"):
        return (
            "wechat_qrcode is present but not wired: it needs model files the kiosk does not ship"
        )
    return _WECHAT_REASON


ENGINE_NAMES = ("zxing", "pyzbar", "opencv", "opencv-aruco", "wechat")


def available_engines() -> dict[str, str | None]:
    """Map each engine name to None when usable here, else to the reason it is not."""
    return {
        "zxing": _zxing_reason(),
        "pyzbar": _pyzbar_reason(),
        "opencv": _opencv_reason(aruco=False),
        "opencv-aruco": _opencv_reason(aruco=True),
        "wechat": _wechat_reason(),
    }


def make_engine(name: str) -> DecoderEngine:
    """Build the engine called ``name``.

    Raises:
        EngineUnavailable: Unknown name, or the library cannot load here (message says why).
    """
    if name not in ENGINE_NAMES:
        raise EngineUnavailable(f"unknown engine {name!r}; known: {', '.join(ENGINE_NAMES)}")
    reason = available_engines()[name]
    if reason is not None:
        raise EngineUnavailable(f"engine {name!r} unavailable: {reason}")
    if name == "zxing":
        return ZxingEngine()
    if name == "pyzbar":
        return PyzbarEngine()
    if name == "opencv":
        return OpenCVEngine()
    return OpenCVEngine(aruco=True)
