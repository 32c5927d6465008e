from __future__ import annotations

from typing import Any

from tests.factories import World


def test_a_council_member_sees_the_blocks_of_their_province_only(
    as_user: Any, world: World
) -> None:
    page = as_user("member").get("/blocks/").content.decode()
    assert world.block.name in page
    assert world.other_block.name not in page


def test_a_unit_leader_sees_the_blocks_their_unit_is_in(as_user: Any, world: World) -> None:
    page = as_user("outsider").get("/blocks/").content.decode()
    assert world.other_block.name in page and world.block.name not in page


def test_search_ignores_case_and_accents(as_user: Any, world: World) -> None:
    client = as_user("admin")
    for query in ["QUANG TRI", "quảng trị", "Qua\u0309ng Tri\u0323", "dang tinh quang"]:
        page = client.get("/blocks/", {"q": query}).content.decode()
        assert world.block.name in page, query
        assert world.other_block.name not in page, query


def test_filtering_by_kind_and_authority(as_user: Any, world: World) -> None:
    client = as_user("admin")
    page = client.get("/blocks/", {"authority": world.other_authority.pk}).content.decode()
    assert world.other_block.name in page and world.block.name not in page
    assert world.block.name not in client.get("/blocks/", {"kind": "cluster"}).content.decode()


def test_the_table_shows_this_years_head_and_member_count(as_user: Any, world: World) -> None:
    page = as_user("staff").get("/blocks/").content.decode()
    assert "Văn phòng Tỉnh ủy" in page
    assert '<td class="text-end">4</td>' in page


def test_htmx_requests_get_only_the_table(as_user: Any, world: World) -> None:
    response = as_user("staff").get("/blocks/", {"q": "quang"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="results">')
    assert "<html" not in body


def test_the_table_sorts_by_a_column(as_user: Any, world: World) -> None:
    client = as_user("admin")
    ascending = client.get("/blocks/", {"sort": "name"}).content.decode()
    assert ascending.index(world.other_block.name) < ascending.index(
        world.block.name
    )  # Ninh < Quảng
    descending = client.get("/blocks/", {"sort": "-name"}).content.decode()
    assert descending.index(world.block.name) < descending.index(world.other_block.name)


def test_a_bad_filter_value_is_ignored_not_an_error(as_user: Any, world: World) -> None:
    response = as_user("staff").get(
        "/blocks/", {"authority": "abc", "kind": "x" * 500, "page": "999"}
    )
    assert response.status_code == 200
    # The list is still shown, unfiltered, rather than emptied or an error page.
    assert world.block.name in response.content.decode()
