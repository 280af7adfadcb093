"""The layout of the network picture: networks and the organisations they connect, as plain numbers.

A bipartite graph: networks are the large nodes, organisations the small ones,
and each current membership an edge. The layout is deterministic (the same data
always gives the same picture) and cheap enough for a thousand organisations:

1. Networks sit on a circle, in an order that puts networks sharing many
   members next to each other (greedy, O(k²) for k networks). The circle is
   large enough that no two network nodes touch.
2. Organisations with the same set of networks form a group. A group's anchor
   is the centroid of its networks; a group of one network sits just outside
   its network, away from the centre.
3. The organisations of a group are laid out on a sunflower spiral around the
   anchor. A spatial hash finds collisions with nodes already placed; on a
   collision the organisation moves further out along the spiral, in growing
   steps, so each one needs only a few tries.
4. Each network carries its number (its row in the table below the picture);
   its whole name, wrapped onto lines (never cut short), is set next to it at
   the first free place (below, above, right, left), the largest networks
   choosing first. Then each organisation's name is set next to its square
   where it touches nothing else, the best connected first. A name that finds
   no room is left out: the number, the tooltip and the table still name it.

Nothing here renders: ``templates/actors/networks/picture.html`` draws the
result with Django's autoescaping, so no name ever reaches the SVG unescaped.
"""

from __future__ import annotations

import math
import textwrap
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: Half the side of an organisation's square.
ORG_HALF = 4.5
#: Distance between the centres of two organisations (their squares do not touch).
ORG_SPACING = 2 * ORG_HALF * math.sqrt(2) + 3
#: Room left between a network node and anything else.
GAP = 8.0
#: Network nodes grow with their number of members, between these radii.
NETWORK_MIN_R = 16.0
NETWORK_MAX_R = 34.0
#: The smallest picture (so a small network does not fill a desktop screen with a few giant circles).
MIN_WIDTH = 640.0
MIN_HEIGHT = 360.0
PADDING = 12.0
LABEL_CHARS = 28
NARROW_LABEL_CHARS = 16
#: Organisation names: smaller than the networks', wrapped narrower.
ORG_LABEL_CHARS = 22
ORG_FONT_SHARE = 0.75
LINE_HEIGHT = 1.15  # of the font size
#: The width of a label's character, as a share of the font size (bold sans-serif, generous).
LABEL_WIDTH = 0.62
_GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))


@dataclass(frozen=True)
class NetworkNode:
    pk: int
    name: str
    number: int  # its row in the table below the picture (the order of the networks given)
    x: float
    y: float
    r: float
    members: int
    label: tuple[str, ...]  # its lines; none when there was no room for it
    label_x: float
    label_y: float
    label_anchor: str  # the SVG text-anchor: start, middle or end

    @property
    def number_size(self) -> float:
        return round(self.r * (0.9 if self.number < 100 else 0.7), 1)


@dataclass(frozen=True)
class OrganisationNode:
    pk: int
    name: str
    x: float
    y: float
    half: float
    networks: tuple[str, ...]
    label: tuple[str, ...] = ()  # its lines; none when there was no room for it
    label_x: float = 0.0
    label_y: float = 0.0
    label_anchor: str = "start"

    @property
    def left(self) -> float:
        return round(self.x - self.half, 1)

    @property
    def top(self) -> float:
        return round(self.y - self.half, 1)

    @property
    def side(self) -> float:
        return round(2 * self.half, 1)


@dataclass(frozen=True)
class Edge:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Picture:
    min_x: float
    min_y: float
    width: float
    height: float
    font_size: float
    org_font_size: float
    networks: tuple[NetworkNode, ...]
    organisations: tuple[OrganisationNode, ...]
    edges: tuple[Edge, ...]

    @property
    def view_box(self) -> str:
        return f"{self.min_x:.1f} {self.min_y:.1f} {self.width:.1f} {self.height:.1f}"

    @property
    def stroke(self) -> float:
        """Line widths grow with the picture, so they stay visible when it is scaled down."""
        return round(max(1.0, self.width / 900), 1)

    @property
    def halo(self) -> float:
        """The white outline that keeps a label readable over lines and nodes."""
        return round(self.font_size / 4, 1)


