//! The whole analysis over a small file set (see `asl_lsp_fuzz::file_set`
//! for how an input becomes files), with and without a focus.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let files = asl_lsp_fuzz::file_set(data);
    let analysis = asl_lsp::core::analyze(&files, None);
    for finding in &analysis.findings {
        let text = files.text(finding.location.file);
        let (start, end) = (
            finding.location.range.start as usize,
            finding.location.range.end as usize,
        );
        assert!(
            start <= end && end <= text.len(),
            "finding {} at {start}..{end} outside its file",
            finding.rule
        );
    }
    let first = files.ids().next();
    if let Some(first) = first {
        let _ = asl_lsp::core::analyze(&files, Some(&[first]));
    }
});
