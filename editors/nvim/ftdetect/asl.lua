-- State machine definitions keep JSON/YAML highlighting under their own filetype.
vim.filetype.add({
  pattern = {
    ['.*%.asl%.json'] = 'json',
    ['.*%.asl%.ya?ml'] = 'yaml',
  },
})