def label_lines(name: str, width: int = LABEL_CHARS) -> tuple[str, ...]:
    """A name as the picture writes it: the whole name, wrapped at spaces and hyphens onto lines of about
    ``width`` characters (a longer word stays whole)."""
    name = " ".join(name.split())
    return tuple(textwrap.wrap(name, width, break_long_words=False)) or (name,)


def network_radius(members: int) -> float:
    return min(NETWORK_MAX_R, NETWORK_MIN_R + 2.5 * math.sqrt(members))


def _circle_order(network_pks: Sequence[int], shared: dict[tuple[int, int], int], size: dict[int, int]) -> list[int]:
    """Networks in circle order: start with the largest, then always the one sharing most with the last."""
    if not network_pks:
        return []
    rank = {pk: index for index, pk in enumerate(network_pks)}  # the given (name) order breaks ties
    remaining = set(network_pks)
    current = min(remaining, key=lambda pk: (-size[pk], rank[pk]))
    order = [current]
    remaining.remove(current)
    while remaining:
        last = order[-1]
        current = min(remaining, key=lambda pk: (-shared.get((min(last, pk), max(last, pk)), 0), -size[pk], rank[pk]))
        order.append(current)
        remaining.remove(current)
    return order


class _SpatialHash:
    """Placed organisation centres in a grid of cells as large as the spacing: a neighbour check is 9 cells."""

    def __init__(self, cell: float) -> None:
        self.cell = cell
        self.cells: dict[tuple[int, int], list[tuple[float, float]]] = defaultdict(list)

    def _key(self, x: float, y: float) -> tuple[int, int]:
        return (math.floor(x / self.cell), math.floor(y / self.cell))

    def free(self, x: float, y: float, distance: float) -> bool:
        cx, cy = self._key(x, y)
        limit = distance * distance
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for ox, oy in self.cells.get((cx + dx, cy + dy), ()):
                    if (ox - x) ** 2 + (oy - y) ** 2 < limit:
                        return False
        return True

    def add(self, x: float, y: float) -> None:
        self.cells[self._key(x, y)].append((x, y))

    def covers(self, box: tuple[float, float, float, float], reach: float) -> bool:
        """Is any placed point within ``reach`` of ``box`` (left, top, right, bottom)?"""
        left, top, right, bottom = box[0] - reach, box[1] - reach, box[2] + reach, box[3] + reach
        first_x, first_y = self._key(left, top)
        last_x, last_y = self._key(right, bottom)
        for cx in range(first_x, last_x + 1):
            for cy in range(first_y, last_y + 1):
                for x, y in self.cells.get((cx, cy), ()):
                    if left <= x <= right and top <= y <= bottom:
                        return True
        return False


class _Boxes:
    """The labels placed so far, in a grid of cells: a new label is checked against those in its cells only."""

    def __init__(self, cell: float) -> None:
        self.cell = cell
        self.cells: dict[tuple[int, int], list[tuple[float, float, float, float]]] = defaultdict(list)
        self.all: list[tuple[float, float, float, float]] = []

    def _keys(self, box: tuple[float, float, float, float]) -> Iterable[tuple[int, int]]:
        for cx in range(math.floor(box[0] / self.cell), math.floor(box[2] / self.cell) + 1):
            for cy in range(math.floor(box[1] / self.cell), math.floor(box[3] / self.cell) + 1):
                yield (cx, cy)

    def meets(self, box: tuple[float, float, float, float]) -> bool:
        return any(_boxes_meet(box, other) for key in self._keys(box) for other in self.cells.get(key, ()))

    def add(self, box: tuple[float, float, float, float]) -> None:
        for key in self._keys(box):
            self.cells[key].append(box)
        self.all.append(box)


