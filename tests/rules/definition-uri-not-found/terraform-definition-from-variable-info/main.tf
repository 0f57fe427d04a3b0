variable "definition" {
  type = string
}

resource "aws_sfn_state_machine" "flow" {
  name       = "flow"
  role_arn   = "arn:aws:iam::123456789012:role/flow"
  definition = var.definition
}
