;;; asl-lsp.el --- eglot setup for asl-lsp  -*- lexical-binding: t; -*-
;; Start asl-lsp for JSON and YAML buffers (state machines, policies,
;; templates); it ignores files that are none of these.
(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs
               '((json-mode json-ts-mode js-json-mode yaml-mode yaml-ts-mode) . ("asl-lsp"))))
(provide 'asl-lsp)
;;; asl-lsp.el ends here
