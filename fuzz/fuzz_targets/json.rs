//! The JSON front end (JSON with comments, as definitions are read): any text parses to a tree and errors whose spans
//! lie inside the text, without panicking.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| asl_lsp_fuzz::targets::json(data));
