//! The CloudFormation / SAM template reader: one template, YAML or JSON
//! (a first byte `J` chooses JSON, any other YAML), through the whole analysis.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| asl_lsp_fuzz::targets::cloudformation(data));
