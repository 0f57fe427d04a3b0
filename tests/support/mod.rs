#![allow(dead_code)]
pub mod lsp;
pub mod render;
