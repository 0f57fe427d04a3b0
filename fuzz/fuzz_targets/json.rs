//! The JSON front end (JSON with comments, as definitions are read): any text parses to a tree and errors whose spans
//! lie inside the text, without panicking.
#![no_main]

use asl_lsp::core::syntax;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = syntax::json::parse(text);
    asl_lsp_fuzz::check_parse(text, &parsed);
    if let Some(root) = &parsed.root {
        let _ = root.to_json();
    }
});
