"""``tatami-kiosk pin set``: set the staff (or instructor) PIN from the kiosk's own computer.

    pin set [--role staff|instructor] [--pin-stdin]

The set-up wizard sets PINs; this is for a kiosk provisioned offline (``roster import``) and
never registered, whose PIN pad refuses to let whoever stands at the screen choose one, and for
an owner who forgot the PIN and has the computer. The PIN is read from a prompt (twice, no
echo) or, for scripts, once from stdin; it is never an argument (``ps`` and shell history).

Exit status: 0 set, 1 refused (the message says why), 2 usage.
"""

from __future__ import annotations

import argparse
import sys

NAME = "pin"


def add_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    parents: list[argparse.ArgumentParser],
) -> None:
    parser = subparsers.add_parser(NAME, parents=parents, help="set a staff or instructor PIN")
    actions = parser.add_subparsers(dest="pin_command", required=True)
    set_pin = actions.add_parser("set", parents=parents, help="set a PIN (4 to 12 digits)")
    set_pin.add_argument("--role", choices=("staff", "instructor"), default="staff")
    set_pin.add_argument(
        "--pin-stdin", action="store_true", help="read the PIN from stdin (else a prompt)"
    )


def run(args: argparse.Namespace) -> int:
    from kiosk.runtime import KioskRuntime
    from kiosk.services.staff import PinError, PinRole

    pin = _read_pin(args.pin_stdin)
    if pin is None:
        print("tatami-kiosk: pin: the two PINs differ; nothing changed", file=sys.stderr)
        return 1
    # A PIN needs the store, never the keyring: the device token stays where it is.
    with KioskRuntime.open(args.data_dir, remember_credentials=False) as runtime:
        try:
            runtime.pins.set_pin(PinRole(args.role), pin)
        except PinError as exc:
            print(f"tatami-kiosk: pin: {exc}; nothing changed", file=sys.stderr)
            return 1
    print(f"{args.role} PIN set", file=sys.stderr)
    return 0


def _read_pin(from_stdin: bool) -> str | None:
    if from_stdin:
        return sys.stdin.readline().strip()
    import getpass

    first = getpass.getpass("New PIN (4 to 12 digits): ")
    again = getpass.getpass("The same PIN again: ")
    return first if first == again else None
