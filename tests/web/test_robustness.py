"""No input a visitor can type or forge makes the app answer 500."""

from __future__ import annotations

import itertools

BASES = ["/", "/search", "/types/Organization", "/entity/graz", "/api/v1/entities", "/api/v1/search", "/api/v1/recent"]
ODD_VALUES = [
    "",
    " ",
    "%00",
    "a%00b",
    "%FF%FE",
    "%C3",
    "%E2%80%8B",
    "%F0%9F%98%80",
    "%ED%A0%80",  # NUL, bad UTF-8, surrogate
    "*",
    '"',
    "'",
    "(",
    ")",
    "^",
    "-",
    "+",
    ":",
    "NEAR(",
    "a OR b",
    "NOT",
    "AND",
    "\\",
    "%5C",
    "{a}",
    "a:b",
    "col:x",
    "a*b",
    "%22%22",
    "..",
    "/",
    "%2F",
    "<script>",
    "%3Cscript%3E",
    "1e9",
    "-1",
    "0",
    "1_000",
    "99999999999999999999999",
    "%D9%A3",
    "ä" * 150,
    "x" * 5000,
    "traegerverbund",
    "Tr%C3%A4ger",
]
PARAMS = ["q", "page", "sort", "type", "offset", "limit", "lang", "author"]
ODD_PATHS = [
    "/entity/%00",
    "/entity/%FF",
    "/entity/" + "a" * 5000,
    "/entity/..%2F..%2Fetc",
    "/entity/a%2Fb",
    "/entity/%E2%80%AE",
    "/entity/-",
    "/entity/a--b",
    "/entity/%20",
    "/types/%00",
    "/types/" + "T" * 3000,
    "/types/__class__",
    "/api/v1/entities/%00",
    "/api/v1/entities/%C3",
    "/static/../webui/__init__.py",
    "/static/%00",
    "/%FF",
    "/api/v1/",
    "/api",
    "//",
    "/entity/",
    "/search/",
    "/static-types.css/x",
]
ODD_HEADERS = [
    {"Accept-Language": "\x7f;;q=abc,*"},
    {"Accept-Language": "zz-" * 3000},
    {"Accept": "application/json;q=x, text/html;q=-1"},
    {"Accept": "*/*"},
    {"Cookie": "lang=%FF; lang=de; =;;"},
    {"Cookie": "lang=" + "x" * 4000},
]


def assert_no_500(client, url, **kwargs):
    with client.get(url, **kwargs) as response:
        assert response.status_code < 500, (url, kwargs, response.status_code)


def test_odd_query_values_never_cause_a_server_error(client):
    for base, param, value in itertools.product(BASES, PARAMS, ODD_VALUES):
        assert_no_500(client, f"{base}?{param}={value}")


def test_odd_combinations_and_repeated_parameters_never_cause_a_server_error(client):
    for base in BASES:
        assert_no_500(client, f"{base}?q=graz&q=wien&type=City&type=&type=City,Nope&page=2&page=x")
        assert_no_500(client, f"{base}?&&&=&q&page&=x&%00=%00")
        assert_no_500(client, base + "?" + "&".join(f"p{i}=v" for i in range(2000)))


def test_raw_bytes_in_query_strings_never_cause_a_server_error(client):
    for base in BASES:
        for raw in (b"q=\xff\xfe", b"q=\x00", b"page=\xff", b"lang=\xc3", b"type=\xe4", b"q=\xed\xa0\x80"):
            assert_no_500(client, base, environ_overrides={"QUERY_STRING": raw.decode("latin-1")})


def test_odd_paths_never_cause_a_server_error(client):
    for path in ODD_PATHS:
        assert_no_500(client, path)
    for raw in (b"/entity/\xff", b"/entity/tr\xc3", b"/types/\x00", b"/entity/\xed\xa0\x80"):
        assert_no_500(client, "/", environ_overrides={"PATH_INFO": raw.decode("latin-1")})


def test_odd_headers_never_cause_a_server_error(client):
    for headers in ODD_HEADERS:
        for url in ("/", "/entity/graz", "/entity/nope", "/api/v1/search?q=graz"):
            assert_no_500(client, url, headers=headers)


def test_an_unknown_path_is_404_whatever_it_looks_like(client):
    for path in ("/entity/%00", "/entity/%FF", "/types/%00", "/api/v1/entities/%C3"):
        assert client.get(path).status_code == 404
