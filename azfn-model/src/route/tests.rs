use super::constraint::parens_balanced;
use super::*;
use proptest::prelude::*;

fn err(template: &str) -> String {
    match parse_route(template) {
        Ok(t) => format!("unexpectedly parsed: {t:?}"),
        Err(e) => e.message,
    }
}

fn ok(template: &str) -> RouteTemplate {
    match parse_route(template) {
        Ok(t) => t,
        Err(e) => RouteTemplate {
            source: format!("error: {}", e.message),
            segments: Vec::new(),
            params: Vec::new(),
        },
    }
}

fn matched(template: &str, path: &str) -> Option<Vec<(String, Option<String>)>> {
    ok(template).match_path(path)
}

fn values(pairs: &[(&str, Option<&str>)]) -> Option<Vec<(String, Option<String>)>> {
    Some(
        pairs
            .iter()
            .map(|(n, v)| ((*n).to_owned(), v.map(str::to_owned)))
            .collect(),
    )
}

#[test]
fn valid_templates_parse() {
    for t in [
        "",
        "/",
        "products",
        "products/{category:alpha}/{id:int?}",
        "/api-like/{id}/",
        "~/x/{y}",
        "{controller=Home}/{action=Index}/{id?}",
        "files/{filename}.{ext?}",
        "files/{*path}",
        "files/{**path}",
        "a/{x:int:min(1)}",
        "a/{x:range(1,10)}",
        "a/{x:length(2,4)}",
        "a/{x:regex(^\\d{{3}}$)}",
        "a/{x:regex(^(a|b)$)}",
        "a/{x:INT}",
        "lit{{eral}}",
        "{a}-{b}",
        "{a}.{b}.{c?}",
        "é/{u_1}",
        "a/{x=}",
    ] {
        assert!(parse_route(t).is_ok(), "{t}: {}", err(t));
    }
}

#[test]
fn parsed_params() {
    let t = ok("products/{category:alpha}/{id:int?}");
    let params: Vec<&RouteParam> = t.params().collect();
    assert_eq!(
        params,
        [
            &RouteParam {
                name: "category".into(),
                optional: false,
                catch_all: false,
                default: None,
                constraints: vec![Constraint::Alpha],
            },
            &RouteParam {
                name: "id".into(),
                optional: true,
                catch_all: false,
                default: None,
                constraints: vec![Constraint::Int],
            },
        ]
    );
    let t = ok("{*rest}");
    assert!(t.params().all(|p| p.catch_all && !p.optional));
    let t = ok("{page:int:range(1,9)=2}");
    let p = t.params().next().cloned();
    assert_eq!(
        p.map(|p| (p.default, p.constraints)),
        Some((
            Some("2".into()),
            vec![Constraint::Int, Constraint::Range(1, 9)]
        ))
    );
    let t = ok("{x:regex(a:b)}");
    let p = t.params().next().cloned();
    assert_eq!(
        p.map(|p| p.constraints),
        Some(vec![Constraint::Regex("a:b".into())])
    );
    let t = ok("{x:regex(^\\d{{3}}$)}");
    let p = t.params().next().cloned();
    assert_eq!(
        p.map(|p| p.constraints),
        Some(vec![Constraint::Regex("^\\d{3}$".into())])
    );
    assert_eq!(ok("a/b").as_str(), "a/b");
    assert_eq!(ok("a/b").to_string(), "a/b");
}

