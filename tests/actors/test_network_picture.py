"""The network picture's layout: deterministic, everything inside the picture, nothing on top of each other."""

from __future__ import annotations

import itertools
import math
import random

import pytest

from actors.network_picture import (
    LABEL_WIDTH,
    LINE_HEIGHT,
    ORG_HALF,
    NetworkNode,
    OrganisationNode,
    Picture,
    label_lines,
    layout,
)


def sample(
    networks: int, organisations: int, seed: int = 7
) -> tuple[list[tuple[int, str]], list[tuple[int, int, str]]]:
    rng = random.Random(seed)  # noqa: S311 - test data, not security
    nets = [(100 + number, f"Netzwerk {number} für Nachbarschaft und Bildung") for number in range(networks)]
    memberships = []
    for number in range(organisations):
        for network_pk, _name in rng.sample(nets, k=min(networks, rng.choice((1, 1, 1, 2, 2, 3)))):
            memberships.append((network_pk, 5000 + number, f"Organisation {number}"))
    return nets, memberships


def inside(picture: Picture, x: float, y: float, reach: float) -> bool:
    return (
        picture.min_x <= x - reach
        and x + reach <= picture.min_x + picture.width
        and picture.min_y <= y - reach
        and y + reach <= picture.min_y + picture.height
    )


def label_box(node: NetworkNode | OrganisationNode, font: float) -> tuple[float, float, float, float]:
    width = max(len(line) for line in node.label) * font * LABEL_WIDTH
    left = {"start": node.label_x, "middle": node.label_x - width / 2, "end": node.label_x - width}[node.label_anchor]
    extra = (len(node.label) - 1) * font * LINE_HEIGHT
    return (left, node.label_y - font * 0.8, left + width, node.label_y + extra + font * 0.25)


@pytest.mark.parametrize(("networks", "organisations"), [(1, 1), (1, 40), (2, 5), (6, 60), (20, 1000)])
def test_every_node_lies_inside_the_view_box_and_nothing_overlaps(networks: int, organisations: int) -> None:
    nets, memberships = sample(networks, organisations)
    picture = layout(nets, memberships)
    assert len(picture.networks) == networks
    assert len(picture.organisations) == len({org for _network, org, _name in memberships})
    assert len(picture.edges) == len(memberships)
    for node in picture.networks:
        assert inside(picture, node.x, node.y, node.r)
    boxes = [label_box(node, picture.font_size) for node in picture.networks if node.label]
    boxes += [label_box(org, picture.org_font_size) for org in picture.organisations if org.label]
    for left, top, right, bottom in boxes:
        assert inside(picture, left, top, 0) and inside(picture, right, bottom, 0)
    if len(boxes) <= 300:  # labels never cover each other (all pairs: quadratic)
        for first, second in itertools.combinations(boxes, 2):
            assert first[2] <= second[0] or second[2] <= first[0] or first[3] <= second[1] or second[3] <= first[1]
    if organisations <= 60:  # a label covers no organisation's square
        squares = [
            (org.x - org.half, org.y - org.half, org.x + org.half, org.y + org.half) for org in picture.organisations
        ]
        for org in picture.organisations:
            if org.label:
                box = label_box(org, picture.org_font_size)
                for square in squares:
                    assert box[2] <= square[0] or square[2] <= box[0] or box[3] <= square[1] or square[3] <= box[1]
    for org in picture.organisations:
        assert inside(picture, org.x, org.y, org.half)
    for first, second in itertools.combinations(picture.networks, 2):
        assert math.dist((first.x, first.y), (second.x, second.y)) > first.r + second.r
    for network in picture.networks:
        for org in picture.organisations:
            assert math.dist((network.x, network.y), (org.x, org.y)) > network.r + org.half * math.sqrt(2)
    assert all(node.label for node in picture.networks)  # these samples leave room for every label
    assert sorted(node.number for node in picture.networks) == list(range(1, networks + 1))
    if organisations <= 60:  # all pairs: quadratic, so only for the smaller samples
        for first, second in itertools.combinations(picture.organisations, 2):
            assert max(abs(first.x - second.x), abs(first.y - second.y)) >= 2 * ORG_HALF


