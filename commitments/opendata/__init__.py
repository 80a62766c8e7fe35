"""What machines read: the JSON API, Atom feeds, CSV exports and sitemaps, all of public data only."""
