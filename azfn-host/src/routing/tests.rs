#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use std::collections::BTreeMap;

use http::Method;

fn router(prefix: &str, routes: &[(&str, &str, Option<&[Method]>)]) -> Router {
    let mut r = Router::new(prefix);
    for (f, t, m) in routes {
        r.add(f, &RouteTemplate::parse(t).unwrap(), *m).unwrap();
    }
    r
}

fn params(pairs: &[(&str, Option<&str>)]) -> BTreeMap<String, Option<String>> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.map(str::to_owned)))
        .collect()
}

#[test]
fn default_route_and_prefix() {
    let r = router("api", &[("hello", "hello", None)]);
    let m = r.route(&Method::GET, "/api/hello").unwrap();
    assert_eq!(m.function, "hello");
    assert!(m.params.is_empty());
    assert!(
        r.route(&Method::GET, "/API/Hello/").is_some(),
        "literals are case-insensitive"
    );
    assert!(r.route(&Method::GET, "/hello").is_none());
    assert!(r.route(&Method::GET, "/api/hello/x").is_none());
    let r = router("", &[("hello", "hello", None)]);
    assert!(r.route(&Method::GET, "/hello").is_some());
    let r = router("v1/api", &[("hello", "hello", None)]);
    assert!(r.route(&Method::GET, "/v1/api/hello").is_some());
}

#[test]
fn methods_filter() {
    let get: &[Method] = &[Method::GET];
    let r = router("api", &[("hello", "hello", Some(get))]);
    assert!(r.route(&Method::GET, "/api/hello").is_some());
    assert!(r.route(&Method::POST, "/api/hello").is_none());
}

#[test]
fn optional_parameters_are_null_and_defaults_apply() {
    let r = router(
        "api",
        &[("products", "products/{category:alpha}/{id:int?}", None)],
    );
    let m = r
        .route(&Method::GET, "/api/products/electronics/357")
        .unwrap();
    assert_eq!(
        m.params,
        params(&[("category", Some("electronics")), ("id", Some("357"))])
    );
    let m = r.route(&Method::GET, "/api/products/electronics").unwrap();
    assert_eq!(
        m.params,
        params(&[("category", Some("electronics")), ("id", None)])
    );
    assert!(
        r.route(&Method::GET, "/api/products/electronics/abc")
            .is_none(),
        "int constraint"
    );
    assert!(
        r.route(&Method::GET, "/api/products/e1/1").is_none(),
        "alpha constraint"
    );

    let r = router("api", &[("page", "page/{n=1}", None)]);
    assert_eq!(
        r.route(&Method::GET, "/api/page").unwrap().params,
        params(&[("n", Some("1"))])
    );
    assert_eq!(
        r.route(&Method::GET, "/api/page/7").unwrap().params,
        params(&[("n", Some("7"))])
    );
}

#[test]
fn parameter_values_keep_case_and_are_decoded() {
    let r = router("api", &[("users", "Users/{name}", None)]);
    let m = r.route(&Method::GET, "/api/users/J%C3%BCrgen%20X").unwrap();
    assert_eq!(m.params, params(&[("name", Some("Jürgen X"))]));
    let m = r.route(&Method::GET, "/api/users/a%2Fb").unwrap();
    assert_eq!(m.params, params(&[("name", Some("a%2Fb"))]));
}

#[test]
fn catch_all_matches_the_rest_or_nothing() {
    let r = router("api", &[("files", "files/{*path}", None)]);
    assert_eq!(
        r.route(&Method::GET, "/api/files/a/b/c.txt")
            .unwrap()
            .params,
        params(&[("path", Some("a/b/c.txt"))])
    );
    assert_eq!(
        r.route(&Method::GET, "/api/files").unwrap().params,
        params(&[("path", None)])
    );
    let r = router("api", &[("files", "files/{**path}", None)]);
    assert_eq!(
        r.route(&Method::GET, "/api/files/x").unwrap().params,
        params(&[("path", Some("x"))])
    );
}