#[test]
fn bad_templates_have_exact_messages() {
    let cases: &[(&str, &str)] = &[
        (
            "a//b",
            "route `a//b` has an empty segment (`//`); remove the extra `/`",
        ),
        (
            "//a",
            "route `//a` has an empty segment (`//`); remove the extra `/`",
        ),
        (
            "~a",
            "route `~a` starts with `~`; write `~/` or drop the `~`",
        ),
        (
            "a/{id",
            "route `a/{id` has an unclosed `{`; close the parameter with `}` (or write `{{` for a literal `{`)",
        ),
        (
            "a/{",
            "route `a/{` has an unclosed `{`; close the parameter with `}` (or write `{{` for a literal `{`)",
        ),
        (
            "a/{id}}",
            "route `a/{id}}` has an unclosed `{`; close the parameter with `}` (or write `{{` for a literal `{`)",
        ),
        (
            "a/id}",
            "route `a/id}` has a `}` without a matching `{`; write `}}` for a literal `}`",
        ),
        (
            "{a{b}",
            "route parameter `{a{b}` contains an unescaped `{`; inside a parameter write `{{` and `}}` for literal braces",
        ),
        (
            "a/{}",
            "route has an empty parameter `{}`; name it, e.g. `{id}`",
        ),
        (
            "{:int}",
            "route parameter `{:int}` has no name; write a name first, e.g. `{id:int}`",
        ),
        (
            "{=x}",
            "route parameter `{=x}` has no name; write a name first, e.g. `{id:int}`",
        ),
        (
            "{my-id}",
            "route parameter `{my-id}` has an invalid name `my-id`: `-` is not allowed; parameter names may contain only ASCII letters, digits and `_`",
        ),
        (
            "{a b}",
            "route parameter `{a b}` has an invalid name `a b`: ` ` is not allowed; parameter names may contain only ASCII letters, digits and `_`",
        ),
        (
            "{a*b}",
            "route parameter `{a*b}` has an invalid name `a*b`: `*` is not allowed; parameter names may contain only ASCII letters, digits and `_`",
        ),
        (
            "{id}/{ID}",
            "route parameter `{ID}` repeats the name of `{id}` (parameter names are case-insensitive); rename one of them",
        ),
        (
            "{id=5?}",
            "route parameter `{id=5?}` is optional and has a default value; use either `{id?}` or `{id=5}`",
        ),
        (
            "{*rest?}",
            "catch-all parameter `{*rest?}` cannot be optional; a catch-all already matches an empty rest of the path, so write `{*rest}`",
        ),
        (
            "{*rest}/a",
            "catch-all parameter `{*rest}` must be in the last segment of the route, but it is followed by `/a`",
        ),
        (
            "a{*rest}",
            "catch-all parameter `{*rest}` must be alone in its segment, but segment `a{*rest}` has other parts; put it in its own segment after a `/`",
        ),
        (
            "{a}{b}",
            "segment `{a}{b}` has two parameters in a row (`{a}{b}`); separate them with a literal such as `-` or `.`",
        ),
        (
            "{controller=Home}{action=Index}",
            "segment `{controller=Home}{action=Index}` has two parameters in a row (`{controller=Home}{action=Index}`); separate them with a literal such as `-` or `.`",
        ),
        (
            "{a?}-{b}",
            "optional parameter `{a?}` must be the last part of segment `{a?}-{b}`",
        ),
        (
            "{a}-{b?}",
            "optional parameter `{b?}` in segment `{a}-{b?}` is preceded by `-`; only `.` may precede an optional parameter inside a segment (as in `{name}.{ext?}`)",
        ),
        (
            "{id?}/details",
            "optional parameter `{id?}` is followed by the required segment `details`; only optional parameters, parameters with a default value or a catch-all may follow an optional parameter, so move `{id?}` to the end or make it required",
        ),
        (
            "a?b",
            "route `a?b` contains `?` outside a parameter; the query string is not part of a route (write `{name?}` for an optional parameter)",
        ),
        (
            "a#b",
            "route `a#b` contains `#` outside a parameter; URL fragments are never sent to the server",
        ),
        (
            "{id:nt}",
            "route parameter `{id:nt}` uses unknown constraint `nt`; known constraints: int, bool, alpha, guid, long, double, float, decimal, datetime, minlength(n), maxlength(n), length(n), length(min,max), min(n), max(n), range(min,max), regex(expr), required",
        ),
        (
            "{id:}",
            "route parameter `{id:}` has an empty constraint after `:`; remove the `:` or name a constraint (known constraints: int, bool, alpha, guid, long, double, float, decimal, datetime, minlength(n), maxlength(n), length(n), length(min,max), min(n), max(n), range(min,max), regex(expr), required)",
        ),
        (
            "{id:int(5)}",
            "constraint `int(5)` in route parameter `{id:int(5)}` takes no arguments; write `int`",
        ),
        (
            "{id:int()}",
            "constraint `int()` in route parameter `{id:int()}` takes no arguments; write `int`",
        ),
        (
            "{id:min}",
            "constraint `min` in route parameter `{id:min}` takes 1 argument, e.g. `min(1)`",
        ),
        (
            "{id:min(1,2)}",
            "constraint `min(1,2)` in route parameter `{id:min(1,2)}` takes 1 argument, e.g. `min(1)`",
        ),
        (
            "{id:range(1)}",
            "constraint `range(1)` in route parameter `{id:range(1)}` takes 2 arguments, e.g. `range(1,100)`",
        ),
        (
            "{id:length(1,2,3)}",
            "constraint `length(1,2,3)` in route parameter `{id:length(1,2,3)}` takes 1 or 2 arguments, e.g. `length(8)` or `length(1,20)`",
        ),
        (
            "{id:min(abc)}",
            "constraint `min(abc)` in route parameter `{id:min(abc)}` needs integer arguments, found `abc`",
        ),
        (
            "{id:minlength(-1)}",
            "constraint `minlength(-1)` in route parameter `{id:minlength(-1)}` needs non-negative integer arguments, found `-1`",
        ),
        (
            "{id:range(5,1)}",
            "constraint `range(5,1)` in route parameter `{id:range(5,1)}` has its minimum `5` above its maximum `1`",
        ),
        (
            "{id:length(5, 1)}",
            "constraint `length(5, 1)` in route parameter `{id:length(5, 1)}` has its minimum `5` above its maximum `1`",
        ),
        (
            "{id:min(1}",
            "constraint `min(1` in route parameter `{id:min(1}` is missing the `)` that closes its arguments",
        ),
        (
            "{id:regex(a)b}",
            "constraint `regex(a)b` in route parameter `{id:regex(a)b}` is missing the `)` that closes its arguments",
        ),
        (
            "{id:regex()}",
            "constraint `regex()` in route parameter `{id:regex()}` takes 1 argument, e.g. `regex(^\\d+$)`",
        ),
        (
            "{id:regex(a(b)}",
            "regular expression `a(b` in route parameter `{id:regex(a(b)}` has unbalanced parentheses",
        ),
        (
            "{id:regex((a):b)}",
            "regular expression `(a` in route parameter `{id:regex((a):b)}` has unbalanced parentheses",
        ),
        (
            "{id:int=abc}",
            "default value `abc` of route parameter `{id:int=abc}` does not satisfy its constraint `int`",
        ),
        (
            "{id:range(1,5)=9}",
            "default value `9` of route parameter `{id:range(1,5)=9}` does not satisfy its constraint `range(1,5)`",
        ),
    ];
    for (template, message) in cases {
        assert_eq!(err(template), *message, "template: {template}");
    }
}

