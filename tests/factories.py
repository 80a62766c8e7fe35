"""One factory per model, valid by default; pass only the fields a test is about."""

from datetime import UTC, date, datetime, timedelta

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from commitments.models import (
    ActionPlan,
    Commitment,
    Correction,
    Deadline,
    Evidence,
    FigureCell,
    FigureColumn,
    FigureRow,
    FigureTable,
    HansardContribution,
    House,
    Indicator,
    IndicatorPoint,
    PromiseWording,
    Publication,
    QuestionEvent,
    RecheckRun,
    Recommendation,
    RecommendationDevelopment,
    SourceCopy,
    StatutoryDuty,
    Subscriber,
    Theme,
    WrittenQuestion,
    WrittenStatement,
)
from commitments.ops.roles import EDITORS_GROUP


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("correct horse battery")


class EditorFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def editors_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name=EDITORS_GROUP))


class ActionPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionPlan

    slug = factory.Sequence(lambda n: f"action-plan-{n}")
    title = factory.Sequence(lambda n: f"IPP Action Plan version {n}")
    published_on = date(2024, 11, 15)


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Theme {n}")
    slug = factory.LazyAttribute(lambda theme: theme.name.lower().replace(" ", "-"))


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment

    slug = factory.Sequence(lambda n: f"commitment-{n}")
    title = factory.Sequence(lambda n: f"Commitment {n}")
    theme = factory.SubFactory(ThemeFactory)
    owner = "HMPPS"
    summary = "Each HMPPS operational area is to have its own IPP Delivery Plan."


class WrittenQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WrittenQuestion

    house = House.COMMONS
    uin = factory.Sequence(lambda n: str(10000 + n))
    date_tabled = date(2024, 11, 18)
    date_answered = date(2024, 11, 26)
    heading = "Probation"
    question_text = "To ask the Secretary of State for Justice, what changes have been implemented."
    answer_text = "The first is the roll out of IPP Delivery Plans in each HMPPS operational area."
    answering_body = "Ministry of Justice"
    answering_body_id = 54


class QuestionEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionEvent

    question = factory.SubFactory(WrittenQuestionFactory)
    kind = QuestionEvent.Kind.ANSWERED
    occurred_on = date(2024, 11, 26)


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    commitment = factory.SubFactory(CommitmentFactory)
    question = factory.SubFactory(WrittenQuestionFactory)  # pass question=None with another source
    statement = None
    contribution = None
    publication = None
    excerpt = factory.LazyAttribute(
        lambda e: (
            e.question.answer_text
            if e.question
            else (e.statement or e.contribution or e.publication).match_inputs()["answer_text"].split("\n")[0]
        )
    )
    state = Evidence.State.SUGGESTED


class WrittenStatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WrittenStatement

    parliament_id = factory.Sequence(lambda n: 8_100_000 + n)
    house = House.COMMONS
    uin = factory.Sequence(lambda n: f"HCWS{100 + n}")
    date_made = date(2024, 9, 5)
    title = "Imprisonment for Public Protection: Changes to Licence"
    text = "Phase 1 will commence on 1 November 2024, when sections 66 and 67 will come into force."
    member = "Shabana Mahmood"
    member_role = "The Lord Chancellor and Secretary of State for Justice"
    answering_body = "Ministry of Justice"
    answering_body_id = 54


class HansardContributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HansardContribution

    item_id = factory.Sequence(lambda n: 7_100_000 + n)
    house = House.LORDS
    sitting_date = date(2025, 3, 24)
    hansard_section = "Lords Chamber"
    debate = "Sentences of Imprisonment for Public Protection"
    member = "Lord Timpson"
    attributed_to = "The Minister of State, Ministry of Justice (Lord Timpson) (Lab)"
    text = (
        "On 1 November, 1,742 licences were terminated following the commencement of reforms in the "
        "Victims and Prisoners Act 2024."
    )
    source_url = "https://parallelparliament.co.uk/lord/baroness-burt-of-solihull/vs/lord-timpson"


# Clearly fictional: no GOV.UK page or attachment has these addresses or words.
FICTIONAL_ATTACHMENT = "https://assets.publishing.service.gov.uk/media/fictional/example-ipp-report.pdf"


class PublicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Publication

    content_id = factory.Sequence(lambda n: f"00000000-0000-4000-8000-{n:012d}")
    base_path = factory.Sequence(lambda n: f"/government/publications/fictional-ipp-report-{n}")
    title = "Fictional IPP report for tests"
    description = "A fictional publication made by the test suite."
    document_type = "policy_paper"
    schema_name = "publication"
    first_published_at = datetime(2024, 11, 15, 9, 30, tzinfo=UTC)
    public_updated_at = datetime(2025, 7, 17, 9, 30, tzinfo=UTC)
    change_history = factory.LazyFunction(
        lambda: [{"public_timestamp": "2024-11-15T09:30:00.000+00:00", "note": "First published."}]
    )
    attachments = factory.LazyFunction(
        lambda: [
            {"title": "Fictional report", "url": FICTIONAL_ATTACHMENT, "content_type": "application/pdf"}
        ]
    )
    text = "A fictional summary for tests of a report on imprisonment for public protection (IPP)."
    quoted_passages = (
        f"{FICTIONAL_ATTACHMENT}\n"
        "Fictional passage for tests: the IPP licence reviews were completed. No real report says this."
    )
    is_about_ipp = True


