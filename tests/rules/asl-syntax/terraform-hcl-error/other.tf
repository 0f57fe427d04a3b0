# The same module as main.tf: its syntax errors are reported too.
variable "x" {
