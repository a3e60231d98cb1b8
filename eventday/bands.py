"""The heat map's four occupancy bands: their colours and words (the one vocabulary; the thresholds are data,
OccupancyPolicy: busy_percent and the two alert lines). The colours are the fill; the words say the same in
text, so the map does not rely on colour alone."""
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from . import crowd
from .models import OccupancyPolicy


@dataclass(frozen=True)
class Band:
    code: str
    colour: str  # fill on the plan; dark enough for white-on-colour text is not needed (labels are black)
    label: str
    lower: int  # % of safe capacity where it starts
    upper: int | None  # where the next starts (None: no upper bound)


COLOURS = {crowd.CALM: "#2e9e5b", crowd.BUSY: "#f2c94c", crowd.NEAR_FULL: "#f2994a", crowd.FULL: "#d63b3b"}
LABELS = {crowd.CALM: _("宽松"), crowd.BUSY: _("较多"), crowd.NEAR_FULL: _("拥挤（预警）"),
          crowd.FULL: _("饱和（停止入场）")}


def band_lines(policy: OccupancyPolicy) -> crowd.BandLines:
    return crowd.BandLines(policy.busy_percent, policy.warning_percent, policy.stop_admission_percent)


def bands(policy: OccupancyPolicy) -> list[Band]:
    starts = band_lines(policy).starts()
    return [Band(code, COLOURS[code], LABELS[code], start, starts[i + 1][1] if i + 1 < len(starts) else None)
            for i, (code, start) in enumerate(starts)]
