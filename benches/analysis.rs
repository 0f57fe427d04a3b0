//! Analysis budgets: a generated 1,000-state definition of mixed
//! integrations with a 100-statement policy (budget ≤ 10 ms in release),
//! and the growth from 100 to 10,000 states (should be linear). First, what
//! the Service Authorization Reference snapshot costs at start-up: its first
//! use (inflate and index, once per process) and the inflating alone.

use std::hint::black_box;

use asl_lsp::core::analyze;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

#[path = "support/generate.rs"]
mod generate;
use generate::workspace;

fn sar_snapshot(c: &mut Criterion) {
    let start = std::time::Instant::now();
    let sar = asl_lsp::core::sar::sar();
    let first_use = start.elapsed();
    let (compressed, text) = asl_lsp::core::sar::snapshot_sizes();
    println!(
        "SAR snapshot {} {}: {} services, first use {first_use:?} ({compressed} bytes inflated to {text})",
        sar.package,
        sar.version,
        sar.services().len()
    );
    c.bench_function("inflate the SAR snapshot", |b| {
        b.iter(|| black_box(asl_lsp::core::sar::snapshot_sizes()))
    });
}

fn budgets(c: &mut Criterion) {
    let files = workspace(1_000, 100);
    c.bench_function("analyze 1000 states + 100 statements", |b| {
        b.iter(|| black_box(analyze(black_box(&files), None)))
    });
    let mut group = c.benchmark_group("analyze scaling");
    group.sample_size(10);
    for n in [100, 1_000, 10_000] {
        let files = workspace(n, 100);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &files, |b, files| {
            b.iter(|| black_box(analyze(black_box(files), None)))
        });
    }
    group.finish();
}

criterion_group!(benches, sar_snapshot, budgets);
criterion_main!(benches);
