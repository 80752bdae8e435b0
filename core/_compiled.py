"""The playbook compiled once for speed: stage index, segment lookups, keyword sets, regexes.

``decide`` runs for every open deal on every sync run, so nothing that depends only on the
playbook is recomputed per deal: keywords become normalised word sets and phrases, segment
resolution and effective objective lists are memoised per (industry, size band, stage).
"""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nextadvance.core._calendar import days_off
from nextadvance.core._decision import Explanation, ObjectiveResult, explanation
from nextadvance.core._memo import remember
from nextadvance.core._nextstep import CompiledLexicon
from nextadvance.core._playbook_model import TEXT_KINDS
from nextadvance.core.errors import MappingError, Problem
from nextadvance.core.models import Account, ActivityKind, Outcome

if TYPE_CHECKING:
    from nextadvance.core._playbook_model import (
        EvidenceRule,
        Objective,
        Playbook,
        Segment,
        Stage,
    )

#: the activity kinds whose text keyword rules read by default, as one shared object
TEXT_KIND_SET: frozenset[ActivityKind] = frozenset(TEXT_KINDS)

#: bound of the per-(stage, industry, employees) scope memo (cleared when full)
_SCOPE_LIMIT = 2_048

__all__ = ["CompiledObjective", "CompiledPlaybook", "CompiledRule", "KeywordSet", "normalise"]

#: punctuation and whitespace that separate words (ASCII plus common typographic marks);
#: str.translate with this table is ~10x faster than a regex substitution.
_SEPARATORS = str.maketrans(
    dict.fromkeys(
        string.punctuation
        + "\t\n\r\x0b\x0c\u2013\u2014\u2018\u2019\u201c\u201d\u2026\u00ab\u00bb\u00b7\u2022\u00a0",
        " ",
    )
)


#: the ASCII part of the same table for bytes.translate (a plain 256-byte lookup)
_ASCII_PUNCT = string.punctuation + "\t\n\r\x0b\x0c"
_ASCII_SEPARATORS = bytes.maketrans(_ASCII_PUNCT.encode(), b" " * len(_ASCII_PUNCT))


def split_words(text: str) -> list[str]:
    """Lower-cased words of ``text`` with punctuation removed.

    ASCII text (nearly all CRM notes) takes a bytes detour: lower-casing and translating
    bytes is about twice as fast as the str methods and gives the same words (an ASCII
    character lower-cases to the same ASCII character either way).
    """
    if text.isascii():
        return text.encode().lower().translate(_ASCII_SEPARATORS).decode().split()
    return text.lower().translate(_SEPARATORS).split()


def normalise(text: str) -> str:
    """Lower-case text, punctuation to spaces, single-spaced and padded: ``" a b c "``."""
    return f" {' '.join(split_words(text))} "


@dataclass(frozen=True, slots=True)
class KeywordSet:
    """Keywords split into single words (set lookups) and phrases (padded substring tests)."""

    words: frozenset[str]
    phrases: tuple[str, ...]
    phrase_words: tuple[frozenset[str], ...] = ()
    #: every word of every keyword and phrase: a text sharing none of them cannot match
    any_words: frozenset[str] = frozenset()
    #: (padded phrase, its words, the phrase as a keyword) per phrase, built once here so a
    #: search per deal neither zips two tuples nor strips a phrase
    phrase_entries: tuple[tuple[str, frozenset[str], str], ...] = ()

    def may_match(self, words: frozenset[str]) -> bool:
        """Whether a text with these words can contain a keyword: one of the single words,
        or every word of a phrase.  Exact as a reject (a phrase needs all its words), where
        ``any_words`` alone lets through nearly every note ("to", "the", "will")."""
        if not self.words.isdisjoint(words):
            return True
        for needed in self.phrase_words:  # noqa: SIM110 - a generator costs more here
            if needed <= words:
                return True
        return False

    def find(self, norm_text: str, words: frozenset[str] | set[str]) -> str | None:
        """The first keyword present in ``norm_text`` (normalised) / ``words``, or None."""
        hit = self.words & words
        if hit:
            return min(hit)
        for phrase in self.phrases:
            if phrase in norm_text:
                return phrase.strip()
        return None


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """One evidence rule with its keywords pre-normalised and its test chosen."""

    kind: str
    rule: EvidenceRule
    keywords: KeywordSet | None
    #: the field or role name a field/role rule looks at ("" otherwise), for fast rejects
    name: str
    kinds: frozenset[ActivityKind]
    outcomes: frozenset[Outcome]
    roles: frozenset[str]
    values: frozenset[str]


