#![deny(warnings)]

// A private extension's trigger, opted out of checking; nested objects pass through.

use azfn_runtime::{binding, generic_trigger};

#[generic_trigger(type = "acmeTrigger", unchecked = true, properties = { supports_deferred_binding = true, depth = 2 })]
#[binding(type = "acmeStore", direction = "in", name = "store", unchecked = true, tags = ["a", "b"])]
async fn acme(event: String, store: String) {
    let _ = (event, store);
}

fn main() {}
