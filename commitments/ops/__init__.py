"""Running the tracker: health and readiness checks, what data migrations install (the Editors
group's permissions, the beat schedules, the watched defaults) and the one-run-at-a-time lock.
roles.py and schedules.py are leaves: migrations import them, so they import nothing of the app."""
