//! Type names for messages: `Vec<Order>` rather than `alloc::vec::Vec<my_app::Order>`, so that
//! error bodies and logs speak of the types as the user wrote them, without module paths.

/// The name of `T` with every module path removed.
pub(crate) fn short_type_name<T: ?Sized>() -> String {
    strip_paths(std::any::type_name::<T>())
}

/// Removes the `a::b::` prefixes of every path in a type name.
pub(crate) fn strip_paths(full: &str) -> String {
    let mut out = String::with_capacity(full.len());
    let mut word = String::new();
    let mut chars = full.chars().peekable();
    while let Some(c) = chars.next() {
        if c == ':' && chars.peek() == Some(&':') {
            chars.next();
            word.clear();
        } else if c.is_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            out.push_str(&word);
            word.clear();
            out.push(c);
        }
    }
    out.push_str(&word);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Order;

    #[test]
    fn paths_are_removed() {
        assert_eq!(short_type_name::<Order>(), "Order");
        assert_eq!(short_type_name::<Vec<Order>>(), "Vec<Order>");
        assert_eq!(
            short_type_name::<std::collections::HashMap<String, (u8, Option<Order>)>>(),
            "HashMap<String, (u8, Option<Order>)>"
        );
        assert_eq!(short_type_name::<[Order]>(), "[Order]");
    }
}
