"""The question catalog: one versioned TOML data file (`schemas/catalog.toml`) read with tomllib.

The catalog is data, not code, so that the ministry can add or retire a question by editing the
file only; this module validates it strictly (a typo in an id or a family fails loudly at load
time, not as silently wrong labels in ClickHouse).
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from hotline.errors import HotlineError

DEFAULT_CATALOG = Path(__file__).with_name("catalog.toml")
LANGUAGES = ("fr", "ar", "ary", "ary-Latn", "en", "ber")
OTHER = "other"
VACCINES = ("sinopharm", "astrazeneca", "pfizer", "janssen", "unknown")
SYMPTOMS = ("injection_site", "fever", "headache", "fatigue", "muscle_pain", "nausea", "dizziness",
            "allergic", "breathing", "chest_pain", "other")


class CatalogQuestion(BaseModel):
    """One ministry-approved question: its stable id, family, answer and training phrasings."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z_]+\.[a-z0-9_]+$")
    family: str
    retired: bool = False
    gist: str = ""
    keywords: list[str] = []
    answer: dict[str, str]
    phrasings: dict[str, list[str]]

    @model_validator(mode="after")
    def _consistent(self) -> CatalogQuestion:
        if self.id.split(".", 1)[0] != self.family:
            raise ValueError(f"question {self.id}: id must start with its family {self.family!r}")
        for lang in ("fr", "ar"):
            if not self.answer.get(lang, "").strip():
                raise ValueError(f"question {self.id}: approved answer in {lang!r} is missing")
        unknown = set(self.phrasings) - set(LANGUAGES)
        if unknown:
            raise ValueError(f"question {self.id}: unknown phrasing languages {sorted(unknown)}")
        if not self.retired and sum(len(v) for v in self.phrasings.values()) < 3:
            raise ValueError(f"question {self.id}: needs at least 3 phrasings to be learnable")
        return self

    def all_phrasings(self) -> list[tuple[str, str]]:
        """(language, text) pairs, in file order."""
        return [(lang, text) for lang, texts in self.phrasings.items() for text in texts]


class Catalog(BaseModel):
    """The whole catalog file, validated."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    catalog_version: str
    languages: list[str]
    families: dict[str, str]
    questions: list[CatalogQuestion]
    other_topics: dict[str, dict[str, list[str]]] = {}
    vaccines: dict[str, list[str]] = {}
    symptoms: dict[str, list[str]] = {}

    @model_validator(mode="after")
    def _consistent(self) -> Catalog:
        if OTHER not in self.families:
            raise ValueError("families must include 'other'")
        seen: set[str] = set()
        for q in self.questions:
            if q.id in seen:
                raise ValueError(f"duplicate question id {q.id}")
            seen.add(q.id)
            if q.family not in self.families or q.family == OTHER:
                raise ValueError(f"question {q.id}: unknown family {q.family!r}")
        for topic, by_lang in self.other_topics.items():
            unknown = set(by_lang) - set(LANGUAGES)
            if unknown:
                raise ValueError(f"other.{topic}: unknown phrasing languages {sorted(unknown)}")
        bad = (set(self.vaccines) - set(VACCINES)) | (set(self.symptoms) - set(SYMPTOMS))
        if bad:
            raise ValueError(f"unknown vaccine/symptom keys {sorted(bad)}")
        return self

    def active(self) -> list[CatalogQuestion]:
        """Questions the classifier may answer (retired ids stay valid labels but are not predicted)."""
        return [q for q in self.questions if not q.retired]

    def get(self, question_id: str) -> CatalogQuestion:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)

    def family_of(self, question_id: str | None) -> str:
        return OTHER if question_id is None else self.get(question_id).family


def _from_toml(data: dict) -> Catalog:
    """Map the file layout ([[question]], [other], [adverse_effects.*]) onto the model."""
    ae = data.get("adverse_effects", {})
    return Catalog(
        catalog_version=data.get("catalog_version", ""),
        languages=data.get("languages", list(LANGUAGES)),
        families=data.get("families", {}),
        questions=data.get("question", []),
        other_topics=data.get("other", {}),
        vaccines=ae.get("vaccines", {}),
        symptoms=ae.get("symptoms", {}),
    )


def read_catalog(path: Path) -> Catalog:
    """Read and validate one catalog file; errors name the file and the problem."""
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
        return _from_toml(data)
    except FileNotFoundError:
        raise HotlineError(f"catalog file {path} not found; set HOTLINE_CATALOG_PATH or restore schemas/catalog.toml") from None
    except tomllib.TOMLDecodeError as exc:
        raise HotlineError(f"catalog file {path} is not valid TOML: {exc}; fix the file") from None
    except ValidationError as exc:
        msgs = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise HotlineError(f"catalog file {path} is invalid: {msgs}; fix the file") from None


@lru_cache(maxsize=4)
def _cached(path: Path) -> Catalog:
    return read_catalog(path)


def load_catalog(path: Path | None = None) -> Catalog:
    """The catalog at `path`, else at the `catalog_path` setting, else the shipped file (cached)."""
    if path is None:
        from hotline.config import get_settings

        path = get_settings().catalog_path or DEFAULT_CATALOG
    return _cached(Path(path).expanduser().resolve())
