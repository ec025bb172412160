"""Pure rules of the kiosk: tokens, check-in decision, eligibility, roster model, ports.

Nothing here does I/O; time is always a parameter.
"""