@dataclass(frozen=True, slots=True)
class CompiledObjective:
    """An objective as the engine sees it: which stage it belongs to and its compiled rules."""

    id: str
    title: str
    stage: str
    essential: bool
    questions: tuple[str, ...]
    rules: tuple[CompiledRule, ...]
    #: the shared result for this objective when nothing proves it
    missing: ObjectiveResult
    #: the contact roles its role rules look for: the agenda ranks the objective that
    #: finds the role an advance needs first, and a set test beats scanning the rules
    role_names: frozenset[str] = frozenset()


def _missing(
    stage: str, oid: str, title: str, essential: bool, questions: tuple[str, ...]
) -> ObjectiveResult:
    return ObjectiveResult(
        id=oid, title=title, stage=stage, essential=essential, status="missing", questions=questions
    )


def _keyword_set(keywords: tuple[str, ...], synonyms: dict[str, tuple[str, ...]]) -> KeywordSet:
    expanded: list[str] = []
    for kw in keywords:
        expanded.append(kw)
        expanded.extend(synonyms.get(kw.lower(), ()))
    words: set[str] = set()
    phrases: list[str] = []
    for kw in expanded:
        norm = normalise(kw)
        if norm.strip() == "":
            continue
        if norm.count(" ") == 2:
            words.add(norm.strip())
        else:
            phrases.append(norm)
    uniq = tuple(dict.fromkeys(phrases))
    phrase_words = tuple(frozenset(p.split()) for p in uniq)
    return KeywordSet(
        frozenset(words),
        uniq,
        phrase_words,
        frozenset(words).union(*phrase_words),
        tuple(zip(uniq, phrase_words, [p.strip() for p in uniq], strict=True)),
    )


