use super::*;

#[test]
fn query_repeated_keys_are_comma_joined() {
    assert_eq!(
        parse_query("a=1&b=x+y&a=2&c&d=%E2%9C%93"),
        vec![
            ("a".to_owned(), "1,2".to_owned()),
            ("b".to_owned(), "x y".to_owned()),
            ("c".to_owned(), String::new()),
            ("d".to_owned(), "✓".to_owned()),
        ]
    );
}

/// `plain_query_lookup` gives `lookup`'s answer, and declines only for what needs parsing:
/// something encoded (`%`, `+`) or the key given more than once (in any case).
fn check_plain_lookup(raw: &str, parsed: &[(String, String)], name: &str) -> Result<(), String> {
    let expected = lookup(parsed, name).map(String::as_str);
    match plain_query_lookup(raw, name) {
        Some(found) if found == expected => Ok(()),
        Some(found) => Err(format!(
            "plain lookup gave {found:?}, parsing gives {expected:?}"
        )),
        None => {
            let matching = raw
                .split('&')
                .filter(|pair| !pair.is_empty())
                .map(|pair| pair.split_once('=').map_or(pair, |(k, _)| k))
                .filter(|k| k.eq_ignore_ascii_case(name))
                .count();
            if raw.contains(['%', '+']) || matching > 1 {
                Ok(())
            } else {
                Err("plain lookup declined a query that needs no parsing".to_owned())
            }
        }
    }
}

#[test]
fn plain_query_lookups_agree_with_the_parsed_query() {
    let queries = [
        "",
        "a=1",
        "a=1&b=2",
        "a=1&a=2",
        "A=1&a=2",
        "A=1",
        "A=1&A=2",
        "x=%41",
        "x=a+b",
        "%61=1",
        "a",
        "a=",
        "&&a=1&",
        "b=1&B=2&a=3",
        "a=1=2",
        "a+b=1",
    ];
    for raw in queries {
        let parsed = parse_query(raw);
        for name in ["a", "A", "b", "x", "missing", ""] {
            assert_eq!(
                check_plain_lookup(raw, &parsed, name),
                Ok(()),
                "{raw:?} {name:?}"
            );
        }
    }
    assert_eq!(plain_query_lookup("a=1&b=2", "b"), Some(Some("2")));
    assert_eq!(plain_query_lookup("a=1", "A"), Some(Some("1")));
    assert_eq!(plain_query_lookup("a=1", "b"), Some(None));
    assert_eq!(plain_query_lookup("a=1&a=2", "a"), None);
}

proptest::proptest! {
    #[test]
    fn plain_query_lookups_agree_on_any_query(raw in "[aAbB=&%+1]{0,12}", name in "[aAbB]{0,2}") {
        let parsed = parse_query(&raw);
        proptest::prop_assert_eq!(check_plain_lookup(&raw, &parsed, &name), Ok(()));
    }
}

#[test]
fn odd_urls_still_parse() {
    assert_eq!(
        parse_uri("http://h/api/x?name=Ink And Toner").query(),
        Some("name=Ink%20And%20Toner")
    );
    assert_eq!(parse_uri("").path(), "/");
}

#[test]
fn builder_errors_are_kept() {
    let r = HttpResponse::ok().header("bad name", "v");
    assert!(r.into_http().is_err());
    let r = HttpResponse::ok().header("x", "line\nbreak");
    assert!(r.into_http().is_err());
}

#[test]
fn explicit_content_type_wins() {
    let r = HttpResponse::ok()
        .header("content-type", "application/problem+json")
        .json(&1);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
}
