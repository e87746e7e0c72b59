use super::*;
use proptest::prelude::*;

fn check_all(cases: &[(&str, &str)], check: impl Fn(&str) -> Result<(), String>) {
    for (input, message) in cases {
        assert_eq!(check(input), Err((*message).to_owned()), "input: {input}");
    }
}

#[test]
fn function_names() {
    for ok in [
        "a",
        "HttpExample",
        "my-func_2",
        &"a".repeat(128),
        "hosts",
        "Host1",
    ] {
        assert_eq!(check_function_name(ok), Ok(()), "{ok}");
    }
    let long = "a".repeat(129);
    let long_message = format!("function name `{long}` is 129 characters long; the maximum is 128");
    check_all(
        &[
            (
                "",
                "function name is empty; function names start with a letter and contain only ASCII letters, digits, `_` and `-` (at most 128 characters)",
            ),
            (
                "1abc",
                "function name `1abc` must start with an ASCII letter, not `1`; function names start with a letter and contain only ASCII letters, digits, `_` and `-` (at most 128 characters)",
            ),
            (
                "_abc",
                "function name `_abc` must start with an ASCII letter, not `_`; function names start with a letter and contain only ASCII letters, digits, `_` and `-` (at most 128 characters)",
            ),
            (
                "my.func",
                "function name `my.func` contains `.` at position 3; function names start with a letter and contain only ASCII letters, digits, `_` and `-` (at most 128 characters), e.g. `my_func`",
            ),
            (
                "my func",
                "function name `my func` contains a space at position 3; function names start with a letter and contain only ASCII letters, digits, `_` and `-` (at most 128 characters), e.g. `my_func`",
            ),
            (
                "café",
                "function name `café` contains `é` at position 4; function names start with a letter and contain only ASCII letters, digits, `_` and `-` (at most 128 characters), e.g. `caf_`",
            ),
            (
                "a\n",
                "function name `a\n` contains `\\n` at position 2; function names start with a letter and contain only ASCII letters, digits, `_` and `-` (at most 128 characters), e.g. `a_`",
            ),
            (
                "host",
                "function name `host` is reserved by the Azure Functions host; choose another name",
            ),
            (
                "HOST",
                "function name `HOST` is reserved by the Azure Functions host; choose another name",
            ),
            (&long, &long_message),
        ],
        check_function_name,
    );
}

#[test]
fn binding_names() {
    for ok in ["req", "myQueueItem", "$return", "a1", &"a".repeat(128)] {
        assert_eq!(check_binding_name(ok), Ok(()), "{ok}");
    }
    check_all(
        &[
            (
                "",
                "binding name is empty; binding names start with an ASCII letter and contain only ASCII letters and digits (at most 128 characters), or are exactly `$return`",
            ),
            (
                "$ret",
                "binding name `$ret` is not valid; the only binding name that may start with `$` is `$return`",
            ),
            (
                "$Return",
                "binding name `$Return` is not valid; the only binding name that may start with `$` is `$return`",
            ),
            (
                "1st",
                "binding name `1st` must start with an ASCII letter, not `1`; binding names start with an ASCII letter and contain only ASCII letters and digits (at most 128 characters), or are exactly `$return`",
            ),
            (
                "my_queue",
                "binding name `my_queue` contains `_` at position 3; binding names start with an ASCII letter and contain only ASCII letters and digits (at most 128 characters), or are exactly `$return`; use camelCase, e.g. `myQueue`",
            ),
            (
                "my-queue",
                "binding name `my-queue` contains `-` at position 3; binding names start with an ASCII letter and contain only ASCII letters and digits (at most 128 characters), or are exactly `$return`",
            ),
            (
                "a_é",
                "binding name `a_é` contains `_` at position 2; binding names start with an ASCII letter and contain only ASCII letters and digits (at most 128 characters), or are exactly `$return`",
            ),
        ],
        check_binding_name,
    );
    assert!(check_binding_name(&"a".repeat(129)).is_err());
}

