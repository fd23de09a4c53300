"""Who calls and about what: languages, regions, sites, the question mix and announcement days.

The weights are plausible guesses for Morocco's 2021 vaccination line, not measured figures:
registration and "when is my turn" dominate, adverse effects grow once people are vaccinated,
and an announcement (a new age band, a vaccine-pass rule, a safety scare) multiplies the
volume for a day and shifts what people ask.
"""

from __future__ import annotations

import random
from bisect import bisect
from dataclasses import dataclass, field
from itertools import accumulate

from producers.simulator.templates.slots import VACCINE_WEIGHTS


class Weighted:
    """Fast weighted choice over a fixed population (bisect on cumulative weights)."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, weights: dict) -> None:
        self.items = list(weights)
        self.cum = list(accumulate(weights.values()))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random):  # noqa: ANN201 - returns an item of the population
        return self.items[bisect(self.cum, rng.random() * self.total)]

    def at(self, u: float):
        """The item at quantile u in [0, 1) (for values derived from a hash, not a stream)."""
        return self.items[bisect(self.cum, u * self.total)]


LANGUAGE_WEIGHTS = {"fr": 0.30, "ary": 0.30, "ary-Latn": 0.25, "ar": 0.10, "en": 0.02, "ber": 0.025, "und": 0.005}
UNTAGGED_SHARE = 0.03  # calls whose agent did not tag a language

# Morocco's 12 regions, weighted by population (2014 census, millions).
REGION_WEIGHTS = {
    "Casablanca-Settat": 6.86, "Rabat-Salé-Kénitra": 4.58, "Marrakech-Safi": 4.52, "Fès-Meknès": 4.24,
    "Tanger-Tétouan-Al Hoceïma": 3.56, "Souss-Massa": 2.68, "Béni Mellal-Khénifra": 2.52, "Oriental": 2.31,
    "Drâa-Tafilalet": 1.64, "Guelmim-Oued Noun": 0.43, "Laâyoune-Sakia El Hamra": 0.37, "Dakhla-Oued Ed-Dahab": 0.14,
}
UNKNOWN_REGION_SHARE = 0.04

# Contact-centre sites and the share of the agent pool each one holds.
SITES = {"casa-1": 0.4, "rabat-1": 0.3, "fes-1": 0.15, "agadir-1": 0.15}
LINE = "allo-liqah"

QUESTIONS_PER_CALL = {1: 0.38, 2: 0.34, 3: 0.19, 4: 0.09}
WITHHELD_NUMBER_SHARE = 0.02
REPEAT_CALLER_POOL = 6  # distinct callers ~ this many days of volume, so people call again

# Baseline weight of each question id (None = a question the catalog does not cover).
BASE_MIX: dict[str | None, float] = {
    # vaccination ~55%
    "vaccination.registration": 10.0, "vaccination.when_my_turn": 9.0, "vaccination.eligibility": 8.0,
    "vaccination.appointment": 7.5, "vaccination.centre": 5.5, "vaccination.second_dose": 5.5,
    "vaccination.which_vaccine": 2.8, "vaccination.change_address": 2.8, "vaccination.contraindications": 2.4,
    "vaccination.foreigners": 1.2,
    # general ~25%
    "general.certificate": 4.5, "general.covid_info": 4.5, "general.documents": 4.0, "general.vaccine_purpose": 3.5,
    "general.vaccine_types": 3.5, "general.vaccine_mandatory": 3.0, "general.vaccine_cost": 2.0,
    # adverse effects ~14%
    "adverse_effects.common": 6.3, "adverse_effects.treatment": 3.5, "adverse_effects.reporting": 2.5,
    "adverse_effects.severe": 1.7,
    # off-catalog ~6%
    None: 6.0,
}
DEFAULT_WEIGHT = 2.0  # a catalog question the mix above does not know yet


@dataclass(frozen=True)
class EventKind:
    """An announcement: volume multiplier and question weight multipliers, on the day and after."""

    volume: float
    boosts: dict[str, float] = field(default_factory=dict)  # question id or family -> multiplier
    vaccine_boost: str | None = None  # a vaccine in the news, over-represented in adverse-effect calls
    decay: float = 0.4  # share of the effect still there the next day


EVENT_KINDS: dict[str, EventKind] = {
    # a new age band opens: everyone asks whether, how and when
    "eligibility": EventKind(2.5, {"vaccination.eligibility": 4.0, "vaccination.registration": 3.0, "vaccination.when_my_turn": 2.5,
                                   "vaccination.appointment": 1.5, "general.documents": 1.5}),
    # the vaccine pass becomes required: certificates and boosters
    "pass": EventKind(2.2, {"general.certificate": 6.0, "general.vaccine_mandatory": 3.0, "vaccination.second_dose": 2.0}),
    # a safety scare in the news: adverse-effect calls multiply
    "adverse": EventKind(1.8, {"adverse_effects": 4.0, "adverse_effects.severe": 1.5, "general.vaccine_purpose": 2.0,
                               "general.vaccine_types": 2.0}, vaccine_boost="astrazeneca"),
}
DEFAULT_EVENT_KIND = "eligibility"


def day_mix(question_ids: list[str], kind: str | None, strength: float) -> dict[str | None, float]:
    """Question weights of one day: the baseline, shifted by an announcement of `strength` 0..1."""
    boosts = EVENT_KINDS[kind].boosts if kind else {}
    mix: dict[str | None, float] = {}
    for qid in [*question_ids, None]:
        w = BASE_MIX.get(qid, DEFAULT_WEIGHT)
        if qid is not None:
            for key in (qid.split(".", 1)[0], qid):
                if key in boosts:
                    w *= 1 + (boosts[key] - 1) * strength
        mix[qid] = w
    return mix


def day_volume(kind: str | None, strength: float) -> float:
    """Volume multiplier of one day."""
    return 1 + (EVENT_KINDS[kind].volume - 1) * strength if kind else 1.0


def vaccine_weights(kind: str | None, strength: float) -> dict[str, float]:
    """Which vaccines callers name: the campaign's mix, plus the one in the news on a scare."""
    weights = dict(VACCINE_WEIGHTS)
    boosted = EVENT_KINDS[kind].vaccine_boost if kind else None
    if boosted:
        weights[boosted] += 1.5 * strength
    return weights