#[test]
fn constraints_behave_like_aspnet() {
    let cases: &[(&str, &str, bool)] = &[
        ("{v:int}", "-12", true),
        ("{v:int}", "3000000000", false),
        ("{v:long}", "3000000000", true),
        ("{v:bool}", "TRUE", true),
        ("{v:bool}", "yes", false),
        ("{v:guid}", "7d1c9e3a-2f4b-4c5d-8e6f-0a1b2c3d4e5f", true),
        ("{v:guid}", "7d1c9e3a2f4b4c5d8e6f0a1b2c3d4e5f", true),
        ("{v:guid}", "{7d1c9e3a-2f4b-4c5d-8e6f-0a1b2c3d4e5f}", true),
        ("{v:guid}", "nope", false),
        ("{v:double}", "1.5e3", true),
        ("{v:double}", "x1", false),
        ("{v:alpha}", "abcXYZ", true),
        ("{v:alpha}", "abc1", false),
        ("{v:datetime}", "2024-10-24", true),
        ("{v:datetime}", "yesterday", false),
        ("{v:int:min(10)}", "10", true),
        ("{v:int:min(10)}", "9", false),
        ("{v:max(5)}", "6", false),
        ("{v:range(1,3)}", "2", true),
        ("{v:range(1,3)}", "4", false),
        ("{v:length(3)}", "abc", true),
        ("{v:length(2,3)}", "abcd", false),
        ("{v:minlength(2)}", "a", false),
        ("{v:maxlength(2)}", "ab", true),
        ("{v:regex(^\\d{{3}}$)}", "123", true),
        ("{v:regex(^\\d{{3}}$)}", "1234", false),
        ("{v:regex(^[a-z]+$)}", "ABC", true),
        ("{v:file}", "a.txt", true),
        ("{v:nonfile}", "a.txt", false),
    ];
    for (template, value, ok) in cases {
        let r = router("", &[("f", template, None)]);
        assert_eq!(
            r.route(&Method::GET, &format!("/{value}")).is_some(),
            *ok,
            "{template} with {value}"
        );
    }
}

#[test]
fn more_specific_routes_win() {
    let r = router(
        "api",
        &[
            ("any", "items/{name}", None),
            ("byid", "items/{id:int}", None),
            ("new", "items/new", None),
            ("rest", "items/{*rest}", None),
        ],
    );
    assert_eq!(
        r.route(&Method::GET, "/api/items/new").unwrap().function,
        "new"
    );
    assert_eq!(
        r.route(&Method::GET, "/api/items/42").unwrap().function,
        "byid"
    );
    assert_eq!(
        r.route(&Method::GET, "/api/items/x").unwrap().function,
        "any"
    );
    assert_eq!(
        r.route(&Method::GET, "/api/items/x/y").unwrap().function,
        "rest"
    );
}

#[test]
fn complex_segments_match_right_to_left() {
    let r = router("", &[("f", "files/{filename}.{ext?}", None)]);
    assert_eq!(
        r.route(&Method::GET, "/files/a.b.txt").unwrap().params,
        params(&[("filename", Some("a.b")), ("ext", Some("txt"))])
    );
    assert_eq!(
        r.route(&Method::GET, "/files/readme").unwrap().params,
        params(&[("filename", Some("readme")), ("ext", None)])
    );
    let r = router("", &[("f", "img-{id:int}.PNG", None)]);
    assert_eq!(
        r.route(&Method::GET, "/IMG-7.png").unwrap().params,
        params(&[("id", Some("7"))])
    );
    assert!(r.route(&Method::GET, "/img-x.png").is_none());
    assert!(r.route(&Method::GET, "/img-7.jpg").is_none());
    let r = router("", &[("f", "{a}-{b}", None)]);
    assert_eq!(
        r.route(&Method::GET, "/x-y-z").unwrap().params,
        params(&[("a", Some("x-y")), ("b", Some("z"))])
    );
}

#[test]
fn escaped_braces_are_literals() {
    let r = router("", &[("f", "a{{b}}", None)]);
    assert!(r.route(&Method::GET, "/a%7Bb%7D").is_some());
}

#[test]
fn invalid_templates_are_rejected() {
    for (t, msg) in [
        ("a/{id", "incomplete"),
        ("a/id}", "incomplete"),
        ("a//b", "consecutively"),
        ("{a}{b}", "consecutive parameters"),
        ("{*rest}/x", "last segment"),
        ("{a}/{A}", "more than once"),
        ("{a:foo}", "could not be resolved"),
        ("{a?=1}", "cannot have default"),
        ("{a:min(x)}", "integer"),
        ("{a:regex(()}", "not a valid regular expression"),
        ("{a?}.{b}", "must be last"),
    ] {
        let e = RouteTemplate::parse(t).unwrap_err();
        assert!(e.0.contains(msg), "{t}: {e}");
    }
    assert_eq!(
        RouteTemplate::parse("products/{category:alpha}/{id:int?}")
            .unwrap()
            .parameters(),
        ["category", "id"]
    );
}

#[test]
fn empty_route_is_the_prefix() {
    let r = router("api", &[("root", "", None)]);
    assert_eq!(r.route(&Method::GET, "/api").unwrap().function, "root");
    assert_eq!(r.route(&Method::GET, "/api/").unwrap().function, "root");
}
