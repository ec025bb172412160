"""Reference TatamiTech backend: demo mode, integration and fault tests."""
