-- Headless Neovim 0.11 end-to-end test of asl-lsp, through the user-facing
-- path: editors/nvim on 'runtimepath', vim.lsp.enable('asl_lsp'), a real
-- buffer. Exit codes: 0 pass, 1 a failed check, 2 a Lua error, 3 timeout.
-- Environment: EXAMPLES (a copy of examples/), EDITORS_NVIM (editors/nvim);
-- `asl-lsp` is found on PATH, as the shipped configuration expects.

-- What the test expects (0-based line:column, as vim.diagnostic has them).
local FILE = 'orders/orders.asl.json'
local EXPECTED = { 'sync-missing-events-permissions 16:18', 'unscoped-lambda-invoke 6:18' }
local HOVER_AT = { line = 6, character = 25 } -- the Lambda task's Resource
local HOVER_TEXT = 'allowed by orders.policy.json'
local FIX_FILE = 'orders/orders.policy.json' -- the fix is applied where the policy is
local FIX_CODE = 'unscoped-lambda-invoke'
local FIX_TITLE = 'Scope lambda:InvokeFunction to the invoked functions'
local FIXED_TEXT = 'function:ValidateOrder:*'
local TERRAFORM_FILE = 'terraform/main.tf'
local TERRAFORM_EXPECTED = { 'logging-disabled 10:33', 'unscoped-lambda-invoke 18:19', 'unscoped-lambda-invoke 53:17' }

local started = vim.uv.hrtime()
local failures = 0
local function log(fmt, ...)
  io.stdout:write(string.format('[%6d ms] ' .. fmt .. '\n', (vim.uv.hrtime() - started) / 1e6, ...))
end
local function check(ok, what, detail)
  if ok then
    log('PASS %s', what)
  else
    failures = failures + 1
    log('FAIL %s %s', what, detail and vim.inspect(detail) or '')
  end
  return ok
end
vim.defer_fn(function()
  log('FAIL watchdog: 60 s')
  vim.cmd('cquit 3')
end, 60000)

local ok, err = pcall(function()
  vim.cmd('filetype on')
  local examples = assert(os.getenv('EXAMPLES'), 'EXAMPLES is not set')
  -- The shipped configuration, found on the runtimepath as nvim-lspconfig would ship it.
  vim.opt.runtimepath:prepend(os.getenv('EDITORS_NVIM'))
  vim.lsp.enable('asl_lsp')

  vim.cmd('edit ' .. examples .. '/' .. FILE)
  local definition = vim.api.nvim_get_current_buf()
  check(vim.wait(15000, function()
    return #vim.lsp.get_clients({ bufnr = definition, name = 'asl_lsp' }) > 0
  end, 20), 'client attached to the definition')

  local function codes(bufnr)
    local out = {}
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      out[#out + 1] = string.format('%s %d:%d', d.code, d.lnum, d.col)
    end
    table.sort(out)
    return out
  end
  check(vim.wait(15000, function()
    return vim.deep_equal(codes(definition), EXPECTED)
  end, 20), 'headline findings on the definition', codes(definition))

  -- Hover on the Lambda task's Resource.
  local client = vim.lsp.get_clients({ bufnr = definition, name = 'asl_lsp' })[1]
  local hover = client:request_sync('textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(definition) },
    position = HOVER_AT,
  }, 5000, definition)
  local text = hover and hover.result and hover.result.contents and hover.result.contents.value or ''
  check(text:find(HOVER_TEXT, 1, true) ~= nil, 'hover shows what the task needs', text)

  -- The policy gets its findings too; apply the unscoped-lambda-invoke fix there.
  vim.cmd('edit ' .. examples .. '/' .. FIX_FILE)
  local policy = vim.api.nvim_get_current_buf()
  check(vim.wait(15000, function()
    for _, d in ipairs(vim.diagnostic.get(policy)) do
      if d.code == FIX_CODE then
        vim.api.nvim_win_set_cursor(0, { d.lnum + 1, d.col })
        return true
      end
    end
    return false
  end, 20), 'headline finding on the policy', codes(policy))
  local function fixed()
    local lines = table.concat(vim.api.nvim_buf_get_lines(policy, 0, -1, false), '\n')
    return lines:find(FIXED_TEXT, 1, true) ~= nil
  end
  -- Diagnostics published before the buffer was opened carry fixes for the
  -- file on disk, which the server refuses as stale; the next publish
  -- carries fixes for this buffer's version.
  for _ = 1, 20 do
    for _, d in ipairs(vim.diagnostic.get(policy)) do
      if d.code == FIX_CODE then
        vim.api.nvim_win_set_cursor(0, { d.lnum + 1, d.col })
      end
    end
    vim.lsp.buf.code_action({
      apply = true,
      filter = function(action)
        return action.title == FIX_TITLE
      end,
    })
    if vim.wait(500, fixed, 20) then
      break
    end
  end
  check(fixed(), 'the quick fix edited the policy buffer')
  check(vim.wait(15000, function()
    for _, d in ipairs(vim.diagnostic.get(policy)) do
      if d.code == FIX_CODE then
        return false
      end
    end
    return true
  end, 20), 'the finding is gone from the policy after the fix', codes(policy))
  check(vim.wait(15000, function()
    for _, d in ipairs(vim.diagnostic.get(definition)) do
      if d.code == FIX_CODE then
        return false
      end
    end
    return #vim.diagnostic.get(definition) > 0
  end, 20), 'and from the definition, whose other finding stays', codes(definition))

  -- Terraform: main.tf gets the client and its findings.
  vim.cmd('edit ' .. examples .. '/' .. TERRAFORM_FILE)
  local module = vim.api.nvim_get_current_buf()
  check(vim.bo[module].filetype == 'terraform', 'main.tf is a terraform buffer', vim.bo[module].filetype)
  check(vim.wait(15000, function()
    return #vim.lsp.get_clients({ bufnr = module, name = 'asl_lsp' }) > 0
  end, 20), 'client attached to main.tf')
  check(vim.wait(15000, function()
    return vim.deep_equal(codes(module), TERRAFORM_EXPECTED)
  end, 20), 'Terraform findings on main.tf', codes(module))
end)

if not ok then
  log('ERROR %s', tostring(err))
  vim.cmd('cquit 2')
end
log('%d failure(s)', failures)
vim.cmd(failures == 0 and 'qall!' or 'cquit 1')
