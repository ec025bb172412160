"""Use cases over the domain and its ports: scanning, the eligibility board, sync."""
