"""Readers suggest a correction on a commitment: a short form, no account, rate-limited per client
address, kept for editors in the admin and never published. The feature owns its writes
(records.py: suggest_correction, decide_correction), its form, views and addresses."""
