"""The recorded-API server: a real HTTP server that answers like Parliament's Written Questions API
from recorded responses, with fault modes. Development tooling for tests, the demo and benchmarks;
production code never imports it. What it serves is in recordings/ (its README lists the files)."""

from pathlib import Path

from .query import Query
from .records import RecordedData, cut_for_list
from .server import FAULT_MODES, FakeParliamentServer

# The recorded responses: test and demo data, apart from the data that ships in fixtures/.
RECORDINGS_DIR = Path(__file__).resolve().parent / "recordings"

__all__ = ["FAULT_MODES", "RECORDINGS_DIR", "FakeParliamentServer", "Query", "RecordedData", "cut_for_list"]
