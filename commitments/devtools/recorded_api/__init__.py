"""The recorded-API server: a real HTTP server that answers like Parliament's Written Questions API
from recorded responses, with fault modes. Development tooling for tests, the demo and benchmarks;
production code never imports it."""

from .query import Query
from .records import RecordedData, cut_for_list
from .server import FAULT_MODES, FakeParliamentServer

__all__ = ["FAULT_MODES", "FakeParliamentServer", "Query", "RecordedData", "cut_for_list"]