#[test]
fn regex_paren_balance_ignores_escapes_and_classes() {
    assert!(parens_balanced(r"^\(\d+\)$"));
    assert!(parens_balanced(r"^[()]+$"));
    assert!(parens_balanced(r"^[]()]$"));
    assert!(parens_balanced(r"(a(b)c)"));
    assert!(!parens_balanced(r"a)("));
    assert!(!parens_balanced(r"(\)"));
}

#[test]
fn matching_literals_and_params() {
    let t = "products/{category:alpha}/{id:int?}";
    assert_eq!(
        matched(t, "products/electronics/357"),
        values(&[("category", Some("electronics")), ("id", Some("357"))])
    );
    assert_eq!(
        matched(t, "/Products/electronics/"),
        values(&[("category", Some("electronics")), ("id", None)])
    );
    assert_eq!(matched(t, "products/electronics/abc"), None);
    assert_eq!(matched(t, "products/e1/3"), None);
    assert_eq!(matched(t, "products"), None);
    assert_eq!(matched(t, "products/a/1/extra"), None);
    assert_eq!(matched("", ""), values(&[]));
    assert_eq!(matched("", "x"), None);
    assert_eq!(matched("a/{b}", "a//"), None);
    assert_eq!(matched("a/{b}/c", "a//c"), None);
    assert_eq!(
        matched("users/{id}", "users/a%20b%2Fc"),
        values(&[("id", Some("a b/c"))])
    );
    assert_eq!(matched("caf%C3%A9", "CAF%C3%89"), None);
    assert_eq!(matched("café", "CAF%C3%89"), values(&[]));
    assert_eq!(matched("lit{{x}}", "LIT%7Bx%7D"), values(&[]));
}

