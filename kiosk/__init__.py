"""TatamiTech Kiosk: the offline-first check-in station of the TatamiTech platform."""

__version__ = "0.1.0"
