//! The fixer: apply every preferred fix (safe or not), then re-parse and
//! re-analyse. A file that parsed without errors before must still parse
//! without errors after, and a file a fix creates must parse.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| asl_lsp_fuzz::targets::fixer(data));