#[test]
fn matching_defaults_and_catch_all() {
    let t = "{controller=Home}/{action=Index}/{id?}";
    assert_eq!(
        matched(t, ""),
        values(&[
            ("controller", Some("Home")),
            ("action", Some("Index")),
            ("id", None)
        ])
    );
    assert_eq!(
        matched(t, "shop/list/4"),
        values(&[
            ("controller", Some("shop")),
            ("action", Some("list")),
            ("id", Some("4"))
        ])
    );
    let t = "files/{*path}";
    assert_eq!(
        matched(t, "files/a/b%20c/d.txt"),
        values(&[("path", Some("a/b c/d.txt"))])
    );
    assert_eq!(matched(t, "files"), values(&[("path", None)]));
    assert_eq!(matched(t, "files/"), values(&[("path", None)]));
    assert_eq!(matched(t, "other/a"), None);
    assert_eq!(
        matched("files/{*path=index.html}", "files"),
        values(&[("path", Some("index.html"))])
    );
    assert_eq!(matched("files/{*path:required}", "files"), None);
    assert_eq!(
        matched("files/{*path:int}", "files/12"),
        values(&[("path", Some("12"))])
    );
    assert_eq!(matched("files/{*path:int}", "files/1/2"), None);
}

#[test]
fn matching_trailing_optionals() {
    let t = "{a?}/{b=x}";
    assert_eq!(matched(t, ""), values(&[("a", None), ("b", Some("x"))]));
    assert_eq!(
        matched(t, "1"),
        values(&[("a", Some("1")), ("b", Some("x"))])
    );
    assert_eq!(
        matched(t, "1/2"),
        values(&[("a", Some("1")), ("b", Some("2"))])
    );
    assert_eq!(matched(t, "1/2/3"), None);
    let t = "docs/{lang?}/{*rest}";
    assert_eq!(
        matched(t, "docs"),
        values(&[("lang", None), ("rest", None)])
    );
    assert_eq!(
        matched(t, "docs/en/a/b"),
        values(&[("lang", Some("en")), ("rest", Some("a/b"))])
    );
    assert_eq!(matched("ÄRGER/{x}", "ärger/1"), values(&[("x", Some("1"))]));
}

#[test]
fn matching_complex_segments() {
    let t = "files/{name}.{ext?}";
    assert_eq!(
        matched(t, "files/report.pdf"),
        values(&[("name", Some("report")), ("ext", Some("pdf"))])
    );
    assert_eq!(
        matched(t, "files/a.b.c"),
        values(&[("name", Some("a.b")), ("ext", Some("c"))])
    );
    assert_eq!(
        matched(t, "files/report"),
        values(&[("name", Some("report")), ("ext", None)])
    );
    assert_eq!(matched(t, "files/report."), None);
    // As in ASP.NET Core: `.pdf` fails with the extension, then matches without it.
    assert_eq!(
        matched(t, "files/.pdf"),
        values(&[("name", Some(".pdf")), ("ext", None)])
    );
    let t = "{a}-{b}";
    assert_eq!(
        matched(t, "x-y-z"),
        values(&[("a", Some("x-y")), ("b", Some("z"))])
    );
    assert_eq!(matched(t, "xyz"), None);
    assert_eq!(matched(t, "-z"), None);
    let t = "v{version:int}";
    assert_eq!(matched(t, "V2"), values(&[("version", Some("2"))]));
    assert_eq!(matched(t, "v"), None);
    assert_eq!(matched(t, "xv2"), None);
    let t = "{name}.json";
    assert_eq!(matched(t, "data.JSON"), values(&[("name", Some("data"))]));
    assert_eq!(matched(t, "data.json.bak"), None);
    let t = "item-{id}-x";
    assert_eq!(matched(t, "item-42-x"), values(&[("id", Some("42"))]));
    assert_eq!(matched(t, "item--x"), None);
}

