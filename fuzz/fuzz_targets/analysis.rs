//! The whole analysis over a small file set (see `asl_lsp_fuzz::file_set`
//! for how an input becomes files), with and without a focus.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| asl_lsp_fuzz::targets::analysis(data));