def layout(
    networks: Sequence[tuple[int, str]],
    memberships: Iterable[tuple[int, int, str]],
) -> Picture:
    """Place ``networks`` (pk, name) and the organisations of ``memberships`` (network pk, organisation pk,
    organisation name). Organisations without a membership are not drawn; memberships of networks not listed
    are ignored."""
    names = {pk: name for pk, name in networks}
    network_pks = [pk for pk, _name in networks]
    org_names: dict[int, str] = {}
    org_networks: dict[int, set[int]] = defaultdict(set)
    for network_pk, org_pk, org_name in memberships:
        if network_pk in names:
            org_names[org_pk] = org_name
            org_networks[org_pk].add(network_pk)

    size = dict.fromkeys(network_pks, 0)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    groups: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for org_pk, in_networks in org_networks.items():
        key = tuple(sorted(in_networks))
        groups[key].append(org_pk)
        for network_pk in key:
            size[network_pk] += 1
        if len(key) <= 6:  # pairs of a very connected organisation add little to the order; keep this O(n)
            for i, first in enumerate(key):
                for second in key[i + 1 :]:
                    shared[(first, second)] += 1

    # 1. Networks on a circle, far enough apart that their nodes (the largest plus a gap) never touch.
    order = _circle_order(network_pks, shared, size)
    radii = {pk: network_radius(size[pk]) for pk in network_pks}
    count = len(order)
    largest = max(radii.values(), default=NETWORK_MIN_R)
    inner_orgs = sum(len(members) for key, members in groups.items() if len(key) > 1)
    ring = max(
        (largest + GAP) / math.sin(math.pi / count) if count > 1 else 0.0,
        # room inside the ring for the organisations that belong to several networks
        ORG_SPACING * math.sqrt(inner_orgs) * 0.75 + largest,
        120.0 if count > 1 else 0.0,
    )
    position: dict[int, tuple[float, float]] = {}
    for index, pk in enumerate(order):
        angle = -math.pi / 2 + 2 * math.pi * index / count
        position[pk] = (ring * math.cos(angle), ring * math.sin(angle))

    # 2. and 3. Organisations, group by group: the biggest groups first, then by their networks' order.
    placed = _SpatialHash(ORG_SPACING)
    org_position: dict[int, tuple[float, float]] = {}
    circle_rank = {pk: index for index, pk in enumerate(order)}
    group_keys = sorted(groups, key=lambda key: (-len(groups[key]), [circle_rank[pk] for pk in key]))
    for key in group_keys:
        members = sorted(groups[key], key=lambda pk: (org_names[pk].casefold(), pk))
        anchor_x = sum(position[pk][0] for pk in key) / len(key)
        anchor_y = sum(position[pk][1] for pk in key) / len(key)
        if len(key) == 1:
            # Just outside its network, away from the centre (or below it when it is the only network).
            x, y = position[key[0]]
            distance = math.hypot(x, y)
            ux, uy = (x / distance, y / distance) if distance else (0.0, 1.0)
            offset = radii[key[0]] + GAP + ORG_SPACING * math.sqrt(len(members)) * 0.6
            anchor_x, anchor_y = x + ux * offset, y + uy * offset
        step = 0
        for org_pk in members:
            tries = 0
            while True:
                radius = ORG_SPACING * math.sqrt(step + 0.5)
                angle = step * _GOLDEN_ANGLE
                x = anchor_x + radius * math.cos(angle)
                y = anchor_y + radius * math.sin(angle)
                if placed.free(x, y, ORG_SPACING) and _clear_of_networks(x, y, position, radii):
                    break
                tries += 1
                step += 1 if tries < 8 else tries // 4  # further out in growing steps through crowded parts
            placed.add(x, y)
            org_position[org_pk] = (x, y)
            step += 1

    # The picture's extent without labels decides the font size: labels keep about the same size on the screen
    # whatever the number of organisations (the picture is scaled to the width of the page).
    boxes = [(x - radii[pk], y - radii[pk], x + radii[pk], y + radii[pk]) for pk, (x, y) in position.items()]
    boxes += [(x - ORG_HALF, y - ORG_HALF, x + ORG_HALF, y + ORG_HALF) for x, y in org_position.values()]
    min_x, min_y, max_x, max_y = _union(boxes)
    font_size = round(min(40.0, max(13.0, max(max_x - min_x, max_y - min_y) / 70)), 1)

    # Network labels: the largest networks choose first, each the first free place next to its node; a label
    # that finds none is left out (the node's number and the table below the picture still name it).
    number = {pk: index + 1 for index, pk in enumerate(network_pks)}
    circles = [(position[pk][0], position[pk][1], radii[pk]) for pk in order]
    taken = _Boxes(font_size * 8)
    placed_labels: dict[int, tuple[float, float, str, tuple[str, ...]]] = {}
    for pk in sorted(order, key=lambda pk: (-size[pk], number[pk])):
        # Where a wide label finds no room, a narrower one may; else one a little further from the node.
        tries = [(width, 0) for width in (LABEL_CHARS, NARROW_LABEL_CHARS)]
        tries += [(NARROW_LABEL_CHARS, step) for step in range(1, 7)]
        for width, step in tries:
            lines = label_lines(names[pk], width)
            reach = radii[pk] + step * font_size * 1.2
            spot = _label_spot(lines, position[pk], reach, font_size, taken, circles, placed)
            if spot is not None:
                x, y, anchor, box = spot
                placed_labels[pk] = (x, y, anchor, lines)
                taken.add(box)
                break
    # Organisation labels, smaller, where they touch no other label, node or square: the organisations in most
    # networks first, then by name.
    org_font = round(font_size * ORG_FONT_SHARE, 1)
    org_labels: dict[int, tuple[float, float, str]] = {}
    for org_pk in sorted(org_position, key=lambda pk: (-len(org_networks[pk]), org_names[pk].casefold(), pk)):
        lines = label_lines(org_names[org_pk], ORG_LABEL_CHARS)
        spot = _label_spot(lines, org_position[org_pk], ORG_HALF, org_font, taken, circles, placed, strict=True)
        if spot is not None:
            x, y, anchor, box = spot
            org_labels[org_pk] = (x, y, anchor)
            taken.add(box)
    min_x, min_y, max_x, max_y = _union([*boxes, *taken.all])
    min_x, min_y, max_x, max_y = min_x - PADDING, min_y - PADDING, max_x + PADDING, max_y + PADDING
    width, height = max_x - min_x, max_y - min_y
    if width < MIN_WIDTH:
        min_x -= (MIN_WIDTH - width) / 2
        width = MIN_WIDTH
    if height < MIN_HEIGHT:
        min_y -= (MIN_HEIGHT - height) / 2
        height = MIN_HEIGHT

    network_nodes = tuple(
        NetworkNode(
            pk=pk,
            name=names[pk],
            number=number[pk],
            x=round(position[pk][0], 1),
            y=round(position[pk][1], 1),
            r=round(radii[pk], 1),
            members=size[pk],
            label=placed_labels[pk][3] if pk in placed_labels else (),
            label_x=round(placed_labels[pk][0], 1) if pk in placed_labels else 0.0,
            label_y=round(placed_labels[pk][1], 1) if pk in placed_labels else 0.0,
            label_anchor=placed_labels[pk][2] if pk in placed_labels else "middle",
        )
        for pk in order
    )
    organisation_nodes = tuple(
        OrganisationNode(
            pk=org_pk,
            name=org_names[org_pk],
            x=round(x, 1),
            y=round(y, 1),
            half=ORG_HALF,
            networks=tuple(sorted((names[pk] for pk in org_networks[org_pk]), key=str.casefold)),
            label=label_lines(org_names[org_pk], ORG_LABEL_CHARS) if org_pk in org_labels else (),
            label_x=round(org_labels[org_pk][0], 1) if org_pk in org_labels else 0.0,
            label_y=round(org_labels[org_pk][1], 1) if org_pk in org_labels else 0.0,
            label_anchor=org_labels[org_pk][2] if org_pk in org_labels else "start",
        )
        for org_pk, (x, y) in sorted(org_position.items(), key=lambda item: (org_names[item[0]].casefold(), item[0]))
    )
    edges = tuple(
        Edge(
            x1=round(position[network_pk][0], 1),
            y1=round(position[network_pk][1], 1),
            x2=round(org_position[org_pk][0], 1),
            y2=round(org_position[org_pk][1], 1),
        )
        for org_pk in sorted(org_position)
        for network_pk in sorted(org_networks[org_pk], key=lambda pk: circle_rank[pk])
    )
    # Rounded outwards to tenths, so rounding never cuts a node off.
    left, top = math.floor(min_x * 10) / 10, math.floor(min_y * 10) / 10
    return Picture(
        min_x=left,
        min_y=top,
        width=math.ceil((min_x + width - left) * 10) / 10,
        height=math.ceil((min_y + height - top) * 10) / 10,
        font_size=font_size,
        org_font_size=org_font,
        networks=network_nodes,
        organisations=organisation_nodes,
        edges=edges,
    )


