//! The arguments of every trigger attribute (any Rust tokens), parsed and validated by
//! azfn-model as the macros and the build helper do: errors, never a panic.
#![no_main]

use std::str::FromStr;

use azfn_model::kinds;
use azfn_model::parse::analyze;
use proc_macro2::{Span, TokenStream};

thread_local! {
    /// A function with an extra binding, as the trigger attribute sees it.
    static ITEM: syn::ItemFn = syn::parse_str(
        "#[queue_output(name = \"out\", queue_name = \"q\")] async fn f(req: HttpRequest, ctx: Context) -> Result<HttpResponse, Error> { todo!() }",
    )
    .unwrap_or_else(|e| panic!("the sample function does not parse: {e}"));
}

libfuzzer_sys::fuzz_target!(|args: &str| {
    let Ok(tokens) = TokenStream::from_str(args) else {
        return;
    };
    for trigger in kinds::attr_names().filter(|a| kinds::is_trigger_attr(a)) {
        let mut item = ITEM.with(Clone::clone);
        let _ = analyze(trigger, tokens.clone(), Span::call_site(), &mut item);
    }
});
