"""/api/linkedevents/v1/: read as a Linked Events client reads it, and checked against the
shapes of the real API (linkedevents_sample.json, from the linkedevents repository)."""

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.django_db]

SAMPLE = json.loads((Path(__file__).parent / "linkedevents_sample.json").read_text())
LIST = "/api/linkedevents/v1/event/"
RANGE = {"start": "2026-12-01", "end": "2026-12-31"}


def local(url: str) -> str:
    parts = urlsplit(url)
    assert parts.scheme == "http" and parts.netloc == "testserver", url
    return parts.path + (f"?{parts.query}" if parts.query else "")


def get(client, url, params=None, status=200):
    response = client.get(local(url) if url.startswith("http") else url, params)
    assert response.status_code == status, (url, response.content)
    assert response["Content-Type"].startswith("application/json")
    assert response["Access-Control-Allow-Origin"] == "*"
    return response.json()


def read_all(client, params=None) -> list[dict]:
    """Follow meta.next to the end, as an importer does."""
    body = get(client, LIST, params or RANGE)
    events = list(body["data"])
    while body["meta"]["next"]:
        body = get(client, body["meta"]["next"])
        events += body["data"]
    return events


def same_shape(ours, theirs, where="") -> list[str]:
    """Differences in JSON type between our value and the sample's (null fits any field the
    sample shows as null; a sample list's first item is the shape of every item)."""
    problems = []
    if theirs is None or ours is None:
        return problems
    if isinstance(theirs, dict):
        if not isinstance(ours, dict):
            return [f"{where}: {type(ours).__name__}, not an object"]
        if set(theirs) <= {"fi", "sv", "en"}:  # a language map
            return [f"{where}.{k}: not text" for k, v in ours.items() if not isinstance(v, str)] + (
                [f"{where}: languages {sorted(ours)}"]
                if not set(ours) <= {"fi", "sv", "en"} or not ours
                else []
            )
        for key in theirs:
            if key not in ours:
                problems.append(f"{where}.{key}: missing")
            else:
                problems += same_shape(ours[key], theirs[key], f"{where}.{key}")
        return problems
    if isinstance(theirs, list):
        if not isinstance(ours, list):
            return [f"{where}: not a list"]
        if theirs:
            for i, item in enumerate(ours):
                problems += same_shape(item, theirs[0], f"{where}[{i}]")
        return problems
    kinds = (bool,) if isinstance(theirs, bool) else (int,) if isinstance(theirs, int) else (type(theirs),)
    if not isinstance(ours, kinds) or (isinstance(ours, bool) and not isinstance(theirs, bool)):
        problems.append(f"{where}: {ours!r} is not like {theirs!r}")
    return problems


def test_the_list_has_the_linkedevents_envelope(client, programme):
    body = get(client, LIST, RANGE)
    assert list(body) == ["meta", "data"]
    assert set(body["meta"]) == set(SAMPLE["list"]["meta"]) == {"count", "next", "previous"}
    assert body["meta"]["count"] == len(body["data"])


def test_each_event_has_exactly_the_fields_of_the_real_api(client, programme):
    events = read_all(client)
    assert events
    expected = set(SAMPLE["event"]) - {"@context"}  # linkedevents writes @context on detail only
    for event in events:
        assert set(event) == expected, set(event) ^ expected
        assert same_shape(event, {k: v for k, v in SAMPLE["event"].items() if k != "@context"}) == []
        assert event["@type"] == "Event"  # CONTRACT.md (linkedevents writes "Event/LinkedEvent")
        detail = get(client, event["@id"])
        assert set(detail) == set(SAMPLE["event"])
        assert detail["@context"] == "http://schema.org"
        assert {k: v for k, v in detail.items() if k != "@context"} == event


def test_every_at_id_answers_with_itself(client, programme):
    seen = set()

    def walk(value):
        if isinstance(value, dict):
            if "@id" in value and value["@id"] not in seen:
                seen.add(value["@id"])
                target = get(client, value["@id"])
                assert target["@id"] == value["@id"]
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(read_all(client))
    kinds = {urlsplit(url).path.split("/")[4] for url in seen}
    assert kinds == {"event", "place", "keyword", "image"}


def test_places_and_keywords_have_the_real_shapes(client, programme):
    series = get(client, LIST, RANGE)["data"][0]
    place = get(client, series["location"]["@id"])
    assert set(place) == set(SAMPLE["place"])
    assert same_shape(place, SAMPLE["place"]) == []
    assert place["@type"] == "Place" and place["name"] == {"fi": "Joutsan hyvinvointitupa"}
    keyword = get(client, series["keywords"][0]["@id"])
    assert set(keyword) == set(SAMPLE["keyword"])
    assert same_shape(keyword, SAMPLE["keyword"]) == []
    assert keyword["name"] == {"fi": "Liikunta", "sv": "Motion", "en": "Exercise"}
    audience = get(client, series["audience"][0]["@id"])
    assert audience["name"]["fi"] and audience["name"]["sv"] and audience["name"]["en"]