def test_layout_is_deterministic_and_independent_of_input_order() -> None:
    nets, memberships = sample(8, 200)
    first = layout(nets, memberships)
    assert layout(nets, memberships) == first
    assert layout(nets, list(reversed(memberships))) == first


def test_edges_join_each_organisation_to_its_networks() -> None:
    picture = layout([(1, "A"), (2, "B")], [(1, 10, "Kita"), (2, 10, "Kita"), (2, 11, "Schule")])
    network = {node.pk: (node.x, node.y) for node in picture.networks}
    org = {node.pk: (node.x, node.y) for node in picture.organisations}
    assert {((edge.x1, edge.y1), (edge.x2, edge.y2)) for edge in picture.edges} == {
        (network[1], org[10]),
        (network[2], org[10]),
        (network[2], org[11]),
    }
    assert [node.networks for node in picture.organisations] == [("A", "B"), ("B",)]
    assert {node.pk: node.members for node in picture.networks} == {1: 1, 2: 2}


def test_organisations_without_a_listed_network_are_not_drawn() -> None:
    picture = layout([(1, "A")], [(1, 10, "Kita"), (99, 11, "Elsewhere")])
    assert [node.name for node in picture.organisations] == ["Kita"]
    assert len(picture.edges) == 1


def test_empty_picture() -> None:
    picture = layout([], [])
    assert picture.networks == picture.organisations == picture.edges == ()
    assert picture.width > 0 and picture.height > 0


def test_long_names_are_wrapped_onto_lines_never_cut() -> None:
    name = "Bildungsverbund Übergang Schule–Beruf im ganzen Quartier"
    picture = layout([(1, name)], [(1, 10, "Nachbarschaftsverein Kanalufer und Umgebung e. V.")])
    assert picture.networks[0].name == name
    assert picture.networks[0].label == label_lines(name)
    assert " ".join(label_lines(name)) == name and all(len(line) <= 28 for line in label_lines(name))
    assert "…" not in "".join(picture.networks[0].label)
    [org] = picture.organisations
    assert " ".join(org.label) == "Nachbarschaftsverein Kanalufer und Umgebung e. V."  # room for it: written out
    assert label_lines("Donaudampfschifffahrtsgesellschaftskapitänsverein") == (
        "Donaudampfschifffahrtsgesellschaftskapitänsverein",
    )  # a long word stays whole


def test_most_organisations_of_a_usual_area_are_named_in_the_picture() -> None:
    nets, memberships = sample(6, 60)
    picture = layout(nets, memberships)
    named = [org for org in picture.organisations if org.label]
    assert len(named) >= 0.45 * len(picture.organisations), f"{len(named)} of {len(picture.organisations)}"


def test_view_box_uses_dots_for_a_large_area() -> None:
    """(Its speed is not timed here: speed goals live in the benchmarks.)"""
    nets, memberships = sample(20, 1000)
    picture = layout(nets, memberships)
    assert "," not in picture.view_box


def test_numbers_follow_the_given_order_and_a_crowded_label_moves_out_instead_of_being_cut() -> None:
    nets = [(pk, f"Ein sehr langer Netzwerkname Nummer {pk}") for pk in range(60)]
    picture = layout(nets, [(pk, 1000 + pk, "Org") for pk in range(60)])
    assert {node.pk: node.number for node in picture.networks} == {pk: pk + 1 for pk in range(60)}
    labelled = [node for node in picture.networks if node.label]
    assert len(labelled) == 60  # narrower, or a little further out: every network is named, none cut short
    assert all(" ".join(node.label) == node.name for node in labelled)
    boxes = [label_box(node, picture.font_size) for node in labelled]
    for first, second in itertools.combinations(boxes, 2):
        assert first[2] <= second[0] or second[2] <= first[0] or first[3] <= second[1] or second[3] <= first[1]
