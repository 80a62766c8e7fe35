"""Running the tracker: health and readiness checks, the beat schedules and watched defaults that
migrations install, and the one-run-at-a-time lock."""