def test_a_series_is_one_recurring_super_event_over_its_dates(client, programme):
    events = {e["id"]: e for e in read_all(client)}
    supers = [e for e in events.values() if e["super_event_type"] == "recurring"]
    assert len(supers) == 1
    series = supers[0]
    assert series["super_event"] is None
    assert same_shape(series, SAMPLE["super_event"]) == []
    dates = [events[f"tupa:{o.pk}"] for o in programme.dates]
    assert [d["@id"] for d in dates] == [s["@id"] for s in series["sub_events"]]
    for date in dates:
        assert date["super_event"] == {"@id": series["@id"]}
        assert date["super_event_type"] is None and date["sub_events"] == []
    assert [d["event_status"] for d in dates] == ["EventScheduled", "EventCancelled", "EventScheduled"]
    assert series["event_status"] == "EventScheduled"
    assert series["start_time"] == "2026-12-01T08:00:00Z" and series["end_time"] == "2026-12-15T09:00:00Z"
    assert dates[0]["name"] == {"fi": "Tuolijumppa"}
    assert dates[0]["provider"] == {"fi": "Joutsan Eläkeläiset ry, Joutsan Urheilijat ry"}
    assert dates[0]["images"][0]["url"] == "https://example.org/jumppa.jpg"
    assert dates[0]["info_url"]["fi"].endswith(f"/events/{programme.dates[0].pk}/")


def test_an_offsite_event_has_a_place_of_its_own(client, programme):
    market = get(client, f"{LIST}tupa:{programme.market.pk}/")
    assert market["super_event"] is None and market["sub_events"] == []
    assert market["offers"] == [{"is_free": False, "price": None, "info_url": None, "description": None}]
    place = get(client, market["location"]["@id"])
    assert place["name"] == {"fi": "Joutsan tori"}


def test_private_and_pending_dates_are_not_exported(client, programme):
    titles = {e["name"]["fi"] for e in read_all(client)}
    assert titles == {"Tuolijumppa", "Joulumyyjäiset"}


def test_the_range_selects_dates_and_their_series(client, programme):
    events = read_all(client, {"start": "2026-12-15", "end": "2026-12-15"})
    assert sorted(e["id"] for e in events) == sorted(
        [f"tupa:{programme.dates[2].pk}", f"tupa:series-{programme.series.pk}"]
    )
    assert read_all(client, {"start": "2027-01-01", "end": "2027-01-31"}) == []


def test_pages_follow_like_theirs(client, programme):
    first = get(client, LIST, {**RANGE, "page_size": 2})
    assert first["meta"]["count"] == 5 and len(first["data"]) == 2
    assert first["meta"]["previous"] is None
    assert first["meta"]["next"].startswith("http://testserver/api/linkedevents/v1/event/?")
    everything = read_all(client, {**RANGE, "page_size": 2})
    assert len(everything) == 5 and len({e["id"] for e in everything}) == 5
    last = get(client, LIST, {**RANGE, "page_size": 2, "page": 3})
    assert last["meta"]["next"] is None and last["meta"]["previous"]
    get(client, LIST, {**RANGE, "page": 4}, status=404)
    get(client, LIST, {**RANGE, "page": "x"}, status=404)
    get(client, LIST, {**RANGE, "page": "\u00b2"}, status=404)  # a digit to isdigit(), not to int()
    assert len(get(client, LIST, {**RANGE, "page_size": "\u00b2"})["data"]) == 5


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2026-13-01"},
        {"end": "9999-12-31"},
        {"start": "0001-01-01"},
        {"start": "1.12.2026"},
        {"start": "2026-12-31", "end": "2026-12-01"},
    ],
)
def test_bad_ranges_are_400(client, programme, params):
    body = get(client, LIST, params, status=400)
    assert set(body) <= {"start", "end"} and all(isinstance(m, list) for m in body.values())


@pytest.mark.parametrize(
    "path",
    [
        "event/tupa:999999/",
        "event/x/",
        "event/tupa:series-999999/",
        "place/tupa:venue-999/",
        "place/x/",
        "keyword/tupa:category-none/",
        "keyword/tupa:audience-x/",
        "image/999999/",
    ],
)
def test_unknown_ids_are_404(client, programme, path):
    assert set(get(client, f"/api/linkedevents/v1/{path}", status=404)) == {"detail"}


def test_a_private_date_is_404(client, programme):
    from booking.models import Occurrence

    hidden = Occurrence.objects.get(booking__title="Hallituksen kokous")
    get(client, f"{LIST}tupa:{hidden.pk}/", status=404)


def test_queries_do_not_grow_with_the_events(client, programme, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        get(client, LIST, RANGE)


def test_include_expands_places_and_keywords_like_linkedevents(
    client, programme, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        body = get(client, LIST, {**RANGE, "include": "location,keywords,audience"})
    series = next(e for e in body["data"] if e["super_event_type"] == "recurring")
    assert series["location"]["@type"] == "Place" and series["location"]["name"] == {
        "fi": "Joutsan hyvinvointitupa"
    }
    assert same_shape(series["location"], {k: v for k, v in SAMPLE["place"].items() if k != "@context"}) == []
    assert series["keywords"][0]["name"]["sv"] == "Motion"
    assert series["audience"][0]["@type"] == "Keyword"
    market = next(e for e in body["data"] if e["name"] == {"fi": "Joulumyyjäiset"})
    assert market["location"]["name"] == {"fi": "Joutsan tori"}


def test_hide_recurring_children_leaves_the_series_and_the_one_offs(client, programme):
    events = read_all(client, {**RANGE, "hide_recurring_children": "true"})
    assert sorted(e["name"]["fi"] for e in events) == ["Joulumyyjäiset", "Tuolijumppa"]
    assert all(e["super_event"] is None for e in events)
