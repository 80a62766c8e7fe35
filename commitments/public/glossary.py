"""The glossary: the words a family meets on these pages, in plain English, each with where it
comes from; and the one rule that links a page's first use of each term to it.

Every definition says only what its source (or the "What is an IPP sentence?" page, which cites
legislation.gov.uk, GOV.UK and parliament.uk for each point) says. Linking works on HTML the
templates already made safe: it looks only at the text between tags, never inside a tag, a link, a
heading or a quotation, and inserts an `<a>` around a word it found there, so nothing a reader or
Parliament wrote can become markup by it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Term:
    slug: str
    name: str
    meaning: str
    matches: tuple[str, ...]  # the words linked to it, first the longest
    source_url: str
    source_title: str


TERMS = [
    Term(
        "ipp",
        "IPP (Imprisonment for Public Protection)",
        "A prison sentence with no fixed end. Courts could pass it from April 2005 on people convicted of "
        "certain serious violent or sexual offences whom they judged to pose a significant risk of serious "
        "harm to the public. It was abolished in 2012, but not for people already serving it.",
        ("Imprisonment for Public Protection", "IPP"),
        "https://www.legislation.gov.uk/ukpga/2003/44/section/225",
        "Criminal Justice Act 2003, section 225",
    ),
    Term(
        "dpp",
        "DPP (detention for public protection)",
        "The same kind of sentence, given to young people under 18.",
        ("detention for public protection", "DPP"),
        "https://www.legislation.gov.uk/ukpga/2003/44/section/226",
        "Criminal Justice Act 2003, section 226",
    ),
    Term(
        "tariff",
        "Tariff (minimum term)",
        "The minimum term the judge set: the time a person must serve in prison before the Parole Board can "
        "consider releasing them.",
        ("minimum term", "tariff"),
        "https://www.legislation.gov.uk/ukpga/1997/43/section/28",
        "Crime (Sentences) Act 1997, section 28",
    ),
    Term(
        "parole-board",
        "Parole Board",
        "The body that decides whether a person can be released once their tariff has been served: it must "
        "be satisfied that prison is no longer necessary to protect the public. It can also end an IPP "
        "licence.",
        ("Parole Board",),
        "https://www.gov.uk/government/organisations/parole-board",
        "the Parole Board on GOV.UK",
    ),
    Term(
        "licence",
        "Licence",
        "The conditions a person lives under in the community after being released from an IPP sentence. "
        "They are supervised by the Probation Service, must keep to the licence’s conditions, and can be "
        "recalled to prison.",
        ("licences", "licence"),
        "https://www.legislation.gov.uk/ukpga/1997/43/section/31",
        "Crime (Sentences) Act 1997, section 31",
    ),
    Term(
        "recall",
        "Recall",
        "Being sent back to prison while on licence.",
        ("recalled", "recalls", "recall"),
        "https://www.legislation.gov.uk/ukpga/1997/43/section/32",
        "Crime (Sentences) Act 1997, section 32",
    ),
    Term(
        "qualifying-period",
        "Qualifying period",
        "The time a person must spend in the community on licence before their licence is considered for "
        "ending. Since the Victims and Prisoners Act 2024 it is three years for an IPP sentence; before, a "
        "person could ask the Parole Board to end their licence only after ten years in the community.",
        ("qualifying period",),
        "https://www.legislation.gov.uk/ukpga/2024/21/section/66",
        "Victims and Prisoners Act 2024, section 66",
    ),
    Term(
        "licence-termination",
        "Licence termination",
        "The end of an IPP licence, and so of the sentence. Since 1 November 2024 an IPP licence ends "
        "automatically two years after the end of the qualifying period, unless the person is recalled to "
        "prison in those two years or the Parole Board has already ended it.",
        ("licence termination",),
        "https://www.legislation.gov.uk/ukpga/2024/21/section/66",
        "Victims and Prisoners Act 2024, section 66",
    ),
    Term(
        "hmpps",
        "HMPPS (HM Prison and Probation Service)",
        "The part of government that runs prisons and the Probation Service in England and Wales.",
        ("HM Prison and Probation Service", "HMPPS"),
        "https://www.gov.uk/government/organisations/her-majestys-prison-and-probation-service",
        "HM Prison and Probation Service on GOV.UK",
    ),
    Term(
        "probation-service",
        "Probation Service",
        "The service that supervises people in the community after release, while they are on licence.",
        ("Probation Service",),
        "https://www.legislation.gov.uk/ukpga/1997/43/section/31",
        "Crime (Sentences) Act 1997, section 31",
    ),
    Term(
        "ppcs",
        "PPCS (Public Protection Casework Section)",
        "A section of HMPPS headquarters. A 2022 written answer said it had “implemented active case "
        "management, which is directed towards ensuring that probation and prison staff comply with "
        "directions from Parole Board Panels in a timely fashion.”",
        ("Public Protection Casework Section", "PPCS"),
        "https://questions-statements.parliament.uk/written-questions/detail/2022-03-21/HL7122",
        "House of Lords written answer HL7122",
    ),
    Term(
        "approved-premises",
        "Approved Premises",
        "Places to live in the community, with staff and closer supervision, where some people stay for a "
        "time after release from prison. HM Inspectorate of Probation describes them as “residential units "
        "providing a temporary placement in the community for high-risk and complex people on probation”.",
        ("Approved Premises",),
        "https://hmiprobation.justiceinspectorates.gov.uk/about-us/our-inspections/approved-premises",
        "HM Inspectorate of Probation: Approved Premises",
    ),
    Term(
        "action-plan",
        "IPP Action Plan",
        "The government’s plan for helping people serving IPP sentences progress towards release and the end "
        "of their licence. It was first introduced in 2016 and refreshed in April 2023, in November 2024 and "
        "in 2025. This tracker follows each of its promises.",
        ("IPP Action Plan", "action plan"),
        "https://lordslibrary.parliament.uk/sentences-of-imprisonment-for-public-protection-updated-action-plan/",
        "House of Lords Library, the updated action plan",
    ),
    Term(
        "written-answer",
        "Written question and written answer",
        "A question an MP or a member of the House of Lords asks the government in writing, and the "
        "minister’s reply, both published by Parliament. Most of this tracker’s evidence is written answers.",
        ("written answers", "written answer", "written questions", "written question"),
        "https://questions-statements.parliament.uk/",
        "Written questions, answers and statements (parliament.uk)",
    ),
]
BY_SLUG = {term.slug: term for term in TERMS}

_MATCHES = sorted(((match, term) for term in TERMS for match in term.matches), key=lambda m: -len(m[0]))
# Whole words only; case-insensitive except for initialisms (IPP, DPP, PPCS, HMPPS), which must be
# capitals so "ipp" in an address or a slug is never taken for one.


def _word(match: str) -> str:
    return re.escape(match) if match.isupper() else f"(?i:{re.escape(match)})"


_PATTERN = re.compile(
    "|".join(rf"(?P<t{index}>\b{_word(match)}\b)" for index, (match, _) in enumerate(_MATCHES))
)
_TAG = re.compile(r"(<[^>]*>)")
# Text inside these is left alone: a link cannot hold a link, headings stay plain, and a quotation
# stays exactly as its source has it.
_SKIP = {
    *("a", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "q"),
    *("script", "style", "title", "button", "label", "summary", "textarea", "option"),
}


def link_first_uses(html: str, linked: set[str] | None = None) -> SafeString:
    """`html` (already safe) with the first use of each glossary term linked to its entry; terms in
    `linked` (this page's earlier uses) are not linked again, and the set is updated."""
    linked = set() if linked is None else linked
    glossary = reverse("commitments:glossary")
    out: list[str] = []
    skipping: list[str] = []
    for part in _TAG.split(str(html)):
        if part.startswith("<"):
            name = re.match(r"</?\s*([a-zA-Z0-9]+)", part)
            tag = name.group(1).lower() if name else ""
            if tag in _SKIP and not part.endswith("/>"):
                if part.startswith("</"):
                    if tag in skipping:
                        skipping.remove(tag)
                else:
                    skipping.append(tag)
            out.append(part)
            continue
        if skipping or not part:
            out.append(part)
            continue

        def link(found: re.Match) -> str:
            index = int(found.lastgroup[1:])
            term = _MATCHES[index][1]
            if term.slug in linked:
                return found.group(0)
            linked.add(term.slug)
            return format_html(
                '<a class="glossary-term" href="{}#{}">{}</a>',
                glossary,
                term.slug,
                mark_safe(found.group(0)),  # already-escaped text between tags
            )

        out.append(_PATTERN.sub(link, part))
    return mark_safe("".join(out))
