-- asl-lsp for Neovim 0.11+: put editors/nvim on 'runtimepath' (or copy this
-- file to lsp/ in your config) and call vim.lsp.enable('asl_lsp').
-- It runs beside the JSON, YAML and Terraform servers you enable: Neovim
-- attaches every enabled server whose filetypes match.
return {
  cmd = { 'asl-lsp' },
  filetypes = { 'json', 'yaml', 'asl-json', 'asl-yaml', 'terraform' },
  root_markers = { '.asl-lsp.json', '.git' },
  init_options = { debounceMs = 150 },
}