#[test]
fn constraints_accept_like_aspnet() {
    use Constraint::*;
    let cases: &[(Constraint, &str, bool)] = &[
        (Int, "42", true),
        (Int, "-42", true),
        (Int, "+7", true),
        (Int, "2147483648", false),
        (Int, "4.2", false),
        (Int, "", false),
        (Long, "2147483648", true),
        (Long, "9223372036854775808", false),
        (Bool, "TRUE", true),
        (Bool, "yes", false),
        (Alpha, "abcXYZ", true),
        (Alpha, "ab1", false),
        (Guid, "0f8fad5b-d9cb-469f-a165-70867728950e", true),
        (Guid, "0f8fad5bd9cb469fa16570867728950e", true),
        (Guid, "{0f8fad5b-d9cb-469f-a165-70867728950e}", true),
        (Guid, "(0f8fad5b-d9cb-469f-a165-70867728950e)", true),
        (Guid, "0f8fad5b-d9cb-469f-a165-70867728950", false),
        (Guid, "{0f8fad5b-d9cb-469f-a165-70867728950e)", false),
        (Double, "1.5", true),
        (Double, "-1,000.5e3", true),
        (Double, ".5", true),
        (Double, "NaN", true),
        (Double, "-Infinity", true),
        (Double, "1e", false),
        (Double, ",1", false),
        (Double, "abc", false),
        (Float, "3", true),
        (Decimal, "79228162514264337593543950334", true),
        (Decimal, "79228162514264337593543950335", true),
        (Decimal, "79228162514264337593543950336", false),
        (Decimal, "-0,079228162514264337593543950335.9", true),
        (Decimal, "1e40", false),
        (Decimal, "NaN", false),
        (DateTime, "2024-02-29", true),
        (DateTime, "2023-02-29", false),
        (DateTime, "2024-01-05T10:30:00Z", true),
        (DateTime, "2024-01-05T10:30:00.1234567+01:00", true),
        (DateTime, "2024-01-05 10:30", true),
        (DateTime, "12/31/2024", true),
        (DateTime, "10:30", true),
        (DateTime, "25:30", false),
        (DateTime, "today", false),
        (MinLength(2), "ab", true),
        (MinLength(2), "a", false),
        (MaxLength(2), "abc", false),
        (Length(3), "abc", true),
        (LengthRange(1, 2), "abc", false),
        (Min(5), "5", true),
        (Min(5), "4", false),
        (Max(5), "6", false),
        (Range(1, 3), "2", true),
        (Range(1, 3), "x", false),
        (Regex("^x$".into()), "anything", true),
        (Required, "", false),
        (Required, "a", true),
    ];
    for (c, value, expected) in cases {
        assert_eq!(c.accepts(value), *expected, "{c} on `{value}`");
    }
}

#[test]
fn matchit_patterns() {
    assert_eq!(
        ok("products/{id}").matchit_pattern().as_deref(),
        Some("products/{id}")
    );
    assert_eq!(
        ok("/files/{*rest}").matchit_pattern().as_deref(),
        Some("files/{*rest}")
    );
    assert_eq!(
        ok("files/{**rest}").matchit_pattern().as_deref(),
        Some("files/{*rest}")
    );
    assert_eq!(
        ok("lit{{x}}/{y}").matchit_pattern().as_deref(),
        Some("lit{{x}}/{y}")
    );
    assert_eq!(ok("").matchit_pattern().as_deref(), Some(""));
    assert_eq!(ok("a/").matchit_pattern().as_deref(), Some("a"));
    for t in [
        "files/{name}.{ext}",
        "a/{id?}",
        "a/{id:int}",
        "a/{id=1}",
        "v{x}",
    ] {
        assert_eq!(ok(t).matchit_pattern(), None, "{t}");
    }
}

