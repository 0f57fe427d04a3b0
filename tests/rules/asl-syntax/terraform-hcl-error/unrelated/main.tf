# Another module without a state machine: not ours, not reported.
variable "x" {
