"""The recorded-API server's written statements and Hansard contributions: the research rows in
fixtures/, in the exact shapes of the Written Statements API (`/api/writtenstatements/statements`,
StatementsViewModel) and the Hansard API's contribution search (`/search/contributions/{type}.json`,
SearchContributionsQueryResult of SearchReferencesItem). commitments/loading/spoken.py builds them."""

from ...loading.spoken import research_contributions, research_statements

STATEMENTS_PATH = "/api/writtenstatements/statements"
CONTRIBUTIONS_PATH = "/search/contributions/"

__all__ = ["CONTRIBUTIONS_PATH", "STATEMENTS_PATH", "research_contributions", "research_statements"]