#[test]
fn queue_names() {
    for ok in [
        "abc",
        "orders",
        "my-queue-1",
        "0rders",
        &"a".repeat(63),
        "%QueueName%",
        "%Queue_Name:x%",
        "{queueName}",
        "orders-{region}",
        "out-{rand-guid}",
        "x{data.id}y",
        "{DateTime:yyyy}",
    ] {
        assert_eq!(check_queue_name(ok), Ok(()), "{ok}");
    }
    let long = "a".repeat(64);
    let long_message = format!(
        "queue name `{long}` is 64 characters long; queue names are 3 to 63 characters: lower-case letters, digits and single hyphens, starting and ending with a letter or digit"
    );
    check_all(
        &[
            (
                "",
                "queue name is empty; queue names are 3 to 63 characters: lower-case letters, digits and single hyphens, starting and ending with a letter or digit",
            ),
            (
                "ab",
                "queue name `ab` is 2 characters long; queue names are 3 to 63 characters: lower-case letters, digits and single hyphens, starting and ending with a letter or digit",
            ),
            (&long, &long_message),
            (
                "MyQueue",
                "queue name `MyQueue` contains upper-case letters; queue names must be lower case, e.g. `myqueue`",
            ),
            (
                "my_queue",
                "queue name `my_queue` contains `_` at position 3; queue names are 3 to 63 characters: lower-case letters, digits and single hyphens, starting and ending with a letter or digit",
            ),
            (
                "-abc",
                "queue name `-abc` must start with a letter or digit, not `-`",
            ),
            (
                "abc-",
                "queue name `abc-` must end with a letter or digit, not `-`",
            ),
            (
                "a--b",
                "queue name `a--b` contains consecutive hyphens (`--`); use single hyphens",
            ),
            (
                "{}",
                "queue name `{}` has an empty binding expression `{}`; write a name such as `{name}`",
            ),
            (
                "q-{id",
                "queue name `q-{id` has an unclosed `{`; close the binding expression with `}`",
            ),
            (
                "q-id}",
                "queue name `q-id}` has a `}` without a matching `{`",
            ),
            (
                "q-{a{b}}",
                "queue name `q-{a{b}}` has a `{` inside a binding expression; binding expressions cannot be nested",
            ),
            (
                "q-{a b}",
                "queue name `q-{a b}` has an invalid binding expression `{a b}`; a binding expression is a name made of ASCII letters, digits, `_` and `-` (starting with a letter or `_`), optionally with `.` paths and a `:format`, e.g. `{name}`, `{data.id}` or `{DateTime:yyyy}`",
            ),
            (
                "Q-{id}",
                "queue name `Q-{id}` contains `Q` outside its binding expressions; queue names contain only lower-case letters, digits and `-`",
            ),
            (
                "%abc",
                "queue name `%abc` has an unmatched `%`; app setting references are written `%SettingName%`",
            ),
            (
                "%%",
                "queue name `%%` has an invalid app setting reference `%%`: the setting name is empty; setting names contain only ASCII letters, digits, `_`, `:`, `.` and `-`",
            ),
            (
                "%a b%",
                "queue name `%a b%` has an invalid app setting reference `%a b%`: `a b` contains a space at position 2; setting names contain only ASCII letters, digits, `_`, `:`, `.` and `-`",
            ),
        ],
        check_queue_name,
    );
}

#[test]
fn blob_paths() {
    for (ok, trigger) in [
        ("orders-archive/{name}", true),
        ("samples-workitems/{name}.{extension}", true),
        ("samples/{{20140101}}-soundfile.mp3", true),
        ("%Container%/{name}", true),
        ("%BlobTriggerPath%", true),
        ("images/original-{name}", true),
        ("abc/a/b/c.txt", false),
        ("$root/file.txt", false),
        ("$web/index.html", false),
        ("{container}/{name}", false),
        ("out-{region}/{rand-guid}.json", false),
        ("{path}", false),
        ("%BlobPath%", false),
        ("container/{DateTime:yyyy}/{name}", false),
        ("container/file with spaces.txt", false),
    ] {
        assert_eq!(check_blob_path(ok, trigger), Ok(()), "{ok}");
    }
    let cases: &[(&str, bool, &str)] = &[
        (
            "",
            true,
            "blob trigger path is empty; write `container/blob`, e.g. `samples/{name}`",
        ),
        (
            "orders",
            true,
            "blob trigger path `orders` has no blob name pattern; write `orders/{name}`",
        ),
        (
            "orders",
            false,
            "blob path `orders` has no blob name; write `container/blob`, e.g. `orders/{name}`",
        ),
        (
            "{path}",
            true,
            "blob trigger path `{path}` has no container; write `container/{path}`, e.g. `samples/{path}`",
        ),
        (
            "/x",
            false,
            "blob path `/x` has an empty container name; write `container/blob`",
        ),
        (
            "orders/",
            true,
            "blob trigger path `orders/` has an empty blob name; write `orders/{name}`",
        ),
        (
            "orders/a/",
            false,
            "blob path `orders/a/` ends with `/`; a blob name cannot end with `/`",
        ),
        (
            "orders/a//b",
            false,
            "blob path `orders/a//b` has an empty segment (`//`) in its blob name",
        ),
        (
            "Orders/{name}",
            true,
            "blob container name `Orders` contains upper-case letters; blob container names must be lower case, e.g. `orders`",
        ),
        (
            "ab/{name}",
            true,
            "blob container name `ab` is 2 characters long; blob container names are 3 to 63 characters: lower-case letters, digits and single hyphens, starting and ending with a letter or digit",
        ),
        (
            "a--b/{name}",
            true,
            "blob container name `a--b` contains consecutive hyphens (`--`); use single hyphens",
        ),
        (
            "{c}/{name}",
            true,
            "blob trigger path `{c}/{name}` uses a binding expression in its container name; the container of a blob trigger must be a literal name or a `%Setting%` reference",
        ),
        (
            "x_{c}/{name}",
            false,
            "blob container name `x_{c}` contains `_` outside its binding expressions; blob container names contain only lower-case letters, digits and `-`",
        ),
        (
            "orders/{name",
            true,
            "blob trigger path `orders/{name` has an unclosed `{`; close the binding expression with `}` (or write `{{` for a literal `{`)",
        ),
        (
            "orders/name}",
            true,
            "blob trigger path `orders/name}` has a `}` without a matching `{`; write `}}` for a literal `}`",
        ),
        (
            "orders/{}",
            true,
            "blob trigger path `orders/{}` has an empty binding expression `{}`; write a name such as `{name}`",
        ),
        (
            "orders/{1name}",
            true,
            "blob trigger path `orders/{1name}` has an invalid binding expression `{1name}`; a binding expression is a name made of ASCII letters, digits, `_` and `-` (starting with a letter or `_`), optionally with `.` paths and a `:format`, e.g. `{name}`, `{data.id}` or `{DateTime:yyyy}`",
        ),
    ];
    for (input, trigger, message) in cases {
        assert_eq!(
            check_blob_path(input, *trigger),
            Err((*message).to_owned()),
            "input: {input}"
        );
    }
    let long = format!("c12/{}", "a".repeat(1025));
    assert_eq!(
        check_blob_path(&long, false),
        Err(
            "blob path `c12/…` has a blob name of 1025 characters; the maximum is 1,024".to_owned()
        )
    );
    let deep = format!("c12/{}", vec!["a"; 255].join("/"));
    assert_eq!(
        check_blob_path(&deep, false),
        Err("blob path `c12/…` has 255 blob name segments; the maximum is 254".to_owned())
    );
}

