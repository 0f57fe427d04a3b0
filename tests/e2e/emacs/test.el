;;; test.el --- asl-lsp through Emacs eglot, in batch.  -*- lexical-binding: t; -*-
;; emacs -Q --batch -l test.el < /dev/null
;; Environment: EXAMPLES (a copy of examples/), EDITORS_EMACS (editors/emacs);
;; `asl-lsp' is found on PATH, as the README snippet expects.
;; Exit codes: 0 pass, 1 a failed check, 2 a Lisp error, 3 timeout.

;; What the test expects.
(defconst asl-file "orders/orders.asl.json")
(defconst asl-expected-codes '("sync-missing-events-permissions" "unscoped-lambda-invoke"))
(defconst asl-hover-at '(:line 6 :character 25))   ; the Lambda task's Resource
(defconst asl-hover-text "allowed by orders.policy.json")
(defconst asl-fix-code "unscoped-lambda-invoke")
(defconst asl-fix-title "Scope lambda:InvokeFunction to the invoked functions")
(defconst asl-fix-file "orders/orders.policy.json")  ; where the fix edits
(defconst asl-fixed-text "function:ValidateOrder:*")
(defconst asl-terraform-file "terraform/main.tf")
(defconst asl-terraform-codes '("logging-disabled" "unscoped-lambda-invoke" "unscoped-lambda-invoke"))

(require 'package)
(add-to-list 'package-directory-list "/usr/share/emacs/site-lisp/elpa") ; -Q drops site-lisp
(package-initialize)
(require 'eglot)
(require 'flymake)
(require 'cl-lib)
(require 'js)

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
(defun asl-lsp-diagnostic (d)
  (cdr (assoc 'eglot-lsp-diag (flymake-diagnostic-data d))))
(defun asl-codes (buffer)
  (with-current-buffer buffer
    (sort (mapcar (lambda (d) (format "%s" (plist-get (asl-lsp-diagnostic d) :code)))
                  (flymake-diagnostics))
          #'string<)))
(defun asl-visit (file &optional mode)
  "Visit FILE under EXAMPLES in the mode `auto-mode-alist' gives it (or
