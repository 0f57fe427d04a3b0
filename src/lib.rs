pub mod cli;
pub mod core;
pub mod protocol;
pub mod server;

/// The stack of every thread the analysis runs on: the main thread's size,
/// so that how deep an input may go before a depth limit stops it does not
/// depend on which thread the work lands on (rayon's workers would get
/// 2 MiB).
pub const ANALYSIS_STACK: usize = 8 * 1024 * 1024;

/// Sets up the threads the core's parallel work runs on; call it first.
/// A second call (or a pool already built) changes nothing.
pub fn configure_threads() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = rayon::ThreadPoolBuilder::new()
            .stack_size(ANALYSIS_STACK)
            .build_global();
    });
}