#[test]
fn table_names() {
    for ok in [
        "abc",
        "Orders2024",
        &"a".repeat(63),
        "%TableName%",
        "{table}",
        "logs{year}",
    ] {
        assert_eq!(check_table_name(ok), Ok(()), "{ok}");
    }
    check_all(
        &[
            (
                "",
                "table name is empty; table names are 3 to 63 ASCII letters and digits and start with a letter",
            ),
            (
                "ab",
                "table name `ab` is 2 characters long; table names are 3 to 63 ASCII letters and digits and start with a letter",
            ),
            (
                "1abc",
                "table name `1abc` must start with a letter, not `1`; table names are 3 to 63 ASCII letters and digits and start with a letter",
            ),
            (
                "my-table",
                "table name `my-table` contains `-` at position 3; table names are 3 to 63 ASCII letters and digits and start with a letter",
            ),
            (
                "Tables",
                "table name `Tables` is reserved by Azure Table storage; choose another name",
            ),
            (
                "logs_{year}",
                "table name `logs_{year}` contains `_` outside its binding expressions; table names contain only ASCII letters and digits",
            ),
        ],
        check_table_name,
    );
    assert!(check_table_name(&"a".repeat(64)).is_err());
}

#[test]
fn service_bus_entities() {
    for (ok, dlq) in [
        ("a", false),
        ("orders", false),
        ("My.Queue_1-x", false),
        (&*"a".repeat(50), false),
        ("orders/$DeadLetterQueue", true),
        ("%Queue%", false),
        ("%Queue%/$DeadLetterQueue", true),
        ("{queue}", false),
    ] {
        assert_eq!(check_service_bus_entity(ok, dlq), Ok(()), "{ok}");
    }
    let cases: &[(&str, bool, &str)] = &[
        (
            "",
            false,
            "Service Bus entity name is empty; Service Bus entity names are 1 to 50 characters: ASCII letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit",
        ),
        (
            "-orders",
            false,
            "Service Bus entity name `-orders` must start with a letter or digit, not `-`",
        ),
        (
            "orders.",
            false,
            "Service Bus entity name `orders.` must end with a letter or digit, not `.`",
        ),
        (
            "my queue",
            false,
            "Service Bus entity name `my queue` contains a space at position 3; Service Bus entity names are 1 to 50 characters: ASCII letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit",
        ),
        (
            "orders/$DeadLetterQueue",
            false,
            "Service Bus entity name `orders/$DeadLetterQueue` ends with `/$DeadLetterQueue`, which is only allowed on queue and subscription names",
        ),
        (
            "topic/subscriptions/sub",
            false,
            "Service Bus entity name `topic/subscriptions/sub` contains `/`; give the topic and the subscription as separate names",
        ),
        (
            "a/b",
            true,
            "Service Bus entity name `a/b` contains `/` (other than a trailing `/$DeadLetterQueue`); give the topic and the subscription as separate names",
        ),
        (
            "/$DeadLetterQueue",
            true,
            "Service Bus entity name is empty; Service Bus entity names are 1 to 50 characters: ASCII letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit",
        ),
    ];
    for (input, dlq, message) in cases {
        assert_eq!(
            check_service_bus_entity(input, *dlq),
            Err((*message).to_owned()),
            "input: {input}"
        );
    }
    assert!(check_service_bus_entity(&"a".repeat(51), false).is_err());
}