class CompiledPlaybook:
    """Lookups built from a :class:`Playbook`; obtained via ``playbook.compiled`` (cached)."""

    def __init__(self, playbook: Playbook) -> None:
        self.playbook = playbook
        self.stages: dict[str, Stage] = {s.key: s for s in playbook.stages}
        self.order: dict[str, int] = {s.key: i for i, s in enumerate(playbook.stages)}
        self.open_stages: tuple[str, ...] = tuple(s.key for s in playbook.stages if not s.closed)
        self.synonyms = {k.lower(): v for k, v in playbook.synonyms.items()}
        self.lexicon = CompiledLexicon(playbook.lexicon, self.order)
        self.commitment = _keyword_set(playbook.thresholds.commitment_keywords, self.synonyms)
        self.conversation_kinds = frozenset(playbook.thresholds.conversation_kinds)
        #: weekends and holidays: no advance or task is dated on one (nextadvance.core._coach)
        self.days_off = days_off(playbook.thresholds.holidays)
        w = playbook.priority
        weights = (w.amount, w.close_date, w.stall, w.missing_essentials, w.stage_gap)
        #: priority weights in term order, plus their sum (1 when all are zero)
        self.priority_weights = (*weights, sum(weights) or 1.0)
        self._industries: list[tuple[Segment, tuple[str, ...]]] = [
            (seg, tuple(normalise(i) for i in seg.industries)) for seg in playbook.segments
        ]
        self._segments_cache: dict[tuple[str, str | None], tuple[str, ...]] = {}
        self._objectives_cache: dict[
            tuple[str, tuple[str, ...]], tuple[CompiledObjective, ...]
        ] = {}
        self._compiled_objectives: dict[tuple[str, str], CompiledObjective] = {}
        #: memos of call plans (nextadvance.core._callplan) and next-step checks
        #: (nextadvance.core._stepcheck)
        self.plans: dict[Any, Any] = {}
        self.full_plans: dict[Any, Any] = {}
        self.checks: dict[Any, Any] = {}
        #: activity text -> its commitment keyword or None (nextadvance.core._momentum)
        self.commitments: dict[tuple[str, str], str | None] = {}
        self._scopes: dict[
            tuple[str, str | None, int | None],
            tuple[tuple[str, ...], tuple[CompiledObjective, ...], Explanation, frozenset[str]],
        ] = {}
        #: per stage, the objective ids its advance catalog requires (advance memo keys)
        self.advance_required = {
            s.key: frozenset(r for a in s.advances for r in a.requires) for s in playbook.stages
        }
        self.required_roles = frozenset(
            r for s in playbook.stages for a in s.advances for r in a.requires_roles
        )
        #: per stage, the contact roles its advances need and the roles that prove an
        #: essential of the next open stage (the agenda's look-ahead skips those): a plan
        #: depends on no others
        #: every objective (stage or segment-added) by id, for the agenda's implication,
        #: negative-answer, time-critical and recovery settings (nextadvance.core._agenda)
        self.objective_meta: dict[str, Objective] = {
            o.id: o for s in playbook.stages for o in s.objectives
        }
        for seg in playbook.segments:
            for ov in seg.add:
                self.objective_meta.setdefault(ov.objective.id, ov.objective)
        recovery_roles = frozenset(
            r
            for o in self.objective_meta.values()
            if o.recovery is not None
            for r in o.recovery.requires_roles
        )
        self.required_roles |= recovery_roles
        #: per stage, the contact roles its advances (or a recovery) need and the roles
        #: that prove an essential of the next open stage (the agenda's look-ahead skips
        #: those): a plan depends on no others
        self.stage_roles = {
            s.key: frozenset(r for a in s.advances for r in a.requires_roles)
            | recovery_roles
            | _next_stage_roles(playbook, i)
            for i, s in enumerate(playbook.stages)
        }
        #: learned ids that imply another objective (they change the agenda)
        self.implying = frozenset(r for o in self.objective_meta.values() for r in o.implied_by)

    # -- stages -------------------------------------------------------------------------
    def stage(self, key: str) -> Stage:
        """The stage with this key, or a :class:`MappingError` naming the known keys."""
        try:
            return self.stages[key]
        except KeyError:
            import difflib

            close = difflib.get_close_matches(key, list(self.stages), n=1, cutoff=0.6)
            raise MappingError(
                [
                    Problem(
                        message=f"unknown stage {key!r}",
                        key_path="stage",
                        expected="one of: " + ", ".join(self.stages),
                        hint=f"did you mean '{close[0]}'?" if close else None,
                    )
                ]
            ) from None

    # -- segments -----------------------------------------------------------------------
    def band_of(self, employees: int | None) -> str | None:
        """The size band id for an employee count (first band that contains it), or None."""
        if employees is None:
            return None
        for band in self.playbook.size_bands:
            if employees >= band.min and (band.max is None or employees <= band.max):
                return band.id
        return None

    def segments_for(self, industry: str | None, band: str | None) -> tuple[str, ...]:
        """Ids of the segments matching this industry and size band, in playbook order."""
        key = ((industry or "").lower(), band)
        hit = self._segments_cache.get(key)
        if hit is not None:
            return hit
        norm = normalise(industry or "")
        out = []
        for seg, inds in self._industries:
            if inds and not any(i in norm for i in inds):
                continue
            if seg.size_bands and band not in seg.size_bands:
                continue
            out.append(seg.id)
        result = tuple(out)
        if len(self._segments_cache) < 4096:
            self._segments_cache[key] = result
        return result

    def scope(
        self, stage_key: str, account: Account
    ) -> tuple[tuple[str, ...], tuple[CompiledObjective, ...], Explanation, frozenset[str]]:
        """Segments, effective objectives, the "segments applied" explanation and the
        objective ids a call plan depends on, for a deal of this stage and account;
        memoised on (stage, industry, employees)."""
        industry, employees = account.industry, account.employees
        key = (stage_key, industry, employees)
        hit = self._scopes.get(key)
        if hit is None:
            band = self.band_of(employees)
            segments = self.segments_for(industry, band)
            why = explanation(
                "segments.applied",
                {"industry": industry, "employees": employees, "size_band": band},
                f"segments applied: {', '.join(segments) or 'none'}",
            )
            objectives = self.objectives_for(stage_key, segments)
            # the learned ids a call plan can depend on (see _callplan.call_plan)
            relevant = frozenset(
                o.id
                for o in objectives
                if o.stage == stage_key
                or o.essential
                or o.id in self.advance_required.get(stage_key, ())
                or o.id in self.implying
            )
            hit = remember(self._scopes, key, (segments, objectives, why, relevant), _SCOPE_LIMIT)
        return hit

    # -- objectives ---------------------------------------------------------------------
    def objectives_for(
        self, stage_key: str, segments: tuple[str, ...]
    ) -> tuple[CompiledObjective, ...]:
        """Objectives of this stage and every earlier open stage after segment overrides."""
        key = (stage_key, segments)
        hit = self._objectives_cache.get(key)
        if hit is not None:
            return hit
        segs = [s for s in self.playbook.segments if s.id in segments]
        removed = {r for s in segs for r in s.remove}
        essential: dict[str, bool] = {}
        for s in segs:
            essential.update(s.set_essential)
        upto = self.order[stage_key]
        out: list[CompiledObjective] = []
        seen: set[str] = set()
        for stage in self.playbook.stages[: upto + 1]:
            if stage.closed:
                continue
            objs: list[Objective] = list(stage.objectives)
            objs += [ov.objective for s in segs for ov in s.add if ov.stage == stage.key]
            for obj in objs:
                if obj.id in removed or obj.id in seen:
                    continue  # removed by a segment, or added by two matching segments
                seen.add(obj.id)
                co = self._compile_objective(stage.key, obj)
                if obj.id in essential and essential[obj.id] != co.essential:
                    flag = essential[obj.id]
                    co = CompiledObjective(
                        co.id,
                        co.title,
                        co.stage,
                        flag,
                        co.questions,
                        co.rules,
                        _missing(co.stage, co.id, co.title, flag, co.questions),
                        co.role_names,
                    )
                out.append(co)
        result = tuple(out)
        self._objectives_cache[key] = result
        return result

    def _compile_objective(self, stage_key: str, obj: Objective) -> CompiledObjective:
        ck = (stage_key, obj.id)
        hit = self._compiled_objectives.get(ck)
        if hit is not None:
            return hit
        rules = []
        for rule in obj.evidence:
            if rule.field is not None:
                kind = "field"
            elif rule.role is not None:
                kind = "role"
            elif rule.activity is not None:
                kind = "activity"
            else:
                kind = "keywords"
            act = rule.activity
            rules.append(
                CompiledRule(
                    kind=kind,
                    rule=rule,
                    name=rule.field or rule.role or "",
                    keywords=_keyword_set(rule.keywords, self.synonyms) if rule.keywords else None,
                    kinds=_canonical_kinds(frozenset(act.kinds if act else rule.kinds)),
                    outcomes=frozenset(act.outcomes if act else ()),
                    roles=frozenset(act.with_roles if act else ()),
                    values=frozenset(_lower(v) for v in (rule.values or ())),
                )
            )
        co = CompiledObjective(
            obj.id,
            obj.title,
            stage_key,
            obj.essential,
            obj.questions,
            tuple(rules),
            _missing(stage_key, obj.id, obj.title, obj.essential, obj.questions),
            frozenset(r.name for r in rules if r.kind == "role"),
        )
        self._compiled_objectives[ck] = co
        return co


def _next_stage_roles(playbook: Playbook, i: int) -> frozenset[str]:
    """Roles whose holder proves an essential of the open stage after stage ``i``."""
    nxt = next((s for s in playbook.stages[i + 1 :] if not s.closed), None)
    if nxt is None:
        return frozenset()
    objs = [*nxt.objectives]
    objs += [ov.objective for seg in playbook.segments for ov in seg.add if ov.stage == nxt.key]
    return frozenset(r.role for o in objs for r in o.evidence if r.role is not None)


def _canonical_kinds(kinds: frozenset[ActivityKind]) -> frozenset[ActivityKind]:
    """The shared :data:`TEXT_KIND_SET` when equal to it, so the engine tests identity."""
    return TEXT_KIND_SET if kinds == TEXT_KIND_SET else kinds


def _lower(value: Any) -> str:
    return str(value).strip().lower()


#: Signature of a function that maps a value to its normalised comparison key.
Normaliser = Callable[[Any], str]
