"""The Home tab's read model: a user's history page, profile numbers and open interview."""

from __future__ import annotations

from dataclasses import dataclass

from bot.interview.domain import (
    HOME_PAGE_SIZE,
    ActiveInterview,
    HomePage,
    InterviewFeedback,
    ProfileStats,
)
from bot.interview.problem_bank import ProblemBank
from bot.interview.store import InterviewStore
from bot.interview.transcript import active_interview, summary


@dataclass(frozen=True)
class HomeReadModel:
    store: InterviewStore
    bank: ProblemBank
    offline: bool
    time_limit_minutes: int

    async def active_interview(self, *, team_id: str, user_id: str) -> ActiveInterview | None:
        row = await self.store.open_session_of(team_id=team_id, user_id=user_id)
        return None if row is None else active_interview(row, self.bank)

    async def page(self, *, team_id: str, user_id: str, page: int = 0) -> HomePage:
        page = max(0, page)
        rows = await self.store.history(
            team_id=team_id,
            user_id=user_id,
            offset=page * HOME_PAGE_SIZE,
            limit=HOME_PAGE_SIZE + 1,
        )
        numbers = await self.store.profile(team_id=team_id, user_id=user_id)
        active = await self.active_interview(team_id=team_id, user_id=user_id)
        profile = ProfileStats(
            completed=numbers.completed,
            average_overall=numbers.average_overall,
            best_overall=numbers.best_overall,
            average_communication=numbers.average_communication,
            average_problem_solving=numbers.average_problem_solving,
            average_code_quality=numbers.average_code_quality,
            recent_trend=tuple(reversed(numbers.recent_overall)),
        )
        return HomePage(
            user_id=user_id,
            profile=profile,
            interviews=tuple(summary(r) for r in rows[:HOME_PAGE_SIZE]),
            page=page,
            has_more=len(rows) > HOME_PAGE_SIZE,
            active=active,
            offline_interviewer=self.offline,
            time_limit_minutes=self.time_limit_minutes,
            topics=self.bank.topics(),
        )

    async def feedback(
        self, *, team_id: str, user_id: str, interview_id: int
    ) -> InterviewFeedback | None:
        row = await self.store.interview(interview_id, team_id=team_id, user_id=user_id)
        if row is None:
            return None
        return InterviewFeedback(
            summary=summary(row),
            problem_description=row.problem_description,
            feedback=row.feedback,
            strengths=tuple(str(s) for s in row.strengths or ()),
            improvements=tuple(str(s) for s in row.improvements or ()),
            graded_by=row.graded_by,
        )
