"""What simulated callers say and agents answer, per question id and language.

Written for the simulator alone, independently of the catalog's training phrasings, so that
a classifier evaluated on simulated calls cannot simply have memorised them. Templates carry
slots (`{vaccine}`, `{city}`, `{age}`, `{dose}`, `{days}`, `{symptoms}`, `{who}`, `{job}`)
filled from `slots.py`; a question is framed by an optional opener, context and closer
(`frame.py`) and then distorted by typos (`producers.simulator.transcripts`).

Languages: fr, ar (Modern Standard Arabic), ary (Darija, Arabic script), ary-Latn (Arabizi),
en and ber (a few questions only; a caller without a template switches to Darija or French).
"""

from producers.simulator.templates.adverse_effects import QUESTIONS as _ADVERSE
from producers.simulator.templates.answers import ANSWERS, TOPIC_TAGS
from producers.simulator.templates.frame import CLOSERS, CONTEXTS, OPENERS
from producers.simulator.templates.general import QUESTIONS as _GENERAL
from producers.simulator.templates.other import OTHER_QUESTIONS
from producers.simulator.templates.vaccination import QUESTIONS as _VACCINATION

QUESTIONS: dict[str, dict[str, list[str]]] = {**_GENERAL, **_VACCINATION, **_ADVERSE}
"""question_id -> language -> question templates."""

__all__ = ["ANSWERS", "CLOSERS", "CONTEXTS", "OPENERS", "OTHER_QUESTIONS", "QUESTIONS", "TOPIC_TAGS"]
