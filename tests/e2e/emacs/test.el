;;; test.el --- asl-lsp through Emacs eglot, in batch.  -*- lexical-binding: t; -*-
;; emacs -Q --batch -l test.el; environment: ASL_LSP, EXAMPLES, EDITORS_EMACS.
;; Exit codes: 0 pass, 1 a failed check, 2 a Lisp error, 3 timeout.
(require 'package)
(add-to-list 'package-directory-list "/usr/share/emacs/site-lisp/elpa") ; -Q drops site-lisp
(package-initialize)
(require 'eglot)
(require 'flymake)
(require 'cl-lib)

(defvar asl-failures 0)
(defun asl-check (ok what)
  (message "%s %s" (if ok "PASS" "FAIL") what)
  (unless ok (cl-incf asl-failures))
  ok)
(defun asl-wait (seconds pred)
  (let ((deadline (+ (float-time) seconds)))
    (while (and (not (funcall pred)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (funcall pred)))
(defun asl-codes ()
  (sort (mapcar (lambda (d)
                  (let ((lsp (cdr (assoc 'eglot-lsp-diag (flymake-diagnostic-data d)))))
                    (format "%s" (plist-get lsp :code))))
                (flymake-diagnostics))
        #'string<))

(run-at-time 60 nil (lambda () (message "TIMEOUT") (kill-emacs 3)))
(condition-case err
    (progn
      ;; The snippet the README shows, with the server binary under test.
      (load (expand-file-name "asl-lsp.el" (getenv "EDITORS_EMACS")))
      (setq eglot-server-programs
            (cons `((js-mode js-json-mode json-mode) . (,(getenv "ASL_LSP")))
                  eglot-server-programs))
      (find-file (expand-file-name "orders/orders.asl.json" (getenv "EXAMPLES")))
      (js-mode)
      (eglot-ensure)
      (run-hooks 'post-command-hook)        ; eglot-ensure waits for a command
      (asl-check (asl-wait 15 #'eglot-current-server) "eglot connected")
      (asl-check (asl-wait 15 (lambda ()
                                (equal (asl-codes)
                                       '("sync-missing-events-permissions" "unscoped-lambda-invoke"))))
                 (format "headline findings: %S" (asl-codes)))
      (let* ((server (eglot-current-server))
             (diagnostic (cl-find-if (lambda (d)
                                       (equal (plist-get (cdr (assoc 'eglot-lsp-diag (flymake-diagnostic-data d))) :code)
                                              "sync-missing-events-permissions"))
                                     (flymake-diagnostics)))
             (lsp (cdr (assoc 'eglot-lsp-diag (flymake-diagnostic-data diagnostic))))
             (actions (jsonrpc-request server :textDocument/codeAction
                                       (list :textDocument (eglot--TextDocumentIdentifier)
                                             :range (plist-get lsp :range)
                                             :context (list :diagnostics (vector lsp)))))
             (titles (mapcar (lambda (a) (plist-get a :title)) actions)))
        (asl-check (cl-some (lambda (title) (string-prefix-p "Allow ecs:DescribeTasks" title)) titles)
                   (format "code actions %S" titles))
        ;; The fix edits the policy, another file: visit it (eglot 1.9 asks
        ;; before editing files that are not visited), then apply.
        (find-file-noselect (expand-file-name "orders/orders.policy.json" (getenv "EXAMPLES")))
        (eglot--apply-workspace-edit (plist-get (aref actions 0) :edit) nil)
        (let ((policy (get-file-buffer (expand-file-name "orders/orders.policy.json" (getenv "EXAMPLES")))))
          (asl-check (and policy
                          (with-current-buffer policy
                            (string-match-p "StepFunctionsGetEventsForECSTaskRule" (buffer-string))))
                     "the fix edited the policy"))
        (eglot-shutdown server)))
  (error (message "ERROR %S" err) (kill-emacs 2)))
(message "%d failure(s)" asl-failures)
(dolist (b (buffer-list)) (with-current-buffer b (set-buffer-modified-p nil)))
(kill-emacs (if (= asl-failures 0) 0 1))
