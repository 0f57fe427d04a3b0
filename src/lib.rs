pub mod cli;
pub mod core;
pub mod protocol;
pub mod server;
