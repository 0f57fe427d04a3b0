//! The language server: tower-lsp-server glue over the core. Handlers are
//! short; documents, the workspace on disk, scheduling and publishing each
//! live in their own module.

mod backend;
mod documents;
mod ide;
mod scheduler;
mod settings;
mod workspace;

use tower_lsp_server::{LspService, Server};

/// Runs the server over stdio until the client says `exit`.
pub fn run() {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ASL_LSP_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("asl-lsp: cannot start the async runtime: {err}");
            return;
        }
    };
    runtime.block_on(async {
        let (service, socket) = LspService::build(backend::Backend::new)
            .custom_method("asl-lsp/documentText", backend::Backend::document_text)
            .custom_method("asl-lsp/stats", backend::Backend::stats)
            .finish();
        Server::new(tokio::io::stdin(), tokio::io::stdout(), socket)
            .serve(service)
            .await;
    });
}
