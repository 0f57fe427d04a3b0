;;; asl-lsp.el --- asl-lsp for Emacs: lsp-mode beside your servers, eglot by opt-in  -*- lexical-binding: t; -*-
;;
;; lsp-mode runs several servers in one buffer: asl-lsp is registered as
;; an add-on (`:add-on? t'), so it runs beside the JSON, YAML or Terraform
;; server you already use and replaces none of them.
;;
;; eglot runs one server per buffer. So that your JSON and YAML buffers
;; keep their server, asl-lsp gets its own modes for state machine
;; definitions (`asl-json-mode' for *.asl.json, `asl-yaml-mode' for
;; *.asl.yaml / *.asl.yml, derived from your JSON and YAML modes) and
;; eglot runs asl-lsp there only. To have eglot check IAM policies,
;; templates and Terraform files too, opt in with the modes in which
;; asl-lsp should be the server instead of the usual one:
;;
;;   (setq asl-lsp-eglot-modes '(js-json-mode yaml-mode terraform-mode))
;;
;; (set it before this file is loaded, or call `asl-lsp-eglot-setup'
;; after changing it).

(require 'seq)

(defgroup asl-lsp nil
  "AWS Step Functions state machines and their IAM roles."
  :group 'tools)

(defcustom asl-lsp-command '("asl-lsp")
  "The command that starts asl-lsp."
  :type '(repeat string))

(defcustom asl-lsp-eglot-modes nil
  "Major modes in which eglot runs asl-lsp instead of their usual server.
asl-lsp always serves `asl-json-mode' and `asl-yaml-mode'. Add the
JSON, YAML and Terraform modes here (for example `js-json-mode',
`yaml-mode', `terraform-mode') to have policies, templates and
Terraform files checked with eglot; they then lose their own server."
  :type '(repeat symbol))

(defun asl-lsp--first-mode (candidates)
  "The first mode of CANDIDATES that is defined."
  (or (seq-find #'fboundp candidates) 'prog-mode))

(defalias 'asl-lsp--json-parent
  (asl-lsp--first-mode '(json-mode js-json-mode jsonc-mode js-mode)))
(defalias 'asl-lsp--yaml-parent
  (asl-lsp--first-mode '(yaml-mode yaml-ts-mode)))

(define-derived-mode asl-json-mode asl-lsp--json-parent "ASL"
  "A state machine definition in JSON (Amazon States Language).")
(define-derived-mode asl-yaml-mode asl-lsp--yaml-parent "ASL-YAML"
  "A state machine definition in YAML (Amazon States Language).")

(add-to-list 'auto-mode-alist '("\\.asl\\.json\\'" . asl-json-mode))
(add-to-list 'auto-mode-alist '("\\.asl\\.ya?ml\\'" . asl-yaml-mode))

(defun asl-lsp-eglot-setup ()
  "Make eglot run asl-lsp for its modes and `asl-lsp-eglot-modes'."
  (setq eglot-server-programs
        (seq-remove (lambda (entry) (equal (cdr entry) asl-lsp-command))
                    eglot-server-programs))
  (add-to-list 'eglot-server-programs
               (cons (append '(asl-json-mode asl-yaml-mode) asl-lsp-eglot-modes)
                     asl-lsp-command)))

(with-eval-after-load 'eglot
  (asl-lsp-eglot-setup))

(with-eval-after-load 'lsp-mode
  (dolist (mode '((asl-json-mode . "json") (asl-yaml-mode . "yaml")))
    (add-to-list 'lsp-language-id-configuration mode))
  (lsp-register-client
   (make-lsp-client
    :new-connection (lsp-stdio-connection (lambda () asl-lsp-command))
    :activation-fn (lsp-activate-on "json" "jsonc" "yaml" "terraform")
    :add-on? t
    :priority -1
    :server-id 'asl-lsp)))

(provide 'asl-lsp)
;;; asl-lsp.el ends here
