"""The one rule for links to sources: what a link is called and whether its source is official.

Every page that links to a source outside the tracker names it through `name_source()` (in
templates: `{% source_link url %}`), so a reader sees "Written question 15167: Probation (Parallel
Parliament)" rather than a bare URL or "Source", and official sources are marked apart.

Official means published by Parliament or government on their own domains: parliament.uk (the
written questions site, the Written Questions API, committees, Hansard, the Lords Library), gov.uk
(including legislation.gov.uk and the justice inspectorates). A copy of an official record on
another site (TheyWorkForYou, Parallel Parliament) is not official: it is named for what it is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from .models.choices import SourceBasis

OFFICIAL_DOMAINS = ("parliament.uk", "gov.uk")

# Who publishes at a host (or a host ending in it); the first match wins, so subdomains come first.
PUBLISHERS = (
    ("questions-statements-api.parliament.uk", "UK Parliament, Written Questions API"),
    ("lordslibrary.parliament.uk", "House of Lords Library"),
    ("commonslibrary.parliament.uk", "House of Commons Library"),
    ("hansard.parliament.uk", "Hansard"),
    ("committees.parliament.uk", "UK Parliament committees"),
    ("parliament.uk", "UK Parliament"),
    ("legislation.gov.uk", "legislation.gov.uk"),
    ("justiceinspectorates.gov.uk", "HM Inspectorates of Justice"),
    ("gov.uk", "GOV.UK"),
    ("theyworkforyou.com", "TheyWorkForYou"),
    ("parallelparliament.co.uk", "Parallel Parliament"),
    ("eldaddp.azurewebsites.net", "Parliament's former linked-data service"),
    ("russellwebster.com", "Russell Webster"),
    ("prisonreformtrust.org.uk", "Prison Reform Trust"),
    ("laurakjanes.co.uk", "Laura Janes"),
    ("govwire.co.uk", "GovWire"),
    ("ekklesia.co.uk", "Ekklesia"),
    ("accountabilityindex.uk", "Accountability Index"),
    ("solicitorsjournal.com", "Solicitors Journal"),
    ("associationofprisonlawyers.co.uk", "Association of Prison Lawyers"),
    ("ungripp.com", "UNGRIPP"),
)
# Words a title made from an address spells in capitals.
ACRONYMS = {"ipp", "ipps", "hmpps", "hmip", "uk", "mp", "mps", "dpp", "jsc", "moj", "gps", "em", "si"}
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_WRITTEN_QUESTION = re.compile(r"/written-questions/detail/(\d{4}-\d{2}-\d{2})/([A-Za-z0-9]+)")
_WRITTEN_STATEMENT = re.compile(r"/written-statements/detail/(\d{4}-\d{2}-\d{2})/([A-Za-z0-9]+)")
_PP_QUESTION = re.compile(r"/question/([A-Za-z0-9]+)(?:/([a-z0-9-]+))?")
_TWFY_ID = re.compile(r"(\d{4}-\d{2}-\d{2})[a-z]?\.([A-Za-z0-9]+)")
_SELECT_COMMITTEE = re.compile(r"/cmselect/(cm[a-z]+)/(\d+)/")
_WRITTEN_EVIDENCE = re.compile(r"^/writtenevidence/(\d+)")
COMMITTEES = {"cmjust": "Justice Committee"}
_HANSARD = re.compile(r"^/(Commons|Lords)/(\d{4}-\d{2}-\d{2})(?:/debates/[0-9A-Fa-f-]{36}/(\w+))?/?$")
_CAMEL_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_LEGISLATION = re.compile(r"^/(uksi|ukpga|wsi|ssi)/(\d{4})/(\d+)")
_SLUG_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
HOUSES = {"lords": "House of Lords", "commons": "House of Commons"}
TWFY_KINDS = {
    "wrans": "Written answer",
    "whall": "Westminster Hall debate",
    "lords": "House of Lords debate",
    "debates": "House of Commons debate",
    "wms": "Written ministerial statement",
}


@dataclass(frozen=True)
class SourceLink:
    url: str
    title: str  # what the page is; the publisher's name when nothing better is known
    publisher: str
    is_official: bool

    @property
    def is_link(self) -> bool:
        """Only web addresses are linked; anything else is shown as text."""
        return self.url.startswith(("https://", "http://"))

    @property
    def shows_publisher(self) -> bool:
        return bool(self.publisher) and self.publisher != self.title


def is_official(url: str) -> bool:
    """Published by Parliament or government on their own domains (see the module docstring)."""
    host = _host(url)
    return any(host == domain or host.endswith("." + domain) for domain in OFFICIAL_DOMAINS)


def name_source(url: str, *, title: str = "") -> SourceLink:
    """A link named by what it is: `title` when the caller knows it, else one read from the
    address (a written question's UIN, a debate's date, a page's own slug), with its publisher."""
    host = _host(url)
    publisher = next(
        (name for suffix, name in PUBLISHERS if host == suffix or host.endswith("." + suffix)), host
    )
    if host.endswith("justiceinspectorates.gov.uk") and "/hmiprobation" in url:
        publisher = "HM Inspectorate of Probation"
    return SourceLink(
        url=url,
        title=title or _title_from_address(url) or publisher or url,
        publisher=publisher,
        is_official=is_official(url),
    )


def _host(url: str) -> str:
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    return host.lower().removeprefix("www.").removeprefix("beta.")


def _title_from_address(url: str) -> str:
    parts = urlsplit(url.strip())
    path = parts.path
    if match := _WRITTEN_QUESTION.search(path):
        return f"Written question {match.group(2).upper()}, tabled {_long_date(match.group(1))}"
    if match := _WRITTEN_STATEMENT.search(path):
        return f"Written statement {match.group(2).upper()}, made {_long_date(match.group(1))}"
    host = _host(url)
    if host.endswith("theyworkforyou.com"):
        kind = TWFY_KINDS.get(path.strip("/").split("/")[0], "")
        found = _TWFY_ID.search(parse_qs(parts.query).get("id", [""])[0])
        if kind and found:
            if kind == "Written answer":
                return f"Written question {found.group(2).upper()}"
            return f"{kind}, {_long_date(found.group(1))}"
        return kind
    if host.endswith("parallelparliament.co.uk") and (match := _PP_QUESTION.match(path)):
        topic = _words(match.group(2) or "")
        return f"Written question {match.group(1).upper()}" + (f": {topic}" if topic else "")
    if match := _SELECT_COMMITTEE.search(path):
        return f"{COMMITTEES.get(match.group(1), 'Commons select committee')} paper HC {match.group(2)}"
    if host.endswith("committees.parliament.uk") and (match := _WRITTEN_EVIDENCE.match(path)):
        return f"Written evidence to a committee ({match.group(1)})"
    if host.endswith("hansard.parliament.uk") and (match := _HANSARD.match(path)):
        house, day, title = match.groups()
        if not title:
            return f"{HOUSES[house.lower()]} sitting, {_long_date(day)}"
        words = " ".join(_CAMEL_WORD.findall(title))
        return f"{HOUSES[house.lower()]} debate, {_long_date(day)}: {_words(words)}"
    if host.endswith("eldaddp.azurewebsites.net"):
        return "Search of answered written questions"
    if host.endswith("legislation.gov.uk") and (match := _LEGISLATION.match(path)):
        kind = "Statutory instrument" if match.group(1).endswith("si") else "Act"
        return f"{kind} {match.group(2)}/{match.group(3)}"
    when = _DATE.search(path)
    slug = _page_slug(path)
    if not slug:
        return ""
    if when and "debate" in path.lower():
        house = next((name for key, name in HOUSES.items() if f"/{key}/" in path.lower()), "")
        return f"{house or 'Debate'}{' debate' if house else ''}, {_long_date(when.group(0))}: {slug}"
    return slug


def _page_slug(path: str) -> str:
    """The last part of an address that reads as words ("timing-of-ipp-changes"), as a title."""
    for segment in reversed([part for part in path.split("/") if part]):
        # An address spells "labour’s" as "labour%E2%80%99s": read it as the word it is.
        segment = re.sub(r"['’]", "", unquote(segment))
        segment = re.sub(r"\.(html?|xht|aspx?|php)$", "", segment)
        segment = re.sub(r"-\d+$", "", segment)  # a trailing article number
        if "-" in segment or re.search(r"[a-z][A-Z]", segment):
            if re.fullmatch(r"[0-9A-Fa-f-]{20,}", segment):  # an id, not words
                continue
            return _words(segment)
    return ""


def _words(slug: str) -> str:
    words = [word.lower() for word in _SLUG_WORD.findall(slug.replace("-", " ").replace("_", " "))]
    words = [word.upper() if word in ACRONYMS else word for word in words]
    if not words:
        return ""
    return " ".join([words[0][:1].upper() + words[0][1:], *words[1:]])


def _long_date(iso: str) -> str:
    day = date.fromisoformat(iso)
    return f"{day.day} {day:%B %Y}"


# A copy's address that says which official record it copies: TheyWorkForYou's written answers carry
# the tabled date and UIN; Parallel Parliament's debate pages carry Hansard's own path.
_TWFY_WRANS = re.compile(r"^(\d{4}-\d{2}-\d{2})[a-z]?\.([A-Za-z0-9]+)\.h$")
_PP_HANSARD_DEBATE = re.compile(
    r"/debate/(Commons|Lords)/(\d{4}-\d{2}-\d{2})/debates/([0-9A-Fa-f-]{36})/(\w+)"
)
WRITTEN_QUESTION_PAGE = "https://questions-statements.parliament.uk/written-questions/detail/{date}/{uin}"


class CopyRecord(Protocol):
    """What research recorded about a copy (models.SourceCopy): kept a protocol so this module
    stays a leaf that any layer can import."""

    official_url: str
    secondary_reason: str

    @property
    def is_confirmed(self) -> bool: ...


@dataclass(frozen=True)
class ResolvedSource:
    """What a reader is shown for one address: the official page first, the copy as "also at";
    or, where no official page is confirmed, the copy and the reason why."""

    primary: SourceLink
    also_at: SourceLink | None = None
    secondary_reason: str = ""

    @property
    def basis(self) -> SourceBasis:
        if self.primary.is_official:
            return SourceBasis.OFFICIAL
        return SourceBasis.SECONDARY if self.secondary_reason else SourceBasis.SECONDARY_UNEXPLAINED


def derived_official_address(url: str) -> str:
    """The official page a copy's own address names, or "" when the address does not say."""
    host, parts = _host(url), urlsplit(url.strip())
    if host.endswith("theyworkforyou.com") and parts.path.startswith("/wrans"):
        found = _TWFY_WRANS.match(parse_qs(parts.query).get("id", [""])[0])
        if found:
            return WRITTEN_QUESTION_PAGE.format(date=found.group(1), uin=found.group(2).upper())
    if host.endswith("parallelparliament.co.uk") and (found := _PP_HANSARD_DEBATE.search(parts.path)):
        house, day, debate, title = found.groups()
        return f"https://hansard.parliament.uk/{house}/{day}/debates/{debate}/{title}"
    return ""


def resolve_source(url: str, copies: Mapping[str, CopyRecord]) -> ResolvedSource:
    """The one rule for what a source resolves to (issue #27): an official address stands; a copy
    researched in `copies` resolves to its confirmed official page; a copy whose address names its
    official record resolves to that; anything else is a secondary source, with the reason research
    recorded (or none, which the integrity checks report)."""
    url = url.strip()
    here = name_source(url)
    if here.is_official or not here.is_link:
        return ResolvedSource(primary=here)
    copy = copies.get(url)
    if copy is not None:
        if copy.is_confirmed:
            return ResolvedSource(primary=name_source(copy.official_url), also_at=here)
        return ResolvedSource(primary=here, secondary_reason=copy.secondary_reason)
    if derived := derived_official_address(url):
        return ResolvedSource(primary=name_source(derived), also_at=here)
    return ResolvedSource(primary=here)


def distinct_sources(urls: list[str], copies: Mapping[str, CopyRecord]) -> list[str]:
    """Each source once: a copy and the official page it resolves to are one source, listed where
    it first appears, at the copy's address when there is one (it shows both, official first)."""
    chosen: dict[str, str] = {}
    for url in urls:
        resolved = resolve_source(url, copies)
        if resolved.primary.url not in chosen or resolved.also_at is not None:
            chosen[resolved.primary.url] = url
    return list(chosen.values())
