//! The HCL front end: any text parses to a tree and errors whose spans
//! lie inside the text, without panicking.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| asl_lsp_fuzz::targets::hcl(data));
