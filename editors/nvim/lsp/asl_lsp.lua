-- asl-lsp for Neovim 0.11+: put editors/nvim on 'runtimepath' (or copy this
-- file to lsp/ in your config) and call vim.lsp.enable('asl_lsp').
return {
  cmd = { 'asl-lsp' },
  filetypes = { 'json', 'yaml', 'asl-json', 'asl-yaml' },
  root_markers = { '.asl-lsp.json', '.git' },
  init_options = { debounceMs = 150 },
}
