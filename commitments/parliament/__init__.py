"""The way in from Parliament's Written Questions API: the HTTP client (client, no ORM), answer HTML
(answer_html), what is watched (watch), a question's events (events), writing questions (upsert) and
the scheduled runs (recheck)."""