#[test]
fn reserved_prefixes_and_conflicts() {
    assert_eq!(check_reserved_prefix("products/{id}"), Ok(()));
    assert_eq!(check_reserved_prefix(""), Ok(()));
    assert_eq!(check_reserved_prefix("my/admin"), Ok(()));
    for t in [
        "admin",
        "/Admin/users",
        "administrators/x",
        "runtime",
        "RUNTIMES/",
        "/runtime/x",
    ] {
        assert!(check_reserved_prefix(t).is_err(), "{t}");
    }
    assert_eq!(
        check_reserved_prefix("administrators/x").map_err(|e| e.message),
        Err("route `administrators/x` starts with `admin`, which the Functions host reserves for its built-in routes (every route starting with `admin` or `runtime`, even `administrators` or `runtimes`, is rejected); choose another first segment".to_owned())
    );
    assert!(routes_conflict("/Products/{id}/", "products/{id}"));
    assert!(routes_conflict("", "/"));
    assert!(!routes_conflict("products/{id}", "products/{key}"));
    assert!(!routes_conflict("a/b", "a"));
}

#[test]
fn adversarial_inputs_do_not_panic() {
    for t in [
        "{",
        "}",
        "{{",
        "}}",
        "{}}",
        "{{}",
        "{*}",
        "{**}",
        "{?}",
        "{*?}",
        "{**?}",
        "{=}",
        "{:}",
        "{a:(}",
        "{a:)}",
        "{a:regex(}",
        "{a:regex())}",
        "{a:regex(()}",
        "{a=}}}",
        "/",
        "~",
        "~/",
        "///",
        "{a}/",
        "{a}.{b?}/",
        "{a:min(9223372036854775808)}",
        "{a:length(2147483648)}",
        "é{",
        "{é}",
        "{a:é}",
        "{a}é{b?}",
        ".{a?}",
        "{a?}.{b?}",
        "{a:regex(\\)}",
    ] {
        let _ = parse_route(t);
        let _ = check_reserved_prefix(t);
        if let Ok(route) = parse_route(t) {
            let _ = route.matchit_pattern();
            for path in ["", "/", "a", "a.b", "é.", "%", "%zz/%C3", "a//b/", "."] {
                let _ = route.match_path(path);
            }
        }
    }
}

proptest! {
    #[test]
    fn parse_and_match_never_panic(
        template in "[{}/?*:=()a1.,#é\\-]{0,24}",
        path in "[a1./%é\\-]{0,16}",
    ) {
        if let Ok(route) = parse_route(&template) {
            let _ = route.matchit_pattern();
            let _ = route.match_path(&path);
        }
    }

    #[test]
    fn arbitrary_strings_never_panic(template in "\\PC{0,40}", path in "\\PC{0,20}") {
        let _ = routes_conflict(&template, &path);
        let _ = check_reserved_prefix(&template);
        if let Ok(route) = parse_route(&template) {
            let _ = route.match_path(&path);
        }
    }

    #[test]
    fn matchit_patterns_agree_with_match_path(
        segs in proptest::collection::vec("[a-z]{1,4}", 1..4),
        vals in proptest::collection::vec("[a-z0-9]{1,4}", 1..4),
    ) {
        // Every other segment is a parameter; the matched values must round-trip.
        let template: Vec<String> = segs.iter().enumerate()
            .map(|(i, s)| if i % 2 == 1 { format!("{{p{i}}}") } else { s.clone() })
            .collect();
        let template = template.join("/");
        let route = parse_route(&template)
            .map_err(|e| TestCaseError::fail(format!("{template}: {e}")))?;
        let path: Vec<String> = segs.iter().enumerate()
            .map(|(i, s)| if i % 2 == 1 { vals.get(i % vals.len()).cloned().unwrap_or_default() } else { s.clone() })
            .collect();
        let result = route.match_path(&path.join("/"));
        prop_assert!(result.is_some());
        prop_assert!(route.matchit_pattern().is_some());
    }
}
