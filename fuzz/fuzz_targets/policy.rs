//! The policy reader: any JSON document, lowered as an IAM policy, and
//! then analysed as the role of a one-task workflow.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| asl_lsp_fuzz::targets::policy(data));
