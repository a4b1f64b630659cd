"""Geometry for the server-rendered SVG charts: pure functions, the templates draw them.

The page's Content-Security-Policy forbids inline styles, so every colour and size is an
SVG presentation attribute computed here.
"""

from __future__ import annotations

from dataclasses import dataclass

LABEL_WIDTH = 220
BAR_AREA = 400
ROW = 28


@dataclass(frozen=True)
class Bar:
    label: str
    text: str  # the value as shown beside the bar
    y: int
    width: float
    value: float = 0.0  # for the narrow screen's <meter> list, out of the chart's "top"


@dataclass(frozen=True)
class Column:
    label: str
    text: str
    x: int
    y: float
    height: float


@dataclass(frozen=True)
class Cell:
    x: int
    y: int
    opacity: float  # 0..1 of the brand colour; closed cells are drawn grey
    closed: bool
    title: str


def horizontal_bars(items: list[tuple[str, float, str]], maximum: float | None = None) -> dict:
    """One bar per (label, value, text), scaled to the largest value (or `maximum`)."""
    top = maximum if maximum else max((value for _, value, _ in items), default=0) or 1
    bars = [
        Bar(label, text, i * ROW, round(BAR_AREA * min(value, top) / top, 1), min(value, top))
        for i, (label, value, text) in enumerate(items)
    ]
    return {
        "bars": bars,
        "height": max(ROW * len(items), ROW),
        "width": LABEL_WIDTH + BAR_AREA + 80,
        "label_width": LABEL_WIDTH,
        "text_x": LABEL_WIDTH + 6,
        "top": top,
    }


def columns(items: list[tuple[str, float, str]], maximum: float | None = None, height: int = 160) -> dict:
    """Vertical bars, e.g. utilisation month by month."""
    top = maximum if maximum else max((value for _, value, _ in items), default=0) or 1
    step = 48
    cols = []
    for i, (label, value, text) in enumerate(items):
        bar = round(height * min(value, top) / top, 1)
        cols.append(Column(label, text, 40 + i * step, 20 + height - bar, bar))
    return {
        "columns": cols,
        "width": 40 + step * max(len(items), 1) + 10,
        "height": height + 60,
        "baseline": 20 + height,
        "bar_width": step - 10,
    }


def heat_map(cells: list[float | None], titles: list[str], size: int = 22) -> dict:
    """7 x 24 grid (weekday rows, hour columns); values 0..1, None where the house is closed."""
    top = max((v for v in cells if v is not None), default=0) or 1
    grid = []
    for index, value in enumerate(cells):
        weekday, hour = divmod(index, 24)
        grid.append(
            Cell(
                x=110 + hour * size,
                y=24 + weekday * size,
                opacity=round(0.08 + 0.92 * min(value, top) / top, 2) if value else 0.0,
                closed=value is None,
                title=titles[index],
            )
        )
    hours = [(110 + hour * size + size // 2, f"{hour:02d}") for hour in range(0, 24, 3)]
    return {
        "cells": grid,
        "size": size,
        "width": 110 + 24 * size + 10,
        "height": 24 + 7 * size + 10,
        "hours": hours,
    }


def sparkline(values: list[int], width: int = 160, height: int = 32) -> dict:
    """A line through the counts of one activity's dates, oldest first, scaled to its own top."""
    top = max(values, default=0) or 1
    step = width / max(len(values) - 1, 1)
    points = [(round(i * step, 1), round(height - height * v / top, 1)) for i, v in enumerate(values)]
    return {
        "points": " ".join(f"{x:.1f},{y:.1f}" for x, y in points),
        "last": points[-1] if points else (0, height),
        "width": width,
        "height": height,
    }


def fitted_columns(items: list[tuple[str, float, str]], width: int = 330, height: int = 90) -> dict:
    """Columns squeezed into a fixed width, for the one-page report; labels thinned to fit.

    Coordinates are strings: a template in Finnish would write a float with a decimal comma.
    """
    top = max((value for _, value, _ in items), default=0) or 1
    step = (width - 10) / max(len(items), 1)
    every = max(1, round(44 / step))  # about one label per 44 px
    cols = []
    for i, (label, value, text) in enumerate(items):
        bar = round(height * value / top, 1)
        cols.append(
            {
                "x": f"{5 + i * step:.1f}",
                "y": f"{14 + height - bar:.1f}",
                "height": f"{bar:.1f}",
                "label": label if i % every == 0 else "",
                "text": text if len(items) <= 12 else "",
            }
        )
    return {
        "columns": cols,
        "width": width,
        "height": height + 34,
        "baseline": 14 + height,
        "bar_width": f"{max(step - 3, 1):.1f}",
    }
