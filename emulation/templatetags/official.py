"""Filters of the official document layout (templates/pdf/base_official.html).

`unbroken_phrases` keeps the syllables of a Vietnamese word on one line: the renderer breaks
lines at spaces, and Vietnamese writes a space between the syllables of one word ("cơ quan",
"Quảng Trị"), so a long issuer's name or title would otherwise break inside a word
("…CÁC CƠ / QUAN ĐẢNG TỈNH QUẢNG / TRỊ"). The words of administrative names are joined with
no-break spaces, and so is the place name after "tỉnh", "huyện", "thành phố"…
"""

from __future__ import annotations

import re
from functools import lru_cache

from django import template

register = template.Library()

NBSP = "\u00a0"

# Words of two or three syllables found in the names of bodies and in document titles.
PHRASES = re.split(
    r",\s*",
    """
ban chấp hành, cựu chiến binh, cờ thi đua, thành phố, thị xã, cơ quan, thi đua,
khen thưởng, tuyên giáo, dân vận, tỉnh ủy, huyện ủy, thành ủy, đảng ủy, đảng bộ, ủy ban,
nhân dân, hội đồng, mặt trận, tổ quốc, việt nam, công an, quân sự, văn phòng, tổ chức,
kiểm tra, nội vụ, tài chính, kế hoạch, đầu tư, giáo dục, đào tạo, y tế, tư pháp,
công thương, xây dựng, giao thông, vận tải, nông nghiệp, phát triển, nông thôn, tài nguyên,
môi trường, lao động, thương binh, xã hội, văn hóa, thể thao, du lịch, thông tin,
truyền thông, khoa học, công nghệ, ngoại vụ, thanh tra, doanh nghiệp, đoàn thể, chính trị,
liên đoàn, thanh niên, phụ nữ, nông dân, trung ương, đơn vị, sự nghiệp, báo cáo,
thành tích, đề nghị, bằng khen, chủ tịch, biên bản, bình xét, giao ước, quyết định,
danh hiệu, tập thể, xuất sắc, kết quả, bỏ phiếu, phiên họp, tờ trình, khu vực, dân tộc,
tôn giáo, ngân hàng, kho bạc, bảo hiểm, thống kê, hải quan, điện lực""".strip(),
)
PLACE = re.compile(
    r"\b(tỉnh|huyện|quận|thành phố|thị xã|xã|phường) (\w+) (\w+)(?=$|[\s,.;)])",
    re.IGNORECASE,
)


@lru_cache(maxsize=1)
def _phrases() -> re.Pattern[str]:
    words = sorted(PHRASES, key=len, reverse=True)
    return re.compile(
        r"(?<!\w)(" + "|".join(re.escape(p).replace(r"\ ", " ") for p in words) + r")(?!\w)",
        re.IGNORECASE,
    )


@register.filter
def unbroken_phrases(value: object) -> str:
    """The text with the syllables of its known words, and of the place name that follows a
    "tỉnh" or "huyện", joined by no-break spaces."""
    text = str(value or "")
    text = _phrases().sub(lambda m: m.group(0).replace(" ", NBSP), text)
    return PLACE.sub(lambda m: f"{m.group(1)} {m.group(2)}{NBSP}{m.group(3)}", text)