#[test]
fn event_hub_names_and_consumer_groups() {
    for ok in ["hub", "my-hub.v2_x", "%Hub%", "{hub}", "a"] {
        assert_eq!(check_event_hub_name(ok), Ok(()), "{ok}");
    }
    check_all(
        &[
            (
                "",
                "event hub name is empty; event hub names are 1 to 50 characters: ASCII letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit",
            ),
            (
                "hub!",
                "event hub name `hub!` contains `!` at position 4; event hub names are 1 to 50 characters: ASCII letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit",
            ),
            (
                "_hub",
                "event hub name `_hub` must start with a letter or digit, not `_`",
            ),
        ],
        check_event_hub_name,
    );
    assert_eq!(check_consumer_group("$Default"), Ok(()));
    assert_eq!(check_consumer_group("readers"), Ok(()));
    assert_eq!(
        check_consumer_group("$default"),
        Err("consumer group `$default` must be spelled `$Default`".to_owned())
    );
    assert!(check_consumer_group("$other").is_err());
}

#[test]
fn app_setting_names() {
    for ok in [
        "AzureWebJobsStorage",
        "MyConn__serviceUri",
        "Section:Key",
        "a.b-c_d",
    ] {
        assert_eq!(check_app_setting_name(ok), Ok(()), "{ok}");
    }
    check_all(
        &[
            (
                "",
                "app setting name is empty; name the app setting that holds the connection (e.g. `AzureWebJobsStorage`), or leave the key out to use the binding's default connection",
            ),
            (
                "My Conn",
                "app setting name `My Conn` contains a space at position 3; setting names contain only ASCII letters, digits, `_`, `:`, `.` and `-`",
            ),
            (
                "DefaultEndpointsProtocol=https;AccountName=x",
                "app setting name `DefaultEndpointsProtocol…` looks like a connection string; give the name of the app setting that holds it instead, e.g. `AzureWebJobsStorage`",
            ),
            (
                "%MyConn%",
                "app setting name `%MyConn%` is wrapped in `%`; connections already name an app setting, so write `MyConn`",
            ),
            (
                "conn/x",
                "app setting name `conn/x` contains `/` at position 5; setting names contain only ASCII letters, digits, `_`, `:`, `.` and `-`",
            ),
        ],
        check_app_setting_name,
    );
}

#[test]
fn camel_case() {
    for (snake, camel) in [
        ("my_queue_item", "myQueueItem"),
        ("req", "req"),
        ("_unused", "unused"),
        ("__x_y", "xY"),
        ("r#type", "type"),
        ("r#my_type", "myType"),
        ("item_2", "item2"),
        ("a__b", "aB"),
        ("trailing_", "trailing"),
        ("alreadyCamel", "alreadyCamel"),
        ("_", ""),
        ("", ""),
        ("é_ß", "éSS"),
    ] {
        assert_eq!(to_camel_case(snake), camel, "{snake}");
    }
}

proptest! {
    #[test]
    fn checks_never_panic(s in "\\PC{0,80}") {
        let _ = check_function_name(&s);
        let _ = check_binding_name(&s);
        let _ = check_queue_name(&s);
        let _ = check_blob_path(&s, true);
        let _ = check_blob_path(&s, false);
        let _ = check_table_name(&s);
        let _ = check_service_bus_entity(&s, true);
        let _ = check_service_bus_entity(&s, false);
        let _ = check_event_hub_name(&s);
        let _ = check_consumer_group(&s);
        let _ = check_app_setting_name(&s);
        let _ = to_camel_case(&s);
    }

    #[test]
    fn template_checks_never_panic(s in "[{}%/a-zA-Z0-9_.:$-]{0,30}") {
        let _ = check_queue_name(&s);
        let _ = check_blob_path(&s, true);
        let _ = check_blob_path(&s, false);
        let _ = check_table_name(&s);
        let _ = check_service_bus_entity(&s, true);
    }

    #[test]
    fn snake_identifiers_become_valid_binding_names(s in "_{0,2}[a-z][a-z0-9]{0,6}(_[a-z0-9]{1,6}){0,4}") {
        prop_assert_eq!(check_binding_name(&to_camel_case(&s)), Ok(()));
    }
}
