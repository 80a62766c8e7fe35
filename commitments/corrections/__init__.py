"""Readers suggest a correction on a commitment: a short form, no account, rate-limited per client
address, kept for editors in the admin (services/corrections.py) and never published."""
