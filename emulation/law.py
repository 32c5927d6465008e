"""The texts the documents of every app cite, by the date they were in force: the Law on
Emulation and Commendation and the decree detailing it (Decree 98/2023/NĐ-CP until 30 June 2025,
Decree 152/2025/NĐ-CP from 1 July 2025; docs/award-rules.md gives the sources)."""

from __future__ import annotations

import datetime

LAW = "Luật Thi đua, khen thưởng số 06/2022/QH15"
D98, D152 = "98/2023", "152/2025"
PERIODS: dict[str, tuple[datetime.date, datetime.date | None]] = {
    D98: (datetime.date(2024, 1, 1), datetime.date(2025, 6, 30)),
    D152: (datetime.date(2025, 7, 1), None),
}
DECREE_TITLES: dict[str, str] = {
    D98: "Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi tiết"
    " thi hành một số điều của Luật Thi đua, khen thưởng",
    D152: "Nghị định số 152/2025/NĐ-CP của Chính phủ quy định chi tiết một số điều của"
    " Luật Thi đua, khen thưởng",
}


def decree_on(day: datetime.date) -> str:
    """The decree detailing the Law in force on a day (Decree 98/2023 until 30 June 2025)."""
    return D152 if day >= PERIODS[D152][0] else D98


def decree_title_on(day: datetime.date) -> str:
    return DECREE_TITLES[decree_on(day)]