class RecheckRunFactory(factory.django.DjangoModelFactory):
    """A finished, successful run: 13:05 UTC on 7 July 2026 is 14:05 in London (summer time)."""

    class Meta:
        model = RecheckRun

    kind = RecheckRun.Kind.ANSWERS
    window_to = date(2026, 7, 7)
    outcome = RecheckRun.Outcome.SUCCEEDED
    finished_at = datetime(2026, 7, 7, 13, 5, tzinfo=UTC)


class FigureTableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FigureTable

    question = factory.SubFactory(WrittenQuestionFactory)
    slug = factory.Sequence(lambda n: f"figure-table-{n}")
    caption = "Progression panels held by probation region"


class FigureRowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FigureRow

    table = factory.SubFactory(FigureTableFactory)
    position = factory.Sequence(lambda n: n + 1)
    label = "London"


class FigureColumnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FigureColumn

    table = factory.SubFactory(FigureTableFactory)
    position = factory.Sequence(lambda n: n + 1)
    label = "2021"


class FigureCellFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FigureCell

    row = factory.SubFactory(FigureRowFactory)
    column = factory.SubFactory(FigureColumnFactory, table=factory.SelfAttribute("..row.table"))
    kind = FigureCell.Kind.NUMBER
    value = 629
    published = "629"


class SubscriberFactory(factory.django.DjangoModelFactory):
    """A confirmed subscriber to everything; pass themes=[...] and/or commitments=[...] to follow those."""

    class Meta:
        model = Subscriber
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"subscriber{n}@example.org")
    frequency = Subscriber.Frequency.DAILY
    confirmed_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=30))

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)
            self.all_themes = False
            self.save(update_fields=["all_themes"])

    @factory.post_generation
    def commitments(self, create, extracted, **kwargs):
        if create and extracted:
            self.commitments.set(extracted)
            self.all_themes = False
            self.save(update_fields=["all_themes"])


class CorrectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Correction

    commitment = factory.SubFactory(CommitmentFactory)
    what_is_wrong = "The pilot started in 2024, not 2023."
    source = "https://questions-statements.parliament.uk/written-questions/detail/2024-11-18/15167"


class SourceCopyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SourceCopy

    copy_url = factory.Sequence(lambda n: f"https://parallelparliament.co.uk/question/{20000 + n}/probation")
    official_url = factory.Sequence(
        lambda n: (
            f"https://questions-statements.parliament.uk/written-questions/detail/2024-11-20/{20000 + n}"
        )
    )
    kind = SourceCopy._meta.get_field("kind").default
    confidence = "high"


class PromiseWordingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PromiseWording

    commitment = factory.SubFactory(CommitmentFactory)
    kind = PromiseWording.Kind.OFFICIAL_DESCRIPTION
    quote = "The first is the roll out of IPP Delivery Plans in each HMPPS operational area."
    said_by = "Ministry of Justice, Commons written answer 15167"
    source_url = "https://questions-statements.parliament.uk/written-questions/detail/2024-11-20/15167"


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation

    slug = factory.Sequence(lambda n: f"recommendation-{n}")
    title = factory.Sequence(lambda n: f"Recommendation {n}")
    made_by = "House of Commons Justice Committee"
    report = "IPP sentences, Third Report of Session 2022–23, HC 266"
    report_url = "https://publications.parliament.uk/pa/cm5803/cmselect/cmjust/266/report.html"
    report_on = date(2022, 9, 28)
    verdict = Recommendation.Verdict.REJECTED
    response_by = "Ministry of Justice"
    response_on = date(2023, 2, 9)


class RecommendationDevelopmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecommendationDevelopment

    recommendation = factory.SubFactory(RecommendationFactory)
    happened_on = date(2023, 10, 16)
    said_by = "Alex Chalk, Lord Chancellor"
    quote = "The central point about licence length is critical."
    source_url = "https://hansard.parliament.uk/commons/2023-10-16/debates/PrisonCapacity"


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"indicator-{n}")
    name = factory.Sequence(lambda n: f"People in prison on an IPP sentence ({n})")
    counts = "People in prison serving an IPP sentence."
    unit = "people"
    official_table = "Offender management statistics quarterly, table 1.Q.14"

    @factory.post_generation
    def commitments(self, create, extracted, **kwargs):
        if create and extracted:
            self.commitments.set(extracted)


class IndicatorPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorPoint

    indicator = factory.SubFactory(IndicatorFactory)
    period_end = date(2024, 12, 31)
    value = 2614
    source_title = "Lords written answer HL5974"
    source_url = "https://questions-statements.parliament.uk/written-questions/detail/2025-03-03/HL5974"


class StatutoryDutyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatutoryDuty

    slug = factory.Sequence(lambda n: f"duty-{n}")
    name = "Annual report on IPP prisoners' progress"
    provision = "Victims and Prisoners Act 2024, section 67(1)"
    rule = (
        "The Secretary of State must, as soon as is reasonably practicable after the end of each "
        "reporting period— (a) prepare and publish a report"
    )
    rule_source_url = "https://www.legislation.gov.uk/ukpga/2024/21/section/67/enacted"


class DeadlineFactory(factory.django.DjangoModelFactory):
    """A government promise of a date, not yet delivered; pass due_on, delivered_on as a test needs."""

    class Meta:
        model = Deadline

    commitment = factory.SubFactory(CommitmentFactory)
    promise = "Phase 1 will commence on 1 November 2024, when sections 66 and 67 will come into force."
    due_on = date(2024, 11, 1)
    said_on = date(2024, 9, 5)
    said_by = "Shabana Mahmood (Lord Chancellor), written statement HCWS72"
    source_url = "https://questions-statements.parliament.uk/written-statements/detail/2024-09-05/HCWS72"
