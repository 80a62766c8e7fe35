"""Which commitments an answer speaks to, and in which passage: an explainable lexical matcher.

Every step can be shown to an editor:

1. The answer is cut into passages, one sentence each, within a paragraph. Table lines (with
   `|`) are left out: figures never state a commitment, and their numbers collide with keywords.
2. Words are folded (NFKC, lower case, number words to digits, thousands commas dropped),
   stop-words removed, and Snowball-stemmed.
3. BM25 (bm25s) indexes one document per commitment: its title, summary, keywords and the
   passages editors already confirmed for it. A word most commitments share counts little.
4. A passage scores each commitment by the BM25 weights of its distinct words, each damped by how
   common the word is in parliamentary answers generally (a shipped month of real answers):
   "government" or "support" say little. A keyword phrase found whole ("qualifying period") adds
   its words' weight once more.
5. A passage counts for a commitment only if it holds at least TITLE_MIN of the words the
   commitment is named for, and scores at least PASSAGE_REL of the passage's best commitment:
   a passage is evidence for what it is mainly about.
6. A commitment's score for the answer is its best passage's; it is suggested from the threshold,
   with the whole sentences of that passage, verbatim, as the excerpt (a clause or a list item is
   quoted in its sentence).

Tuned on fixtures/answers_dev.jsonl with general rules only (no answer or commitment is named);
`manage.py evaluate_matching` measures it on any labelled file. Pure functions over text: ingest,
the evaluation and the tests all run the same code; `suggestions.py` writes the results.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import bm25s
import numpy as np

from ..text.passages import content_words, fold, passages, sentence_span, stem_words, tokens

logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets itself to DEBUG when imported

# Tuned constants. The threshold holds precision >= 0.8 and recall >= 0.9 on the labelled answers
# from 7.0 to 7.75; 7.5 sits inside that band. Each other constant moved by 20% keeps both
# figures within 0.05, except TITLE_MIN +20% and BM25_K1 +20% (recall 0.78 and 0.88).
DEFAULT_THRESHOLD = 7.5
# A passage is evidence for what it is mainly about: at least this share of its best score.
PASSAGE_REL = 0.5
# A keyword phrase found whole adds its words' weight this many times again.
PHRASE_BONUS = 1.0
# A word in a share f of background answers keeps min(1, log(1/f) / log(1/BG_FRACTION)) of its
# weight: words rarer than 1 answer in 100 keep all of it, ubiquitous ones fade to nothing.
BG_FRACTION = 0.01
# BM25's usual parameters.
BM25_K1 = 1.2
BM25_B = 0.75
# A passage must hold this share of the commitment's title words (weighted by how few other
# commitments share them): evidence touches what the commitment is named for, not just the
# vocabulary around it. The strongest guard against false alarms.
TITLE_MIN = 0.25
# The most matched words shown per suggestion.
MAX_TERMS = 8


@dataclass(frozen=True)
class Tuning:
    """The constants an evaluation may tune (the others stay fixed in code).

    The defaults are the module's constants; `evaluate_matching --folds K` picks among a small grid
    of these on K-1 parts of a labelled file, so the part left out measures the choice honestly.
    """

    passage_rel: float = PASSAGE_REL
    title_min: float = TITLE_MIN
    phrase_bonus: float = PHRASE_BONUS


@dataclass(frozen=True)
class CommitmentProfile:
    """What the matcher knows of a commitment: its own words and the quotes editors confirmed for it."""

    slug: str
    title: str
    summary: str
    keywords: tuple[str, ...] = ()
    excerpts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    """A suggested link with what an editor needs to judge it."""

    slug: str
    score: float
    terms: tuple[str, ...]  # as written in the answer
    excerpt: str  # the whole sentences of the passage that matched, verbatim


@dataclass
class _Passage:
    span: tuple[int, int]
    words: list[tuple[str, int, int]]
    stems: list[str]
    ids: list[int]  # vocabulary ids of its distinct stems
    weights: np.ndarray  # ids × commitments
    scores: np.ndarray  # per commitment
    phrases: dict[int, list[tuple[int, int]]]  # commitment → spans of its keyword phrases found


class Matcher:
    """Built once for the commitments as they stand; `match` is then about a millisecond."""

    def __init__(
        self,
        profiles: Sequence[CommitmentProfile],
        *,
        background: Sequence[str] = (),
        threshold: float | None = None,
        tuning: Tuning | None = None,
    ):
        self.profiles = list(profiles)
        self.tuning = tuning or Tuning()
        self.threshold = DEFAULT_THRESHOLD if threshold is None else float(threshold)
        documents = [tokens(" ".join([p.title, p.summary, *p.keywords, *p.excerpts])) for p in self.profiles]
        self.vocabulary = sorted({stem for document in documents for stem in document})
        self.index = {stem: i for i, stem in enumerate(self.vocabulary)}
        count = len(self.profiles)
        # weights[word, commitment]: the word's BM25 contribution to that commitment.
        self.weights = np.zeros((len(self.vocabulary), count))
        if count and self.vocabulary:
            bm25 = bm25s.BM25(k1=BM25_K1, b=BM25_B)
            bm25.index([document or [""] for document in documents], show_progress=False)
            for stem, i in self.index.items():
                self.weights[i] = bm25.get_scores([stem])
        shared = Counter(stem for document in documents for stem in set(document))
        self.title_words = [
            {self.index[stem]: self._specificity(shared[stem], count) for stem in set(tokens(p.title))}
            for p in self.profiles
        ]
        frequency, total = _background_frequency(tuple(background))
        self.damping = self._damping(frequency, total)
        self.phrases = [
            sorted(
                phrase
                for phrase in {tuple(tokens(keyword)) for keyword in p.keywords}
                if len(phrase) >= 2 and self._distinctive(phrase)
            )
            for p in self.profiles
        ]

    @staticmethod
    def _specificity(shared_by: int, count: int) -> float:
        """1 for a word of one commitment, near 0 for a word of all of them."""
        return math.log((count + 1) / max(shared_by, 1)) / math.log(count + 1) if count else 1.0

    def _distinctive(self, phrase: tuple[str, ...]) -> bool:
        """A phrase earns the bonus only with a word that is neither a number nor common in
        answers: "qualifying period" does, "five years" or "1 November 2024" do not."""
        return any(
            not stem[:1].isdigit() and stem in self.index and self.damping[self.index[stem]] >= 1.0
            for stem in phrase
        )

    def _damping(self, frequency: Counter[str], total: int) -> np.ndarray:
        """Per vocabulary word, how much weight its frequency in answers generally leaves it."""
        factors = np.ones(len(self.vocabulary))
        if total:
            reference = math.log(1 / BG_FRACTION)
            for stem, i in self.index.items():
                share = (frequency[stem] + 0.5) / (total + 1)
                factors[i] = min(1.0, max(0.0, math.log(1 / share)) / reference)
        return factors

    def _title_coverage(self, commitment: int, ids: set[int]) -> float:
        title = self.title_words[commitment]
        total = sum(title.values())
        return sum(weight for i, weight in title.items() if i in ids) / total if total else 1.0

    def _score(self, folded: str, span: tuple[int, int]) -> _Passage | None:
        words = [(word, span[0] + a, span[0] + b) for word, a, b in content_words(folded[span[0] : span[1]])]
        if not words:
            return None
        stems = stem_words([word for word, _, _ in words])
        ids = sorted({self.index[stem] for stem in stems if stem in self.index})
        if not ids:
            return None
        weights = self.weights[ids] * self.damping[ids][:, None]
        scores = weights.sum(axis=0)
        found: dict[int, list[tuple[int, int]]] = {}
        positions: dict[str, list[int]] = {}
        for k, stem in enumerate(stems):
            positions.setdefault(stem, []).append(k)
        for commitment, phrases in enumerate(self.phrases):
            for phrase in phrases:
                for k in positions.get(phrase[0], ()):
                    if tuple(stems[k : k + len(phrase)]) == phrase:
                        phrase_ids = [self.index[stem] for stem in phrase]
                        bonus = (self.weights[phrase_ids, commitment] * self.damping[phrase_ids]).sum()
                        scores[commitment] += self.tuning.phrase_bonus * bonus
                        found.setdefault(commitment, []).append((words[k][1], words[k + len(phrase) - 1][2]))
                        break
        return _Passage(span, words, stems, ids, weights, scores, found)

    def match(
        self, answer_text: str, *, question_text: str = "", heading: str = "", threshold: float | None = None
    ) -> list[Match]:
        """Suggestions, best first; none for an empty or table-only answer. `threshold` overrides
        the matcher's own (0 ranks every commitment the answer scores for, as triage shows them).

        Only the answer is scored: a question often names what its answer does not address, and a
        suggestion must rest on a passage the public can read. (The question and heading are
        accepted so callers need not know that.)
        """
        cut_at = self.threshold if threshold is None else threshold
        text = answer_text or ""
        if not self.profiles or not text.strip():
            return []
        folded = fold(text)  # as long as `text`
        best: dict[int, tuple[float, _Passage]] = {}
        for span in passages(text):
            passage = self._score(folded, span)
            if passage is None or passage.scores.max() <= 0:
                continue
            present = set(passage.ids)
            for commitment in np.nonzero(passage.scores >= self.tuning.passage_rel * passage.scores.max())[0]:
                if self._title_coverage(commitment, present) < self.tuning.title_min:
                    continue
                score = float(passage.scores[commitment])
                if score > 0 and score > best.get(commitment, (0.0, None))[0]:
                    best[commitment] = (score, passage)
        matches = [
            Match(
                slug=self.profiles[commitment].slug,
                score=round(score, 4),
                terms=self._terms(text, commitment, passage),
                excerpt=text[slice(*sentence_span(text, *passage.span))],
            )
            for commitment, (score, passage) in best.items()
            if score >= cut_at
        ]
        return sorted(matches, key=lambda match: (-match.score, match.slug))

    def _terms(self, text: str, commitment: int, passage: _Passage) -> tuple[str, ...]:
        """Keyword phrases found, then single words by weight, as written in the answer."""
        terms: list[str] = []
        covered: set[str] = set()
        for a, b in passage.phrases.get(commitment, []):
            if text[a:b] not in terms:
                terms.append(text[a:b])
                covered.update(tokens(text[a:b]))
        first = {}
        for k, stem in enumerate(passage.stems):
            first.setdefault(stem, k)
        for k in sorted(range(len(passage.ids)), key=lambda k: (-passage.weights[k, commitment], k)):
            if passage.weights[k, commitment] <= 0:
                break
            stem = self.vocabulary[passage.ids[k]]
            if stem in covered:
                continue
            covered.add(stem)
            _, a, b = passage.words[first[stem]]
            if text[a:b] not in terms:
                terms.append(text[a:b])
        return tuple(terms[:MAX_TERMS])


@lru_cache(maxsize=2)
def _background_frequency(background: tuple[str, ...]) -> tuple[Counter[str], int]:
    """In how many background answers each stem appears, and how many answers there are."""
    frequency: Counter[str] = Counter()
    for text in background:
        frequency.update(set(tokens(text)))
    return frequency, len(background)
