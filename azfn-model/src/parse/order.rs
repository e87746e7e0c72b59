//! The order in which the trigger attribute sees a function's other attributes.
//!
//! The trigger attribute consumes the binding attributes written below it. A binding attribute
//! written above the trigger expands first: it moves itself and the other binding attributes
//! above the trigger to just below it, in source order, and leaves the other attributes where
//! they are ([`split_moved_bindings`]). The build helper reads the source before any expansion
//! and rebuilds what the trigger ends up seeing ([`attrs_as_trigger_sees`]), so both produce the
//! same bindings in the same order.

use syn::Attribute;

use super::attr_name;
use crate::kinds;

/// `true` for a trigger attribute (`#[http_trigger]`, `#[generic_trigger]`, ...), by the last
/// segment of its path.
pub fn is_trigger(attr: &Attribute) -> bool {
    attr_name(attr).is_some_and(|n| kinds::is_trigger_attr(&n))
}

/// `true` for an attribute the trigger attribute consumes (a typed input or output,
/// `#[binding]` or `#[retry]`), by the last segment of its path.
pub fn is_binding(attr: &Attribute) -> bool {
    attr_name(attr).is_some_and(|n| kinds::is_binding_attr(&n))
}

/// Splits the attributes written above the trigger into those that stay above it and the
/// binding attributes that move below it, each in source order.
pub fn split_moved_bindings(above: &[Attribute]) -> (Vec<Attribute>, Vec<Attribute>) {
    let (moved, stay) = above.iter().cloned().partition(is_binding);
    (stay, moved)
}

/// The attributes the trigger attribute at `trigger_index` sees when it expands, without
/// itself: the attributes that stay above it, then the binding attributes written above it,
/// then those written below it, each in source order.
///
/// The binding attributes thus reach the trigger in source order, whichever side of it they
/// are written on. An out-of-range `trigger_index` returns the attributes unchanged.
pub fn attrs_as_trigger_sees(attrs: &[Attribute], trigger_index: usize) -> Vec<Attribute> {
    let (Some(above), Some(below)) = (attrs.get(..trigger_index), attrs.get(trigger_index + 1..))
    else {
        return attrs.to_vec();
    };
    let (stay, moved) = split_moved_bindings(above);
    stay.into_iter()
        .chain(moved)
        .chain(below.iter().cloned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(source: &str) -> Vec<Attribute> {
        let item: syn::ItemFn = match syn::parse_str(&format!("{source} async fn f() {{}}")) {
            Ok(item) => item,
            Err(e) => unreachable!("test source does not parse: {e}"),
        };
        item.attrs
    }

    fn names(attrs: &[Attribute]) -> Vec<String> {
        attrs
            .iter()
            .map(|a| attr_name(a).unwrap_or_default())
            .collect()
    }

    /// What the macros do: the topmost binding attribute above the trigger expands first and
    /// re-emits the item as `binding()` in azfn-macros does, until the trigger comes first.
    fn expand_as_rustc(mut attrs: Vec<Attribute>) -> Vec<Attribute> {
        loop {
            let Some(trigger) = attrs.iter().position(is_trigger) else {
                return attrs;
            };
            let Some(first) = attrs[..trigger].iter().position(is_binding) else {
                attrs.remove(trigger);
                return attrs;
            };
            let this = attrs.remove(first);
            let trigger = trigger - 1;
            let (before, moved) = split_moved_bindings(&attrs[..trigger]);
            let below = &attrs[trigger..];
            attrs = before
                .into_iter()
                .chain(below.first().cloned())
                .chain([this])
                .chain(moved)
                .chain(below.iter().skip(1).cloned())
                .collect();
        }
    }

    #[test]
    fn bindings_reach_the_trigger_in_source_order_and_other_attributes_stay() {
        let source = attrs(
            "#[queue_output(name = \"first\")] #[doc = \"kept\"] #[blob_output(name = \"second\")] \
             #[http_trigger] #[queue_output(name = \"third\")] #[retry(strategy = \"fixedDelay\")] #[allow(unused)]",
        );
        let trigger = source.iter().position(is_trigger);
        assert_eq!(trigger, Some(3));
        assert_eq!(
            names(&attrs_as_trigger_sees(&source, 3)),
            [
                "doc",
                "queue_output",
                "blob_output",
                "queue_output",
                "retry",
                "allow"
            ]
        );
        let (stay, moved) = split_moved_bindings(&source[..3]);
        assert_eq!(names(&stay), ["doc"]);
        assert_eq!(names(&moved), ["queue_output", "blob_output"]);
    }

    #[test]
    fn the_build_helper_order_is_what_the_macros_produce() {
        for source in [
            "#[http_trigger]",
            "#[http_trigger] #[queue_output] #[blob_input]",
            "#[queue_output] #[http_trigger]",
            "#[queue_output(name = \"a\")] #[http_trigger] #[queue_output(name = \"b\")]",
            "#[doc = \"x\"] #[binding] #[inline] #[retry] #[generic_trigger] #[blob_output] #[doc = \"y\"]",
            "#[azfn_runtime::blob_input] #[azfn_runtime::timer_trigger] #[azfn_runtime::table_output]",
        ] {
            let attrs = attrs(source);
            let Some(trigger) = attrs.iter().position(is_trigger) else {
                unreachable!("no trigger in `{source}`");
            };
            let expected: Vec<String> = expand_as_rustc(attrs.clone())
                .iter()
                .map(|a| quote::quote!(#a).to_string())
                .collect();
            let actual: Vec<String> = attrs_as_trigger_sees(&attrs, trigger)
                .iter()
                .map(|a| quote::quote!(#a).to_string())
                .collect();
            assert_eq!(actual, expected, "{source}");
        }
    }

    #[test]
    fn predicates_read_the_last_path_segment() {
        let attrs = attrs("#[azfn_runtime::http_trigger] #[x::retry] #[doc = \"d\"] #[queue]");
        let kinds: Vec<(bool, bool)> = attrs
            .iter()
            .map(|a| (is_trigger(a), is_binding(a)))
            .collect();
        assert_eq!(
            kinds,
            [(true, false), (false, true), (false, false), (false, false)]
        );
    }

    #[test]
    fn an_out_of_range_trigger_index_changes_nothing() {
        let attrs = attrs("#[queue_output] #[doc = \"d\"]");
        assert_eq!(
            names(&attrs_as_trigger_sees(&attrs, 5)),
            ["queue_output", "doc"]
        );
    }
}
