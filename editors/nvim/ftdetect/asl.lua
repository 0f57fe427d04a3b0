-- State machine definitions keep JSON/YAML highlighting under their own filetype.
-- `.tf` is Terraform (Neovim would otherwise guess TinyFugue for some files).
vim.filetype.add({
  extension = {
    tf = 'terraform',
  },
  pattern = {
    ['.*%.asl%.json'] = 'json',
    ['.*%.asl%.ya?ml'] = 'yaml',
  },
})