MODE), with eglot."
  ;; Visible: flymake defers starting in buffers no window shows.
  (let ((buffer (find-file (expand-file-name file (getenv "EXAMPLES")))))
    (with-current-buffer buffer
      (when mode (funcall mode))
      (eglot-ensure)
      (run-hooks 'post-command-hook))   ; eglot-ensure waits for a command
    buffer))

;; Emacs 28 has no js-json-mode (Emacs 29 opens .json files in it, derived
;; from js-mode); define it the same way so the README snippet is used as is.
(unless (fboundp 'js-json-mode)
  (define-derived-mode js-json-mode js-mode "JSON"))
;; No Terraform mode in Debian's Emacs: a stand-in of the same name, as
;; terraform-mode from MELPA would be.
(unless (fboundp 'terraform-mode)
  (define-derived-mode terraform-mode prog-mode "Terraform")
  (add-to-list 'auto-mode-alist '("\\.tf\\'" . terraform-mode)))
(defun asl-server-for (mode)
  "The command eglot's first entry for MODE runs."
  (cdr (cl-find-if (lambda (entry)
                     (let ((modes (car entry)))
                       (memq mode (mapcar (lambda (m) (if (consp m) (car m) m))
                                          (if (listp modes) modes (list modes))))))
                   eglot-server-programs)))

(run-at-time 60 nil (lambda () (message "FAIL timeout") (kill-emacs 3)))
(condition-case err
    (progn
      ;; The README snippet, file as shipped.
      (load (expand-file-name "asl-lsp.el" (getenv "EDITORS_EMACS")))
      ;; By default asl-lsp takes only its own modes: JSON keeps its server.
      (asl-check (not (equal (asl-server-for 'js-json-mode) '("asl-lsp")))
                 (format "by default plain JSON keeps its server: %S" (asl-server-for 'js-json-mode)))
      (asl-check (equal (asl-server-for 'asl-json-mode) '("asl-lsp")) "asl-json-mode runs asl-lsp")
      ;; The opt-in the file documents: policies and Terraform too.
      (setq asl-lsp-eglot-modes '(js-json-mode yaml-mode terraform-mode))
      (asl-lsp-eglot-setup)
      (asl-check (equal (asl-server-for 'terraform-mode) '("asl-lsp")) "opted in: terraform-mode runs asl-lsp")
      (let* ((definition (asl-visit asl-file))
             (server (asl-wait 15 (lambda () (with-current-buffer definition (eglot-current-server))))))
        (asl-check server "eglot connected")
        (asl-check (eq (buffer-local-value 'major-mode definition) 'asl-json-mode)
                   "the definition opens in asl-json-mode")
        (asl-check (asl-wait 15 (lambda () (equal (asl-codes definition) asl-expected-codes)))
                   (format "headline findings: %S" (asl-codes definition)))
        (with-current-buffer definition
          (let* ((hover (jsonrpc-request server :textDocument/hover
                                         (list :textDocument (eglot--TextDocumentIdentifier)
                                               :position asl-hover-at)))
                 (text (or (plist-get (plist-get hover :contents) :value) "")))
            (asl-check (string-search asl-hover-text text) (format "hover: %S" text))))
        ;; Open the policy too: eglot then applies the fix to a managed
        ;; buffer and the server sees the edit.
        (let* ((policy (asl-visit asl-fix-file 'js-json-mode))
               (titles nil)
               (find-action
                (lambda ()
                  (with-current-buffer definition
                    (let* ((diagnostic (cl-find-if (lambda (d) (equal (plist-get (asl-lsp-diagnostic d) :code)
                                                                     asl-fix-code))
                                                   (flymake-diagnostics)))
                           (lsp (and diagnostic (asl-lsp-diagnostic diagnostic)))
                           (actions (and lsp (jsonrpc-request
                                              server :textDocument/codeAction
                                              (list :textDocument (eglot--TextDocumentIdentifier)
                                                    :range (plist-get lsp :range)
                                                    :context (list :diagnostics (vector lsp)))))))
                      (setq titles (mapcar (lambda (a) (plist-get a :title)) actions))
                      (cl-find-if (lambda (a) (equal (plist-get a :title) asl-fix-title)) actions)))))
               ;; Fixes published before the policy was opened were made for
               ;; the file on disk and are refused as stale; the publish that
               ;; follows the didOpen carries fixes for the buffer.
               (action (asl-wait 10 find-action)))
          (asl-check action (format "code action %S among %S" asl-fix-title titles))
          (when action
            (eglot--apply-workspace-edit (plist-get action :edit) nil)
            (asl-check (with-current-buffer policy
                         (string-search asl-fixed-text (buffer-string)))
                       "the fix edited the policy buffer")
            ;; eglot sends the change from an idle timer, which batch mode
            ;; never runs: send it now.
            (with-current-buffer policy (eglot--signal-textDocument/didChange))
            (switch-to-buffer definition)
            (asl-check (asl-wait 15 (lambda () (not (member asl-fix-code (asl-codes definition)))))
                       (format "%s gone from the definition: %S" asl-fix-code (asl-codes definition)))
            (asl-check (equal (asl-codes definition) (remove asl-fix-code asl-expected-codes))
                       "the other findings stay")))
        (eglot-shutdown server))
      ;; Terraform: main.tf in terraform-mode, its findings shown.
      (let* ((module (asl-visit asl-terraform-file))
             (server (asl-wait 15 (lambda () (with-current-buffer module (eglot-current-server))))))
        (asl-check (and server (eq (buffer-local-value 'major-mode module) 'terraform-mode))
                   "eglot connected to main.tf in terraform-mode")
        (asl-check (asl-wait 15 (lambda () (equal (asl-codes module) asl-terraform-codes)))
                   (format "Terraform findings: %S" (asl-codes module)))
        (when server (eglot-shutdown server))))
  (error (message "ERROR %S" err) (kill-emacs 2)))
(message "%d failure(s)" asl-failures)
(dolist (b (buffer-list)) (with-current-buffer b (set-buffer-modified-p nil)))
(kill-emacs (if (= asl-failures 0) 0 1))