def _union(boxes: Sequence[tuple[float, float, float, float]]) -> tuple[float, float, float, float]:
    if not boxes:
        return (0.0, 0.0, 0.0, 0.0)
    return (
        min(box[0] for box in boxes),
        min(box[1] for box in boxes),
        max(box[2] for box in boxes),
        max(box[3] for box in boxes),
    )


def _label_spot(
    lines: Sequence[str],
    centre: tuple[float, float],
    r: float,
    font: float,
    taken: _Boxes,
    circles: Sequence[tuple[float, float, float]],
    organisations: _SpatialHash,
    *,
    strict: bool = False,
) -> tuple[float, float, str, tuple[float, float, float, float]] | None:
    """The first place around a node (a circle of radius ``r``, or an organisation's square) where its label of
    ``lines`` touches no other label and no network node: below, above, right, left, a line further below or
    above, beside its lower and upper edge, then further out; one that covers no organisation either if there is
    such a place (``strict``: only such a place).
    Returns (x, y of the first line's baseline, text-anchor, box)."""
    x, y = centre
    width = max(len(line) for line in lines) * font * LABEL_WIDTH
    ascent, descent = font * 0.8, font * 0.25
    extra = (len(lines) - 1) * font * LINE_HEIGHT  # the lines below the first
    candidates = [
        (x, y + r + font * 1.05, "middle"),
        (x, y - r - font * 0.4 - extra, "middle"),
        (x + r + font * 0.3, y + font * 0.3 - extra / 2, "start"),
        (x - r - font * 0.3, y + font * 0.3 - extra / 2, "end"),
        (x, y + r + font * 2.3, "middle"),
        (x, y - r - font * 1.65 - extra, "middle"),
        # beside the node's lower and upper edge, then further out
        (x + r * 0.7 + font * 0.3, y + r * 0.7 + font, "start"),
        (x - r * 0.7 - font * 0.3, y + r * 0.7 + font, "end"),
        (x + r * 0.7 + font * 0.3, y - r * 0.7 - font * 0.3 - extra, "start"),
        (x - r * 0.7 - font * 0.3, y - r * 0.7 - font * 0.3 - extra, "end"),
        (x, y + r + font * 3.55, "middle"),
        (x, y - r - font * 2.9 - extra, "middle"),
    ]
    free = []
    for left_x, baseline, anchor in candidates:
        start = {"start": left_x, "middle": left_x - width / 2, "end": left_x - width}[anchor]
        box = (start - 2, baseline - ascent - 1, start + width + 2, baseline + extra + descent + 1)
        if taken.meets(box):
            continue
        if any(_box_meets_circle(box, circle) for circle in circles):
            continue
        if not organisations.covers(box, ORG_HALF):
            return left_x, baseline, anchor, box
        if not strict:
            free.append((left_x, baseline, anchor, box))
    return free[0] if free else None


def _boxes_meet(first: tuple[float, float, float, float], second: tuple[float, float, float, float]) -> bool:
    return first[0] < second[2] and second[0] < first[2] and first[1] < second[3] and second[1] < first[3]


def _box_meets_circle(box: tuple[float, float, float, float], circle: tuple[float, float, float]) -> bool:
    cx, cy, r = circle
    nearest_x = min(max(cx, box[0]), box[2])
    nearest_y = min(max(cy, box[1]), box[3])
    return (nearest_x - cx) ** 2 + (nearest_y - cy) ** 2 < r * r


def _clear_of_networks(x: float, y: float, position: dict[int, tuple[float, float]], radii: dict[int, float]) -> bool:
    """Is an organisation at (x, y) clear of every network node (k checks)?"""
    for pk, (nx, ny) in position.items():
        limit = radii[pk] + ORG_HALF * math.sqrt(2) + GAP / 2
        if (nx - x) ** 2 + (ny - y) ** 2 < limit * limit:
            return False
    return True
