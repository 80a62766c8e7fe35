"""Reading answers: which commitments an answer evidences (matching, pure; suggestions, written),
the status its wording points to (status_cues), the tables it publishes (figures), and how good
the matcher is (evaluation). pipeline.analyse_answer() runs them for one new or changed answer."""
