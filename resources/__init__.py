"""The kiosk's assets: translations, icons, sounds.

Installed as the package data of ``kiosk.resources`` (``pyproject.toml`` maps this folder to
that name), so wheels, editable installs and the frozen bundle all carry it.
:func:`kiosk.adapters.paths.resource_dir` finds it; nothing here is code.
"""
