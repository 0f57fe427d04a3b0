# Not ours: no state machine here, so its syntax is not reported.
variable "x" {
