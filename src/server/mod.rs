//! The language server: tower-lsp-server glue over the core. Handlers are
//! short; documents, the workspace on disk, scheduling and publishing each
//! live in their own module.

mod backend;
mod documents;
mod framing;
mod ide;
mod pull;
mod scheduler;
mod settings;
mod state;
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
        // tower-lsp-server reads and writes through pipes; the framing
        // layer sits between them and stdio (see `framing`).
        let (to_server, server_in) = tokio::io::duplex(64 * 1024);
        let (server_out, from_server) = tokio::io::duplex(64 * 1024);
        let (out, frames) = framing::queue();
        let writer = tokio::spawn(framing::write_frames(tokio::io::stdout(), frames));
        tokio::spawn(framing::read_client(tokio::io::stdin(), to_server, out.clone()));
        let relay = tokio::spawn(framing::relay_server(from_server, out));
        Server::new(server_in, server_out, socket).serve(service).await;
        // The server's output is closed: write what it left, then stop
        // (the client reader may still wait on stdin; it is dropped).
        let _ = relay.await;
        let _ = writer.await;
    });
    runtime.shutdown_background();
}
